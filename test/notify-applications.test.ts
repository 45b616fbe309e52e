/**
 * The campaign's fan-out (activities/notify-applications.ts) run twice as one fan-out (a retry, or an attempt the
 * server timed out that is still sending) reaches a running application once: the server takes a signal once per
 * request id. A second fan-out of the campaign is a decision of its own and arrives. A completed application is
 * reported as missing, not as an error. The shared dev server (a real Temporal server: the time-skipping test server
 * does not deduplicate signals), real application workflows, a calendar whose applications opened yesterday.
 */
import { describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { applicationStatus, submitApplication } from '../client/applications';
import { startCampaign } from '../client/campaigns';
import { notifyApplicationsActivity, type NotifyApplicationsInput } from '../activities/notify-applications';
import { applicationWorkflowId } from '../temporal/ids';
import { defaultCalendar, shiftCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { directory, formFor } from './fixtures';
import { eventually, withDevServerWorker } from './harness';
import { yearOf } from './years';

const year = yearOf('notify-applications.test.ts');
const DAY = 86_400_000;
const w = withDevServerWorker('notify-applications');

describe('the fan-out of a campaign decision', () => {
  it('signals an application once per fan-out, however often an attempt resends', async () => {
    const { client, taskQueue } = w();
    const base = defaultCalendar(2023, loadWorkdays(2023));
    const calendar = { ...shiftCalendar(base, Math.ceil((Date.now() - DAY - Date.parse(base.opens)) / DAY)), year };
    await startCampaign(client, { calendar, directory, taskQueue });
    const [a, b] = directory.committees.slice(0, 2).map((c) => c.id);
    for (const id of [a, b])
      await submitApplication(client, { year, directory, committeeId: id, form: formFor(id), taskQueue });

    // Both applications have run their first task (a signal before it would only be buffered with it).
    for (const id of [a, b])
      await eventually(async () => expect((await applicationStatus(client, year, id)).stage).toBe('submitted'));
    const notify = notifyApplicationsActivity(client);
    const input: NotifyApplicationsInput = {
      year,
      committeeIds: [a, b],
      notice: { type: 'deadline', window: 'inspection', until: calendar.inspectionCloses },
    };
    const attempt = (activityId: string, attemptNo: number) =>
      new MockActivityEnvironment({
        activityId,
        attempt: attemptNo,
        workflowExecution: { workflowId: `campaign-${year}`, runId: 'run-1' },
      }).run(notify, input);
    expect(await attempt('fan-out-1', 1)).toEqual({ sent: 2, missing: [] });
    expect(await attempt('fan-out-1', 2)).toEqual({ sent: 2, missing: [] });
    expect(await attempt('fan-out-2', 1)).toEqual({ sent: 2, missing: [] });

    // fan-out-1 twice (one notice), fan-out-2 once: each application's audit records two decisions.
    for (const id of [a, b])
      await eventually(async () => {
        const { audit } = await applicationStatus(client, year, id);
        expect(audit.filter((e) => e.action === 'campaign:deadline')).toHaveLength(2);
      });
    for (const id of [a, b]) {
      const history = await client.workflow.getHandle(applicationWorkflowId(year, id)).fetchHistory();
      const notices = (history.events ?? []).filter(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'campaignNotice',
      );
      expect(notices).toHaveLength(2);
    }

    await client.workflow.getHandle(applicationWorkflowId(year, b)).terminate('the test ends this application');
    expect(await attempt('fan-out-3', 1)).toEqual({ sent: 1, missing: [b] });
  }, 120_000);
});
