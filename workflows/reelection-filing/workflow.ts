/**
 * The register of re-election filings (换届改选备案): one short workflow per filing
 * (reelection-filing-<committee>-<date>), for every committee in the directory, with or without a
 * title, in or out of a round. It holds the filing and what it set off, and completes at once: the
 * record is its result, kept and listed (CommitteeId, Subdistrict) like any workflow.
 */
export interface ReelectionFilingRecord {
  committeeId: string;
  subdistrict: string;
  filedOn: string;
  filingRef: string;
  recordedBy: string;
  /** When it was recorded (ISO, real time). */
  recordedAt: string;
  note?: string;
  /** What the client found: the round the committee is in, and the titles it holds. */
  round?: { year: number; stage: string; onDraftList: boolean };
  titles: string[];
}

export async function reelectionFiling(record: ReelectionFilingRecord): Promise<ReelectionFilingRecord> {
  return record;
}
