/** Builds the worker: one task queue for every workflow and activity of the project. */
import {
  bundleWorkflowCode,
  Worker,
  type BundleOptions,
  type NativeConnection,
  type WorkerOptions,
} from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActivities } from '../activities';
import type { KickoffOptions } from '../activities/kickoff';
import { createMailer, type Mailer } from '../activities/mailer';
import { TASK_QUEUE } from '../temporal/ids';
import { sharedZod } from './shared-zod';
import { dataConverter, FAILURE_CONVERTER_PATH } from '../client/codec';
import type * as Workflows from '../workflows';
import type * as WorkflowsEntry from './workflows-entry';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  client: Client;
  namespace?: string;
  taskQueue?: string;
  /** A prebuilt bundle (tests share one); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Outgoing mail; default: a pooled SMTP mailer from the environment (SMTP_URL, MAIL_FROM, MAIL_FROM_NAME). */
  mailer?: Mailer;
  /** Default: the project's (encrypted payloads); see client/codec/. */
  dataConverter?: DataConverter;
  /** The yearly kickoff's holiday files, directory and clock; default from the environment. */
  kickoff?: KickoffOptions;
  /** Which tasks this worker polls; default both (worker/cold-start.ts runs them apart for a while after a start). */
  polls?: 'workflows' | 'activities' | 'both';
  extra?: Partial<WorkerOptions>;
}

/**
 * The bundle's entry: workflows/index.ts's workflows, each module graph evaluated when a workflow of that type
 * first runs in a sandbox, so an application's sandbox no longer instantiates every other workflow's modules
 * (worker/workflows-entry.ts; 1.29 → 0.99 MiB retained per cached application, bench/MEMORY.md).
 */
export const WORKFLOWS_PATH = join(__dirname, 'workflows-entry.ts');

// Compile-time: the entry exports every workflow of workflows/index.ts, under its name and with its signature.
const entryIsComplete = (entry: typeof WorkflowsEntry): typeof Workflows => entry;
void entryIsComplete;

/**
 * What a prebuilt bundle (tests, replay) needs: its failures encoded as the worker's are, and zod evaluated once
 * per worker rather than in every cached workflow's sandbox (worker/shared-zod.ts).
 */
export const BUNDLE_OPTIONS = {
  workflowsPath: WORKFLOWS_PATH,
  failureConverterPath: FAILURE_CONVERTER_PATH,
  ...sharedZod,
} satisfies Partial<BundleOptions>;

/**
 * Every WorkflowTaskStarted and WorkflowTaskCompleted event records the worker's build id. The SDK's default,
 * `@temporalio/worker@1.24.0+<sha256 of the bundle in 64 hex digits>`, is 89 bytes: with two such events per
 * workflow task it was 2.2 KiB of an application's 16.2 KiB history (bench/MEMORY.md). Twelve hex digits of the
 * same hash still tell one build of the workflows from another. (No worker versioning is used: the id is a label.)
 */
export function shortBuildId(bundle: NonNullable<WorkerOptions['workflowBundle']>): string {
  const code = 'code' in bundle ? bundle.code : readFileSync(bundle.codePath, 'utf8');
  return `rmc-${createHash('sha256').update(code).digest('hex').slice(0, 12)}`;
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const polls = opts.polls ?? 'both';
  const workflowBundle = opts.workflowBundle ?? (await bundleWorkflowCode(BUNDLE_OPTIONS));
  // A worker given no workflows (or no activities) does not poll for them.
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(polls === 'activities' ? {} : { workflowBundle }),
    buildId: shortBuildId(workflowBundle),
    ...(polls === 'workflows'
      ? {}
      : {
          activities: createActivities({
            client: opts.client,
            mailer: opts.mailer ?? createMailer(),
            kickoff: opts.kickoff,
          }),
        }),
    dataConverter: opts.dataConverter ?? dataConverter(),
    ...opts.extra,
  });
}
