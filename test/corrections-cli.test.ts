/**
 * A round driven through the CLI the way the bureau, a 街镇 official, the panel and a committee use it,
 * on the time-skipping server (the 2023 calendar moved ahead of its clock) with a real SMTP server:
 * the end of 公示 in whole working days as the CLI and the email state it; a form cannot rename its
 * committee; the audit shows the committee's role and the refusals; times are Beijing time; the bureau
 * takes a committee off the draft list; the bureau reads the audit, the mail status and the votes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliConnectsTo, cliJson as json, cliRun as cli, eventually, withTimeSkippingWorker } from './harness';
import { at, scores } from './fixtures';
import {
  CAMPAIGN_BACKSTOP_PATCH,
  CAMPAIGN_SOFT_LIMIT_PATCH,
  CAMPAIGN_BACKSTOP_800_PATCH,
  QUIET_HAND_OVER_PATCH,
  QUIET_WATCH_FROM_EVENTS_PATCH,
} from '../workflows/shared/continue-as-new';
import { replayEveryRun } from './golden-record';
import { NOTICES_BESIDE_TIMERS_PATCH } from '../workflows/campaign/notices';
import { NOT_SELECTED_ONCE_PATCH } from '../workflows/campaign/actions/panel-finalize';
import { SUBMISSION_MEMO_PATCH } from '../workflows/campaign/memo';
import { loadDirectory } from '../client/directory';
import { campaignAudit, campaignStatus, startCampaign } from '../client/campaigns';
import { applicationAction, applicationStatus } from '../client/applications';
import { formatDeadline } from '../domain/calendar';
import { applicationWorkflowId } from '../temporal/ids';

const Y = 2023;
const directory = loadDirectory();
const emailOf = (id: string) => [...directory.people, ...directory.committees].find((p) => p.id === id)!.email;
const nameOf = (id: string) => directory.committees.find((c) => c.id === id)!.name;
const BAD_ADDRESS = emailOf('official-xinhua'); // the SMTP server refuses it: undeliverable
const [H1, H2, H3] = ['huayang-001', 'huayang-002', 'huayang-003'];
const [J1, J2] = ['jiangsu-001', 'jiangsu-002'];
const tmp = mkdtempSync(join(tmpdir(), 'corrections-'));
const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const y = ['--year', String(Y)];

const sleepUntil = (iso2023: string) => rig().sleepUntil(iso2023);

/** The campaign's and one application's state without the audit, which records each refusal. */
async function state(committeeId = H1) {
  const { rejectedActions: _r, ...c } = await campaignStatus(rig().client, Y);
  const { audit: _a, rejectedCount: _n, ...a } = await applicationStatus(rig().client, Y, committeeId);
  return [c, a];
}

/** A CLI command that must fail with one line matching `text` and leave the state as it was. */
async function refused(argv: string[], text: RegExp, committeeId = H1) {
  const before = await state(committeeId);
  const r = await cli(...argv);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(text);
  expect(r.stderr).not.toMatch(ISO_INSTANT);
  expect(await state(committeeId)).toEqual(before);
  return r.stderr;
}

// The refused address makes the worker warn on every attempt: keep the output readable.
const rig = withTimeSkippingWorker('corrections', {
  smtp: { reject: (a: string) => a === BAD_ADDRESS },
  logLevel: 'ERROR',
});
cliConnectsTo(rig);

