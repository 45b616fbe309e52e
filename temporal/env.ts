/** Optional number settings from the environment, checked with zod where they are read. */
import { z } from 'zod';

/** An optional number setting; a value outside `schema` stops the caller with a line naming the variable. */
export function numberFromEnv(
  name: string,
  schema: z.ZodType<number>,
  expected: string,
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${name}: expected ${expected}, got ${JSON.stringify(raw)}`);
  return parsed.data;
}
