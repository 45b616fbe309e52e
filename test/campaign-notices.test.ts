/**
 * The campaign tells its applications what it decided beside its main loop (workflows/campaign/notices.ts): a fan-out
 * that takes long does not hold the campaign's phase, whose timer fires on time, and the notice still arrives once
 * the fan-out goes through. The fan-out is the real activity, held at a gate the test opens (as a server too loaded
 * to take its signals holds it). A campaign past its soft history limit does not take a held fan-out for a quiet
 * moment to hand over in. The shared dev server with a compressed calendar: the time-skipping server skips no time
 * while an activity runs, so it could not show a phase moving on beside one. NOTICES_HISTORIES_TO=<folder> also
 * writes the campaign's history there, as a golden history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '@temporalio/activity';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { compressCalendar, defaultCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { toReal } from '../domain/time-scale';
import { applicationStatus, submitApplication } from '../client/applications';
import { campaignAction, campaignNoticesStatus, campaignStatus, startCampaign } from '../client/campaigns';
import { createActivities } from '../activities';
import { createMailer } from '../activities/mailer';
import { Stage } from '../temporal/search-attributes';
import { startTestSmtp, type TestSmtp } from './smtp';
import { createWorker } from '../worker/create-worker';
import { campaignWorkflowId } from '../temporal/ids';
import { directory, formFor, workflowBundle } from './fixtures';
import { eventually, withDevServerWorker } from './harness';
import { replayAndRecord } from './golden-record';
import { reportWave } from './report-waves';
import { QUIET_MS, SOFT_HISTORY_LIMITS } from '../workflows/shared/continue-as-new';
import { yearOf } from './years';

const year = yearOf('campaign-notices.test.ts');
const [sdA, sdB] = directory.subdistricts;
const committee = directory.committees.find((c) => c.subdistrict === sdA)!.id;

// Workflow tasks on the harness's worker; activities on this file's, whose n-th fan-out waits at the n-th gate.
const w = withDevServerWorker('campaign-notices', { polls: 'workflows' });
const gates = [0, 1].map(() => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
});
const fanOuts = { started: 0, done: 0 };
let activities: Worker | undefined;
let connection: NativeConnection | undefined;
let smtp: TestSmtp | undefined;
let running: Promise<void> | undefined;

beforeAll(async () => {
  const { client, taskQueue } = w();
  // The campaign's reminders to staff go out meanwhile, to a real SMTP server.
  smtp = await startTestSmtp();
  const real = createActivities({ client, mailer: createMailer({ url: smtp.url }) });
  activities = await createWorker({
    connection: (connection = await NativeConnection.connect({ address: w().address })),
    client,
    taskQueue,
    polls: 'activities',
    workflowBundle: await workflowBundle(),
    extra: {
      activities: {
        ...real,
        notifyApplications: async (input: Parameters<typeof real.notifyApplications>[0]) => {
          fanOuts.started++;
          // Held, but alive: it heartbeats as the real fan-out does, so the server does not time it out.
          const ctx = Context.current();
          const beat = setInterval(() => ctx.heartbeat(0), 1_000);
          await (gates[fanOuts.started - 1]?.opened ?? Promise.resolve()).finally(() => clearInterval(beat));
          const sent = await real.notifyApplications(input);
          fanOuts.done++;
          return sent;
        },
      },
    },
  });
  running = activities.run();
});
afterAll(async () => {
  for (const gate of gates) gate.open();
  activities?.shutdown();
  await running;
  await connection?.close();
  await smtp?.close();
});

describe("the campaign's notices to applications", () => {
  it('go out beside the phase timer: a held fan-out does not hold the phase, and arrives when let go', async () => {
    const { client, taskQueue } = w();
    // April 1 → May 31 in about 33 s of real time, and June and July in as long again.
    const base = { ...defaultCalendar(2023, loadWorkdays(2023)), year };
    const { calendar, timeScale } = compressCalendar(base, Date.now() + 2_000, 160_000);
    const real = (iso: string) => toReal(timeScale, Date.parse(iso));
    await startCampaign(client, { calendar, timeScale, directory, taskQueue });
    await eventually(async () => expect((await campaignStatus(client, year)).phase).toBe('applications'));
    await submitApplication(client, { year, directory, committeeId: committee, form: formFor(committee), taskQueue });
    await eventually(async () => expect((await applicationStatus(client, year, committee)).stage).toBe('submitted'));
    expect((await applicationStatus(client, year, committee)).reviewDeadline).toBe(calendar.reviewCloses);
    // The campaign has heard of it (through its 街镇's relay), so a moved deadline is sent to it.
    await eventually(async () => expect((await campaignStatus(client, year)).counts.total).toBe(1));

    // The bureau moves the 街镇's review deadline: the campaign tells the application, and that fan-out is held.
    await campaignAction(client, year, 'extendDeadline', {
      actor: 'bureau-lu',
      window: 'review',
      subdistrict: sdA,
      until: '2023-08-10',
    });
    await eventually(async () => expect(fanOuts.started).toBe(1));

    // Applications close on May 31 (24:00 Beijing): the main loop's timer fires and it moves the campaign's phase
    // on (its search attribute, which only the loop sets) while the notice is still on its way.
    const closes = real(calendar.applicationsClose);
    const handle = client.workflow.getHandle(campaignWorkflowId(year));
    await eventually(
      async () => expect((await handle.describe()).typedSearchAttributes.get(Stage)).toBe('review'),
      Math.max(0, closes - Date.now()) + 20_000,
    );
    expect((await campaignStatus(client, year)).phase).toBe('review');
    expect(await campaignNoticesStatus(client, year)).toEqual({ pending: 1, batches: 1 });
    expect(fanOuts.done).toBe(0);
    expect((await applicationStatus(client, year, committee)).reviewDeadline).toBe(calendar.reviewCloses);

    // Let go, the notice reaches the application.
    gates[0].open();
    await eventually(async () =>
      expect((await applicationStatus(client, year, committee)).reviewDeadline).toBe('2023-08-10T16:00:00.000Z'),
    );
    expect(fanOuts).toEqual({ started: 1, done: 1 });
    await eventually(async () => expect(await campaignNoticesStatus(client, year)).toEqual({ pending: 0, batches: 0 }));

    // A second move, whose fan-out is held too. Past its soft limit, with reports stopped and that fan-out in
    // flight, the campaign finds no quiet moment: a hand-over would wait for the fan-out, and the phase with it. So
    // the run neither continues as new nor stops: on August 1 its loop moves the phase on to the inspection.
    await campaignAction(client, year, 'extendDeadline', {
      actor: 'bureau-lu',
      window: 'review',
      subdistrict: sdA,
      until: '2023-08-20',
    });
    await eventually(async () => expect(fanOuts.started).toBe(2));
    const first = (await handle.describe()).runId;
    let sent = 0;
    while ((await handle.describe()).historyLength <= SOFT_HISTORY_LIMITS.campaign)
      sent = await reportWave(handle, sdB, sent, 'wave');
    await new Promise((r) => setTimeout(r, 3 * QUIET_MS));
    const inspectionOpens = real(calendar.inspectionOpens);
    expect(Date.now(), 'the quiet moment came before the inspection window opened').toBeLessThan(inspectionOpens);
    await eventually(
      async () => expect((await handle.describe()).typedSearchAttributes.get(Stage)).toBe('inspection'),
      Math.max(0, inspectionOpens - Date.now()) + 20_000,
    );
    expect(await handle.describe()).toMatchObject({ runId: first, status: { name: 'RUNNING' } });
    expect(fanOuts.done).toBe(1);

    // Let go, the fan-out finishes, and the campaign hands over at the quiet moment after it.
    gates[1].open();
    await eventually(async () => expect(fanOuts.done).toBe(2));
    await eventually(async () => expect((await handle.describe()).runId).not.toBe(first), 10 * QUIET_MS);
    expect((await campaignStatus(client, year)).counts.total).toBe(1 + sent);

    // The history, phase timers firing while fan-outs were in flight and a hand-over after one, replays.
    await replayAndRecord(client, campaignWorkflowId(year), {
      workflowType: 'campaign',
      runId: first,
      label: 'notices-beside-timers',
      to: process.env.NOTICES_HISTORIES_TO,
    });
  }, 180_000);
});
