/** The recommendation form (推荐表). The official attachment is not public, so its fields are ours. */
import { z } from 'zod';
import { FIVE_GOODS } from './grades';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const count = z.number().int().min(0).max(99);

export const selfAssessmentSchema = z.object(
  Object.fromEntries(FIVE_GOODS.map((k) => [k, z.string().min(1).max(2000)])) as Record<
    (typeof FIVE_GOODS)[number],
    z.ZodString
  >,
);

export const applicationFormSchema = z
  .object({
    committeeId: z.string().min(1).max(64),
    committeeName: z.string().min(1).max(100),
    quarter: z.string().min(1).max(100),
    address: z.string().min(1).max(200),
    subdistrict: z.string().min(1).max(30),
    termStart: date,
    termEnd: date,
    members: count.min(1),
    partyMembers: count,
    crossAppointedMembers: count,
    selfAssessment: selfAssessmentSchema,
    summary: z.string().min(1).max(5000),
    paperFormReceived: z.boolean(),
  })
  .strict()
  .refine((f) => f.termEnd >= f.termStart, { path: ['termEnd'], message: 'must not be before termStart' })
  .refine((f) => f.partyMembers <= f.members, { path: ['partyMembers'], message: 'cannot exceed members' })
  .refine((f) => f.crossAppointedMembers <= f.members, {
    path: ['crossAppointedMembers'],
    message: 'cannot exceed members',
  });
export type ApplicationForm = z.infer<typeof applicationFormSchema>;
