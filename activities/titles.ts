/**
 * The campaign's links to titles: start a title for each commended committee, and ask every
 * title active at the campaign's start to begin this year's re-evaluation. Both are idempotent, so
 * retries are safe.
 */
import { Context, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { beijingDate, type CampaignCalendar } from '../domain/calendar';
import type { TimeScale } from '../domain/time-scale';
import type { Staff } from '../domain/directory';
import type { GradeBands } from '../domain/grades';
import { applicationWorkflowId } from '../temporal/ids';
import type { ApplicationInput } from '../workflows/application/state';
import type { TitleInput } from '../workflows/title/state';
import { materialsDueFor, staffForTitle } from '../domain/titles';
import { sendReevaluationStarts, startTitle } from '../client/titles';

export interface StartTitlesInput {
  awardYear: number;
  /** The final confirmation (calendar time, ISO). */
  awardedAt: string;
  titles: { committeeId: string; subdistrict: string }[];
  staff: Staff;
  gradeBands: GradeBands;
}

export interface StartReevaluationsInput {
  year: number;
  calendar: CampaignCalendar;
  /** The campaign's time scale (compressed runs), passed on to each re-evaluation. */
  timeScale?: TimeScale;
  titleIds: string[];
  staff: Staff;
  gradeBands: GradeBands;
  /** Override of the materials deadline (validated by startCampaign); default from the calendar. */
  materialsDue?: string;
}

/**
 * The committee's name, email and reminder settings as its application in the award year recorded them
 * (the application's start input: the directory entry and the campaign's settings at submission).
 * The activity has no directory of its own; without the application the title simply has no address,
 * and its mail is reported undeliverable to the bureau.
 */
async function contactOf(
  client: Client,
  year: number,
  committeeId: string,
): Promise<Pick<TitleInput, 'committeeName' | 'contactEmail' | 'reminders'>> {
  try {
    const history = await client.workflow.getHandle(applicationWorkflowId(year, committeeId)).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const [input] = (await decodeArrayFromPayloads(client.options.loadedDataConverter, started?.input?.payloads)) as [
      Partial<ApplicationInput> | undefined,
    ];
    return {
      committeeName: input?.form?.committeeName,
      contactEmail: input?.contactEmail,
      reminders: input?.reminders,
    };
  } catch (err) {
    log.warn('no application input to take the committee contact from', { committeeId, year, error: String(err) });
    return {};
  }
}

export function titleActivities(client: Client) {
  return {
    async startTitles(input: StartTitlesInput): Promise<{ started: string[]; existing: string[] }> {
      // Titles run on the worker's own queue, like the campaign that commends them.
      const taskQueue = Context.current().info.taskQueue;
      const started: string[] = [];
      const existing: string[] = [];
      for (const t of input.titles) {
        const outcome = await startTitle(
          client,
          {
            committeeId: t.committeeId,
            subdistrict: t.subdistrict,
            awardYear: input.awardYear,
            awardedOn: beijingDate(Date.parse(input.awardedAt)),
            // The campaign's commendation hands out both (notice 四).
            nameplateIssued: true,
            certificateIssued: true,
            source: 'campaign',
            staff: staffForTitle(input.staff, t.subdistrict),
            gradeBands: input.gradeBands,
            ...(await contactOf(client, input.awardYear, t.committeeId)),
          },
          taskQueue,
        );
        (outcome === 'started' ? started : existing).push(t.committeeId);
        Context.current().heartbeat();
      }
      return { started, existing };
    },

    async startReevaluations(
      input: StartReevaluationsInput,
    ): Promise<{ sent: number; missing: string[]; materialsDue: string }> {
      let materialsDue: string;
      try {
        materialsDue = materialsDueFor(input.calendar, input.materialsDue);
      } catch (err) {
        // Never fail the campaign over it: startCampaign validated it already.
        log.warn('invalid re-evaluation materials deadline; using the default', { error: String(err) });
        materialsDue = materialsDueFor(input.calendar);
      }
      // Name, email and reminder settings travel with each title (TitleInput) to its re-evaluations; the
      // start request carries only the year's calendar, deadline, staff and grade bands.
      const request = {
        year: input.year,
        calendar: input.calendar,
        timeScale: input.timeScale,
        materialsDue,
        staff: input.staff,
        gradeBands: input.gradeBands,
      };
      const r = await sendReevaluationStarts(client, input.titleIds, request, () => Context.current().heartbeat());
      return { ...r, materialsDue };
    },
  };
}
