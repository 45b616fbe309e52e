/**
 * "我的待办": what one person owes, from the campaign's status (one Query) and, for a 街镇 official,
 * the campaign's registry of that 街镇's applications (one more Query) — never a Query per row. The
 * registry is current with every accepted decision; a visibility listing of 1,000 rows was 5–10×
 * slower here.
 */
import type { Client } from '@temporalio/client';
import { applicationStatus } from '../client/applications';
import { campaignApplications, campaignStatus } from '../client/campaigns';
import { UserError } from '../client/errors';
import { listReevaluations, listTitles, reevaluationStatus } from '../client/titles';
import type { Directory } from '../domain/directory';
import { STAGE_LABELS, type ApplicationStage } from '../domain/stages';
import type { CampaignStatus } from '../workflows/campaign/state';
import type { ApplicationSnapshot } from '../workflows/application/state';
import { deadlineView, type DeadlineView } from './format';
import type { Actor } from './people';

export interface Task {
  title: string;
  href: string;
  deadline?: DeadlineView;
  detail?: string;
}

export interface Inbox {
  year: number;
  status: CampaignStatus;
  open: Task[];
  done: Task[];
}

const byDeadline = (a: Task, b: Task) =>
  (a.deadline?.ms ?? Infinity) - (b.deadline?.ms ?? Infinity) || a.title.localeCompare(b.title, 'zh-CN');

export async function ownApplication(
  client: Client,
  year: number,
  committeeId: string,
): Promise<ApplicationSnapshot | undefined> {
  try {
    return await applicationStatus(client, year, committeeId);
  } catch (err) {
    if (err instanceof UserError) return undefined;
    throw err;
  }
}

const titleHref = (committeeId: string) => `/titles/${encodeURIComponent(committeeId)}`;

/**
 * Title and 复评 tasks: the holder's own re-evaluation (one Query, for its exact deadline); for a 街镇,
 * one listing of the year's re-evaluations awaiting its pre-review and one of its revoked titles still
 * running (a revoked title ends once the recovery is confirmed); for the bureau, one listing.
 */
async function titleTasks(
  client: Client,
  actor: Actor,
  year: number,
  nameOf: (id: string) => string,
): Promise<{ open: Task[]; done: Task[] }> {
  const open: Task[] = [];
  const done: Task[] = [];
  if (actor.role === 'committee') {
    let r;
    try {
      r = await reevaluationStatus(client, year, actor.id);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
    }
    if (r?.pending.some((p) => p.role === 'committee'))
      open.push({
        title: `提交 ${year} 年度书面复评材料`,
        href: titleHref(actor.id),
        deadline: deadlineView(r.materialsDue, r),
      });
    else if (r?.materials)
      done.push({ title: `${year} 年度书面复评材料已提交`, href: titleHref(actor.id), detail: r.stageLabel });
  }
  if (actor.role === 'subdistrict' && actor.subdistrict) {
    const [reevs, revoked] = await Promise.all([
      listReevaluations(client, { year, subdistrict: actor.subdistrict }),
      listTitles(client, { subdistrict: actor.subdistrict, status: 'revoked', runningOnly: true }),
    ]);
    for (const r of reevs) {
      const t: Task = { title: `复评预审：${nameOf(r.committeeId)}`, href: titleHref(r.committeeId) };
      if (r.stage === 'awaiting-pre-review') open.push(t);
    }
    for (const t of revoked)
      open.push({ title: `收回铭牌与奖状并确认：${nameOf(t.committeeId)}`, href: titleHref(t.committeeId) });
  }
  if (actor.role === 'bureau') {
    for (const r of await listReevaluations(client, { year })) {
      if (r.stage === 'awaiting-confirmation')
        open.push({ title: `复评再评审并确认结果：${nameOf(r.committeeId)}`, href: titleHref(r.committeeId) });
    }
  }
  return { open, done };
}

