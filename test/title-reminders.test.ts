/**
 * Reminders wired into the titles, on the time-skipping server with the 2023 calendar moved ahead of
 * its clock and a real SMTP server in this process: materials reminders to holders only while their
 * materials are missing, pre-review reminders to the 街镇 official, the revocation notice, weekly recovery
 * reminders until the recovery is confirmed, undeliverable addresses reported to the bureau, and the
 * weekends-only fallback of a title revoked before it ever had a calendar.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, withTimeSkippingWorker } from './harness';
import { at, directory as baseDirectory, reevaluationInspection, reevaluationMaterials, titlesFile } from './fixtures';
import { type ReceivedMail } from './smtp';
import { campaignMailStatus, startCampaign } from '../client/campaigns';
import { importTitles, reevaluationAction, titleAction, titleStatus } from '../client/titles';
import { addDays, beijingDate, formatDeadline, weeklyInstants } from '../domain/calendar';
import type { Directory } from '../domain/directory';

const DAY = 86_400_000;

const file = JSON.parse(readFileSync(join(__dirname, '..', 'data', 'titles-2022.json'), 'utf8'));
const [A, B, C, D, E] = (file.titles as { committeeId: string }[]).map((t) => t.committeeId);
/** C has no address: its reminders and notice are undeliverable and reported to the bureau. */
const directory: Directory = {
  ...baseDirectory,
  committees: baseDirectory.committees.map((c) => (c.id === C ? { ...c, email: '' } : c)),
};
const sdOf = (id: string) => directory.committees.find((c) => c.id === id)!.subdistrict;
const official = (id: string) =>
  directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sdOf(id))!.id;
const bureau = directory.people.filter((p) => p.role === 'bureau').map((p) => p.id);
const emailOf = (id: string) => [...directory.people, ...directory.committees].find((p) => p.id === id)!.email;
const addresses = (ids: string[]) => ids.map(emailOf).sort();
const titleId = (id: string) => `title-${id}-2022`;

// Undeliverable addresses and failed sends are the point here: the worker logs errors only.
const rig = withTimeSkippingWorker('title-mail', { smtp: {}, logLevel: 'ERROR' });

const sleepUntil = (iso2023: string) => rig().sleepUntil(iso2023);
const sleepUntilMs = (instant: number) => rig().sleepUntilMs(instant);

interface Seen {
  to: string;
  kind: string;
  workflow: string;
  /** The instant it was for, and when it arrived (test clock), as 2023 instants. */
  scheduled: string;
  at: number;
  mail: ReceivedMail;
}
/** Only this workflow's mail, when set. */
let only: string | undefined;
/** Mail from the titles and re-evaluations, and the campaign's re-evaluation digest to 街镇 officials (its other mail is left out). */
const ours = (): Seen[] =>
  rig()
    .smtp.messages.filter((m) =>
      only
        ? m.headers['x-red-model-workflow'] === only
        : /^(title|reevaluation)-/.test(m.headers['x-red-model-workflow'] ?? '') ||
          m.headers['x-red-model-kind'] === 'reevaluation-review',
    )
    .map((m) => ({
      to: m.to,
      kind: m.headers['x-red-model-kind'],
      workflow: m.headers['x-red-model-workflow'],
      scheduled: new Date(Date.parse(m.headers['x-red-model-scheduled']) - rig().shiftDays * DAY).toISOString(),
      at: m.clockAt! - rig().shiftDays * DAY,
      mail: m,
    }));
let mark = 0;
/** Our mail since the last call, once `n` have arrived, and no more. */
async function next(n: number): Promise<Seen[]> {
  await eventually(async () => expect(ours().length).toBeGreaterThanOrEqual(mark + n), 30_000);
  await new Promise((r) => setTimeout(r, 400));
  const list = ours().slice(mark);
  mark += list.length;
  expect(list.map((s) => `${s.kind} ${s.to} ${s.workflow}`)).toHaveLength(n);
  return list;
}
const to = (list: Seen[]) => list.map((s) => s.to).sort();
/** Sent at the instant it was for (within a minute of test-clock time). */
function onTime(list: Seen[], iso: string) {
  for (const s of list) {
    expect(s.scheduled).toBe(iso);
    expect(s.at - Date.parse(iso)).toBeGreaterThanOrEqual(0);
    expect(s.at - Date.parse(iso)).toBeLessThan(60_000);
  }
}

