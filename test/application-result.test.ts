/**
 * A finished application's result and the snapshot readers rebuild from it (client/application-result.ts),
 * on the recorded applications of test/histories/: their results are whole snapshots (the old shape), read
 * as they are; the slim result the workflow returns now, made from the same state, rebuilds the same
 * snapshot with the start input, less the run's own bookkeeping (mail outbox, clock, report counter).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, readKeyFile } from '../client/codec';
import { snapshotFromHistory } from '../client/application-result';
import { applicationResult } from '../workflows/application/result';
import type { ApplicationSnapshot, ApplicationState } from '../workflows/application/state';

const DIR = join(__dirname, 'histories');
const codec = new EncryptionCodec(readKeyFile(join(__dirname, 'keys', 'payload-keys.json')));
const files = (readdirSync(DIR, { recursive: true }) as string[])
  .filter((f) => /(^|\/)application--.*\.json$/.test(f))
  .sort();

async function decode(p: Payload): Promise<any> {
  const [plain] = await codec.decode([p]);
  return defaultPayloadConverter.fromPayload(plain);
}

async function recorded(file: string) {
  const { workflowId, history } = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
  const events = historyFromJSON(history).events!;
  const start = await decode(events[0].workflowExecutionStartedEventAttributes!.input!.payloads![0] as Payload);
  const done = events.at(-1)!.workflowExecutionCompletedEventAttributes;
  const result = done ? await decode(done.result!.payloads![0] as Payload) : undefined;
  return { workflowId: workflowId as string, start, result: result as ApplicationSnapshot | undefined };
}

/** The state a snapshot was made of. */
function stateOf(snapshot: ApplicationSnapshot): ApplicationState {
  const { workflowId: _id, year: _year, form: _form, stageLabel: _label, final: _final, ...state } = snapshot;
  return state;
}

describe('an application result and the snapshot rebuilt from it', () => {
  it('covers recorded applications, old and new', () => expect(files.length).toBeGreaterThanOrEqual(10));

  it.each(files)('%s', async (file) => {
    const { workflowId, start, result } = await recorded(file);
    if (!result) return; // continued as new: that run has no result
    const view = snapshotFromHistory(workflowId, start, result);
    if ('form' in result) {
      // Recorded as the whole snapshot: read as it is.
      expect(view).toEqual(result);
      const slim = applicationResult(stateOf(result));
      expect(Object.keys(slim)).not.toContain('form');
      expect(JSON.stringify(slim).length).toBeLessThan(JSON.stringify(result).length * 0.7);
      const { mail: _mail, reached: _reached, reportSeq: _seq, ...expected } = result;
      expect(snapshotFromHistory(workflowId, start, slim)).toEqual(expected);
    } else {
      // Recorded as the slim result: the form and the submission come back from the start input.
      expect(view.form).toEqual(start.form);
      expect(view.year).toBe(start.year);
      expect(view.final).toBe(true);
      const submit = view.audit.find((e) => e.action === 'submit');
      if (submit)
        expect(submit.payload).toMatch(
          new RegExp(`^\\{"actor":"${start.submittedBy}","form":\\{"committeeId":"${start.form.committeeId}",`),
        );
    }
  });

  it('a result of neither shape is refused with the field named', () => {
    expect(() => snapshotFromHistory('application-2023-x', { year: 2023 }, { stage: 'listed' })).toThrow(
      /result of application-2023-x: .*paperFormReceived/,
    );
    const state = { stage: 'listed', paperFormReceived: true, locked: true, reviewDeadline: 'a' };
    const slim = { ...state, inspectionDeadline: 'b', audit: [], rejectedCount: 0 };
    expect(() => snapshotFromHistory('application-2023-x', { year: 2023 }, slim)).toThrow(
      /start input of application-2023-x: .*form/,
    );
  });
});
