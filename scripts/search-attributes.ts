/**
 * Registers the project's custom search attributes on an existing cluster (the dev server gets
 * them on its command line instead). Idempotent: existing attributes are left alone, an
 * "already exists" answer (a concurrent registration) is ignored, a type clash is an error.
 */
import type { OperatorService } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../temporal/search-attributes';

/** temporal.api.enums.v1.IndexedValueType (@temporalio/proto is not a direct dependency). */
const TYPE_TO_PROTO: Record<'Int' | 'Keyword', number> = { Keyword: 2, Int: 3 };
const PROTO_TO_NAME: Record<number, string> = {
  1: 'Text',
  2: 'Keyword',
  3: 'Int',
  4: 'Double',
  5: 'Bool',
  6: 'Datetime',
  7: 'KeywordList',
};

const GRPC_ALREADY_EXISTS = 6;

function isAlreadyExists(err: unknown): boolean {
  const e = err as { code?: number; details?: string; message?: string };
  return e?.code === GRPC_ALREADY_EXISTS || /already exists/i.test(`${e?.details ?? ''} ${e?.message ?? ''}`);
}

async function listCustom(operatorService: OperatorService, namespace: string): Promise<Map<string, number>> {
  const res = await operatorService.listSearchAttributes({ namespace });
  return new Map(Object.entries(res.customAttributes ?? {}).map(([k, v]) => [k, Number(v)]));
}

/** Ensures every attribute of SEARCH_ATTRIBUTE_TYPES exists on `namespace`; returns the names it added. */
export async function ensureSearchAttributes(
  connection: { operatorService: OperatorService },
  namespace: string,
  opts: { visibleTimeoutMs?: number; log?: (msg: string) => void } = {},
): Promise<string[]> {
  const { operatorService } = connection;
  const wanted = new Map(Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [name, TYPE_TO_PROTO[type]]));
  const existing = await listCustom(operatorService, namespace);

  const clashes = [...wanted].filter(([name, type]) => existing.has(name) && existing.get(name) !== type);
  if (clashes.length > 0) {
    const list = clashes.map(
      ([name]) =>
        `${name} is ${PROTO_TO_NAME[existing.get(name)!] ?? existing.get(name)}, want ${SEARCH_ATTRIBUTE_TYPES[name]}`,
    );
    throw new Error(`Search attributes with the wrong type on namespace ${namespace}: ${list.join('; ')}`);
  }
  const missing = [...wanted].filter(([name]) => !existing.has(name));
  if (missing.length === 0) return [];

  opts.log?.(`registering search attributes on ${namespace}: ${missing.map(([n]) => n).join(', ')}`);
  try {
    await operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing) });
  } catch (err) {
    if (!isAlreadyExists(err)) {
      const manual = missing.map(
        ([n]) =>
          `temporal operator search-attribute create --namespace ${namespace} --name ${n} --type ${SEARCH_ATTRIBUTE_TYPES[n]}`,
      );
      throw new Error(
        `Could not register search attributes (${String((err as Error)?.message ?? err)}). Register them yourself:\n  ${manual.join('\n  ')}`,
        { cause: err },
      );
    }
  }

  // Some clusters take a moment before new attributes are listed (and usable).
  const deadline = Date.now() + (opts.visibleTimeoutMs ?? 30_000);
  for (;;) {
    const now = await listCustom(operatorService, namespace);
    const notYet = missing.filter(([name]) => !now.has(name)).map(([n]) => n);
    if (notYet.length === 0) break;
    if (Date.now() > deadline)
      throw new Error(`Search attributes still not visible on ${namespace}: ${notYet.join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return missing.map(([name]) => name);
}
