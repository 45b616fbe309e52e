/**
 * A re-evaluation decides without waiting for its mail: with the real SMTP server stopped, the bureau's
 * confirmation of a failed re-evaluation revokes the title at once, and the reminders the re-evaluation
 * could not send goes out from the title, under its own Message-ID, once SMTP is back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, withTimeSkippingWorker } from './harness';
import { at } from './fixtures';
import type { TestSmtp } from './smtp';
import { startCampaign } from '../client/campaigns';
import { importTitles, reevaluationAction, titleStatus } from '../client/titles';
import { messageIdFor } from '../activities/send-mail';
import type { CampaignCalendar } from '../domain/calendar';
import type { Directory } from '../domain/directory';

const file = JSON.parse(readFileSync(join(__dirname, '..', 'data', 'titles-2022.json'), 'utf8'));
const holder = (file.titles as { committeeId: string }[])[4].committeeId;
const titleId = `title-${holder}-2022`;
const reevaluationId = `reevaluation-2023-${holder}`;
// A stopped SMTP server makes every send attempt warn: the worker logs errors only.
const rig = withTimeSkippingWorker('reevaluation-outage', { smtp: {}, logLevel: 'ERROR' });
let directory: Directory;
let smtp: TestSmtp;
let calendar: CampaignCalendar;
let shift: number;
let taskQueue: string;
beforeAll(() => void ({ directory, smtp, calendar, shiftDays: shift, taskQueue } = rig()));
const sleepUntil = (iso2023: string) => rig().sleepUntil(iso2023);
const official = () =>
  directory.people.find(
    (p) => p.role === 'subdistrict' && p.subdistrict === directory.committees.find((c) => c.id === holder)!.subdistrict,
  )!.id;
const emailOf = (id: string) => [...directory.people, ...directory.committees].find((p) => p.id === id)!.email;
const fromWorkflow = (id: string) => smtp.messages.filter((m) => m.headers['x-red-model-workflow'] === id);

describe('a re-evaluation during an SMTP outage (time-skipping, real SMTP)', () => {
  it(
    'revokes the title without waiting for SMTP; the title sends the unsent reminder once it is back',
    { timeout: 180_000 },
    async () => {
      const client = rig().client;
      const data = { ...file, titles: file.titles.filter((t: { committeeId: string }) => t.committeeId === holder) };
      const rows = await importTitles(client, { data, directory, taskQueue });
      await startCampaign(client, { calendar, directory, taskQueue, activeTitles: rows.map((r) => r.workflowId) });
      await eventually(async () => expect((await titleStatus(client, titleId)).current?.year).toBe(2023));

      // SMTP goes down on Wed Sep 20 at 08:00 Beijing; the 09:00 materials reminder fails and retries.
      await sleepUntil('2023-09-20T00:00:00Z');
      await smtp.stop();
      await sleepUntil('2023-09-20T01:30:00Z');
      expect(fromWorkflow(reevaluationId)).toEqual([]);

      // The 街镇 cancels the eligibility and the bureau confirms: the re-evaluation fails, the title is revoked now.
      const started = Date.now();
      await reevaluationAction(client, 2023, holder, 'cancelEligibility', {
        actor: official(),
        standardisationScore: 52,
        reason: '年度规范化评价成绩不合格',
      });
      await reevaluationAction(client, 2023, holder, 'confirm', { actor: 'bureau-lu' });
      await eventually(async () => expect((await titleStatus(client, titleId)).status).toBe('revoked'), 20_000);
      expect((await client.workflow.getHandle(reevaluationId).describe()).status.name).toBe('COMPLETED');
      const waited = Date.now() - started;
      expect(waited).toBeLessThan(20_000);
      expect(fromWorkflow(reevaluationId)).toEqual([]);
      expect(fromWorkflow(titleId)).toEqual([]);

      // SMTP is back: the reminder (sent by the title under the re-evaluation's Message-ID) and the revocation notice.
      await smtp.start();
      await sleepUntil('2023-09-20T01:40:00Z'); // past the send retries' longest backoff (5 minutes)
      await eventually(async () => {
        expect(fromWorkflow(reevaluationId)).toHaveLength(1);
        expect(fromWorkflow(titleId).filter((m) => m.headers['x-red-model-kind'] === 'revocation')).toHaveLength(4);
      }, 60_000);
      console.log(`[outage] revoked ${waited} ms after the confirmation, with SMTP down`);
      const reminders = fromWorkflow(reevaluationId);
      expect(reminders.every((m) => m.to === emailOf(holder))).toBe(true);
      expect(reminders.every((m) => m.headers['x-red-model-kind'] === 'reevaluation-materials')).toBe(true);

      // The Message-ID the re-evaluation gave its reminder: its workflow, the deadline, the offset (7 working days), the holder.
      const deadline = new Date(at('2023-09-30T16:00:00Z', shift)).toISOString();
      const to = { id: holder, email: emailOf(holder) } as Parameters<typeof messageIdFor>[0]['to'];
      expect(reminders.map((m) => m.messageId)).toEqual([
        messageIdFor({ workflowId: reevaluationId, kind: 'reevaluation-materials', deadline, offset: '7', to }),
      ]);
    },
  );
});