describe('the round through the CLI, as its users meet it (time-skipping, real SMTP)', () => {
  it('applications: a form cannot rename its committee; the history shows the committee role in Beijing time', async () => {
    await startCampaign(rig().client, { calendar: rig().calendar, directory, taskQueue: rig().taskQueue });
    await sleepUntil('2023-04-03T02:00:00Z');
    const example = JSON.parse(readFileSync(join(__dirname, '..', 'data', 'example-form.json'), 'utf8'));
    const renamed = join(tmp, 'renamed.json');
    writeFileSync(renamed, JSON.stringify({ ...example, committeeName: '改名后的业主委员会' }));
    const r = await cli('application', 'submit', ...y, '--as', H1, '--form', renamed);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: form: committeeName: "改名后的业主委员会" is not the directory's "${nameOf(H1)}"; leave it out of the form`,
    );
    expect((await cli('application', 'show', ...y, '--committee', H1)).stderr).toBe(
      `error: no application from ${H1} in ${Y}`,
    );

    // Repeating the directory's own name is fine; leaving it out is the usual way.
    const same = join(tmp, 'same.json');
    writeFileSync(same, JSON.stringify({ ...example, committeeName: nameOf(H1) }));
    expect((await cli('application', 'submit', ...y, '--as', H1, '--form', same)).code).toBe(0);
    const plain = join(tmp, 'plain.json');
    writeFileSync(plain, JSON.stringify(example));
    for (const id of [H2, H3, J1, J2])
      expect((await cli('application', 'submit', ...y, '--as', id, '--form', plain)).stderr).toBe('');
    expect((await applicationStatus(rig().client, Y, H1)).form.committeeName).toBe(nameOf(H1));

    const history = await cli('application', 'history', ...y, '--committee', H1);
    expect(history.stdout).toMatch(
      new RegExp(`\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}\\s+${H1}\\s+committee\\s+submit\\s+accepted`),
    );
    expect(history.stdout).not.toMatch(ISO_INSTANT);
    expect(history.stdout).not.toContain('unknown');
    expect(history.stdout).toContain('Refused Updates appear only when the client that sent them reported them');
  });

  it('review: a duplicate confirmation prints Beijing time and is in the campaign audit with the refusal', async () => {
    await sleepUntil('2023-06-05T02:00:00Z');
    for (const id of [H1, H2, H3])
      await applicationAction(rig().client, Y, id, 'recommend', { actor: 'official-huayang' });
    for (const id of [J1, J2]) await applicationAction(rig().client, Y, id, 'recommend', { actor: 'official-jiangsu' });
    await eventually(async () => expect((await campaignStatus(rig().client, Y)).counts.byStage.recommended).toBe(5));
    expect((await cli('subdistrict', 'confirm-list', ...y, '--as', 'official-huayang')).code).toBe(0);
    expect((await cli('subdistrict', 'confirm-list', ...y, '--as', 'official-jiangsu')).code).toBe(0);
    const line = await refused(
      ['subdistrict', 'confirm-list', ...y, '--as', 'official-huayang'],
      /^error: rejected \(Duplicate\): 华阳路街道 confirmed its list on \d{4}-\d{2}-\d{2} 10:0\d \(北京时间\)$/,
    );

    // The refused Update never reached the workflow's history; the CLI reported it, so the bureau sees it.
    await eventually(async () => {
      const refusals = await json('campaign', 'audit', ...y, '--rejected');
      expect(refusals).toEqual([
        expect.objectContaining({
          actor: 'official-huayang',
          action: 'confirmList',
          outcome: 'rejected',
          detail: expect.stringContaining(line.slice('error: '.length, 60)),
        }),
      ]);
    });
    const table = await cli('campaign', 'audit', ...y);
    expect(table.stdout).toMatch(/official-jiangsu\s+confirmList\s+accepted/);
    expect(table.stdout).not.toMatch(ISO_INSTANT);
    expect((await campaignAudit(rig().client, Y)).filter((e) => e.outcome === 'accepted').map((e) => e.action)).toEqual(
      ['confirmList', 'confirmList'],
    );
  });

  it('panel: the bureau reads the votes so far; finalising prints the end of 公示 in whole working days', async () => {
    await sleepUntil('2023-08-07T02:00:00Z');
    for (const [n, id] of [H1, H2, H3, J1, J2].entries()) {
      const total = 95 - n;
      await applicationAction(rig().client, Y, id, 'recordInspection', {
        actor: 'inspector-1',
        scores: scores(total),
        total,
        inspector: '郑立',
        date: '2023-08-07',
        notes: '',
      });
    }
    await eventually(async () => expect((await campaignStatus(rig().client, Y)).counts.byStage.inspected).toBe(5));
    expect((await cli('panel', 'vote', ...y, '--committee', H1, '--as', 'panel-2', '--support', 'yes')).code).toBe(0);
    expect(
      (await cli('panel', 'vote', ...y, '--committee', H1, '--as', 'panel-3', '--support', 'no', '--note', '台账不全'))
        .code,
    ).toBe(0);
    expect((await cli('panel', 'vote', ...y, '--committee', J1, '--as', 'panel-3', '--support', 'yes')).code).toBe(0);
    expect(await json('panel', 'votes', ...y)).toEqual([
      {
        committeeId: H1,
        support: 1,
        against: 1,
        votes: [
          { member: 'panel-2', support: true },
          { member: 'panel-3', support: false, note: '台账不全' },
        ],
      },
      { committeeId: J1, support: 1, against: 0, votes: [{ member: 'panel-3', support: true }] },
    ]);
    expect((await cli('panel', 'votes', ...y)).stdout).toMatch(new RegExp(`${H1}\\s+1\\s+1\\s+panel-2:yes panel-3:no`));

    // Mon Sep 25 10:00: five whole working days from Tue Sep 26 (Sep 29 – Oct 6 off; Oct 7 and 8 are make-up days).
    await sleepUntil('2023-09-25T02:00:00Z');
    const sent = rig().smtp.messages.length;
    const ends = formatDeadline(at('2023-10-08T16:00:00Z', rig().shiftDays));
    const finalize = await cli(
      'panel',
      'finalize',
      ...y,
      '--as',
      'panel-chair',
      '--ranking',
      [H1, H2, J1].join(','),
      '--tie-break-rule',
      '总分相同时，以群众评价好得分高者居前',
    );
    expect(finalize.stdout).toBe(`拟表彰名单已确定（3 家），公示至 ${ends} (北京时间)`);
    expect((await cli('campaign', 'status', ...y)).stdout).toContain(
      `公示 ends ${ends} (北京时间): 5 whole working days`,
    );
    await eventually(async () => {
      const drafts = rig()
        .smtp.messages.slice(sent)
        .filter((m) => m.headers['x-red-model-kind'] === 'draft-published');
      expect(drafts.length).toBeGreaterThan(0);
      for (const m of drafts) expect(m.text).toContain(`公示期至 ${ends}（北京时间）`);
    });
  });

  it('the bureau takes a committee off the draft list with a reason: refused for the wrong actor, an unlisted committee, twice', async () => {
    const reason = '小区于公示期间发生重大消防安全事故（五（三））';
    await refused(
      ['campaign', 'remove', ...y, '--as', 'official-huayang', '--committee', H2, '--reason', reason],
      /^error: rejected \(WrongActor\): removeFromList needs role bureau; official-huayang is subdistrict$/,
      H2,
    );
    await refused(
      ['campaign', 'remove', ...y, '--as', 'bureau-lu', '--committee', H3, '--reason', reason],
      /^error: rejected \(NotFound\): committeeId: huayang-003 is not on the draft list$/,
      H3,
    );
    await refused(
      ['campaign', 'remove', ...y, '--as', 'bureau-lu', '--committee', H2, '--reason', '无'],
      /^error: --reason: /,
      H2,
    );
    const sent = rig().smtp.messages.length;
    const r = await cli('campaign', 'remove', ...y, '--as', 'bureau-lu', '--committee', H2, '--reason', reason);
    expect(r.stdout).toBe(`${H2} 已移出拟表彰名单：${reason}`);
    await refused(
      ['campaign', 'remove', ...y, '--as', 'bureau-lu', '--committee', H2, '--reason', reason],
      /^error: rejected \(Duplicate\): huayang-002 has already been removed from the draft list$/,
      H2,
    );

    const status = await json('campaign', 'status', ...y);
    expect(status.removed).toEqual([H2]);
    expect(status.listRemovals).toEqual([{ committeeId: H2, reason, by: 'bureau-lu', at: expect.any(String) }]);
    expect((await cli('campaign', 'status', ...y)).stdout).toContain(`2. ${H2}  (removed by bureau-lu: ${reason})`);
    await eventually(async () =>
      expect(await applicationStatus(rig().client, Y, H2)).toMatchObject({
        stage: 'removed',
        reason: `区房管局决定移出拟表彰名单：${reason}`,
      }),
    );
    expect(await campaignAudit(rig().client, Y)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'bureau-lu', action: 'removeFromList', outcome: 'accepted' }),
      ]),
    );
    // The bureau and huayang's official are told, with the reason.
    const expected = [
      ...directory.people.filter((p) => p.role === 'bureau').map((p) => p.email),
      emailOf('official-huayang'),
    ].sort();
    await eventually(async () => {
      const told = rig()
        .smtp.messages.slice(sent)
        .filter((m) => m.headers['x-red-model-kind'] === 'list-removal');
      expect(told.map((m) => m.to).sort()).toEqual(expected);
      for (const m of told) expect(m.text).toContain(`原因：${reason}`);
    });
  });

  it('mail status for the bureau: sent, retrying, undeliverable with the reason; the final list without the removed committee', async () => {
    await eventually(async () => {
      const mail = await json('campaign', 'mail', ...y);
      expect(mail.sent).toBeGreaterThan(0);
      expect(mail.retrying).toBe(0);
      expect(mail.undeliverable).toBeGreaterThan(0);
      expect(mail.undeliverableRecent[0]).toMatchObject({ recipientId: 'official-xinhua', email: BAD_ADDRESS });
    });
    const text = await cli('campaign', 'mail', ...y);
    expect(text.stdout).toMatch(/^sent: \d+ {3}sending or retrying: 0 {3}undeliverable: \d+/);
    expect(text.stdout).toContain('official-xinhua');

    await sleepUntil('2023-10-08T15:00:00Z'); // Sun Oct 8 23:00: still 公示, so no confirmation
    await refused(
      ['campaign', 'confirm', ...y, '--as', 'bureau-lu'],
      /^error: rejected \(WrongPhase\): the final list is confirmed after 公示 ends/,
    );
    await sleepUntil('2023-10-09T02:00:00Z');
    expect((await cli('campaign', 'confirm', ...y, '--as', 'bureau-lu')).code).toBe(0);
    const result = await rig().client.workflow.getHandle(`campaign-${Y}`).result();
    expect(result.finalList).toEqual([H1, J1]);
    expect(result.removed).toEqual([H2]);
    expect((await rig().client.workflow.getHandle(applicationWorkflowId(Y, J2)).result()).stage).toBe('not-selected');
  });

  it('the campaign recorded under the new 公示 rule carries its patch marker and replays, with its new Updates and signals', async () => {
    // Its runs, each replayed: past its soft limit the campaign continues as new, so the round may span several.
    const runs = await replayEveryRun(rig().client, `campaign-${Y}`);
    const patchIds = (history: (typeof runs)[number]) =>
      history
        .events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
        .map(
          (m) =>
            JSON.parse(
              Buffer.from(m.markerRecordedEventAttributes!.details!['patch-data'].payloads![0].data!).toString(),
            ).id,
        );
    // Time from timers, reminders on their own timers, the memo kept current, the quiet hand-over, the backstop,
    // notices beside the loop, the soft limit, the lower backstop and the watch started from events are chosen first
    // thing in every run; the 公示 rule's and the
    // once-told not-selected list's markers follow, once, in the run that started 公示.
    const atStart = [
      'time-from-timers',
      'reminder-timers',
      SUBMISSION_MEMO_PATCH,
      QUIET_HAND_OVER_PATCH,
      CAMPAIGN_BACKSTOP_PATCH,
      NOTICES_BESIDE_TIMERS_PATCH,
      CAMPAIGN_SOFT_LIMIT_PATCH,
      CAMPAIGN_BACKSTOP_800_PATCH,
      QUIET_WATCH_FROM_EVENTS_PATCH,
    ];
    const markers = runs.map(patchIds);
    for (const run of markers) expect(run.slice(0, atStart.length)).toEqual(atStart);
    expect(markers.flatMap((run) => run.slice(atStart.length))).toEqual([
      'publicity-whole-working-days',
      NOT_SELECTED_ONCE_PATCH,
    ]);
  });
});
