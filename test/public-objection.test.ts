/**
 * Public objections below the browser: the pending objection's workflow on the time-skipping server (an unconfirmed
 * email objection expires, a forged token is refused, a confirmation without a running campaign is refused and the
 * link is then spent), bad input refused before anything starts, the scan store's type check, encryption and key
 * rotation, and the public view copying nothing personal from the campaign's status.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  confirmPublicObjection,
  publicObjectionResult,
  publicObjectionState,
  startPublicObjection,
} from '../client/public-objections';
import { defaultCalendar } from '../domain/calendar';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { loadWorkdays } from '../domain/holidays';
import { initialCampaignState, type CampaignInput, type CampaignStatus } from '../workflows/campaign/state';
import { applyCampaignAction } from '../workflows/campaign/actions';
import { createScanStore, scanTypeOf } from '../web/scan-store';
import { publicView } from '../web/public-view';
import { EMAIL_PATTERN as EMAIL, PHONE_PATTERN as PHONE } from '../domain/contact';
import { directory } from './fixtures';
import { withTimeSkippingWorker } from './harness';
import { yearOf } from './years';

const YEAR = yearOf('public-objection.test.ts');
const objection = {
  committeeId: 'huayang-001',
  name: '钱晓梅',
  contact: 'qian.xiaomei@example.net',
  grounds: '该小区业委会未按规定公开维修资金使用情况。',
};

const rig = withTimeSkippingWorker('public-objection');
let env: TestWorkflowEnvironment;
let taskQueue: string;
beforeAll(async () => {
  ({ env, taskQueue } = rig());
});

describe('the pending objection workflow', () => {
  it('an email objection not confirmed within its link lifetime expires; its link then says so', async () => {
    const started = await startPublicObjection(
      env.client,
      { year: YEAR, objection, contactKind: 'email', ttlMs: 3_600_000 },
      { taskQueue },
    );
    expect(started.ref).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(started.workflowId).toBe(`public-objection-${YEAR}-${started.ref}`);
    expect((await publicObjectionState(env.client, YEAR, started.ref))!.status).toBe('awaiting-confirmation');
    expect(await publicObjectionResult(env.client, YEAR, started.ref)).toEqual({ outcome: 'expired' });
    expect(await confirmPublicObjection(env.client, YEAR, started.ref, started.token!)).toEqual({ outcome: 'expired' });
  });

  it('a forged token is refused; the right one files into the campaign, here refused as there is none; the link is then spent', async () => {
    const started = await startPublicObjection(
      env.client,
      { year: YEAR, objection, contactKind: 'email', ttlMs: 3_600_000 },
      { taskQueue },
    );
    expect(await confirmPublicObjection(env.client, YEAR, started.ref, randomBytes(32).toString('base64url'))).toEqual({
      outcome: 'forged',
    });
    expect(await confirmPublicObjection(env.client, YEAR, started.ref, 'too-short')).toEqual({ outcome: 'forged' });
    expect(await confirmPublicObjection(env.client, YEAR, 'ZZZZ-ZZZZ', started.token!)).toEqual({ outcome: 'forged' });
    expect(await confirmPublicObjection(env.client, YEAR, started.ref, started.token!)).toEqual({
      outcome: 'refused',
      kind: 'NotFound',
      message: `no running campaign for ${YEAR}`,
    });
    const again = await confirmPublicObjection(env.client, YEAR, started.ref, started.token!);
    expect(again.outcome).toBe('used');
    expect((again as { state?: { status: string } }).state?.status).toBe('refused');
  });

  it('a phone objection is filed at once, without a link', async () => {
    const started = await startPublicObjection(
      env.client,
      { year: YEAR, objection: { ...objection, contact: '13912345678' }, contactKind: 'phone', ttlMs: 3_600_000 },
      { taskQueue },
    );
    expect(started.token).toBeUndefined();
    expect((await publicObjectionResult(env.client, YEAR, started.ref)).outcome).toBe('refused');
  });

  it('bad input is refused with one line naming the field, before anything starts', async () => {
    await expect(
      startPublicObjection(
        env.client,
        { year: YEAR, objection: { ...objection, grounds: '太短' }, contactKind: 'phone', ttlMs: 3_600_000 },
        { taskQueue },
      ),
    ).rejects.toThrow(/^startPublicObjection: objection\.grounds: /);
    await expect(
      startPublicObjection(
        env.client,
        { year: YEAR, objection: { ...objection, organisation: '某单位' }, contactKind: 'phone', ttlMs: 3_600_000 },
        { taskQueue },
      ),
    ).rejects.toThrow(/objection\.stamped: a unit's objection must carry its stamp/);
    await expect(
      startPublicObjection(
        env.client,
        { year: YEAR, objection, contactKind: 'email', ttlMs: 10, scanId: 'x' },
        { taskQueue },
      ),
    ).rejects.toThrow(/^startPublicObjection: ttlMs: /);
  });
});

describe('the scan store', () => {
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('png body')]);

  it('decides the type by the first bytes only', () => {
    expect(scanTypeOf(Buffer.from('%PDF-1.7\n'))).toBe('pdf');
    expect(scanTypeOf(PNG)).toBe('png');
    expect(scanTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('jpeg');
    expect(scanTypeOf(Buffer.from('GIF89a'))).toBeUndefined();
    expect(scanTypeOf(Buffer.from(' %PDF-1.7'))).toBeUndefined();
    expect(scanTypeOf(Buffer.alloc(0))).toBeUndefined();
  });

  it('writes ciphertext only, reads it back after a key rotation, and names a missing key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scans-'));
    const a = { id: 'key-a', key: randomBytes(32) };
    const b = { id: 'key-b', key: randomBytes(32) };
    const id = createScanStore(dir, { currentId: a.id, keys: new Map([[a.id, a.key]]) }).save(PNG, 'png');
    expect(readdirSync(dir)).toEqual([`${id}.scan`]);
    expect(readFileSync(join(dir, `${id}.scan`)).includes(Buffer.from('png body'))).toBe(false);
    const rotated = createScanStore(dir, {
      currentId: b.id,
      keys: new Map([
        [a.id, a.key],
        [b.id, b.key],
      ]),
    });
    expect(rotated.read(id)).toEqual({ type: 'png', data: PNG });
    expect(rotated.read('0'.repeat(32))).toBeUndefined();
    expect(rotated.read('../etc/passwd')).toBeUndefined();
    expect(() => createScanStore(dir, { currentId: b.id, keys: new Map([[b.id, b.key]]) }).read(id)).toThrow(
      `scan ${id}: encrypted with key "key-a", which is not configured`,
    );
  });
});

describe('contacts and the public view', () => {
  it('tells email from phone numbers', () => {
    for (const e of ['a@example.org', 'qian.xiaomei@example.net']) expect(EMAIL.test(e), e).toBe(true);
    for (const p of ['13912345678', '+86 13912345678', '021-62345678', '62345678', '021-62345678-801'])
      expect(PHONE.test(p), p).toBe(true);
    for (const x of ['12345', 'a@b', '1391234567', '139123456789', 'phone'])
      expect(EMAIL.test(x) || PHONE.test(x), x).toBe(false);
  });

  it('copies the list, names, 街镇 and window from the status, and nothing of an objection', () => {
    const cal = defaultCalendar(2023, loadWorkdays(2023));
    const input: CampaignInput = {
      year: 2023,
      calendar: cal,
      quota: 5,
      subdistricts: directory.subdistricts,
      staff: directory.people,
      gradeBands: DEFAULT_GRADE_BANDS,
    };
    const s = initialCampaignState(input);
    const [A, B] = directory.committees.map((c) => c.id);
    for (const id of [A, B])
      s.registry[id] = { sd: directory.subdistricts[0], stage: 'inspected', seq: 1, paper: true };
    const sep25 = Date.parse('2023-09-25T02:00:00.000Z');
    applyCampaignAction(
      'panelFinalize',
      { actor: 'panel-chair', ranking: [A, B], tieBreakRule: '按总分排序' },
      s,
      input,
      sep25,
    );
    applyCampaignAction(
      'fileObjection',
      { ...objection, committeeId: B, contact: '13912345678' },
      s,
      input,
      sep25 + 3_600_000,
    );
    const status = {
      year: 2023,
      calendar: cal,
      draft: s.draft,
      removed: s.removed,
      objections: s.objections,
      final: s.final,
    } as CampaignStatus;
    const view = publicView(status, directory, sep25 + 7_200_000);
    expect(view.state).toBe('publicity');
    expect(view.endsText).toBe('2023-10-08 24:00');
    expect(view.rows.map((r) => [r.rank, r.name, r.subdistrict])).toEqual(
      [A, B].map((id, i) => [i + 1, directory.committees.find((c) => c.id === id)!.name, directory.subdistricts[0]]),
    );
    const json = JSON.stringify(view);
    for (const secret of [objection.name, '13912345678', objection.grounds]) expect(json).not.toContain(secret);
    expect(publicView(status, directory, Date.parse('2023-10-08T16:00:00.000Z')).state).toBe('closed');
  });
});