export async function inboxFor(client: Client, directory: Directory, actor: Actor, year: number): Promise<Inbox> {
  const official = actor.role === 'subdistrict' && actor.subdistrict ? actor.subdistrict : undefined;
  const nameOfId = (id: string) => directory.committees.find((c) => c.id === id)?.name ?? id;
  const [status, rows, titles] = await Promise.all([
    campaignStatus(client, year),
    official
      ? campaignApplications(client, year, official)
      : actor.role === 'inspector'
        ? campaignApplications(client, year, '')
        : Promise.resolve([]),
    titleTasks(client, actor, year, nameOfId),
  ]);
  const cal = status.calendar;
  const open: Task[] = [];
  const done: Task[] = [];
  const nameOf = (id: string) => directory.committees.find((c) => c.id === id)?.name ?? id;

  if (actor.role === 'committee') {
    const app = await ownApplication(client, year, actor.id);
    if (!app) {
      if (status.phase === 'applications')
        open.push({
          title: '填写并提交推荐表',
          href: '/application/new',
          deadline: deadlineView(status.applicationsClose, status),
        });
      else if (status.phase === 'preparing')
        open.push({ title: '推荐表（申报尚未开始）', href: '/application', detail: '申报开始后可在此填写' });
    } else {
      done.push({ title: `推荐表已提交（${app.stageLabel}）`, href: '/application' });
      if (!app.paperFormReceived && !app.final)
        open.push({
          title: '报送纸质推荐表（一式两份）至区房管局',
          href: '/application',
          deadline: deadlineView(app.applicationsClose ?? status.applicationsClose, status),
        });
      if (app.decision)
        done.push({
          title: `街镇${app.decision.kind === 'recommend' ? '已推荐' : '未推荐'}`,
          href: '/application',
          detail: app.decision.note,
        });
    }
  }

  if (actor.role === 'subdistrict' && actor.subdistrict) {
    const sd = actor.subdistrict;
    const deadline = deadlineView(status.reviewDeadlines[sd], status);
    for (const r of rows) {
      const t: Task = {
        title: `初步审查：${nameOf(r.committeeId)}`,
        href: `/applications/${encodeURIComponent(r.committeeId)}`,
        deadline,
      };
      if (r.stage === 'submitted' && !status.confirmed[sd]) open.push(t);
      else done.push({ ...t, detail: STAGE_LABELS[r.stage as ApplicationStage] ?? r.stage, deadline: undefined });
    }
    if (status.confirmed[sd])
      done.push({
        title: '确认推荐名单',
        href: '/subdistrict/confirm-list',
        detail: `已确认，推荐 ${status.confirmed[sd].recommended.length} 个`,
      });
    else if (['applications', 'review'].includes(status.phase))
      open.push({ title: '确认本街镇推荐名单并报区房管局', href: '/subdistrict/confirm-list', deadline });
  }

  // The selection (web/routes/inspection.ts, panel.ts, objections-review.ts): the inspection window's deadline, 公示's end.
  const reviewing = status.phase === 'inspection' || status.phase === 'awaiting-panel';
  if (actor.role === 'inspector') {
    const deadline = deadlineView(status.inspectionCloses, status);
    for (const r of rows) {
      const href = `/inspection/${encodeURIComponent(r.committeeId)}`;
      if (r.stage === 'recommended' && status.confirmed[r.subdistrict] && reviewing)
        open.push({ title: `专项检查评分：${nameOf(r.committeeId)}`, href, deadline });
      else if (!['submitted', 'recommended', 'not-recommended', 'no-decision', 'withdrawn'].includes(r.stage))
        done.push({
          title: `专项检查评分：${nameOf(r.committeeId)}`,
          href: '/inspection',
          detail: STAGE_LABELS[r.stage as ApplicationStage] ?? r.stage,
        });
    }
  }
  if (actor.role === 'panel') {
    const inspected = status.counts.byStage.inspected ?? 0;
    if (!status.draft && reviewing) {
      const deadline = deadlineView(status.inspectionCloses, status);
      open.push({ title: `评审投票（已专项检查 ${inspected} 家）`, href: '/panel', deadline });
      if (directory.people.some((p) => p.id === actor.id && p.chair))
        open.push({ title: `确定拟表彰名单（名额 ${status.quota} 家）`, href: '/panel', deadline });
    } else if (status.draft)
      done.push({ title: '拟表彰名单已确定', href: '/panel', detail: `${status.draft.ranking.length} 家` });
  }
  if (actor.role === 'bureau') {
    const publicityEnds = status.draft ? deadlineView(status.draft.publicityEnds, status) : undefined;
    for (const o of status.objections) {
      const t: Task = {
        title: `处理异议 ${o.id}：${nameOf(o.committeeId)}`,
        href: `/objections/${encodeURIComponent(o.id)}`,
        deadline: o.resolution ? undefined : publicityEnds,
      };
      (o.resolution ? done : open).push(t);
    }
    for (const f of status.reelectionFlags)
      if (!f.decision && status.phase !== 'commended')
        open.push({ title: `换届改选备案，决定保留或移出：${nameOf(f.committeeId)}`, href: '/objections' });
    if (status.phase === 'awaiting-confirmation')
      open.push({ title: '确认最终表彰名单', href: '/objections', deadline: deadlineView(cal.commendationBy, status) });
    for (const sd of Object.keys(status.reviewDeadlines)) {
      const d = deadlineView(status.reviewDeadlines[sd], status);
      if (!status.confirmed[sd] && d.overdue && status.phase !== 'applications')
        open.push({ title: `${sd}逾期未确认推荐名单`, href: '/dashboard', deadline: d });
      if (status.confirmed[sd])
        done.push({
          title: `${sd}已确认推荐名单`,
          href: '/dashboard',
          detail: `推荐 ${status.confirmed[sd].recommended.length} 个`,
        });
    }
    if (status.panelOverdue && !status.draft)
      open.push({
        title: '评审期已过，评选团尚未定稿',
        href: '/dashboard',
        deadline: deadlineView(status.inspectionCloses, status),
      });
  }

  open.push(...titles.open);
  done.push(...titles.done);
  return { year, status, open: open.sort(byDeadline), done: done.sort(byDeadline) };
}
