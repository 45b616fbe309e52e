/**
 * Every rejection path of the selection process: wrong phase, wrong actor, invalid payload,
 * duplicate. Each rejected Update gives a clear one-line error and leaves the state read by query
 * exactly as it was. Bad signals are recorded as rejected and change nothing else.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { eventually, withTimeSkippingWorker } from './harness';
import { directory, formFor, scores } from './fixtures';
import { campaignAction, campaignAudit, campaignStatus, panelVotes, startCampaign } from '../client/campaigns';
import { applicationAction, applicationStatus, submitApplication } from '../client/applications';
import { UserError, explain } from '../client/errors';
import { addDays } from '../domain/calendar';
import { applicationWorkflowId } from '../temporal/ids';

const Y = 2023;
const [sdA, sdB] = directory.subdistricts;
const inA = directory.committees.filter((c) => c.subdistrict === sdA).map((c) => c.id);
const inB = directory.committees.filter((c) => c.subdistrict === sdB).map((c) => c.id);
const officialOf = (sd: string) => directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sd)!.id;

/** A 2023 Beijing date moved like the calendar. */
const day = (date: string) => addDays(date, rig().shiftDays);

const sleepUntil = (iso2023: string) => rig().sleepUntil(iso2023);

/** The state a rejection must leave alone: everything but the audit trail, which records the refusal. */
type Snap = [Awaited<ReturnType<typeof campaignStatus>>, Awaited<ReturnType<typeof applicationStatus>>];
const withoutAudit = ([c, a]: Snap) => {
  const { rejectedActions: _r, ...camp } = c;
  const { audit: _a, rejectedCount: _n, ...app } = a;
  return [camp, app];
};
const refusals = ([c, a]: Snap) => c.rejectedActions + a.rejectedCount;

/**
 * Snapshot both workflows, run the action, expect a rejection of `kind` matching `text`, snapshot again.
 * `recorded`: the client reported the refusal, so it is in the campaign's or the application's audit.
 * Not so for refusals with no running workflow to tell (a submission, a closed application) or raw Updates.
 */
async function rejected(
  action: () => Promise<unknown>,
  kind: string,
  text: RegExp,
  committeeId = inA[0],
  recorded = true,
) {
  const snap = async (): Promise<Snap> => [
    await campaignStatus(rig().client, Y),
    await applicationStatus(rig().client, Y, committeeId),
  ];
  const before = await snap();
  const err = await action().then(
    () => undefined,
    (e) => e,
  );
  expect(err, `expected a ${kind} rejection`).toBeDefined();
  const line = explain(err);
  expect(line).not.toContain('\n');
  if (kind === 'UserError') expect(err).toBeInstanceOf(UserError);
  else {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause).toBeInstanceOf(ApplicationFailure);
    expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(kind);
  }
  expect(line).toMatch(text);
  if (recorded) {
    await eventually(async () => {
      const now = await snap();
      expect(refusals(now)).toBe(refusals(before) + 1);
      const last =
        now[1].rejectedCount > before[1].rejectedCount
          ? now[1].audit.at(-1)!.error
          : (await campaignAudit(rig().client, Y)).at(-1)!.detail;
      expect(last).toContain(line.slice(0, 60));
    });
  }
  const after = await snap();
  expect(withoutAudit(after)).toEqual(withoutAudit(before));
  if (!recorded) expect(refusals(after)).toBe(refusals(before));
}

const rig = withTimeSkippingWorker('reject');
const submit = (committeeId: string, form = formFor(committeeId)) =>
  submitApplication(rig().client, { year: Y, directory, committeeId, form, taskQueue: rig().taskQueue });
beforeAll(async () => {
  const { env, calendar, taskQueue } = rig();
  await startCampaign(env.client, { calendar, directory, taskQueue });
});

