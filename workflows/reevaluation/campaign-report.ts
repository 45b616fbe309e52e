/**
 * A re-evaluation tells its year's campaign whether it waits on its 街镇's pre-review
 * (workflows/campaign/reevaluations.ts); the campaign then sends each official one digest per reminder
 * slot for all their holders, and this workflow sends the officials nothing itself. It still reminds
 * its holder of the materials.
 *
 * If the campaign cannot be signalled (it has ended, or the re-evaluation was started without one), the
 * re-evaluation falls back to reminding its officials itself, as before, so nobody is left unreminded.
 * New runs only, behind `patched(REEVALUATION_DIGEST_PATCH)`: older histories keep mailing officials.
 */
import { condition, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { campaignWorkflowId } from '../../temporal/ids';
import { reevaluationReportSignal } from '../campaign/reevaluations';
import type { ReevaluationInput, ReevaluationState } from './state';

/** The patch that moves the officials' reminders to the campaign's digest; absent in histories recorded before it. */
export const REEVALUATION_DIGEST_PATCH = 'reevaluation-official-digest';

export interface CampaignReporter {
  /** Whether the campaign sends the officials' reminders (false once a report could not be delivered). */
  officialsByCampaign(): boolean;
  /** Reports `waiting` when it differs from what the campaign last heard; `stage` rides along for the record. */
  report(waiting: boolean, stage: string): void;
  /** Resolves once every report has landed or fallen back. */
  settled(): Promise<void>;
}

export function campaignReporter(
  input: ReevaluationInput,
  s: ReevaluationState,
  onFallback: () => void,
): CampaignReporter {
  const st = (s.reported ??= { seq: 0, waiting: false });
  let inFlight = 0;
  const opens = s.startedAt > input.calendar.inspectionOpens ? s.startedAt : input.calendar.inspectionOpens;
  return {
    officialsByCampaign: () => !st.fallback,
    report(waiting, stage) {
      if (st.fallback || waiting === st.waiting) return;
      st.waiting = waiting;
      st.seq++;
      inFlight++;
      getExternalWorkflowHandle(campaignWorkflowId(input.year))
        .signal(reevaluationReportSignal, {
          committeeId: input.committeeId,
          subdistrict: input.subdistrict,
          ...(input.committeeName ? { name: input.committeeName } : {}),
          seq: st.seq,
          stage,
          waiting,
          due: input.calendar.inspectionCloses,
          opens,
        })
        .catch((err) => {
          log.warn('could not report to the campaign; reminding the 街镇 officials directly', { error: String(err) });
          st.fallback = true;
          onFallback();
        })
        .finally(() => inFlight--);
    },
    settled: () => condition(() => inFlight === 0),
  };
}
