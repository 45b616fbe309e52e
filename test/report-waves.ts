/**
 * Waves of `submitted` reports signalled straight to a campaign, as its relays' batches reach it in a busy window:
 * each report a new committee, so the campaign's registry and its history grow with every one.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { forEachConcurrent } from '../bench/stats';
import { applicationReportSignal } from '../workflows/campaign/stage-report';

/** Reports per wave, 16 in flight. */
export const WAVE = 32;

/**
 * One wave of WAVE reports for committees `<prefix>-00000`… of `subdistrict`, numbered from `sent`; returns the new
 * count.
 */
export async function reportWave(
  campaign: WorkflowHandle,
  subdistrict: string,
  sent: number,
  prefix: string,
): Promise<number> {
  const wave = Array.from({ length: WAVE }, (_, k) => sent + k);
  await forEachConcurrent(wave, 16, (i) =>
    campaign.signal(applicationReportSignal, {
      committeeId: `${prefix}-${String(i).padStart(5, '0')}`,
      subdistrict,
      stage: 'submitted',
      seq: 1,
      paperFormReceived: true,
    }),
  );
  return sent + wave.length;
}
