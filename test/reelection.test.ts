/**
 * Re-election filings (换届改选备案) through the CLI, on the time-skipping server with a real SMTP server:
 * a committee with no title files outside any round and inside one; committees on the draft list file
 * during 公示, are flagged, the final confirmation is refused until the bureau decides (keep / remove,
 * with reasons, in the audit and the emails); a filing after the commendation revokes the new title.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, type Client } from '@temporalio/client';
import { clientOn } from '../client/connection';
import { Worker } from '@temporalio/worker';
import { cliConnectsTo, cliRun as cli, eventually, withTimeSkippingWorker } from './harness';
import { formFor, scores, workflowBundle } from './fixtures';
import { dataConverter } from '../client/codec';
import { loadDirectory } from '../client/directory';
import { campaignAction, campaignAudit, campaignStatus, startCampaign } from '../client/campaigns';
import { applicationAction, applicationStatus, submitApplication } from '../client/applications';
import { reelectionFilingId, reelectionRecord } from '../client/reelection';
import { titleStatus } from '../client/titles';
import { addDays } from '../domain/calendar';
import { titleWorkflowId } from '../temporal/ids';

const Y = 2023;
const directory = loadDirectory();
const emailOf = (id: string) => [...directory.people, ...directory.committees].find((p) => p.id === id)!.email;
const [H1, H2, H3, H4] = ['huayang-001', 'huayang-002', 'huayang-003', 'huayang-004'];
const J1 = 'jiangsu-001';
const BUREAU = directory.people.filter((p) => p.role === 'bureau');

/**
 * Reads results through a plain client: the time-skipping client's result() lets the server skip
 * ahead while it waits, which would run the new titles' years-long timers out.
 */
let plain: Client;

const y = ['--year', String(Y)];
/** A 2023 Beijing date moved like the calendar. */
const day = (date: string) => addDays(date, rig().shiftDays);

const sleepUntil = (iso2023: string) => rig().sleepUntil(iso2023);

async function state(committeeId: string) {
  const { rejectedActions: _r, ...c } = await campaignStatus(rig().client, Y);
  const { audit: _a, rejectedCount: _n, ...a } = await applicationStatus(rig().client, Y, committeeId);
  return [c, a];
}

/** A CLI command that fails with one line matching `text`, leaving the campaign and the application as they were. */
async function refused(argv: string[], text: RegExp, committeeId: string) {
  const before = await state(committeeId);
  const r = await cli(...argv);
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(text);
  expect(await state(committeeId)).toEqual(before);
}

const mailsOf = (kind: string, from: number) =>
  rig()
    .smtp.messages.slice(from)
    .filter((m) => m.headers['x-red-model-kind'] === kind);

// Refused actions and retried sends are the point here: the worker logs errors only.
const rig = withTimeSkippingWorker('reelection', { smtp: {}, logLevel: 'ERROR' });
beforeAll(async () => void (plain = clientOn(await Connection.connect({ address: rig().env.address }))));
cliConnectsTo(rig);

afterAll(async () => {
  await plain?.connection.close();
});

