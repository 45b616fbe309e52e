/**
 * Deadline reminders by email on the time-skipping server, the 2023 calendar moved ahead of its clock,
 * against a real SMTP server in this process: send instants, recipients, one email per recipient per
 * reminder naming every pending item, nobody who already acted; and a day of SMTP outage.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, withTimeSkippingWorker, type TimeSkippingWorker, type WithSmtp } from './harness';
import { at, directory as baseDirectory, formFor, scores } from './fixtures';
import type { ReceivedMail } from './smtp';
import { campaignAction, campaignMailStatus, campaignStatus, startCampaign } from '../client/campaigns';
import { applicationAction, submitApplication } from '../client/applications';
import { formatDeadline } from '../domain/calendar';
import type { Directory } from '../domain/directory';

const DAY = 86_400_000;

/** The fixture directory, with two committees whose addresses cannot be used. */
const directory: Directory = {
  ...baseDirectory,
  committees: baseDirectory.committees.map((c) =>
    c.id === 'jiangsu-001' ? { ...c, email: '' } : c.id === 'jiangsu-002' ? { ...c, email: 'not-an-address' } : c,
  ),
};
const people = (role: string, sd?: string) =>
  directory.people.filter((p) => p.role === role && (!sd || p.subdistrict === sd)).map((p) => p.id);
const official = (sd: string) => people('subdistrict', sd)[0];
const emailOf = (id: string) => [...directory.people, ...directory.committees].find((p) => p.id === id)!.email;
const [HUAYANG, JIANGSU, XINHUA] = directory.subdistricts;

/** A time-skipping worker with an SMTP server on its clock, for one describe block. */
type Rig = TimeSkippingWorker & WithSmtp<{ smtp: object }>;
// Every failed send attempt while SMTP is down is a worker warning: keep the output readable.
const rig = (prefix: string) => withTimeSkippingWorker(prefix, { smtp: {}, directory, logLevel: 'ERROR' });

/** A received email, its times mapped back onto the 2023 calendar. */
interface Seen {
  to: string;
  kind: string;
  /** When the SMTP server received it (time-skipping clock), as a 2023 instant. */
  at: string;
  /** The instant it was for (X-Red-Model-Scheduled), as a 2023 instant. */
  scheduled: string;
  mail: ReceivedMail;
}
const seen = (r: Rig, from = 0): Seen[] =>
  r.smtp.messages.slice(from).map((m) => ({
    to: m.to,
    kind: m.headers['x-red-model-kind'],
    at: new Date(m.clockAt! - r.shiftDays * DAY).toISOString(),
    scheduled: new Date(Date.parse(m.headers['x-red-model-scheduled']) - r.shiftDays * DAY).toISOString(),
    mail: m,
  }));
const recipients = (list: Seen[]) => list.map((s) => s.to).sort();
const addresses = (ids: string[]) => ids.map(emailOf).sort();
/** Received within a minute (test clock) of the instant it was for. */
const onTime = (list: Seen[], iso: string) => {
  for (const s of list) {
    expect({ to: s.to, kind: s.kind, scheduled: s.scheduled }).toEqual({ to: s.to, kind: s.kind, scheduled: iso });
    expect(Date.parse(s.at) - Date.parse(iso)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(s.at) - Date.parse(iso)).toBeLessThan(60_000);
  }
};

