/** What an application tells its campaign when its stage changes: small, so thousands fit in one run. */
import { defineSignal } from '@temporalio/workflow';

export interface ApplicationReport {
  committeeId: string;
  subdistrict: string;
  stage: string;
  /** Increases with every report of one application; older reports are ignored. */
  seq: number;
  paperFormReceived: boolean;
  total?: number;
  grade?: string;
}

export const applicationReportSignal = defineSignal<[ApplicationReport]>('applicationReport');
