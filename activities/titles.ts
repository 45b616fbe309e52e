/**
 * The campaign's links to titles (issue 4): start a title for each commended committee, and ask every
 * title active at the campaign's start to begin this year's re-evaluation. Both are idempotent, so
 * retries are safe.
 */
import { Context, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { beijingDate, type CampaignCalendar } from '../domain/calendar';
import type { Staff } from '../domain/directory';
import type { GradeBands } from '../domain/grades';
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
  titleIds: string[];
  staff: Staff;
  gradeBands: GradeBands;
  /** Override of the materials deadline (validated by startCampaign); default from the calendar. */
  materialsDue?: string;
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
          },
          taskQueue,
        );
        (outcome === 'started' ? started : existing).push(t.committeeId);
        Context.current().heartbeat();
      }
      return { started, existing };
    },

    async startReevaluations(input: StartReevaluationsInput): Promise<{ sent: number; missing: string[]; materialsDue: string }> {
      let materialsDue: string;
      try {
        materialsDue = materialsDueFor(input.calendar, input.materialsDue);
      } catch (err) {
        // Never fail the campaign over it: startCampaign validated it already.
        log.warn('invalid re-evaluation materials deadline; using the default', { error: String(err) });
        materialsDue = materialsDueFor(input.calendar);
      }
      const request = { year: input.year, calendar: input.calendar, materialsDue, staff: input.staff, gradeBands: input.gradeBands };
      const r = await sendReevaluationStarts(client, input.titleIds, request, () => Context.current().heartbeat());
      return { ...r, materialsDue };
    },
  };
}
