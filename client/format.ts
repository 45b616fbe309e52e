/** Human output for the CLI: Beijing-time dates and small tables. */
import { formatBeijing, formatDeadline } from '../domain/calendar';
import { PHASE_LABELS, STAGE_LABELS, type ApplicationStage } from '../domain/stages';
import type { CampaignStatus } from '../workflows/campaign/state';

const bj = (iso: string) => `${formatBeijing(Date.parse(iso))}`;
const dl = (iso: string) => `${formatDeadline(Date.parse(iso))}`;

export function table(rows: string[][]): string {
  const width = (s: string) => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  return rows
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i] - width(c)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatCampaignStatus(s: CampaignStatus): string {
  const c = s.calendar;
  const lines: string[] = [];
  lines.push(`Campaign ${s.year}: ${s.phase} (${PHASE_LABELS[s.phase]})`);
  lines.push(
    `All times Beijing time (Asia/Shanghai). Working days: ${c.workdays.source}${c.workdays.source.startsWith('weekends-only') ? ' — WEEKENDS ONLY: official holidays NOT applied (acknowledged at start)' : ''}`,
  );
  if (s.timeScale && s.timeScale.speed !== 1) lines.push(`Compressed calendar: ${s.timeScale.speed}× real time`);
  lines.push('');
  lines.push(
    table([
      ['window', 'from', 'until'],
      ['applications and paper forms', bj(c.opens), dl(s.applicationsClose)],
      ['街镇 review and recommendation', bj(c.reviewOpens), dl(c.reviewCloses)],
      ['inspection and expert review', bj(c.inspectionOpens), dl(s.inspectionCloses)],
      [
        'publicity (公示)',
        s.draft ? bj(s.draft.at) : 'when the panel finalises',
        s.draft ? dl(s.draft.publicityEnds) : `${c.publicityWorkingDays} working days`,
      ],
      ['commendation', '', dl(c.commendationBy)],
    ]),
  );
  if (s.panelOverdue && !s.draft)
    lines.push(
      '\n!! The expert review window has ended and the panel has not finalised its list. The campaign is waiting; it never picks on its own.',
    );
  const stages = Object.keys(s.counts.byStage).sort();
  lines.push('', `Applications: ${s.counts.total}`);
  if (stages.length) {
    lines.push(
      table([
        ['stage', 'count'],
        ...stages.map((st) => [`${st} ${STAGE_LABELS[st as ApplicationStage] ?? ''}`, String(s.counts.byStage[st])]),
      ]),
    );
  }
  const sds = Object.keys(s.reviewDeadlines);
  lines.push(
    '',
    table([
      ['街镇', 'review deadline', 'list', ...stages],
      ...sds.map((sd) => [
        sd,
        dl(s.reviewDeadlines[sd]),
        s.confirmed[sd] ? `confirmed (${s.confirmed[sd].recommended.length})` : '-',
        ...stages.map((st) => String(s.counts.bySubdistrict[sd]?.[st] ?? 0)),
      ]),
    ]),
  );
  if (s.draft) {
    lines.push('', `Draft list (tie-break: ${s.draft.tieBreakRule}):`);
    const byBureau = new Map((s.listRemovals ?? []).map((r) => [r.committeeId, r]));
    const why = (id: string) =>
      byBureau.has(id)
        ? `  (removed by ${byBureau.get(id)!.by}: ${byBureau.get(id)!.reason})`
        : '  (removed after an upheld objection)';
    s.draft.ranking.forEach((id, i) => lines.push(`  ${i + 1}. ${id}${s.removed.includes(id) ? why(id) : ''}`));
    lines.push(`公示 ends ${dl(s.draft.publicityEnds)} (北京时间): ${c.publicityWorkingDays} whole working days`);
  }
  const flags = s.reelectionFlags ?? [];
  if (flags.length) {
    lines.push('', 'Re-election filings on the draft list (换届改选备案):');
    for (const f of flags) {
      const d = f.decision;
      lines.push(
        `  ${f.committeeId} filed ${f.filedOn} (${f.filingRef}), recorded by ${f.by}: ${d ? `${d.outcome === 'keep' ? 'KEPT (title to the new committee)' : 'REMOVED'} by ${d.by} — ${d.reason}` : 'AWAITING THE BUREAU; the final list cannot be confirmed'}`,
      );
    }
  }
  if (s.objections.length) {
    lines.push('', 'Objections:');
    for (const o of s.objections)
      lines.push(
        `  ${o.id} against ${o.committeeId}: ${o.resolution ? `${o.resolution.outcome} — ${o.resolution.reason}` : 'UNRESOLVED'}`,
      );
  }
  if (s.final) lines.push('', `Final list (confirmed by ${s.final.by}): ${s.final.list.join(', ') || '(empty)'}`);
  if (s.rejectedActions) lines.push('', `Rejected actions recorded: ${s.rejectedActions}`);
  return lines.join('\n');
}
