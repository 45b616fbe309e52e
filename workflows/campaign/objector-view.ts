/**
 * Reading an objector's details (name, contact, grounds) in the console is itself recorded in the
 * campaign's audit trail: who read which objection, and when (the campaign's clock). A Query changes
 * nothing and leaves no trace, so the console sends this signal before it shows the details.
 * Only the reader's directory id and the objection id: never the details themselves.
 */
import { defineSignal } from '@temporalio/workflow';
import { z } from 'zod';

export const objectorViewSchema = z
  .object({
    actor: z.string().min(1).max(64),
    objectionId: z.string().regex(/^obj-\d{1,6}$/, 'must be an objection id such as obj-1'),
  })
  .strict();
export type ObjectorView = z.infer<typeof objectorViewSchema>;

export const objectorViewedSignal = defineSignal<[ObjectorView]>('viewedObjector');
