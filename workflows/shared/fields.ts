/** Fields every workflow's action schemas share. */
import { z } from 'zod';

/** The person acting: a directory id, or a committee's own id. */
export const actor = z.string().min(1).max(64);
export const committeeId = z.string().min(1).max(64);
/** Free text a person types, trimmed, between `min` and `max` characters. */
export const text = (min: number, max: number) => z.string().trim().min(min).max(max);
/** An optional note. */
export const note = z.string().max(2000).optional();
