/**
 * A closed application's snapshot rebuilt from its history, for when no worker answers its status query
 * (the time-skipping test server answers none on a closed workflow). The result leaves out what the start
 * input holds (workflows/application/result.ts): the form, the year and the 'submit' entry's payload come
 * back from the input. Results recorded before that are whole snapshots and are read as they are.
 */
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { z } from 'zod';
import { APPLICATION_STAGES, STAGE_LABELS } from '../domain/stages';
import type { ApplicationForm } from '../domain/application-form';
import { payloadText } from '../workflows/shared/audit';
import type { ApplicationSnapshot } from '../workflows/application/state';
import { zodLine } from '../domain/rejections';

const auditEntrySchema = z.looseObject({
  at: z.string(),
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  outcome: z.enum(['accepted', 'rejected']),
  payload: z.string().optional(),
  detail: z.string().optional(),
  error: z.string().optional(),
});

/** Both shapes share the state; loose, so fields added later pass through. */
const resultSchema = z.looseObject({
  stage: z.enum(APPLICATION_STAGES),
  reason: z.string().optional(),
  paperFormReceived: z.boolean(),
  locked: z.boolean(),
  reviewDeadline: z.string(),
  inspectionDeadline: z.string(),
  audit: z.array(auditEntrySchema),
  rejectedCount: z.number().int().min(0),
});

const formSchema = z.looseObject({ committeeId: z.string(), committeeName: z.string(), subdistrict: z.string() });

/** A result recorded as the whole snapshot. */
const snapshotSchema = resultSchema.extend({
  workflowId: z.string(),
  year: z.number().int(),
  form: formSchema,
  stageLabel: z.string(),
  final: z.boolean(),
});

/** What the view needs of the start input (workflows/application/state.ts ApplicationInput). */
const startSchema = z.looseObject({ year: z.number().int(), form: formSchema, submittedBy: z.string() });

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what}: ${zodLine(r.error)}`);
  return r.data;
}

/** The snapshot of a finished application from its start input and its result, either shape. */
export function snapshotFromHistory(workflowId: string, start: unknown, result: unknown): ApplicationSnapshot {
  const old = snapshotSchema.safeParse(result);
  // Validated, then returned as recorded (parsing would reorder fields).
  if (old.success) return result as ApplicationSnapshot;
  const r = parsed(resultSchema, result, `result of ${workflowId}`);
  const input = parsed(startSchema, start, `start input of ${workflowId}`);
  // The form as recorded, not as parsed: zod puts the fields it names first, and the payload text keeps the order.
  const form = (start as { form: ApplicationForm }).form;
  // The workflow wrote this payload from the same input (workflows/application/workflow.ts, the 'submit' audit).
  const submitted = payloadText({ actor: input.submittedBy, form });
  return {
    ...(result as Omit<ApplicationSnapshot, 'workflowId' | 'year' | 'form' | 'stageLabel' | 'final'>),
    audit: (result as ApplicationSnapshot).audit.map((e) =>
      e.action === 'submit' && e.outcome === 'accepted' && e.payload === undefined ? { ...e, payload: submitted } : e,
    ),
    workflowId,
    year: input.year,
    form,
    stageLabel: STAGE_LABELS[r.stage],
    // A result is returned only once the application is final.
    final: true,
  };
}

/** A completed application's snapshot: its result and its first event's input (one history page of one event). */
export async function closedApplicationSnapshot(client: Client, workflowId: string): Promise<ApplicationSnapshot> {
  const result = await client.workflow.getHandle(workflowId).result();
  const page = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  const payloads = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const start = await decodeFromPayloadsAtIndex(client.options.loadedDataConverter, 0, payloads);
  return snapshotFromHistory(workflowId, start, result);
}
