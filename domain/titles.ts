/**
 * Titles (红色示范业委会称号): serious incidents, the import file and the re-evaluation calendar
 * (notice 五). Workflow-safe: zod and pure functions only.
 */
import { parseBeijingInput } from './beijing-time';
import { z } from 'zod';
import {
  addDays,
  beijingDate,
  endOfBeijingDay,
  formatDeadline,
  isValidDate,
  parseInstant,
  toIso,
  type CampaignCalendar,
} from './calendar';
import type { Staff } from './directory';

/** Notice 五(三)3: the events that fail a re-evaluation. */
export const INCIDENT_TYPES = ['security-or-fire-accident', 'media-exposed-complaint', 'other-major-impact'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
export const INCIDENT_LABELS: Record<IncidentType, string> = {
  'security-or-fire-accident': '严重治安、消防安全等事故',
  'media-exposed-complaint': '居民投诉并被媒体曝光',
  'other-major-impact': '其他重大影响事件',
};

export interface Incident {
  id: string;
  type: IncidentType;
  /** Beijing date of the event, YYYY-MM-DD. */
  date: string;
  description: string;
  recordedBy: string;
  recordedAt: string;
  /** The re-evaluation year that counted it; unset until a re-evaluation decides with it. */
  countedIn?: number;
}

export const TITLE_STATUSES = ['active', 'revoked'] as const;
export type TitleStatus = (typeof TITLE_STATUSES)[number];
export const TITLE_STATUS_LABELS: Record<TitleStatus, string> = { active: '有效', revoked: '已撤销' };

export const isoDate = z.string().refine(isValidDate, 'must be a date YYYY-MM-DD');
const committeeId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes (max 64)');

/** `title import`: holders from before the system existed (the 2022 round's five). */
export const titleImportSchema = z
  .object({
    _comment: z.string().optional(),
    awardYear: z.number().int().min(2000).max(2200),
    titles: z
      .array(
        z
          .object({
            committeeId,
            /** The recommending 街镇; must be the committee's own in the directory. */
            subdistrict: z.string().min(1).max(30),
            awardedOn: isoDate,
            nameplateIssued: z.boolean(),
            certificateIssued: z.boolean(),
            note: z.string().max(500).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.titles.forEach((t, i) => {
      if (seen.has(t.committeeId))
        ctx.addIssue({
          code: 'custom',
          path: ['titles', i, 'committeeId'],
          message: `duplicate committee ${t.committeeId}`,
        });
      seen.add(t.committeeId);
      // Lists are published late (the 2022 list came out in Feb 2023), so the next year is allowed.
      const y = Number(t.awardedOn.slice(0, 4));
      if (y !== f.awardYear && y !== f.awardYear + 1)
        ctx.addIssue({
          code: 'custom',
          path: ['titles', i, 'awardedOn'],
          message: `must be in ${f.awardYear} or ${f.awardYear + 1}`,
        });
    });
  });
export type TitleImport = z.infer<typeof titleImportSchema>;

/** The people a title and its re-evaluations authorise: bureau, inspectors, the title's 街镇 officials. */
export function staffForTitle(staff: Staff, subdistrict: string): Staff {
  return staff.filter(
    (p) => p.role === 'bureau' || p.role === 'inspector' || (p.role === 'subdistrict' && p.subdistrict === subdistrict),
  );
}

/** Days after the inspection window opens that written materials are due: Aug 1 → Sep 30 24:00. */
const MATERIALS_DAYS_AFTER_INSPECTION_OPENS = 60;

/**
 * The written-materials deadline of a year's re-evaluation (ISO instant). Default: 24:00 Beijing on the
 * 60th day after the inspection window opens (Sep 30 in the notice's calendar), never after the window
 * closes. An override is a Beijing date (24:00 of it) or an ISO instant with a zone; it must fall after
 * the campaign opens and no later than the commendation deadline. Throws an Error naming the field.
 */
export function materialsDueFor(cal: CampaignCalendar, override?: string): string {
  if (override === undefined) {
    const day = addDays(beijingDate(parseInstant(cal.inspectionOpens)), MATERIALS_DAYS_AFTER_INSPECTION_OPENS);
    return toIso(Math.min(endOfBeijingDay(day), parseInstant(cal.inspectionCloses)));
  }
  const ms = parseBeijingInput(override, 'reevaluationMaterialsDue', { deadline: true });
  if (ms <= parseInstant(cal.opens) || ms > parseInstant(cal.commendationBy))
    throw new Error(
      `reevaluationMaterialsDue: ${formatDeadline(ms)} must fall after the campaign opens and no later than commendationBy (${formatDeadline(parseInstant(cal.commendationBy))})`,
    );
  return toIso(ms);
}