describe('reminders through a whole round (time-skipping, 2023 shape, real SMTP)', () => {
  const worker = rig('reminders');
  let r: Rig;
  beforeAll(() => void (r = worker()));

  it('reminds exactly who still owes what, at 09:00 Beijing on the 7th, 3rd and 1st working day before each deadline', async () => {
    const { env, smtp } = r;
    const client = env.client;
    const taskQueue = r.taskQueue;
    const campaign = await startCampaign(client, { calendar: r.calendar, directory, taskQueue });
    let mark = 0;
    /** Emails since the last call, once `n` have arrived. */
    const next = async (n: number) => {
      await smtp.waitFor(mark + n);
      await new Promise((res) => setTimeout(res, 300)); // nothing more than n
      const list = seen(r, mark);
      mark = smtp.messages.length;
      return list;
    };

    // Campaign opened (Sat Apr 1 00:00): bureau and every 街镇 official.
    await r.sleepUntil('2023-04-03T02:00:00Z');
    const opened = await next(12);
    expect(recipients(opened)).toEqual(addresses([...people('bureau'), ...people('subdistrict')]));
    onTime(opened, '2023-03-31T16:00:00.000Z');
    expect(opened[0].mail.subject).toBe('【红色示范业委会】2023年红色示范业委会创建评选工作启动');

    // Nine applications; four without the paper form (two of them with unusable addresses).
    const noPaper = ['huayang-001', 'huayang-002', 'jiangsu-001', 'jiangsu-002'];
    for (const sd of [HUAYANG, JIANGSU, XINHUA]) {
      for (const c of directory.committees.filter((x) => x.subdistrict === sd)) {
        await submitApplication(client, {
          year: 2023,
          directory,
          committeeId: c.id,
          form: formFor(c.id, !noPaper.includes(c.id)),
          taskQueue,
        });
      }
    }
    await eventually(async () => expect((await campaignStatus(client, 2023)).counts.total).toBe(9));

    // Paper forms, due Wed May 31: May 22 (7th working day before).
    await r.sleepUntil('2023-05-22T04:00:00Z');
    await smtp.waitFor(mark + 2);
    const paper = seen(r, mark).filter((s) => s.kind === 'paper-form');
    expect(recipients(paper)).toEqual(addresses(['huayang-001', 'huayang-002']));
    onTime(paper, '2023-05-22T01:00:00.000Z');
    expect(paper[0].mail.subject).toContain('纸质推荐表报送截止提醒：您有 1 项待办');
    expect(paper[0].mail.text).toContain(`${formatDeadline(at('2023-05-31T16:00:00Z', r.shiftDays))}（北京时间）`);
    // Missing and invalid addresses are recorded and reported to the bureau; the workflows carry on.
    await eventually(async () => {
      const st = await campaignMailStatus(client, 2023);
      expect(st.undeliverable.map((u) => [u.recipientId, u.reason]).sort()).toEqual([
        ['jiangsu-001', 'missing'],
        ['jiangsu-002', 'invalid'],
      ]);
    });
    await eventually(async () => {
      const all = seen(r, mark).filter((s) => s.kind === 'undeliverable');
      expect(new Set(all.map((s) => s.to))).toEqual(new Set(addresses(people('bureau'))));
      for (const b of addresses(people('bureau'))) {
        const text = all
          .filter((s) => s.to === b)
          .map((s) => s.mail.text)
          .join('\n');
        expect(text).toContain('jiangsu-001');
        expect(text).toContain('jiangsu-002');
      }
    });
    await new Promise((res) => setTimeout(res, 300));
    expect(seen(r, mark).filter((s) => s.kind === 'paper-form')).toHaveLength(2);
    mark = smtp.messages.length;

    // The bureau records huayang-002's paper form: it gets no further reminder; huayang-001 gets May 26 and May 30.
    await r.sleepUntil('2023-05-23T02:00:00Z');
    await applicationAction(client, 2023, 'huayang-002', 'recordPaperForm', {
      actor: 'bureau-lu',
      receivedOn: new Date(at('2023-05-23T02:00:00Z', r.shiftDays)).toISOString().slice(0, 10),
    });
    await r.sleepUntil('2023-05-26T04:00:00Z');
    const may26 = await next(1);
    expect(recipients(may26)).toEqual(addresses(['huayang-001']));
    onTime(may26, '2023-05-26T01:00:00.000Z');
    await r.sleepUntil('2023-05-30T04:00:00Z');
    const may30 = await next(1);
    expect(recipients(may30)).toEqual(addresses(['huayang-001']));
    onTime(may30, '2023-05-30T01:00:00.000Z');
    // And on the deadline day itself: a reminder added later with patched() (workflows/application/code-paths.ts).
    await r.sleepUntil('2023-05-31T04:00:00Z');
    const may31 = await next(1);
    expect(recipients(may31)).toEqual(addresses(['huayang-001']));
    onTime(may31, '2023-05-31T01:00:00.000Z');

    // 街镇 review. 江苏路 decides everything and confirms on Jun 5; 新华路 decides one of three; 华阳路 nothing.
    await r.sleepUntil('2023-06-05T02:00:00Z');
    await applicationAction(client, 2023, 'jiangsu-001', 'recommend', { actor: official(JIANGSU) });
    await applicationAction(client, 2023, 'jiangsu-002', 'recommend', { actor: official(JIANGSU) });
    await applicationAction(client, 2023, 'jiangsu-003', 'notRecommend', {
      actor: official(JIANGSU),
      reason: '维修资金使用未按规定公示',
    });
    await campaignAction(client, 2023, 'confirmList', { actor: official(JIANGSU) });
    await applicationAction(client, 2023, 'xinhua-001', 'recommend', { actor: official(XINHUA) });
    await eventually(async () =>
      expect((await campaignStatus(client, 2023)).counts.bySubdistrict[XINHUA].recommended).toBe(1),
    );

    // Jul 20 (7th working day before Mon Jul 31): every official whose 街镇 has not confirmed, one email each.
    await r.sleepUntil('2023-07-20T04:00:00Z');
    const jul20 = await next(9);
    const unconfirmed = directory.subdistricts.filter((sd) => sd !== JIANGSU);
    expect(recipients(jul20)).toEqual(addresses(unconfirmed.map(official)));
    onTime(jul20, '2023-07-20T01:00:00.000Z');
    const huayangMail = jul20.find((s) => s.to === emailOf(official(HUAYANG)))!.mail;
    expect(huayangMail.subject).toContain('街镇推荐遴选截止提醒：您有 4 项待办');
    for (const id of ['huayang-001', 'huayang-002', 'huayang-003']) {
      const name = directory.committees.find((c) => c.id === id)!.name;
      expect(huayangMail.text).toContain(`【待作出推荐决定】${name}（${id}，${HUAYANG}）`);
      expect(huayangMail.text).toContain(`推荐或不予推荐：http://127.0.0.1:3000/applications/${id}`);
      expect(huayangMail.html).toContain(`${name}（${id}，${HUAYANG}）`);
    }
    expect(huayangMail.text).toContain('确认推荐名单：http://127.0.0.1:3000/subdistrict/confirm-list');
    expect(huayangMail.text).not.toContain('npm run');
    const xinhuaMail = jul20.find((s) => s.to === emailOf(official(XINHUA)))!.mail;
    expect(xinhuaMail.subject).toContain('您有 3 项待办');
    expect(xinhuaMail.text).not.toContain('xinhua-001（');
    expect(xinhuaMail.text).toContain('xinhua-002');
    expect(xinhuaMail.text).toContain('xinhua-003');
    const quietMail = jul20.find((s) => s.to === emailOf(official(directory.subdistricts[9])))!.mail;
    expect(quietMail.subject).toContain('您有 1 项待办');

    // 新华路 finishes on Jul 21: no more reminders for it; the others get Jul 26 and Jul 28.
    await r.sleepUntil('2023-07-21T02:00:00Z');
    await applicationAction(client, 2023, 'xinhua-002', 'recommend', { actor: official(XINHUA) });
    await applicationAction(client, 2023, 'xinhua-003', 'recommend', { actor: official(XINHUA) });
    await eventually(async () =>
      expect((await campaignStatus(client, 2023)).counts.bySubdistrict[XINHUA].recommended).toBe(3),
    );
    await campaignAction(client, 2023, 'confirmList', { actor: official(XINHUA) });
    const others = addresses(directory.subdistricts.filter((sd) => sd !== JIANGSU && sd !== XINHUA).map(official));
    await r.sleepUntil('2023-07-26T04:00:00Z');
    const jul26 = await next(8);
    expect(recipients(jul26)).toEqual(others);
    onTime(jul26, '2023-07-26T01:00:00.000Z');
    await r.sleepUntil('2023-07-28T04:00:00Z');
    const jul28 = await next(8);
    expect(recipients(jul28)).toEqual(others);
    onTime(jul28, '2023-07-28T01:00:00.000Z');

    // Inspection: four of five recommended are inspected early; the fifth is what the inspectors are reminded of.
    await r.sleepUntil('2023-08-07T02:00:00Z');
    for (const [n, id] of ['jiangsu-001', 'jiangsu-002', 'xinhua-001', 'xinhua-002'].entries()) {
      await applicationAction(client, 2023, id, 'recordInspection', {
        actor: 'inspector-1',
        scores: scores(95 - n),
        total: 95 - n,
        inspector: '郑立',
        date: '2023-08-07',
        notes: '',
      });
    }
    await eventually(async () => expect((await campaignStatus(client, 2023)).counts.byStage.inspected).toBe(4));
    await r.sleepUntil('2023-10-20T04:00:00Z');
    const oct20 = await next(3);
    expect(recipients(oct20)).toEqual(addresses(['inspector-1', 'inspector-2', 'panel-chair']));
    onTime(oct20, '2023-10-20T01:00:00.000Z');
    for (const s of oct20.filter((x) => x.kind === 'inspection')) {
      expect(s.mail.subject).toContain('专项检查截止提醒：您有 1 项待办');
      expect(s.mail.text).toContain('xinhua-003');
      expect(s.mail.text).not.toContain('xinhua-002');
    }
    expect(oct20.find((s) => s.kind === 'panel')!.mail.text).toContain(
      '【待确定拟表彰名单】已完成专项检查 4 家，表彰名额 5 家',
    );

    // The last inspection and the panel's list on Oct 23–24: no Oct 26 or Oct 30 reminders; the draft is announced.
    await r.sleepUntil('2023-10-23T02:00:00Z');
    await applicationAction(client, 2023, 'xinhua-003', 'recordInspection', {
      actor: 'inspector-2',
      scores: scores(80),
      total: 80,
      inspector: '冯洁',
      date: '2023-10-23',
      notes: '',
    });
    await eventually(async () => expect((await campaignStatus(client, 2023)).counts.byStage.inspected).toBe(5));
    await r.sleepUntil('2023-10-24T02:00:00Z');
    await campaignAction(client, 2023, 'panelFinalize', {
      actor: 'panel-chair',
      ranking: ['jiangsu-001', 'xinhua-001'],
      tieBreakRule: '总分相同时，以群众评价好得分高者居前',
    });
    const drafted = await next(15);
    expect(recipients(drafted)).toEqual(addresses([...people('bureau'), ...people('subdistrict'), ...people('panel')]));
    expect(drafted.every((s) => s.kind === 'draft-published')).toBe(true);
    // Finalised Tue Oct 24 10:00: 5 whole working days Oct 25 – Oct 31; the email, the status and the CLI give the same end.
    const publicityEnds = at('2023-10-31T16:00:00Z', r.shiftDays);
    expect((await campaignStatus(client, 2023)).draft!.publicityEnds).toBe(new Date(publicityEnds).toISOString());
    expect(drafted[0].mail.text).toContain(`公示期至 ${formatDeadline(publicityEnds)}（北京时间）`);
    const { objectionId } = await campaignAction(client, 2023, 'fileObjection', {
      name: '张三',
      contact: '13800000000',
      grounds: '该小区业委会换届选举程序存在问题，已向街道反映。',
      committeeId: 'jiangsu-001',
    });

    // 公示 Wed Oct 25 – Tue Oct 31: the bureau is reminded of the open objection on Oct 26 (3rd working day before).
    await r.sleepUntil('2023-10-26T04:00:00Z');
    const oct25 = await next(2);
    expect(recipients(oct25)).toEqual(addresses(people('bureau')));
    onTime(oct25, '2023-10-26T01:00:00.000Z');
    expect(oct25[0].mail.text).toContain(`【待处理异议 ${objectionId}】`);
    // Each objection links to its own page, where reading the objector's details is audited; the grounds stay out of mail.
    expect(oct25[0].mail.text).toContain(`查看并处理异议：http://127.0.0.1:3000/objections/${objectionId}`);
    expect(oct25[0].mail.text).not.toContain('该小区业委会换届选举程序存在问题');
    await campaignAction(client, 2023, 'resolveObjection', {
      actor: 'bureau-lu',
      objectionId: objectionId!,
      outcome: 'dismissed',
      reason: '经核查，换届程序符合规定',
    });

    // Nothing until the final-confirmation reminder on Nov 21; confirmed on Nov 22: the final list goes out.
    await r.sleepUntil('2023-11-21T04:00:00Z');
    const nov21 = await next(2);
    expect(recipients(nov21)).toEqual(addresses(people('bureau')));
    expect(nov21.map((s) => s.kind)).toEqual(['final', 'final']);
    onTime(nov21, '2023-11-21T01:00:00.000Z');
    expect(nov21[0].mail.text).toContain('【待确认最终名单】');
    expect(nov21[0].mail.text).not.toContain('npm run');
    await r.sleepUntil('2023-11-22T02:00:00Z');
    await campaignAction(client, 2023, 'confirmFinal', { actor: 'bureau-lu' });
    const result = await campaign.result();
    expect(result.finalList).toEqual(['jiangsu-001', 'xinhua-001']);
    const finals = await next(15);
    expect(finals.every((s) => s.kind === 'final-list')).toBe(true);
    expect(finals[0].mail.text).toContain('jiangsu-001');

    // Every message once.
    const ids = smtp.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^<[0-9a-f]{40}@red-model\.changning>$/.test(id))).toBe(true);
  });
});

