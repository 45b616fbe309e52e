/** Shared helpers for tests that run on real Temporal servers. */
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Connection, type Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SEARCH_ATTRIBUTE_TYPES } from '../temporal/search-attributes';
import { clientOn } from '../client/connection';
import { dataConverter } from '../client/codec';

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The time-skipping test server, from the project's own binary when there is one. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = inject('testServerPath');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: path ? { type: 'existing-path', path } : { type: 'cached-download' } },
    client: { dataConverter: dataConverter() },
  });
  // The test server has no list API, but it does check that upserted search attributes exist.
  const types: Record<string, number> = { Keyword: 2, Int: 3 };
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([k, t]) => [k, types[t]])),
  });
  return env;
}

/** A client on the run's shared dev server (started in global-setup). */
export async function devServerClient(): Promise<{ client: Client; connection: Connection; address: string }> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  return { client: clientOn(connection), connection, address };
}

/** Retries an assertion until it holds: application reports reach the campaign asynchronously. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Keep test output readable: the worker logs warnings and errors only. */
export function quietWorkerLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process.
  }
}
