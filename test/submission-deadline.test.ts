/**
 * A deadline the bureau moves reaches later submissions through the campaign's memo (the campaign upserts it in
 * the task that applies the extension), and a campaign started without the memo (before it existed) still takes
 * submissions through the Query. Time-skipping server: the calendar's months pass in seconds.
 * SUBMISSION_HISTORIES_TO=<folder> also writes the campaign's history there, as a golden history.
 */
import { describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { addDays, formatDeadline } from '../domain/calendar';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { applicationStatus, submitApplication } from '../client/applications';
import { campaignAction, recentSubmissionTermsOf, startCampaign, submissionTermsOf } from '../client/campaigns';
import { UserError } from '../client/errors';
import { campaignWorkflowId } from '../temporal/ids';
import { campaign } from '../workflows/campaign/workflow';
import { SUBMISSION_MEMO_KEY, SUBMISSION_MEMO_PATCH } from '../workflows/campaign/memo';
import { rejectedAttemptSignal } from '../workflows/shared/rejected-attempt';
import { at, calendar2023Ahead, directory, formFor } from './fixtures';
import { eventually, withTimeSkippingWorker } from './harness';
import { replayAndRecord } from './golden-record';

const Y = 2023;
const DAY = 86_400_000;
const [sdA, sdB] = directory.subdistricts;
const inA = directory.committees.filter((c) => c.subdistrict === sdA).map((c) => c.id);
const inB = directory.committees.filter((c) => c.subdistrict === sdB).map((c) => c.id);

const w = withTimeSkippingWorker('submission-deadline');

async function sleepUntilMs(target: number) {
  const now = await w().env.currentTimeMs();
  if (target > now) await w().env.sleep(target - now);
}
const sleepUntil = (iso: string) => sleepUntilMs(at(iso, w().shiftDays));
const day = (date: string) => addDays(date, w().shiftDays);

/** A campaign's history replays against this code; SUBMISSION_HISTORIES_TO=<folder> also writes it there. */
const replayCampaign = (year: number, history: Parameters<typeof historyToJSON>[0], label: string) =>
  replayAndRecord(w().client, campaignWorkflowId(year), {
    workflowType: 'campaign',
    history,
    label,
    to: process.env.SUBMISSION_HISTORIES_TO,
  });

describe('moved deadlines reach later submissions', () => {
  it('a submission after the original close, before the moved one, is taken with the moved deadlines', async () => {
    const { client, calendar, taskQueue } = w();
    await startCampaign(client, { calendar, directory, taskQueue });
    await sleepUntil('2023-04-03T02:00:00Z');
    await submitApplication(client, { year: Y, directory, committeeId: inA[0], form: formFor(inA[0]), taskQueue });

    await campaignAction(client, Y, 'extendDeadline', {
      actor: 'bureau-lu',
      window: 'applications',
      until: day('2023-06-10'),
    });
    await campaignAction(client, Y, 'extendDeadline', {
      actor: 'bureau-lu',
      window: 'review',
      subdistrict: sdB,
      until: day('2023-08-10'),
    });
    const moved = at('2023-06-10T16:00:00Z', w().shiftDays);
    const movedReview = new Date(at('2023-08-10T16:00:00Z', w().shiftDays)).toISOString();
    // The Updates answered: the memo holds the moved deadlines (upserted in the same workflow task).
    const { terms, from } = await submissionTermsOf(client, Y);
    expect(from).toBe('memo');
    expect(terms.applicationsClose).toBe(new Date(moved).toISOString());
    expect(terms.reviewDeadlines[sdB]).toBe(movedReview);
    expect(terms.reviewDeadlines[sdA]).toBe(calendar.reviewCloses);

    // After the notice's close (May 31), before the moved one (June 10).
    await sleepUntil('2023-06-05T02:00:00Z');
    await submitApplication(client, { year: Y, directory, committeeId: inB[0], form: formFor(inB[0]), taskQueue });
    const app = await eventually(async () => {
      const s = await applicationStatus(client, Y, inB[0]);
      expect(s.audit.map((a) => a.action)).toContain('submit');
      return s;
    });
    expect(app.stage).toBe('submitted');
    expect(app.reviewDeadline).toBe(movedReview);

    await sleepUntil('2023-06-11T02:00:00Z');
    const err = await submitApplication(client, {
      year: Y,
      directory,
      committeeId: inB[1],
      form: formFor(inB[1]),
      taskQueue,
    }).then(
      () => undefined,
      (e) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      new RegExp(`^applications for ${Y} closed ${formatDeadline(moved)} \\(北京时间\\); the window was `),
    );

    // The campaign's history holds the patch marker and the memo upserts, and replays against this code.
    const handle = client.workflow.getHandle(campaignWorkflowId(Y));
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const b64 = Buffer.from(JSON.stringify(SUBMISSION_MEMO_PATCH)).toString('base64').slice(0, 20);
    expect(historyToJSON(history)).toContain(b64);
    expect(events.filter((e) => e.workflowPropertiesModifiedEventAttributes?.upsertedMemo)).toHaveLength(2);
    await replayCampaign(Y, history, 'memo');
  });

  it('the memo, moved deadlines included, survives the campaign continuing as new', { timeout: 300_000 }, async () => {
    const { client } = w();
    const handle = client.workflow.getHandle(campaignWorkflowId(Y));
    const before = await handle.describe();
    const moved = before.memo?.[SUBMISSION_MEMO_KEY];
    expect((moved as { applicationsClose: string }).applicationsClose).toBe(
      new Date(at('2023-06-10T16:00:00Z', w().shiftDays)).toISOString(),
    );
    // Refused attempts reported by clients: each adds events, and the campaign continues as new past 3,000.
    const attempt = { action: 'recommend', error: 'WrongPhase: a test of continue-as-new' };
    for (let sent = 0; sent < 6_000; sent += 100) {
      await Promise.all(Array.from({ length: 100 }, () => handle.signal(rejectedAttemptSignal, attempt)));
      if ((await handle.describe()).runId !== before.runId) break;
    }
    const after = await eventually(async () => {
      const d = await handle.describe();
      expect(d.runId).not.toBe(before.runId);
      expect(d.status.name).toBe('RUNNING');
      return d;
    });
    expect(after.memo?.[SUBMISSION_MEMO_KEY]).toEqual(moved);
    expect((await submissionTermsOf(client, Y)).from).toBe('memo');
  });

  it('a submission on terms read before a move gets the moved deadline from the campaign', async () => {
    const { client, env, taskQueue } = w();
    const year = 2025;
    const { calendar } = calendar2023Ahead(await env.currentTimeMs());
    const cal = { ...calendar, year };
    await startCampaign(client, { calendar: cal, directory, taskQueue });
    await sleepUntilMs(Date.parse(cal.opens) + DAY);
    // Another submission read the terms a moment ago; then the bureau moves sdA's review deadline.
    expect((await recentSubmissionTermsOf(client, year)).reused).toBe(false);
    const moved = new Date(Date.parse(cal.reviewCloses) + 10 * DAY).toISOString();
    await campaignAction(client, year, 'extendDeadline', {
      actor: 'bureau-lu',
      window: 'review',
      subdistrict: sdA,
      until: moved.slice(0, 10),
    });
    expect((await recentSubmissionTermsOf(client, year)).reused).toBe(true);

    // This submission starts with the earlier read's deadline; its registration tells the campaign so.
    await submitApplication(client, { year, directory, committeeId: inA[2], form: formFor(inA[2]), taskQueue });
    const app = await eventually(async () => {
      const s = await applicationStatus(client, year, inA[2]);
      expect(s.reviewDeadline).toBe(moved);
      return s;
    });
    expect(app.audit.map((a) => a.action)).toEqual(['submit', 'campaign:deadline']);

    // The campaign's history with that notice replays against this code (and, on request, becomes a golden one).
    await replayCampaign(
      year,
      await client.workflow.getHandle(campaignWorkflowId(year)).fetchHistory(),
      'registration',
    );
  });

  it('a campaign started without the memo takes submissions through the Query', async () => {
    const { client, env, taskQueue } = w();
    const year = 2024;
    const { calendar } = calendar2023Ahead(await env.currentTimeMs());
    const cal = { ...calendar, year };
    // As campaigns were started before the memo: the same input, no memo.
    await client.workflow.start(campaign, {
      workflowId: campaignWorkflowId(year),
      taskQueue,
      args: [
        {
          year,
          calendar: cal,
          quota: 5,
          subdistricts: directory.subdistricts,
          staff: directory.people,
          gradeBands: DEFAULT_GRADE_BANDS,
        },
      ],
    });
    expect((await client.workflow.getHandle(campaignWorkflowId(year)).describe()).memo?.[SUBMISSION_MEMO_KEY]).toBe(
      undefined,
    );
    await sleepUntilMs(Date.parse(cal.opens) + DAY);
    const { terms, from } = await submissionTermsOf(client, year);
    expect(from).toBe('query');
    expect(terms.applicationsClose).toBe(cal.applicationsClose);
    await submitApplication(client, { year, directory, committeeId: inA[1], form: formFor(inA[1]), taskQueue });
    const app = await eventually(async () => {
      const s = await applicationStatus(client, year, inA[1]);
      expect(s.audit.map((a) => a.action)).toContain('submit');
      return s;
    });
    expect(app.stage).toBe('submitted');
    expect(app.reviewDeadline).toBe(cal.reviewCloses);
  });
});
