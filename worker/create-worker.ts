/** Builds the worker: one task queue for every workflow and activity of the project. */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { join } from 'node:path';
import { createActivities } from '../activities';
import type { KickoffOptions } from '../activities/kickoff';
import { createMailer, type Mailer } from '../activities/mailer';
import { TASK_QUEUE } from '../domain/ids';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  client: Client;
  namespace?: string;
  taskQueue?: string;
  /** A prebuilt bundle (tests share one); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Outgoing mail; default: a pooled SMTP mailer from the environment (SMTP_URL, MAIL_FROM, MAIL_FROM_NAME). */
  mailer?: Mailer;
  /** The yearly kickoff's holiday files, directory and clock; default from the environment. */
  kickoff?: KickoffOptions;
  extra?: Partial<WorkerOptions>;
}

export const WORKFLOWS_PATH = join(__dirname, '..', 'workflows', 'index.ts');

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ client: opts.client, mailer: opts.mailer ?? createMailer(), kickoff: opts.kickoff }),
    ...opts.extra,
  });
}
