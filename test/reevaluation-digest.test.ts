/**
 * The 街镇 officials' re-evaluation digest, on the time-skipping server with the 2023 calendar moved ahead
 * of its clock and a real SMTP server in this process: two holders in one 街镇 (with two officials) and one
 * in another. Each re-evaluation reminds its own holder of the materials; the campaign sends each official
 * one email per pre-review reminder slot listing every holder of their 街镇 still waiting on them. A
 * re-evaluation whose campaign cannot be signalled reminds its officials itself.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { eventually, withTimeSkippingWorker } from './harness';
import {
  at,
  calendar2023Ahead,
  directory as baseDirectory,
  reevaluationInspection,
  reevaluationMaterials,
  titlesFile,
  workflowBundle,
} from './fixtures';
import type { ReceivedMail, TestSmtp } from './smtp';
import { startCampaign } from '../client/campaigns';
import { importTitles, reevaluationAction, sendReevaluationStarts } from '../client/titles';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { materialsDueFor } from '../domain/titles';
import type { CampaignCalendar } from '../domain/calendar';
import type { Directory } from '../domain/directory';
import { dataConverter } from '../client/codec';

const [H1, H2, J] = ['huayang-001', 'huayang-002', 'jiangsu-001'];
const first = baseDirectory.people.find((p) => p.id === 'official-huayang')!;
/** A second official of 华阳路街道: each official gets their own digest. */
const second = {
  ...first,
  id: 'official-huayang-2',
  name: '华阳路街道 第二联络员',
  email: 'official-huayang-2@example.org',
};
const directory: Directory = { ...baseDirectory, people: [...baseDirectory.people, second] };
const emailOf = (id: string) => [...directory.people, ...directory.committees].find((p) => p.id === id)!.email;
const titles = titlesFile([H1, H2, J]);

const rig = withTimeSkippingWorker('digest', { smtp: {}, directory, logLevel: 'ERROR' });
let smtp: TestSmtp;
let calendar: CampaignCalendar;
let shift: number;
let taskQueue: string;
beforeAll(() => void ({ smtp, calendar, shiftDays: shift, taskQueue } = rig()));
const sleepUntil = (iso2023: string) => rig().sleepUntil(iso2023, shift);

/** Re-evaluation mail: the holders' materials reminders and the officials' pre-review reminders, whoever sends them. */
const KINDS = ['reevaluation-materials', 'reevaluation-review'];
const ours = (): ReceivedMail[] => smtp.messages.filter((m) => KINDS.includes(m.headers['x-red-model-kind']));
let mark = 0;
/** Our mail since the last call, once `n` have arrived, and no more. */
async function next(n: number): Promise<ReceivedMail[]> {
  await eventually(async () => expect(ours().length).toBeGreaterThanOrEqual(mark + n), 30_000);
  await new Promise((r) => setTimeout(r, 400));
  const list = ours().slice(mark);
  mark += list.length;
  expect(list.map((m) => `${m.headers['x-red-model-kind']} ${m.to}`)).toHaveLength(n);
  return list;
}
const summary = (list: ReceivedMail[]) =>
  list
    .map((m) => ({ kind: m.headers['x-red-model-kind'], from: m.headers['x-red-model-workflow'], to: m.to }))
    .sort((a, b) => a.to.localeCompare(b.to));
const titleLink = (id: string) => `办理复评预审：http://127.0.0.1:3000/titles/${id}`;

