/** Searches stored histories for text that should only ever be there encrypted. */
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Every needle found in a string of `value`, as is or inside base64 (how payload bytes appear in JSON). */
export function plaintextHits(value: unknown, needles: string[], where = '$'): string[] {
  if (typeof value === 'string') {
    const texts = [value];
    if (value.length >= 8 && value.length % 4 === 0 && BASE64.test(value))
      texts.push(Buffer.from(value, 'base64').toString('utf8'));
    return needles.filter((n) => texts.some((t) => t.includes(n))).map((n) => `${where}: ${n}`);
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => plaintextHits(v, needles, `${where}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => plaintextHits(v, needles, `${where}.${k}`));
  return [];
}

/** Every run matching a visibility query, with its raw history (payloads as the server stores them). */
export async function rawHistories(
  client: Client,
  query: string,
): Promise<{ id: string; json: unknown; searchAttributes: unknown }[]> {
  const out: { id: string; json: unknown; searchAttributes: unknown }[] = [];
  for await (const wf of client.workflow.list({ query })) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    out.push({
      id: `${wf.workflowId}/${wf.runId}`,
      json: JSON.parse(historyToJSON(history)),
      searchAttributes: wf.searchAttributes,
    });
  }
  return out;
}