describe('re-election filings (time-skipping, CLI, real SMTP)', () => {
  it('a committee with no title files outside any round: recorded in the register only; a wrong actor and a duplicate are refused', async () => {
    const filedOn = day('2023-03-20');
    const wrong = await cli(
      'committee',
      'file-reelection',
      '--committee',
      H4,
      '--as',
      'official-jiangsu',
      '--filed-on',
      filedOn,
      '--filing-ref',
      'HY-2023-004',
      ...y,
    );
    expect(wrong).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `error: rejected (WrongActor): fileReelection: official-jiangsu is an official of 江苏路街道, not of 华阳路街道`,
    });
    await expect(reelectionRecord(plain, H4, filedOn)).rejects.toThrow(/no re-election filing/);

    const r = await cli(
      'committee',
      'file-reelection',
      '--committee',
      H4,
      '--as',
      'official-huayang',
      '--filed-on',
      filedOn,
      '--filing-ref',
      'HY-2023-004',
      ...y,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      `已登记换届改选备案：${directory.committees.find((c) => c.id === H4)!.name}（${H4}），新一届业委会于 ${filedOn} 备案，备案编号 HY-2023-004`,
      `${H4} 未参加 ${Y} 年度评选，也未持有有效称号：仅登记备案`,
    ]);
    expect(await reelectionRecord(plain, H4, filedOn)).toMatchObject({
      committeeId: H4,
      filedOn,
      filingRef: 'HY-2023-004',
      recordedBy: 'official-huayang',
      titles: [],
    });
    const dup = await cli(
      'committee',
      'file-reelection',
      '--committee',
      H4,
      '--as',
      H4,
      '--filed-on',
      filedOn,
      '--filing-ref',
      'HY-2023-004',
      ...y,
    );
    expect(dup.stderr).toMatch(/^error: rejected \(Duplicate\): huayang-004 于 .* 的换届改选备案已登记/);
  });

  it('inside a round, before the draft list: the application records the filing (date, who, reference); no flag', async () => {
    await startCampaign(rig().client, { calendar: rig().calendar, directory, taskQueue: rig().taskQueue });
    await sleepUntil('2023-04-03T02:00:00Z');
    for (const id of [H1, H2, H3, J1])
      await submitApplication(rig().client, {
        year: Y,
        directory,
        committeeId: id,
        form: formFor(id),
        taskQueue: rig().taskQueue,
      });
    await eventually(async () => expect((await campaignStatus(rig().client, Y)).counts.total).toBe(4));
    await sleepUntil('2023-04-10T02:00:00Z');
    const r = await cli(
      'committee',
      'file-reelection',
      '--committee',
      J1,
      '--as',
      'official-jiangsu',
      '--filed-on',
      day('2023-04-07'),
      '--filing-ref',
      'JS-2023-017',
      ...y,
    );
    expect(r.stdout.split('\n')[1]).toBe(
      `已记录换届改选备案：新一届业委会于 ${day('2023-04-07')} 备案（备案编号 JS-2023-017）`,
    );
    const app = await applicationStatus(rig().client, Y, J1);
    expect(app.reelection).toMatchObject({
      filedOn: day('2023-04-07'),
      filingRef: 'JS-2023-017',
      by: 'official-jiangsu',
    });
    expect(app.audit.at(-1)).toMatchObject({
      action: 'recordReelection',
      actor: 'official-jiangsu',
      role: 'subdistrict',
      outcome: 'accepted',
    });
    expect((await campaignStatus(rig().client, Y)).reelectionFlags).toEqual([]);
    expect(await reelectionRecord(plain, J1, day('2023-04-07'))).toMatchObject({
      round: { year: Y, stage: 'submitted', onDraftList: false },
    });
  });

  it('during 公示: filings flag the committees; the final list waits for the bureau, who keeps one and removes one with reasons', async () => {
    await sleepUntil('2023-06-05T02:00:00Z');
    for (const id of [H1, H2, H3])
      await applicationAction(rig().client, Y, id, 'recommend', { actor: 'official-huayang' });
    await applicationAction(rig().client, Y, J1, 'notRecommend', {
      actor: 'official-jiangsu',
      reason: '换届后台账尚未移交',
    });
    await eventually(async () => expect((await campaignStatus(rig().client, Y)).counts.byStage.recommended).toBe(3));
    await campaignAction(rig().client, Y, 'confirmList', { actor: 'official-huayang' });
    await sleepUntil('2023-08-07T02:00:00Z');
    for (const [n, id] of [H1, H2, H3].entries()) {
      await applicationAction(rig().client, Y, id, 'recordInspection', {
        actor: 'inspector-1',
        scores: scores(95 - n),
        total: 95 - n,
        inspector: '郑立',
        date: day('2023-08-07'),
        notes: '',
      });
    }
    await eventually(async () => expect((await campaignStatus(rig().client, Y)).counts.byStage.inspected).toBe(3));
    await sleepUntil('2023-09-25T02:00:00Z');
    await campaignAction(rig().client, Y, 'panelFinalize', {
      actor: 'panel-chair',
      ranking: [H1, H2, H3],
      tieBreakRule: '总分相同时，以群众评价好得分高者居前',
    });

    await sleepUntil('2023-09-26T02:00:00Z');
    const sent = rig().smtp.messages.length;
    const h2 = await cli(
      'committee',
      'file-reelection',
      '--committee',
      H2,
      '--as',
      H2,
      '--filed-on',
      day('2023-09-26'),
      '--filing-ref',
      'HY-2023-031',
      ...y,
    );
    expect(h2.stdout.split('\n').slice(1)).toEqual([
      `已记录换届改选备案：新一届业委会于 ${day('2023-09-26')} 备案（备案编号 HY-2023-031）`,
      `${H2} 已于 ${day('2023-09-26')} 完成换届改选备案（备案编号 HY-2023-031），已提请区房管局决定是否保留在拟表彰名单中`,
    ]);
    expect(
      (
        await cli(
          'committee',
          'file-reelection',
          '--committee',
          H3,
          '--as',
          'bureau-lu',
          '--filed-on',
          day('2023-09-26'),
          '--filing-ref',
          'HY-2023-032',
          ...y,
        )
      ).code,
    ).toBe(0);
    // Only a flagged committee awaits a decision.
    await refused(
      [
        'campaign',
        'decide-reelection',
        ...y,
        '--as',
        'bureau-lu',
        '--committee',
        H1,
        '--outcome',
        'keep',
        '--reason',
        '未换届，无需决定',
      ],
      /^error: rejected \(NotFound\): committeeId: huayang-001 has no re-election flag$/,
      H1,
    );
    const flags = (await campaignStatus(rig().client, Y)).reelectionFlags;
    expect(flags.map((f) => [f.committeeId, f.filingRef, f.by, f.decision])).toEqual([
      [H2, 'HY-2023-031', H2, undefined],
      [H3, 'HY-2023-032', 'bureau-lu', undefined],
    ]);
    expect((await applicationStatus(rig().client, Y, H2)).audit.at(-1)).toMatchObject({
      action: 'recordReelection',
      actor: H2,
      role: 'committee',
    });
    // The bureau and huayang's official are told of each flag, the bureau with the console page to decide on.
    const toldOf = [...BUREAU.map((p) => p.email), emailOf('official-huayang')].sort();
    await eventually(async () => {
      const flagged = mailsOf('reelection-flag', sent);
      expect(
        flagged
          .filter((m) => m.subject.includes(H2) || m.text.includes(H2))
          .map((m) => m.to)
          .sort(),
      ).toEqual(toldOf);
      const told = flagged.find((m) => m.to === BUREAU[0].email && m.text.includes(H2))!.text;
      expect(told).toContain('请决定保留或移出，并说明理由：');
      // The bureau decides on the objections page, with the draft list's other open matters.
      expect(told).toContain('/objections');
      expect(told).not.toContain('npm run');
    });

    // 公示 ends Oct 8 24:00; on Oct 9 the final list is still refused while the flags are open.
    await sleepUntil('2023-10-09T02:00:00Z');
    await refused(
      ['campaign', 'confirm', ...y, '--as', 'bureau-lu'],
      /^error: rejected \(WrongPhase\): re-election filings await the bureau's decision: huayang-002, huayang-003 \(campaign decide-reelection\)$/,
      H2,
    );
    await refused(
      [
        'campaign',
        'decide-reelection',
        ...y,
        '--as',
        'official-huayang',
        '--committee',
        H2,
        '--outcome',
        'keep',
        '--reason',
        '新一届班子延续原班子',
      ],
      /^error: rejected \(WrongActor\): decideReelection needs role bureau/,
      H2,
    );
    const decided = rig().smtp.messages.length;
    const keep = await cli(
      'campaign',
      'decide-reelection',
      ...y,
      '--as',
      'bureau-lu',
      '--committee',
      H2,
      '--outcome',
      'keep',
      '--reason',
      '新一届业委会主要成员连任，运行规范',
    );
    expect(keep.stdout).toBe(`${H2} 保留在拟表彰名单中，称号授予新一届业委会：新一届业委会主要成员连任，运行规范`);
    await refused(
      [
        'campaign',
        'decide-reelection',
        ...y,
        '--as',
        'bureau-lu',
        '--committee',
        H2,
        '--outcome',
        'remove',
        '--reason',
        '改变主意了',
      ],
      /^error: rejected \(Duplicate\): huayang-002: the bureau already decided keep \(bureau-lu\)$/,
      H2,
    );
    await refused(
      ['campaign', 'confirm', ...y, '--as', 'bureau-lu'],
      /^error: rejected \(WrongPhase\): re-election filings await the bureau's decision: huayang-003 \(campaign decide-reelection\)$/,
      H3,
    );
    const remove = await cli(
      'campaign',
      'decide-reelection',
      ...y,
      '--as',
      'bureau-lu',
      '--committee',
      H3,
      '--outcome',
      'remove',
      '--reason',
      '新一届业委会尚未完成工作交接',
    );
    expect(remove.stdout).toBe(`${H3} 已移出拟表彰名单：新一届业委会尚未完成工作交接`);

    const audit = await campaignAudit(rig().client, Y);
    expect(
      audit
        .filter((e) => e.outcome === 'accepted' && /Reelection$/.test(e.action))
        .map((e) => [e.action, e.actor, e.detail]),
    ).toEqual([
      ['flagReelection', H2, expect.stringContaining('HY-2023-031')],
      ['flagReelection', 'bureau-lu', expect.stringContaining('HY-2023-032')],
      ['decideReelection', 'bureau-lu', expect.stringContaining('新一届业委会主要成员连任，运行规范')],
      ['decideReelection', 'bureau-lu', expect.stringContaining('新一届业委会尚未完成工作交接')],
    ]);
    expect(audit.filter((e) => e.outcome === 'rejected').map((e) => e.action)).toEqual([
      'decideReelection',
      'confirmFinal',
      'decideReelection',
      'decideReelection',
      'confirmFinal',
    ]);
    await eventually(async () => {
      const told = mailsOf('reelection-decision', decided);
      expect(told).toHaveLength(2 * toldOf.length);
      expect(told.find((m) => m.text.includes(H2))!.text).toContain('理由：新一届业委会主要成员连任，运行规范');
      expect(told.find((m) => m.text.includes(H3))!.text).toContain('移出拟表彰名单');
    });
    const status = await cli('campaign', 'status', ...y);
    expect(status.stdout).toContain(
      `${H2} filed ${day('2023-09-26')} (HY-2023-031), recorded by ${H2}: KEPT (title to the new committee) by bureau-lu`,
    );

    expect((await cli('campaign', 'confirm', ...y, '--as', 'bureau-lu')).code).toBe(0);
    const result = await plain.workflow.getHandle(`campaign-${Y}`).result();
    expect(result.finalList).toEqual([H1, H2]);
    expect(result.removed).toEqual([H3]);
    expect(await plain.workflow.getHandle(`application-${Y}-${H3}`).result()).toMatchObject({
      stage: 'removed',
      reason: '换届改选备案后，区房管局决定移出拟表彰名单：新一届业委会尚未完成工作交接',
    });
    // The kept committee's title is the new committee's: its filing came before the title and does not revoke it.
    await eventually(async () =>
      expect(await titleStatus(rig().client, titleWorkflowId(H2, Y))).toMatchObject({ status: 'active' }),
    );
  });

  it('a filing after the commendation revokes the new title at once', async () => {
    await eventually(async () =>
      expect(await titleStatus(rig().client, titleWorkflowId(H1, Y))).toMatchObject({ status: 'active' }),
    );
    const filedOn = day('2023-10-09');
    const r = await cli(
      'committee',
      'file-reelection',
      '--committee',
      H1,
      '--as',
      'official-huayang',
      '--filed-on',
      filedOn,
      '--filing-ref',
      'HY-2023-040',
      ...y,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`新一届业委会已于 ${filedOn} 备案，原“红色示范业委会”称号即时失效`);
    expect(await titleStatus(rig().client, titleWorkflowId(H1, Y))).toMatchObject({
      status: 'revoked',
      revocation: { kind: 'reelection' },
    });
    expect(await reelectionRecord(plain, H1, filedOn)).toMatchObject({ titles: [titleWorkflowId(H1, Y)] });
    expect((await reelectionRecord(plain, H1, filedOn)).round).toBeUndefined();
  });

  it('the histories with flags, decisions and a recorded filing replay against the current code', async () => {
    for (const id of [
      `campaign-${Y}`,
      `application-${Y}-${H2}`,
      `application-${Y}-${J1}`,
      reelectionFilingId(H4, day('2023-03-20')),
    ]) {
      const history = await plain.workflow.getHandle(id).fetchHistory();
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: dataConverter() },
        history,
        id,
      );
    }
  });
});
