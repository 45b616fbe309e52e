/**
 * A committee's submission reads what its application needs from the campaign's memo, with no Query: here no
 * worker polls the campaign's task queue at all (a Query would wait for one), and submissions still start their
 * applications, which run on a queue that has a worker and report to the campaign themselves. The window is
 * checked by the client and quoted exactly when a submission is too early or too late; duplicates are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultCalendar,
  formatBeijing,
  formatDeadline,
  shiftCalendar,
  type CampaignCalendar,
} from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { applicationStatus, submitApplication } from '../client/applications';
import { startCampaign, submissionTermsOf } from '../client/campaigns';
import { UserError, isNotFound } from '../client/errors';
import { applicationWorkflowId, campaignWorkflowId, subdistrictReportsWorkflowId } from '../temporal/ids';
import { applicationReportSignal } from '../workflows/campaign/stage-report';
import { eventually, terminateTaskQueue, uniqueTaskQueue, withDevServerWorker } from './harness';
import { directory, formFor } from './fixtures';
import { TEST_YEARS } from './years';

const [OPEN, EARLY, LATE] = TEST_YEARS['submission.test.ts'];
const DAY = 86_400_000;
const [first, second] = directory.committees.map((c) => c.id);

// Applications run on the worker's queue; the campaigns on a queue no worker ever polls.
const w = withDevServerWorker('submission');
const campaignQueue = uniqueTaskQueue('no-campaign-worker');

/** The 2023 calendar's shape as year `year`, moved so that applications open `opensInDays` from now. */
function calendarOpening(year: number, opensInDays: number): CampaignCalendar {
  const base = defaultCalendar(2023, loadWorkdays(2023));
  const shift = Math.ceil((Date.now() + opensInDays * DAY - Date.parse(base.opens)) / DAY);
  return { ...shiftCalendar(base, shift), year };
}

const open = calendarOpening(OPEN, -1);
const early = calendarOpening(EARLY, 2);
// Applications closed a day ago: about 60 days after they opened (the 2023 shape), the review still ahead.
const lateBase = calendarOpening(LATE, 0);
const late = calendarOpening(LATE, -Math.ceil((Date.parse(lateBase.applicationsClose) - Date.now()) / DAY) - 1);

beforeAll(async () => {
  const { client } = w();
  await startCampaign(client, { calendar: open, directory, taskQueue: campaignQueue });
  await startCampaign(client, { calendar: early, directory, taskQueue: campaignQueue });
  // Its applications deadline has passed: started as if before it (`now`), which startCampaign otherwise refuses.
  await startCampaign(client, {
    calendar: late,
    directory,
    taskQueue: campaignQueue,
    now: Date.parse(late.opens) - DAY,
  });
});

afterAll(async () => {
  await terminateTaskQueue(w().client, campaignQueue);
});

async function refusal(call: Promise<unknown>): Promise<UserError> {
  const err = await call.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

async function exists(workflowId: string): Promise<boolean> {
  try {
    await w().client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

describe('a submission without the campaign', () => {
  it('starts its application while no worker runs the campaign, and the application reports itself', async () => {
    const { client, taskQueue } = w();
    const { terms, from } = await submissionTermsOf(client, OPEN);
    expect(from).toBe('memo');
    expect(terms.applicationsClose).toBe(open.applicationsClose);

    await submitApplication(client, { year: OPEN, directory, committeeId: first, form: formFor(first), taskQueue });
    const app = await eventually(async () => {
      const s = await applicationStatus(client, OPEN, first);
      expect(s.audit.map((a) => a.action)).toContain('submit');
      return s;
    });
    expect(app.stage).toBe('submitted');
    // The application carries the campaign's deadlines, read from the memo.
    const sd = directory.committees[0].subdistrict;
    expect(app.reviewDeadline).toBe(terms.reviewDeadlines[sd]);
    expect(app.reviewDeadline).toBe(open.reviewCloses);
    expect(app.inspectionDeadline).toBe(open.inspectionCloses);

    // The campaign never ran a workflow task, nor did its 街镇 relay (started with it, on the same task queue);
    // yet the application's report is in the relay's history, to be forwarded once a worker runs it.
    const campaignEvents = (await client.workflow.getHandle(campaignWorkflowId(OPEN)).fetchHistory()).events ?? [];
    expect(campaignEvents.filter((e) => e.workflowTaskCompletedEventAttributes)).toEqual([]);
    const relay = client.workflow.getHandle(subdistrictReportsWorkflowId(OPEN, sd));
    const events = (await relay.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowTaskCompletedEventAttributes)).toEqual([]);
    const signals = events.map((e) => e.workflowExecutionSignaledEventAttributes?.signalName).filter(Boolean);
    expect(signals).toContain(applicationReportSignal.name);
  });

  it('refuses a second application of the same committee by its workflow id', async () => {
    const { client, taskQueue } = w();
    const err = await refusal(
      submitApplication(client, { year: OPEN, directory, committeeId: first, form: formFor(first), taskQueue }),
    );
    expect(err.message).toBe(`${first} has already applied in ${OPEN}`);
  });

  it('refuses a submission before the window opens, quoting the window, and leaves no workflow', async () => {
    const { client, taskQueue } = w();
    const err = await refusal(
      submitApplication(client, { year: EARLY, directory, committeeId: second, form: formFor(second), taskQueue }),
    );
    const opens = formatBeijing(Date.parse(early.opens));
    const close = formatDeadline(Date.parse(early.applicationsClose));
    expect(err.message).toBe(
      `applications for ${EARLY} open ${opens} (北京时间); the window is ${opens} – ${close} (北京时间)`,
    );
    expect(await exists(applicationWorkflowId(EARLY, second))).toBe(false);
  });

  it('refuses a submission after the window closed, quoting the window, and leaves no workflow', async () => {
    const { client, taskQueue } = w();
    const err = await refusal(
      submitApplication(client, { year: LATE, directory, committeeId: second, form: formFor(second), taskQueue }),
    );
    const opens = formatBeijing(Date.parse(late.opens));
    const close = formatDeadline(Date.parse(late.applicationsClose));
    expect(err.message).toBe(
      `applications for ${LATE} closed ${close} (北京时间); the window was ${opens} – ${close} (北京时间)`,
    );
    expect(await exists(applicationWorkflowId(LATE, second))).toBe(false);
  });
});