describe('SMTP down for a simulated day', () => {
  const worker = rig('outage');
  let r: Rig;
  beforeAll(() => void (r = worker()));

  it('delivers every reminder once after SMTP comes back, each Message-ID exactly once, without blocking the campaign', async () => {
    const { env, smtp } = r;
    const client = env.client;
    const taskQueue = r.taskQueue;
    await startCampaign(client, { calendar: r.calendar, directory, taskQueue });
    await r.sleepUntil('2023-04-03T02:00:00Z');
    await submitApplication(client, {
      year: 2023,
      directory,
      committeeId: 'huayang-001',
      form: formFor('huayang-001'),
      taskQueue,
    });
    // Eight 街镇 confirm at once; 华阳路 and 江苏路 are left to be reminded.
    await r.sleepUntil('2023-06-05T02:00:00Z');
    for (const sd of directory.subdistricts.slice(2))
      await campaignAction(client, 2023, 'confirmList', { actor: official(sd) });
    await smtp.waitFor(12); // the opening notices
    const before = smtp.messages.length;

    await r.sleepUntil('2023-07-19T04:00:00Z');
    await smtp.stop();
    const started = Date.now();
    const attemptsBefore = r.sends.count;
    // During the outage the Jul 20 09:00 reminders fail and retry; the campaign still takes actions.
    await r.sleepUntil('2023-07-20T07:00:00Z');
    expect(smtp.messages.length).toBe(before);
    await campaignAction(client, 2023, 'confirmList', { actor: official(JIANGSU) });
    expect((await campaignStatus(client, 2023)).confirmed[JIANGSU]).toBeDefined();
    expect((await campaignMailStatus(client, 2023)).queued).toBe(2);
    await r.sleepUntil('2023-07-21T01:00:00Z'); // a full day after the reminder instant
    expect(smtp.messages.length).toBe(before);
    const outageMs = Date.now() - started;
    // Two sends retried all day with backoff capped at 5 minutes: about 24 h / 5 min attempts each, not thousands.
    const attempts = r.sends.count - attemptsBefore;
    expect(attempts).toBeGreaterThan(2 * 250);
    expect(attempts).toBeLessThan(2 * 320);

    await smtp.start();
    await r.sleepUntil('2023-07-21T01:10:00Z'); // the backoff is at most 5 minutes
    const delivered = await smtp.waitFor(before + 2).then(() => seen(r, before));
    expect(recipients(delivered)).toEqual(addresses([official(HUAYANG), official(JIANGSU)]));
    for (const s of delivered) {
      expect(s.scheduled).toBe('2023-07-20T01:00:00.000Z');
      expect(Date.parse(s.at)).toBeGreaterThanOrEqual(Date.parse('2023-07-21T01:00:00.000Z'));
    }
    await eventually(async () => expect((await campaignMailStatus(client, 2023)).queued).toBe(0));

    // Later reminders are unaffected: Jul 26 goes to 华阳路 only (江苏路 confirmed during the outage).
    await r.sleepUntil('2023-07-26T04:00:00Z');
    const jul26 = await smtp.waitFor(before + 3).then(() => seen(r, before + 2));
    expect(recipients(jul26)).toEqual(addresses([official(HUAYANG)]));
    onTime(jul26, '2023-07-26T01:00:00.000Z');
    await new Promise((res) => setTimeout(res, 500));
    const ids = smtp.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(smtp.messages.length).toBe(before + 3);
    console.log(`SMTP outage of a simulated day: ${attempts} send attempts, ${outageMs} ms of wall-clock time`);
  });
});