describe('rejections leave the state unchanged', () => {
  it('applications: before opening, duplicates, invalid forms, after closing', async () => {
    await expect(submit(inA[0])).rejects.toThrow(/open \d{4}-\d{2}-\d{2} 00:00 \(北京时间\)/);
    await sleepUntil('2023-04-03T02:00:00Z');
    for (const id of [...inA, ...inB]) await submit(id, formFor(id, false));
    await eventually(async () =>
      expect((await campaignStatus(rig().client, Y)).counts.total).toBe(inA.length + inB.length),
    );
    // The committee's own action shows its role, not "unknown".
    expect((await applicationStatus(rig().client, Y, inA[0])).audit[0]).toMatchObject({
      action: 'submit',
      actor: inA[0],
      role: 'committee',
    });
    await rejected(() => submit(inA[0]), 'UserError', /already applied in 2023/, inA[0], false);
    await rejected(
      () => submit(inA[0], { ...formFor(inA[0]), members: 0 }),
      'UserError',
      /form: members:/,
      inA[0],
      false,
    );
    await rejected(
      () => submit('nobody', formFor('x')),
      'UserError',
      /not a committee in the directory/,
      inA[0],
      false,
    );
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'recommend', { actor: officialOf(sdA) }),
      'WrongPhase',
      /pre-review opens \d{4}-\d{2}-\d{2} 00:00/,
    );
    await rejected(
      () =>
        applicationAction(rig().client, Y, inA[0], 'recordPaperForm', {
          actor: officialOf(sdA),
          receivedOn: '2023-05-02',
        }),
      'WrongActor',
      /needs role bureau/,
    );
    await applicationAction(rig().client, Y, inA[0], 'recordPaperForm', {
      actor: 'bureau-lu',
      receivedOn: '2023-05-02',
    });
    await rejected(
      () =>
        applicationAction(rig().client, Y, inA[0], 'recordPaperForm', {
          actor: 'bureau-lu',
          receivedOn: '2023-05-03',
        }),
      'Duplicate',
      /already recorded/,
    );
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'fileObjection', {
          name: '王五',
          contact: '13900000000',
          grounds: '公示前就想提出异议的理由。',
          committeeId: inA[0],
        }),
      'WrongPhase',
      /尚未公示/,
    );
    await sleepUntil('2023-06-01T02:00:00Z');
    const late = directory.committees.find((c) => c.subdistrict === directory.subdistricts[5])!.id;
    await rejected(() => submit(late), 'UserError', /closed \d{4}-\d{2}-\d{2} 24:00/, inA[0], false);
  });

  it('街镇 review: wrong 街镇, wrong role, missing reason, duplicates, unconfirmed lists, extensions', async () => {
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'recommend', { actor: officialOf(sdB) }),
      'WrongActor',
      new RegExp(`official of ${sdB}, not of ${sdA}`),
    );
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'recommend', { actor: 'inspector-1' }),
      'WrongActor',
      /needs role subdistrict/,
    );
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'recommend', { actor: 'ghost' }),
      'WrongActor',
      /not in the directory/,
    );
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'notRecommend', { actor: officialOf(sdA), reason: '' } as any),
      'UserError',
      /reason/,
    );
    // The same payload past the client's own check is still refused by the workflow's validator.
    const handle = rig().client.workflow.getHandle(applicationWorkflowId(Y, inA[0]));
    await rejected(
      () => handle.executeUpdate('notRecommend', { args: [{ actor: officialOf(sdA), reason: '' }] }),
      'InvalidInput',
      /reason:/,
      inA[0],
      false,
    );
    await rejected(
      () => handle.executeUpdate('recommend', { args: [{ actor: officialOf(sdA), extra: 1 }] }),
      'InvalidInput',
      /extra/,
      inA[0],
      false,
    );
    await rejected(
      () => campaignAction(rig().client, Y, 'confirmList', { actor: officialOf(sdA) }),
      'WrongPhase',
      /undecided application/,
    );

    await applicationAction(rig().client, Y, inA[0], 'recommend', { actor: officialOf(sdA) });
    // The decision reaches the campaign by its report, after the Update answers: wait for it, or the refusal below
    // would be compared with a campaign that has not heard of it yet.
    await eventually(async () => expect((await campaignStatus(rig().client, Y)).counts.byStage.recommended).toBe(1));
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'recommend', { actor: officialOf(sdA) }),
      'Duplicate',
      /already decided/,
    );
    for (const id of inA.slice(1))
      await applicationAction(rig().client, Y, id, 'notRecommend', { actor: officialOf(sdA), reason: '台账不全' });
    await campaignAction(rig().client, Y, 'confirmList', { actor: officialOf(sdA) });
    // Beijing time in the one format of every message, never a raw UTC instant.
    await rejected(
      () => campaignAction(rig().client, Y, 'confirmList', { actor: officialOf(sdA) }),
      'Duplicate',
      new RegExp(`${sdA} confirmed its list on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(北京时间\\)$`),
    );
    await eventually(async () => expect((await applicationStatus(rig().client, Y, inA[0])).locked).toBe(true));
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'notRecommend', { actor: officialOf(sdA), reason: '改变主意' }),
      'WrongPhase',
      /decisions are locked/,
    );
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'extendDeadline', {
          actor: officialOf(sdB),
          window: 'review',
          subdistrict: sdB,
          until: day('2023-08-10'),
        }),
      'WrongActor',
      /needs role bureau/,
      inB[0],
    );
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'extendDeadline', {
          actor: 'bureau-lu',
          window: 'review',
          subdistrict: sdA,
          until: day('2023-08-10'),
        }),
      'WrongPhase',
      /already confirmed/,
    );
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'extendDeadline', {
          actor: 'bureau-lu',
          window: 'review',
          subdistrict: sdB,
          until: day('2023-07-01'),
        }),
      'InvalidInput',
      /must be after/,
      inB[0],
    );
    // The bureau gives 街镇 B ten more days; its applications can still be decided in August.
    await campaignAction(rig().client, Y, 'extendDeadline', {
      actor: 'bureau-lu',
      window: 'review',
      subdistrict: sdB,
      until: day('2023-08-10'),
    });
    await sleepUntil('2023-08-02T02:00:00Z');
    await applicationAction(rig().client, Y, inB[0], 'recommend', { actor: officialOf(sdB) });
    await sleepUntil('2023-08-11T02:00:00Z');
    await eventually(async () => expect((await applicationStatus(rig().client, Y, inB[1])).stage).toBe('no-decision'));
    await rejected(
      () => applicationAction(rig().client, Y, inB[1], 'recommend', { actor: officialOf(sdB) }),
      'UserError',
      /is closed: no-decision/,
      inB[1],
      false,
    );
  });

  it('inspection and panel: invalid scores, wrong role, ineligible and over-quota lists', async () => {
    const rec = {
      actor: 'inspector-1',
      scores: scores(95),
      total: 95,
      inspector: '郑立',
      date: '2023-08-11',
      notes: '',
    };
    await rejected(
      () =>
        applicationAction(rig().client, Y, inA[0], 'recordInspection', {
          ...rec,
          scores: { ...rec.scores, partyLeadership: 21 },
        }),
      'UserError',
      /scores.partyLeadership/,
    );
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'recordInspection', { ...rec, total: 90 }),
      'UserError',
      /total: must equal the sum/,
    );
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'recordInspection', { ...rec, actor: 'panel-2' }),
      'WrongActor',
      /needs role inspector/,
    );
    await rejected(
      () => applicationAction(rig().client, Y, inA[1], 'recordInspection', rec),
      'UserError',
      /is closed: not-recommended/,
      inA[1],
      false,
    );
    await rejected(
      () => campaignAction(rig().client, Y, 'panelVote', { actor: 'panel-2', committeeId: inA[0], support: true }),
      'WrongPhase',
      /not been inspected/,
    );
    await applicationAction(rig().client, Y, inA[0], 'recordInspection', rec);
    // As for the decision above: the campaign hears of the inspection by its report, after the Update answers.
    await eventually(async () => expect((await campaignStatus(rig().client, Y)).counts.byStage.inspected).toBe(1));
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'recordInspection', rec),
      'Duplicate',
      /already inspected/,
    );
    await campaignAction(rig().client, Y, 'panelVote', { actor: 'panel-2', committeeId: inA[0], support: true });
    await rejected(
      () => campaignAction(rig().client, Y, 'panelVote', { actor: 'panel-2', committeeId: inA[0], support: true }),
      'Duplicate',
      /already voted the same/,
    );
    // A different vote replaces the member's earlier one until the chair finalises.
    expect(
      (
        await campaignAction(rig().client, Y, 'panelVote', {
          actor: 'panel-2',
          committeeId: inA[0],
          support: false,
        })
      ).message,
    ).toContain('已更改');
    expect((await panelVotes(rig().client, Y))[inA[0]]['panel-2']).toEqual({ support: false });
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'panelFinalize', {
          actor: 'panel-2',
          ranking: [inA[0]],
          tieBreakRule: '按总分排序',
        }),
      'WrongActor',
      /panel chair/,
    );
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'panelFinalize', {
          actor: 'panel-chair',
          ranking: [inA[0], inB[0]],
          tieBreakRule: '按总分排序',
        }),
      'InvalidInput',
      /only inspected applications are eligible/,
    );
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'panelFinalize', {
          actor: 'panel-chair',
          ranking: [inA[0], inA[0]],
          tieBreakRule: '按总分排序',
        }),
      'UserError',
      /twice/,
    );
    await rejected(
      () => campaignAction(rig().client, Y, 'confirmFinal', { actor: 'bureau-lu' }),
      'WrongPhase',
      /after 公示 ends/,
    );
  });

  it('publicity: objections need a real name and contact, only for listed committees, resolved once', async () => {
    await campaignAction(rig().client, Y, 'panelFinalize', {
      actor: 'panel-chair',
      ranking: [inA[0]],
      tieBreakRule: '按总分排序，同分以群众评价好得分高者居前',
    });
    // The campaign tells its listed application by an activity; wait for it, so a refusal below is compared with a
    // settled state and not with the application's own move to 拟表彰公示中.
    await eventually(async () => expect((await applicationStatus(rig().client, Y, inA[0])).stage).toBe('listed'));
    const obj = {
      name: '王五',
      contact: '13900000000',
      grounds: '该业委会财务公开不及时，有照片为证。',
      committeeId: inA[0],
    };
    await rejected(
      () => campaignAction(rig().client, Y, 'fileObjection', { ...obj, contact: '' }),
      'UserError',
      /contact/,
    );
    await rejected(
      () => campaignAction(rig().client, Y, 'fileObjection', { ...obj, organisation: '某物业公司' }),
      'UserError',
      /盖章/,
    );
    await rejected(
      () => campaignAction(rig().client, Y, 'fileObjection', { ...obj, committeeId: inB[0] }),
      'NotFound',
      /不在公示名单中/,
    );
    const { objectionId } = await campaignAction(rig().client, Y, 'fileObjection', obj);
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'resolveObjection', {
          actor: 'panel-chair',
          objectionId: objectionId!,
          outcome: 'dismissed',
          reason: '无据',
        }),
      'WrongActor',
      /needs role bureau/,
    );
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'resolveObjection', {
          actor: 'bureau-lu',
          objectionId: 'obj-99',
          outcome: 'dismissed',
          reason: '无据',
        }),
      'NotFound',
      /obj-99/,
    );
    await campaignAction(rig().client, Y, 'resolveObjection', {
      actor: 'bureau-lu',
      objectionId: objectionId!,
      outcome: 'dismissed',
      reason: '经核查不属实',
    });
    await rejected(
      () =>
        campaignAction(rig().client, Y, 'resolveObjection', {
          actor: 'bureau-lu',
          objectionId: objectionId!,
          outcome: 'upheld',
          reason: '再议',
        }),
      'Duplicate',
      /already dismissed/,
    );
  });

  it('bad Updates are refused, reported by the client that sent them, and change nothing else', async () => {
    const app = rig().client.workflow.getHandle(applicationWorkflowId(Y, inA[0]));
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'recommend', { actor: officialOf(sdB) }),
      'WrongActor',
      /not of/,
    );
    // An action no table has: the client refuses it before sending, and has no trail to add it to.
    await rejected(
      () => applicationAction(rig().client, Y, inA[0], 'launchMissiles' as never, {} as never),
      'UserError',
      /unknown action "launchMissiles"/,
      inA[0],
      false,
    );
    // Sent raw, the workflow has no handler of that name: refused, nothing changes.
    const before = await applicationStatus(rig().client, Y, inA[0]);
    await expect(app.executeUpdate('launchMissiles', { args: [1] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    expect(await applicationStatus(rig().client, Y, inA[0])).toEqual(before);
    // A field the schema does not know, refused by the client and reported to the campaign's trail.
    await rejected(
      () => campaignAction(rig().client, Y, 'confirmFinal', { actor: 'bureau-lu', extra: 'x'.repeat(2000) } as never),
      'UserError',
      /^confirmFinal: \(payload\): Unrecognized key: "extra"$/,
    );
    const history = await app.fetchHistory();
    expect(history.events!.some((e) => e.workflowTaskFailedEventAttributes)).toBe(false);
  });
});
