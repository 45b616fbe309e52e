/**
 * The directory: 街镇, committees and the people who act in the process. Workflow-safe (schemas only);
 * the file loader lives in client/directory.ts.
 */
import { z } from 'zod';

export const ROLES = ['bureau', 'subdistrict', 'inspector', 'panel', 'committee'] as const;
export type Role = (typeof ROLES)[number];

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes (max 64)');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const personSchema = z.object({
  id,
  name: z.string().min(1).max(50),
  role: z.enum(['bureau', 'subdistrict', 'inspector', 'panel']),
  email: z.string().max(200),
  /** The 街镇 an official belongs to (role subdistrict only). */
  subdistrict: z.string().min(1).optional(),
  /** Exactly one panel member chairs the panel. */
  chair: z.boolean().optional(),
  organisation: z.string().max(100).optional(),
});
export type Person = z.infer<typeof personSchema>;

export const committeeSchema = z.object({
  id,
  name: z.string().min(1).max(100),
  quarter: z.string().min(1).max(100),
  address: z.string().min(1).max(200),
  subdistrict: z.string().min(1),
  termStart: date,
  termEnd: date,
  email: z.string().max(200),
});
export type Committee = z.infer<typeof committeeSchema>;

export const directorySchema = z
  .object({
    subdistricts: z.array(z.string().min(1).max(30)).min(1),
    people: z.array(personSchema).min(1),
    committees: z.array(committeeSchema),
  })
  .superRefine((d, ctx) => {
    const ids = new Set<string>();
    const all = [...d.people.map((p) => p.id), ...d.committees.map((c) => c.id)];
    all.forEach((x, i) => {
      if (ids.has(x)) ctx.addIssue({ code: 'custom', path: ['id', i], message: `duplicate id ${x}` });
      ids.add(x);
    });
    d.people.forEach((p, i) => {
      if (p.role === 'subdistrict' && (!p.subdistrict || !d.subdistricts.includes(p.subdistrict)))
        ctx.addIssue({
          code: 'custom',
          path: ['people', i, 'subdistrict'],
          message: `unknown 街镇 ${p.subdistrict ?? '(missing)'}`,
        });
    });
    d.committees.forEach((c, i) => {
      if (!d.subdistricts.includes(c.subdistrict))
        ctx.addIssue({
          code: 'custom',
          path: ['committees', i, 'subdistrict'],
          message: `unknown 街镇 ${c.subdistrict}`,
        });
      if (c.termEnd < c.termStart)
        ctx.addIssue({ code: 'custom', path: ['committees', i, 'termEnd'], message: 'before termStart' });
    });
    const chairs = d.people.filter((p) => p.role === 'panel' && p.chair).length;
    if (chairs !== 1)
      ctx.addIssue({ code: 'custom', path: ['people'], message: `the panel needs exactly one chair, found ${chairs}` });
  });
export type Directory = z.infer<typeof directorySchema>;

/** What a workflow needs to authorise people: the directory without its committees. */
export type Staff = Person[];

/** What role checks read of a person: an application's start input carries only this (no names, emails). */
export type StaffRef = Pick<Person, 'id' | 'role' | 'subdistrict' | 'chair'>;
