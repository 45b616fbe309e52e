/** Reusable flag schemas. Flags come in as strings (or true for bare flags). */
import { z } from 'zod';
import { findActor } from '../../client/directory';
import { beijingInstant } from '../../domain/beijing-time';
import type { CommandContext } from './command';

export const flags = {
  year: z.coerce.number().int().min(2000).max(2100),
  id: z.string().min(1).max(64),
  text: (min = 1, max = 2000) => z.string().min(min).max(max),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  dateOrInstant: z
    .string()
    .refine(
      (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) || !Number.isNaN(Date.parse(v)),
      'must be YYYY-MM-DD or an ISO instant',
    ),
  /** A deadline a person types (Beijing time): sent to the workflow as an instant with a zone. */
  until: z.string().transform((v, ctx) => {
    try {
      return beijingInstant(v, 'until', { deadline: true });
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  bool: z
    .union([z.literal(true), z.enum(['true', 'false', 'yes', 'no'])])
    .transform((v) => v === true || v === 'true' || v === 'yes'),
  list: z.string().transform((v) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  ),
  json: z.literal(true).optional(),
};

/** `--as`: the acting person or committee, checked against the directory. */
export function actorFlag(ctx: CommandContext, id: string): string {
  findActor(ctx.directory(), id);
  return id;
}
