/**
 * `--address host:port --namespace ns [--server-pids p,q,…]`: run the bench against a Temporal frontend that is
 * already running (the PostgreSQL cluster of `npm run cluster`, or any other) instead of dev servers of its own.
 * The bench still starts its own workers and SMTP sink; it registers the project's search attributes on the
 * namespace if they are missing (idempotent) and leaves the server running.
 *
 * The server's CPU cannot be read from a server the bench did not start, yet busy time needs it (a sample is idle
 * only when the worker and the server together use under 10 % of a core, bench/monitor.ts). `--server-pids` names
 * the server's local processes (for the cluster: its four services and the PostgreSQL postmaster, whose process
 * tree holds the backends); without it, server CPU is not measured and busy time counts the worker's CPU alone.
 */
import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { ensureSearchAttributes } from '../scripts/search-attributes';

export interface ExternalServer {
  address: string;
  namespace: string;
  /** Local processes of the server, whose process trees' CPU is the server CPU; empty: not measured. */
  pids: number[];
}

const externalSchema = z.object({
  address: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')
    .refine((a) => Number(a.slice(a.lastIndexOf(':') + 1)) <= 65_535, 'port must be at most 65535'),
  // Temporal's own rule for a namespace name: letters, digits, '.', '-', '_', at most 255 characters.
  namespace: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, "must be a namespace name (letters, digits, '.', '-', '_')"),
  pids: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be process ids separated by commas, e.g. 1201,1202')
    .transform((s) => [...new Set(s.split(',').map(Number))])
    .refine((ps) => ps.every((p) => p > 0 && existsSync(`/proc/${p}`)), 'every process must be running on this machine')
    .optional(),
});

/** Validates the command-line values; a one-line error naming the option otherwise. */
export function parseExternalServer(raw: { address?: string; namespace?: string; pids?: string }): ExternalServer {
  const r = externalSchema.safeParse({ address: raw.address, namespace: raw.namespace ?? 'default', pids: raw.pids });
  if (!r.success) {
    const issue = r.error.issues[0];
    const field =
      { address: '--address', namespace: '--namespace', pids: '--server-pids' }[String(issue.path[0])] ??
      String(issue.path[0]);
    throw new Error(`${field}: ${issue.code === 'invalid_type' ? 'is required' : issue.message}`);
  }
  return { address: r.data.address, namespace: r.data.namespace, pids: r.data.pids ?? [] };
}

/** Checks the frontend answers on the namespace and registers the project's search attributes where missing. */
export async function prepareExternalServer(server: ExternalServer, log: (line: string) => void): Promise<void> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: server.address, connectTimeout: 10_000 });
  } catch (err) {
    throw new Error(
      `--address ${server.address}: no Temporal frontend answers there (${String((err as Error)?.message ?? err).split('\n')[0]})`,
      { cause: err },
    );
  }
  try {
    await connection.workflowService.describeNamespace({ namespace: server.namespace }).catch((err) => {
      throw new Error(
        `--namespace ${server.namespace}: not found on ${server.address} (${String((err as Error)?.message ?? err).split('\n')[0]})`,
      );
    });
    const added = await ensureSearchAttributes(connection, server.namespace, { log });
    log(
      `server ${server.address}, namespace ${server.namespace}: search attributes ${added.length ? `registered: ${added.join(', ')}` : 'already there'}`,
    );
  } finally {
    await connection.close();
  }
}

/**
 * `count` distinct bench years (2100–2199, like a fresh server's) that no workflow on the namespace carries yet,
 * so a run never meets an earlier run's campaign, applications or floor workflows on a server that persists.
 */
export async function unusedYears(server: ExternalServer, count: number): Promise<number[]> {
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection, namespace: server.namespace });
    const out: number[] = [];
    const candidates = Array.from({ length: 100 }, (_, i) => 2100 + i).sort(() => Math.random() - 0.5);
    for (const year of candidates) {
      if (out.length === count) break;
      if ((await client.workflow.count(`CampaignYear = ${year}`)).count === 0) out.push(year);
    }
    if (out.length < count)
      throw new Error(
        `--namespace ${server.namespace}: every bench year 2100–2199 is taken by earlier runs; use another namespace`,
      );
    return out;
  } finally {
    await connection.close();
  }
}
