/**
 * The console's codec endpoint for the Temporal Web UI: payloads stay encrypted on the server, and only a
 * signed-in bureau person, from the UI's origin, gets them decrypted. A dev server of its own runs the Web UI
 * (the shared one is headless), pointed at the console's /codec as `npm start` does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { loadDirectory } from '../../client/directory';
import type { TestSmtp } from '../smtp';
import { plaintextHits } from '../plaintext';
import { join } from 'node:path';
import { SHOTS, signIn } from './browser';
import { startWebStack, type WebStack } from './stack';

const directory = loadDirectory();
const SECRET = { objector: '隐私测试张三', contact: '13800000000', grounds: '该小区维修资金使用未公示。' };
const WORKFLOW_ID = 'codec-endpoint-sample';

let stack: WebStack;
let client: Client;
let smtp: TestSmtp;
let base: string;
/** The Temporal Web UI of this file's dev server. */
let uiUrl: string;
const context = (): Promise<BrowserContext> => stack.context();

beforeAll(async () => {
  // The console's sign-in links are short workflows: the stack's worker runs them.
  stack = await startWebStack({ key: Buffer.alloc(32, 9), queuePrefix: 'codec', webUi: true });
  ({ client, smtp, base } = stack);
  uiUrl = stack.uiUrl!;
  // No worker polls this task queue: the input stays in the history as the client encrypted it.
  await client.workflow.start('application', { workflowId: WORKFLOW_ID, taskQueue: 'nobody-polls', args: [SECRET] });
});

afterAll(async () => stack?.close());

describe('the codec endpoint', () => {
  it('leaves the history encrypted on the server', async () => {
    const history = await client.workflow.getHandle(WORKFLOW_ID).fetchHistory();
    expect(plaintextHits(JSON.parse(historyToJSON(history)), Object.values(SECRET))).toEqual([]);
  });

  it('refuses a caller without a bureau session, or from another origin', async () => {
    const history = JSON.parse(historyToJSON(await client.workflow.getHandle(WORKFLOW_ID).fetchHistory()));
    const body = JSON.stringify({ payloads: history.events[0].workflowExecutionStartedEventAttributes.input.payloads });
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const anonymous = await post({ origin: uiUrl });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(uiUrl);
    const preflight = await fetch(`${base}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

    // A committee signed in is not the bureau.
    const committee = await signIn(await context(), base, smtp, directory.committees[0].email);
    const asCommittee = await committee.page.context().request.post(`${base}/codec/decode`, {
      headers: { origin: uiUrl, 'content-type': 'application/json' },
      data: body,
    });
    expect(asCommittee.status()).toBe(403);

    const bureau = await signIn(await context(), base, smtp, directory.people.find((p) => p.role === 'bureau')!.email);
    const request = bureau.page.context().request;
    const elsewhere = await request.post(`${base}/codec/decode`, {
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      data: body,
    });
    expect(elsewhere.status()).toBe(403);
    const decoded = await request.post(`${base}/codec/decode`, {
      headers: { origin: uiUrl, 'content-type': 'application/json', 'x-namespace': 'default' },
      data: body,
    });
    expect(decoded.status()).toBe(200);
    const [payload] = (await decoded.json()).payloads;
    expect(Buffer.from(payload.metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(payload.data, 'base64').toString())).toEqual(SECRET);
    const bad = await request.post(`${base}/codec/decode`, {
      headers: { origin: uiUrl, 'content-type': 'application/json' },
      data: '{"payloads":[{"data":"not base64!"}]}',
    });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error).toMatch(/^payloads\.0\.data: /);
  });

  it('lets the Temporal Web UI show the decoded input to a signed-in bureau person, and only to them', async () => {
    const ui = uiUrl;
    const page = `${ui}/namespaces/default/workflows/${WORKFLOW_ID}`;
    // The UI's own codec setting "Include cross-origin credentials" (kept in its local storage): the console cookie goes along.
    const useCodecWithCredentials = async (c: BrowserContext) => {
      const p = await c.newPage();
      await p.goto(ui);
      await p.evaluate(
        ([endpoint]) => {
          const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } })
            .localStorage;
          storage.setItem('endpoint', JSON.stringify(endpoint));
          storage.setItem('includeCredentials', 'true');
          storage.setItem('overrideRemoteCodecConfiguration', 'true');
        },
        [`${base}/codec`],
      );
      return p;
    };

    const bureauContext = await context();
    await signIn(bureauContext, base, smtp, directory.people.find((p) => p.role === 'bureau')!.email);
    const seen = await useCodecWithCredentials(bureauContext);
    await seen.goto(page);
    await seen.getByText(SECRET.objector).first().waitFor({ timeout: 30_000 });
    await seen.screenshot({ path: join(SHOTS, 'temporal-ui-decoded-for-bureau.png'), fullPage: true });

    const stranger = await useCodecWithCredentials(await context());
    await stranger.goto(page);
    // The UI's decode call was refused (401): it says so, and shows the ciphertext.
    await expect
      .poll(() => stranger.locator('body').innerText(), { timeout: 30_000 })
      .toContain('Codec Server could not connect');
    expect(await stranger.locator('body').innerText()).not.toContain(SECRET.objector);
    await stranger.screenshot({ path: join(SHOTS, 'temporal-ui-encrypted-without-session.png'), fullPage: true });
  });
});
