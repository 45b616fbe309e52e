/** What a 街镇's relay hears besides application reports (those use the campaign's `applicationReport` signal). */
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';

/** The campaign asks for every report the relay holds; the batch that carries them acknowledges `token`. */
export const gatherRequestSchema = z.object({ token: z.number().int().positive() }).strict();
export const gatherReportsSignal = defineSignal<[z.infer<typeof gatherRequestSchema>]>('gatherReports');

/** The campaign has its final list: the relay forwards what it holds and ends. */
export const closeReportsSignal = defineSignal('closeReports');

/**
 * A reader (the console's list of a 街镇's applications) asks for the reports to be forwarded now; answered once
 * the campaign has them, so a Query to the campaign after it sees every decision made before it.
 */
export const forwardNowUpdate = defineUpdate<{ forwarded: number }>('forwardNow');
/** The refusal of `forwardNow` when the relay holds nothing: the reader may go ahead. */
export const NOTHING_TO_FORWARD = 'NothingToForward';

export interface SubdistrictReportsInput {
  year: number;
  subdistrict: string;
  /** Which of the 街镇's relays this is, where it has more than one (relays.ts). */
  shard?: number;
  campaignWorkflowId: string;
  /** Real milliseconds a first report waits for others before its batch goes; default BATCH_MS; 0 sends each at once. */
  batchMs?: number;
  /** Set by continue-as-new. */
  carried?: { pending: import('../campaign/stage-report').ApplicationReport[]; gather?: number; forwarded: number };
}

export interface SubdistrictReportsResult {
  /** Batches sent to the campaign over all runs. */
  forwarded: number;
}
