/**
 * The application's state and its rules: which action is allowed when, by whom.
 * The actions themselves (rule and change) are in ./actions/, one file each.
 */
import type { ApplicationForm } from '../../domain/application-form';
import type { StaffRef } from '../../domain/directory';
import type { Grade, GradeBands } from '../../domain/grades';
import { FINAL_STAGES, type ApplicationStage } from '../../domain/stages';
import type { MailOutboxState } from '../shared/mail-outbox';
import type { ReminderSettings } from '../reminders/slots';
import type { InputCalendar, TimeScale } from '../shared/clock';
import type { AuditEntry } from '../shared/audit';

export type { AuditEntry };

export interface ApplicationInput {
  year: number;
  form: ApplicationForm;
  /** The notice's dates; `clock` inside it only in histories recorded before `timeScale` (InputCalendar). */
  calendar: InputCalendar;
  /** The committee's 街镇 review deadline and the inspection deadline, as known at submission. */
  reviewDeadline: string;
  inspectionDeadline: string;
  /**
   * Everyone in the directory's staff, by id, role and 街镇 only: what the role checks read (runs started
   * before this carry whole entries, with names and emails).
   */
  staff: StaffRef[];
  gradeBands: GradeBands;
  campaignWorkflowId: string;
  /**
   * The 街镇 relay that forwards this application's reports to the campaign in batches (workflows/
   * subdistrict-reports/); unset in applications of campaigns without relays, which report to the campaign.
   */
  reportsTo?: string;
  submittedBy: string;
  /** The committee's email from the directory, for its paper-form reminders; missing ones are reported to the bureau. */
  contactEmail?: string;
  /** The campaign's reminder settings (offsets in working days, hour). */
  reminders?: Partial<ReminderSettings>;
  /** Compressed time for demo, bench, fault and test runs, read only by workflows/shared/clock.ts. */
  timeScale?: TimeScale;
  /** Set when continuing as new. */
  carried?: ApplicationState;
}

export interface Inspection {
  scores: Record<string, number>;
  total: number;
  grade: Grade;
  inspector: string;
  date: string;
  notes: string;
  recordedBy: string;
}

export interface ApplicationState {
  stage: ApplicationStage;
  reason?: string;
  paperFormReceived: boolean;
  paperFormReceivedOn?: string;
  decision?: { kind: 'recommend' | 'not-recommend'; by: string; at: string; note?: string };
  locked: boolean;
  inspection?: Inspection;
  rank?: number;
  reviewDeadline: string;
  inspectionDeadline: string;
  audit: AuditEntry[];
  rejectedCount: number;
  reportSeq: number;
  /** The campaign has acknowledged a report naming the committee and its 街镇; later reports leave them out. */
  identityReported?: boolean;
  /** Set when the bureau extends the applications window after submission (paper forms are due by then). */
  applicationsClose?: string;
  /** Paper-form reminders (workflows/application/mail.ts); created on first use. */
  mail?: MailOutboxState;
  /** The calendar instant this application's timers have reached (workflows/shared/clock.ts); unset in older runs. */
  reached?: string;
  /** The committee's re-election was filed while the application ran (换届改选备案). */
  reelection?: { filedOn: string; filingRef: string; by: string; at: string; note?: string };
}

export interface ApplicationSnapshot extends ApplicationState {
  workflowId: string;
  year: number;
  form: ApplicationForm;
  stageLabel: string;
  final: boolean;
}

/** What the campaign decided for an application (sent by activities/notify-applications.ts). */
export type CampaignDecision =
  | { type: 'deadline'; window: 'applications' | 'review' | 'inspection'; until: string }
  | { type: 'locked' }
  | { type: 'listed'; rank: number }
  | { type: 'removed'; reason: string }
  | { type: 'commended' }
  | { type: 'not-selected'; reason: string };

export function initialState(input: ApplicationInput): ApplicationState {
  return {
    stage: 'submitted',
    paperFormReceived: input.form.paperFormReceived,
    locked: false,
    reviewDeadline: input.reviewDeadline,
    inspectionDeadline: input.inspectionDeadline,
    audit: [],
    rejectedCount: 0,
    reportSeq: 0,
  };
}

/** A 'not-recommend' may be revised while the 街镇 list is open; it is final only once locked. */
export function isFinal(s: ApplicationState): boolean {
  if (s.stage === 'not-recommended') return s.locked;
  return FINAL_STAGES.has(s.stage);
}
