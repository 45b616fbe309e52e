/**
 * A value built on its first use and kept. Workflow code imports it for zod schemas: every cached workflow
 * evaluates its modules again in a sandbox of its own, and a zod schema built at module load (a few KiB per
 * field, with its own method closures) is held by each one, used or not (bench/MEMORY.md). Workflow-safe.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