describe('re-evaluation digest for 街镇 officials (time-skipping, real SMTP)', () => {
  it(
    'one email per official per slot listing every waiting holder of their 街镇; the holder still gets its own',
    { timeout: 300_000 },
    async () => {
      const client = rig().client;
      const rows = await importTitles(client, { data: titles, directory, taskQueue });
      await startCampaign(client, { calendar, directory, taskQueue, activeTitles: rows.map((r) => r.workflowId) });

      // Aug 7: all three inspected; H1 and J submit their materials, H2 not yet.
      await sleepUntil('2023-08-07T02:00:00Z');
      for (const id of [H1, H2, J])
        await reevaluationAction(client, 2023, id, 'recordInspection', reevaluationInspection());
      for (const id of [H1, J])
        await reevaluationAction(client, 2023, id, 'submitMaterials', reevaluationMaterials(id));

      // Sep 20 09:00 Beijing: H2's own materials reminder, from its re-evaluation.
      await sleepUntil('2023-09-20T04:00:00Z');
      const sep20 = await next(1);
      expect(summary(sep20)).toEqual([
        { kind: 'reevaluation-materials', from: `reevaluation-2023-${H2}`, to: emailOf(H2) },
      ]);
      await sleepUntil('2023-09-21T02:00:00Z');
      await reevaluationAction(client, 2023, H2, 'submitMaterials', reevaluationMaterials(H2));

      // Oct 20 (7 working days before the inspection window's end, Tue Oct 31): one digest per official,
      // from the campaign; 华阳路's two officials each get one listing H1 and H2, 江苏路's one listing J.
      await sleepUntil('2023-10-20T04:00:00Z');
      const oct20 = await next(3);
      expect(summary(oct20)).toEqual(
        [first.id, second.id, 'official-jiangsu']
          .map((id) => ({ kind: 'reevaluation-review', from: 'campaign-2023', to: emailOf(id) }))
          .sort((a, b) => a.to.localeCompare(b.to)),
      );
      for (const m of oct20)
        expect(m.headers['x-red-model-scheduled']).toBe(new Date(at('2023-10-20T01:00:00Z', shift)).toISOString());
      for (const official of [first, second]) {
        const mail = oct20.find((m) => m.to === official.email)!;
        expect(mail.subject).toContain('2023年街镇复评初审截止提醒：您有 2 项待办');
        expect(mail.text).toContain(titleLink(H1));
        expect(mail.text).toContain(titleLink(H2));
        for (const id of [H1, H2]) expect(mail.text).toContain(directory.committees.find((c) => c.id === id)!.name);
        expect(mail.text).not.toContain(J);
      }
      const jMail = oct20.find((m) => m.to === emailOf('official-jiangsu'))!;
      expect(jMail.subject).toContain('您有 1 项待办');
      expect(jMail.text).toContain(titleLink(J));

      // H1 is pre-reviewed: from Oct 26 the 华阳路 digest lists H2 only.
      await reevaluationAction(client, 2023, H1, 'preReview', { actor: first.id });
      await sleepUntil('2023-10-26T04:00:00Z');
      const oct26 = await next(3);
      expect(summary(oct26).map((s) => [s.kind, s.from, s.to])).toEqual(
        [first.email, second.email, emailOf('official-jiangsu')]
          .sort()
          .map((to) => ['reevaluation-review', 'campaign-2023', to]),
      );
      for (const official of [first, second]) {
        const mail = oct26.find((m) => m.to === official.email)!;
        expect(mail.subject).toContain('您有 1 项待办');
        expect(mail.text).toContain(titleLink(H2));
        expect(mail.text).not.toContain(titleLink(H1));
      }

      // Everything pre-reviewed: no digest on Oct 30.
      await reevaluationAction(client, 2023, H2, 'preReview', { actor: second.id });
      await reevaluationAction(client, 2023, J, 'preReview', { actor: 'official-jiangsu' });
      await sleepUntil('2023-10-30T04:00:00Z');
      await new Promise((r) => setTimeout(r, 800));
      expect(ours().slice(mark)).toEqual([]);

      const ids = smtp.messages.map((m) => m.messageId);
      expect(new Set(ids).size).toBe(ids.length);

      // The campaign that sent digests, and a re-evaluation that reported, replay against this code.
      // DIGEST_HISTORIES_TO=<folder> also writes them there, as golden histories (encrypted with the test key).
      const bundle = await workflowBundle();
      for (const [type, id] of [
        ['campaign', 'campaign-2023'],
        ['reevaluation', `reevaluation-2023-${H1}`],
      ]) {
        const handle = client.workflow.getHandle(id);
        const history = await handle.fetchHistory();
        await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: dataConverter() }, history, id);
        const out = process.env.DIGEST_HISTORIES_TO;
        if (!out) continue;
        const { runId, status } = await handle.describe();
        const file = join(out, `${type}--${id}-digest--${runId.slice(-8)}.json`);
        const record = { workflowId: id, runId, workflowType: type, status: status.name };
        writeFileSync(file, JSON.stringify({ ...record, history: JSON.parse(historyToJSON(history)) }) + '\n');
      }
    },
  );

  it(
    'a re-evaluation whose campaign cannot be signalled reminds its 街镇 officials itself',
    { timeout: 120_000 },
    async () => {
      const client = rig().client;
      const holder = 'xinhua-001';
      const [row] = await importTitles(client, {
        data: titlesFile([holder]),
        directory,
        taskQueue,
      });
      // Year 2024 on a fresh 2023-shaped calendar ahead of the clock: there is no campaign-2024 to report to.
      ({ calendar, shiftDays: shift } = calendar2023Ahead(await rig().env.currentTimeMs()));
      await sendReevaluationStarts(client, [row.workflowId], {
        year: 2024,
        calendar,
        materialsDue: materialsDueFor(calendar),
        staff: directory.people,
        gradeBands: DEFAULT_GRADE_BANDS,
      });
      await sleepUntil('2023-08-07T02:00:00Z');
      await reevaluationAction(client, 2024, holder, 'recordInspection', reevaluationInspection());
      await reevaluationAction(client, 2024, holder, 'submitMaterials', reevaluationMaterials(holder));
      mark = ours().length;
      await sleepUntil('2023-10-20T04:00:00Z');
      const oct20 = await next(1);
      expect(summary(oct20)).toEqual([
        { kind: 'reevaluation-review', from: `reevaluation-2024-${holder}`, to: emailOf('official-xinhua') },
      ]);
      expect(oct20[0].text).toContain(titleLink(holder));
    },
  );
});
