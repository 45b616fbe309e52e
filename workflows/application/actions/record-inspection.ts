/** The third-party company records its special inspection (专项检查, notice 三(三)): five scores, their total, the grade. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { lazy } from '../../../domain/lazy';
import { FIVE_GOODS, gradeFor, type GradeBands } from '../../../domain/grades';
import { reject } from '../../../domain/rejections';
import { actor, text } from '../../shared/fields';
import { applicationAction, deadlineText, openingText } from './context';

/** The inspection's record; the re-evaluation's inspection (notice 五) uses the same. Built on first use (domain/lazy.ts). */
export const inspectionSchema = lazy(() => {
  const score = z.number().int().min(0).max(20);
  return z
    .object({
      actor,
      scores: z
        .object(
          Object.fromEntries(FIVE_GOODS.map((k) => [k, score])) as Record<(typeof FIVE_GOODS)[number], typeof score>,
        )
        .strict(),
      total: z.number().int().min(0).max(100),
      inspector: text(2, 50),
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
      notes: z.string().max(5000).default(''),
    })
    .strict()
    .refine((r) => Object.values(r.scores).reduce((a, b) => a + b, 0) === r.total, {
      path: ['total'],
      message: 'must equal the sum of the five scores',
    });
});

export const recordInspection = applicationAction({
  schema: inspectionSchema,
  who: (data, c) => void requireRole(c.input.staff, data.actor, 'inspector', 'recordInspection'),
  when: (_data, { s, input, now, late }) => {
    if (s.inspection) reject('Duplicate', `already inspected on ${s.inspection.date} by ${s.inspection.inspector}`);
    if (s.stage !== 'recommended' || !s.locked)
      reject('WrongPhase', `only recommended applications with a confirmed list are inspected; stage is ${s.stage}`);
    if (late < Date.parse(input.calendar.inspectionOpens))
      reject('WrongPhase', `inspection opens ${openingText(Date.parse(input.calendar.inspectionOpens))}`);
    if (now >= Date.parse(s.inspectionDeadline))
      reject('WrongPhase', `the inspection deadline ${deadlineText(Date.parse(s.inspectionDeadline))} has passed`);
  },
  apply: (data, { s, input }) => {
    s.inspection = inspectionRecord(data, input.gradeBands);
    s.stage = 'inspected';
    return { message: inspectionMessage(s.inspection) };
  },
});

/** The inspection as an application and a re-evaluation record it: the scores, the graded total, who entered it. */
export function inspectionRecord(data: z.infer<ReturnType<typeof inspectionSchema>>, bands: GradeBands) {
  const { scores, total, inspector, date, notes, actor } = data;
  return { scores, total, grade: gradeFor(total, bands), inspector, date, notes, recordedBy: actor };
}

export const inspectionMessage = (i: { total: number; grade: string }): string =>
  `专项检查得分 ${i.total}，等级 ${i.grade}`;
