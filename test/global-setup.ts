/**
 * One dev server per test run (integration, listing and fault tests use it), and the
 * time-skipping binary path for the calendar tests. Each test uses its own task queue.
 */
import type { TestProject } from 'vitest/node';
import { startDevServer, type DevServer } from '../scripts/dev-server';
import { executablePath } from '../scripts/temporal-binaries';
import { startTestSmtp, type TestSmtp } from './smtp';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    testServerPath: string | null;
  }
}

let server: DevServer | undefined;
let mailSink: TestSmtp | undefined;

export async function setup(project: TestProject): Promise<void> {
  const testServerPath = executablePath('test-server');
  server = await startDevServer({ readyTimeoutMs: 120_000 });
  project.provide('temporalAddress', server.address);
  project.provide('testServerPath', testServerPath);
  // Workers built without a mailer send to SMTP_URL: in tests, a sink that accepts everything (never a
  // developer's mail catcher). Set before the test forks start, so they inherit it. Mail tests use their own.
  mailSink = await startTestSmtp();
  process.env.SMTP_URL = mailSink.url;
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await mailSink?.close();
}
