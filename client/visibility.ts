/** Lists through Temporal's visibility API (search attributes): one listing, never a Query per workflow. */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { defineSearchAttributeKey } from '@temporalio/common';
import { CommitteeId, Stage, Subdistrict } from '../temporal/search-attributes';

type Key = ReturnType<typeof defineSearchAttributeKey>;

/** Clause values come from validated input; quotes are dropped so a value can never end its string early. */
const literal = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, '')}'`);

/** `WorkflowType = '<type>' AND Attr = value …` for every filter entry that is set. */
export function visibilityQuery(
  workflowType: string,
  filter: Record<string, string | number | undefined>,
  extra: string[] = [],
): string {
  const clauses = [`WorkflowType = ${literal(workflowType)}`];
  for (const [key, value] of Object.entries(filter))
    if (value !== undefined && value !== '') clauses.push(`${key} = ${literal(value)}`);
  return [...clauses, ...extra].join(' AND ');
}

/** A search attribute of a listed workflow as text ('' when unset). */
export function attribute(wf: WorkflowExecutionInfo, key: Key): string {
  return String(wf.typedSearchAttributes.get(key) ?? '');
}

/** Every workflow the query matches, each mapped to a row. */
export async function listWorkflows<T>(
  client: Client,
  query: string,
  row: (wf: WorkflowExecutionInfo) => T,
): Promise<T[]> {
  const rows: T[] = [];
  for await (const wf of client.workflow.list({ query })) rows.push(row(wf));
  return rows;
}

/** A committee's workflow that upserts its stage (an application, a re-evaluation), as one row of a list. */
export function stageRow(wf: WorkflowExecutionInfo) {
  return {
    workflowId: wf.workflowId,
    committeeId: attribute(wf, CommitteeId),
    subdistrict: attribute(wf, Subdistrict),
    stage: attribute(wf, Stage),
    status: wf.status.name,
  };
}

export const byCommittee = (a: { committeeId: string }, b: { committeeId: string }) =>
  a.committeeId.localeCompare(b.committeeId);