describe('title and re-evaluation email (time-skipping, 2023 shape, real SMTP)', () => {
  it(
    'reminds holders and 街镇 at the exact instants, announces revocations, chases the recovery weekly until confirmed',
    { timeout: 300_000 },
    async () => {
      const client = rig().client;
      const rows = await importTitles(client, { data: file, directory, taskQueue: rig().taskQueue });
      await startCampaign(client, {
        calendar: rig().calendar,
        directory,
        taskQueue: rig().taskQueue,
        activeTitles: rows.map((r) => r.workflowId),
      });
      await eventually(async () => {
        for (const id of [A, B, C, D, E]) expect((await titleStatus(client, titleId(id))).current?.year).toBe(2023);
      });

      // Aug 7: A is done early (materials, inspection, pre-review); B and D are inspected.
      await sleepUntil('2023-08-07T02:00:00Z');
      await reevaluationAction(client, 2023, A, 'submitMaterials', reevaluationMaterials(A));
      for (const id of [A, B, D])
        await reevaluationAction(client, 2023, id, 'recordInspection', reevaluationInspection(90));
      await reevaluationAction(client, 2023, A, 'preReview', { actor: official(A) });

      // Materials due Sat Sep 30 24:00: Sep 20, 26 and 28 (Sep 29 is the Mid-Autumn holiday), to holders still missing them.
      await sleepUntil('2023-09-20T04:00:00Z');
      const sep20 = await next(3);
      expect(to(sep20)).toEqual(addresses([B, D, E]));
      expect(sep20.every((s) => s.kind === 'reevaluation-materials')).toBe(true);
      onTime(sep20, '2023-09-20T01:00:00.000Z');
      const bMail = sep20.find((s) => s.to === emailOf(B))!.mail;
      expect(bMail.subject).toBe(
        `【红色示范业委会】2023年复评材料提交截止提醒：您有 1 项待办，截止 ${formatDeadline(at('2023-09-30T16:00:00Z', rig().shiftDays))}（北京时间）`,
      );
      expect(bMail.text).toContain(`http://127.0.0.1:3000/titles/${B}`);
      expect(bMail.text).not.toContain('npm run');
      // C has no address: recorded, and reported to the bureau through the campaign.
      await eventually(async () => {
        const st = await campaignMailStatus(client, 2023);
        expect(st.undeliverable).toContainEqual(
          expect.objectContaining({
            recipientId: C,
            reason: 'missing',
            kind: 'reevaluation-materials',
            workflowId: `reevaluation-2023-${C}`,
          }),
        );
      });
      await eventually(async () => {
        const reports = rig().smtp.messages.filter(
          (m) => m.headers['x-red-model-kind'] === 'undeliverable' && m.text.includes(`reevaluation-2023-${C}`),
        );
        expect(reports.map((m) => m.to).sort()).toEqual(addresses(bureau));
      });

      await sleepUntil('2023-09-22T02:00:00Z');
      await reevaluationAction(client, 2023, B, 'submitMaterials', reevaluationMaterials(B));
      await sleepUntil('2023-09-26T04:00:00Z');
      const sep26 = await next(2);
      expect(to(sep26)).toEqual(addresses([D, E]));
      onTime(sep26, '2023-09-26T01:00:00.000Z');
      await sleepUntil('2023-09-27T02:00:00Z');
      await reevaluationAction(client, 2023, D, 'submitMaterials', reevaluationMaterials(D));
      await sleepUntil('2023-09-28T04:00:00Z');
      const sep28 = await next(1);
      expect(to(sep28)).toEqual(addresses([E]));
      onTime(sep28, '2023-09-28T01:00:00.000Z');

      // Mon Oct 9: C and E sent nothing; the bureau confirms, the titles are revoked, the notices go out.
      await sleepUntil('2023-10-09T02:00:00Z');
      for (const id of [C, E]) await reevaluationAction(client, 2023, id, 'confirm', { actor: 'bureau-lu' });
      const notices = await next(7 + 2); // E: committee, official, 2 bureau; C: official, 2 bureau; the title's report on C
      const revocations = notices.filter((s) => s.kind === 'revocation');
      expect(to(revocations)).toEqual(addresses([E, official(E), official(C), ...bureau, ...bureau]));
      const eOfficial = revocations.find((s) => s.to === emailOf(official(E)))!.mail;
      const eName = directory.committees.find((c) => c.id === E)!.name;
      expect(eOfficial.subject).toBe(`【红色示范业委会】2023年红色示范业委会称号撤销通知：${eName}`);
      expect(eOfficial.text).toContain(`http://127.0.0.1:3000/titles/${E}`);
      expect(eOfficial.text).not.toContain('npm run');
      expect(revocations.find((s) => s.to === emailOf(E))!.mail.text).toContain('未在截止时间');
      const report = notices.filter((s) => s.kind === 'undeliverable');
      expect(to(report)).toEqual(addresses(bureau));
      expect(report.every((s) => s.workflow === titleId(C) && s.mail.text.includes(C))).toBe(true);
      expect((await titleStatus(client, titleId(C))).mail?.undeliverable).toEqual([
        expect.objectContaining({ recipientId: C, reason: 'missing', kind: 'revocation' }),
      ]);

      // Weekly, 09:00 on the first working day of each week: Mon Oct 16 to both 街镇.
      await sleepUntil('2023-10-16T04:00:00Z');
      const oct16 = await next(2);
      expect(to(oct16)).toEqual(addresses([official(C), official(E)]));
      expect(oct16.every((s) => s.kind === 'recovery')).toBe(true);
      onTime(oct16, '2023-10-16T01:00:00.000Z');
      expect(oct16[0].mail.text).toMatch(/确认已收回铭牌与奖状：http:\/\/127\.0\.0\.1:3000\/titles\/[a-z]+-\d{3}/);
      await sleepUntil('2023-10-17T02:00:00Z');
      await titleAction(client, titleId(C), 'confirmRecovery', { actor: official(C) });

      // Pre-review due with the inspection window (Tue Oct 31): Oct 20 to B's and D's 街镇; A's already acted.
      await sleepUntil('2023-10-20T04:00:00Z');
      const oct20 = await next(2);
      expect(to(oct20)).toEqual(addresses([official(B), official(D)]));
      // One holder per 街镇 here: each official's digest lists one (test/reevaluation-digest.test.ts has two).
      expect(oct20.every((s) => s.kind === 'reevaluation-review' && s.workflow === 'campaign-2023')).toBe(true);
      onTime(oct20, '2023-10-20T01:00:00.000Z');
      const dReview = oct20.find((s) => s.to === emailOf(official(D)))!.mail;
      expect(dReview.text).toContain(`办理复评预审：http://127.0.0.1:3000/titles/${D}`);
      expect(dReview.text).not.toContain('npm run');

      // Mon Oct 23: the recovery reminder goes to E's 街镇 only (C's confirmed); then B's 街镇 pre-reviews.
      await sleepUntil('2023-10-23T04:00:00Z');
      const oct23 = await next(1);
      expect(oct23.map((s) => [s.kind, s.to])).toEqual([['recovery', emailOf(official(E))]]);
      onTime(oct23, '2023-10-23T01:00:00.000Z');
      await reevaluationAction(client, 2023, B, 'preReview', { actor: official(B) });
      await sleepUntil('2023-10-24T02:00:00Z');
      await titleAction(client, titleId(E), 'confirmRecovery', { actor: official(E) });
      await eventually(async () =>
        expect((await client.workflow.getHandle(titleId(E)).describe()).status.name).toBe('COMPLETED'),
      );

      // Oct 26 and Oct 30: D's 街镇 only; no recovery reminder on Oct 30 or Nov 6.
      await sleepUntil('2023-10-26T04:00:00Z');
      const oct26 = await next(1);
      expect(to(oct26)).toEqual(addresses([official(D)]));
      onTime(oct26, '2023-10-26T01:00:00.000Z');
      await sleepUntil('2023-10-30T04:00:00Z');
      const oct30 = await next(1);
      expect(oct30.map((s) => [s.kind, s.to])).toEqual([['reevaluation-review', emailOf(official(D))]]);
      onTime(oct30, '2023-10-30T01:00:00.000Z');
      await sleepUntil('2023-11-07T04:00:00Z');
      await new Promise((r) => setTimeout(r, 500));
      expect(ours().slice(mark)).toEqual([]);

      const ids = rig().smtp.messages.map((m) => m.messageId);
      expect(new Set(ids).size).toBe(ids.length);
    },
  );

  it(
    'a re-election before any re-evaluation: notice, then weekly reminders on weekends-only days until confirmed',
    { timeout: 120_000 },
    async () => {
      const client = rig().client;
      const holder = 'beixinjing-001';
      const data = titlesFile([holder], '2023-02-15');
      const [row] = await importTitles(client, { data, directory, taskQueue: rig().taskQueue });
      only = row.workflowId;
      mark = 0;
      await titleAction(client, row.workflowId, 'fileReelection', { actor: holder });
      const notices = await next(4);
      expect(to(notices)).toEqual(addresses([holder, official(holder), ...bureau]));
      const t = await titleStatus(client, row.workflowId);
      expect(t.audit.find((e) => e.action === 'recovery-reminders')?.payload).toContain(
        'weekends-only (the title has no campaign calendar)',
      );

      // No calendar: the workflow's own clock, Mondays at 09:00 Beijing (weekends-only).
      const revokedAt = Date.parse(t.revocation!.at);
      const table = {
        from: addDays(beijingDate(revokedAt), -7),
        to: addDays(beijingDate(revokedAt), 30),
        holidays: [],
        makeupWorkdays: [],
        source: 'weekends-only',
      };
      const [first, second] = weeklyInstants(revokedAt, revokedAt + 15 * DAY, table, 9);
      await sleepUntilMs(first + 3_600_000);
      const weekly = await next(1);
      expect(weekly.map((s) => [s.kind, s.to, s.mail.headers['x-red-model-scheduled']])).toEqual([
        ['recovery', emailOf(official(holder)), new Date(first).toISOString()],
      ]);
      await titleAction(client, row.workflowId, 'confirmRecovery', { actor: official(holder) });
      await sleepUntilMs(second + 3_600_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(ours().slice(mark)).toEqual([]);
      await eventually(async () =>
        expect((await client.workflow.getHandle(row.workflowId).describe()).status.name).toBe('COMPLETED'),
      );
    },
  );
});
