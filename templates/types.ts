/**
 * The data every email is rendered from. Plain JSON, built by the workflow-safe reminder plan
 * (workflows/reminders/plan.ts), carried in the send activity's input, rendered in the activity.
 * Instants are ISO-8601 UTC strings; templates print them in Beijing time.
 */

export type RecipientRole = 'bureau' | 'subdistrict' | 'inspector' | 'panel' | 'committee';

export interface Recipient {
  /** Directory id: a person's id, or a committee's id. It is also the `--as` of the commands shown. */
  id: string;
  name: string;
  role: RecipientRole;
  /** Missing or invalid addresses are not sent to; they are reported to the bureau. */
  email?: string;
}

export interface CommitteeRef {
  committeeId: string;
  committeeName?: string;
  subdistrict?: string;
}

/** One thing one recipient still owes. `command` overrides the default command for the action. */
export type PendingItem =
  | ({ action: 'paper-form' } & CommitteeRef)
  | ({ action: 'decide' } & CommitteeRef)
  | { action: 'confirm-list'; subdistrict: string; recommended: number; undecided: number }
  | ({ action: 'inspect' } & CommitteeRef)
  | { action: 'finalize'; inspected: number; quota: number }
  | { action: 'panel-overdue'; inspectionCloses: string }
  | ({ action: 'resolve-objection'; objectionId: string; filedAt: string; grounds: string } & CommitteeRef)
  | { action: 'confirm-final'; publicityEnds: string; listed: number }
  /** A committee on the draft list filed its re-election: the final list waits for this decision. */
  | ({ action: 'decide-reelection'; filedOn: string; filingRef: string } & CommitteeRef)
  // Re-evaluation and title: the commands are theirs, so the caller passes them.
  | ({ action: 'submit-materials'; command: string } & CommitteeRef)
  | ({ action: 'review-reevaluation'; command: string } & CommitteeRef)
  | ({ action: 'recover-nameplate'; command: string; revokedAt: string } & CommitteeRef);
export type PendingAction = PendingItem['action'];

export const REMINDER_KINDS = [
  'paper-form',
  'review',
  'inspection',
  'panel',
  'objections',
  'final',
  'reevaluation-materials',
  'reevaluation-review',
  'recovery',
] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export interface ReminderMail {
  type: 'reminder';
  kind: ReminderKind;
  /** The campaign (or re-evaluation) year. */
  year: number;
  /** The deadline the items are due by (ISO); for weekly reminders, the instant the reminder is for. */
  deadline: string;
  /** Working days before the deadline's day; null for weekly reminders without a deadline. */
  offset: number | null;
  items: PendingItem[];
}

export interface CampaignWindows {
  opens: string;
  applicationsClose: string;
  reviewOpens: string;
  reviewCloses: string;
  inspectionOpens: string;
  inspectionCloses: string;
  commendationBy: string;
  publicityWorkingDays: number;
}

export interface UndeliverableEntry {
  recipientId: string;
  recipientName: string;
  email?: string;
  /** 'missing' | 'invalid' | the SMTP server's rejection. */
  reason: string;
  /** What the email was about: reminder kind or notice name. */
  kind: string;
  /** Calendar instant the email was for (ISO). */
  at: string;
  /** Workflow that tried to send it. */
  workflowId: string;
}

export type NoticeMail =
  | { type: 'notice'; notice: 'campaign-opened'; year: number; windows: CampaignWindows }
  | {
      type: 'notice';
      notice: 'draft-published';
      year: number;
      ranking: CommitteeRef[];
      publicityEnds: string;
      tieBreakRule: string;
    }
  | {
      type: 'notice';
      notice: 'final-list';
      year: number;
      list: CommitteeRef[];
      removed: CommitteeRef[];
      confirmedAt: string;
    }
  | { type: 'notice'; notice: 'panel-overdue'; year: number; inspectionCloses: string; inspected: number }
  /** The bureau took a committee off the draft list (not by an objection). */
  | {
      type: 'notice';
      notice: 'list-removal';
      year: number;
      committee: CommitteeRef;
      reason: string;
      by: string;
      at: string;
    }
  /** A committee on the draft list filed its re-election: the bureau must decide before the final list. */
  | {
      type: 'notice';
      notice: 'reelection-flag';
      year: number;
      committee: CommitteeRef;
      filedOn: string;
      filingRef: string;
      by: string;
      at: string;
    }
  | {
      type: 'notice';
      notice: 'reelection-decision';
      year: number;
      committee: CommitteeRef;
      filingRef: string;
      outcome: 'keep' | 'remove';
      reason: string;
      by: string;
      at: string;
    }
  | {
      type: 'notice';
      notice: 'revocation';
      /** The year the revocation happens in. */
      year: number;
      /** The year the title was awarded. */
      awardYear: number;
      committee: CommitteeRef;
      reason: string;
      revokedAt: string;
      /** For the 街镇 official: how to confirm the nameplate and certificate are recovered. */
      recoverCommand?: string;
    }
  | { type: 'notice'; notice: 'undeliverable'; year: number; entries: UndeliverableEntry[]; total: number }
  | {
      type: 'notice';
      notice: 'kickoff-failed';
      year: number;
      /** Why: no holiday data for the year, a calendar that cannot be resolved, or anything else. */
      kind: 'holiday-data' | 'calendar' | 'other';
      /** The technical reason, as the kickoff's failure gave it. */
      reason: string;
      /** When the kickoff was due (ISO). */
      scheduledAt: string;
      /** Where the kickoff looks for a holiday file of the year (relative to the project). */
      holidayFile: string;
      /** The paused Schedule; absent for a run started by hand. */
      scheduleId?: string;
    };
export type NoticeName = NoticeMail['notice'];

export type MailTemplate = ReminderMail | NoticeMail;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
