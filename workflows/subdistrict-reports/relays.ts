/**
 * Which relays a 街镇 has and which one an application reports to. Shared by the client (it starts the relays and
 * names each application's) and the campaign (it gathers from and closes them).
 *
 * Why more than one relay for a large 街镇: a relay takes one signal per report, and its history grows with them.
 * At 10,000 applications (1,000 per 街镇) one relay per 街镇 took bursts of 1,000 reports in a window, reached its
 * 1,500-event hand-over in the middle of one, lost the race with the reports still arriving (UnhandledCommand)
 * and replayed runs of up to 2,690 events for 1–4.6 s. At most 200 committees per relay kept a relay's window
 * under the 1,500-event backstop of the time. With the 500-event backstop (workflows/shared/continue-as-new.ts),
 * relays of 100 and 200 committees still reached it inside a window (one took 300 reports in 10 s at 1,000
 * applications), and the server refused 2 of 10 such hand-overs at 1,000 applications and 32 at 10,000. So at
 * most 50: a window brings a relay at most about 150 reports (three per committee), some 230 events at the 1.5
 * per report measured at 1,000 applications, which it takes from at most RELAY_SOFT_LIMIT (200) events in.
 *
 * And at most MAX_RELAYS_PER_SUBDISTRICT per 街镇: each gather costs the campaign some 3.5 events per relay it
 * asks (a signal out, its acknowledgement, their tasks), and a panel's final list asks every relay. Five per 街镇
 * is 50 relays and some 175 events; the 20 per 街镇 that 50 committees would give at 10,000 applications come to
 * some 700, past the campaign's 500-event soft limit in one action and near its 800-event backstop. So a 街镇 of
 * more than 250 committees has relays of more than 50, which reach their backstop inside a window as before.
 */
import { subdistrictReportsWorkflowId as relayWorkflowId } from '../../temporal/ids';
import { BATCH_MS } from './workflow';

/**
 * The most committees one relay serves; a 街镇 with more has ⌈committees / 50⌉ relays, up to
 * MAX_RELAYS_PER_SUBDISTRICT. Fixed at a campaign's start (its input names the relays), so a change needs no patch.
 */
export const COMMITTEES_PER_RELAY = 50;
export const MAX_RELAYS_PER_SUBDISTRICT = 5;

/** What the campaign keys a relay's acknowledgements by: the 街镇 alone when it has one relay. */
export const relayKey = (subdistrict: string, shard?: number) =>
  shard === undefined ? subdistrict : `${subdistrict}#${shard}`;

export interface Relay {
  subdistrict: string;
  /** Absent where the 街镇 has one relay. */
  shard?: number;
  /** How many relays its 街镇 has. */
  of: number;
  workflowId: string;
  key: string;
}

/** How many relays each 街镇 has; a 街镇 not named has one. */
export type RelayCounts = Record<string, number>;

/** The relays for a directory's committees: only 街镇 with more than one are named. */
export function relayCountsFor(
  committees: { subdistrict: string }[],
  perRelay: number = COMMITTEES_PER_RELAY,
): RelayCounts {
  const bySubdistrict = new Map<string, number>();
  for (const c of committees) bySubdistrict.set(c.subdistrict, (bySubdistrict.get(c.subdistrict) ?? 0) + 1);
  const counts: RelayCounts = {};
  for (const [sd, n] of bySubdistrict)
    if (n > perRelay) counts[sd] = Math.min(Math.ceil(n / perRelay), MAX_RELAYS_PER_SUBDISTRICT);
  return counts;
}

export function relaysOf(year: number, subdistrict: string, counts: RelayCounts | undefined): Relay[] {
  const n = counts?.[subdistrict] ?? 1;
  if (n <= 1)
    return [{ subdistrict, of: 1, workflowId: relayWorkflowId(year, subdistrict), key: relayKey(subdistrict) }];
  return Array.from({ length: n }, (_, i) => ({
    subdistrict,
    shard: i + 1,
    of: n,
    workflowId: relayWorkflowId(year, subdistrict, i + 1),
    key: relayKey(subdistrict, i + 1),
  }));
}

/**
 * How often the campaign hears from a busy 街镇 that has more than one relay: about every 10 s.
 * - At 10,000 applications, five relays per 街镇 each forwarding every second took the campaign to its 3,000-event
 *   backstop several times in the inspection window.
 * - Forwarding about once a second per 街镇 (10 batches a second for 10 街镇), the campaign still reached its
 *   1,500-event backstop every 100 s or so in that window, and each hand-over brought workflow tasks of 11–16 s
 *   (bench/results/20261202T061221Z.json: the round did not complete).
 * - Every 4 s per 街镇 (2.5 batches a second), the hand-overs were calm, but a 2 s quiet moment almost never came
 *   inside a window (about e^-5 of the time), so a campaign run grew to 1,000–1,500 events, replayed in up to 1.5 s.
 *   At 10 s (one batch a second between ten 街镇) the campaign finds one every few seconds past its soft limit.
 * Nothing waits on this delay: a list confirmation, a panel vote and the console's lists ask the relays to forward
 * at once (gathers, `forwardNow`).
 */
export const SHARDED_BATCH_MS_PER_SUBDISTRICT = 10 * BATCH_MS;

/**
 * How long a relay's first report waits for more, where its 街镇 has n relays: n × SHARDED_BATCH_MS_PER_SUBDISTRICT.
 * Undefined for a 街镇's only relay (the relay's own default, BATCH_MS).
 */
export const relayBatchMs = (relay: Relay): number | undefined =>
  relay.of > 1 ? relay.of * SHARDED_BATCH_MS_PER_SUBDISTRICT : undefined;

/** Every relay of these 街镇, 街镇 by 街镇. */
export const relaysOfAll = (year: number, subdistricts: string[], counts: RelayCounts | undefined): Relay[] =>
  subdistricts.flatMap((sd) => relaysOf(year, sd, counts));

/** The relay an application reports to: fixed by its committee's id, so every report of it takes the same way. */
export function relayFor(year: number, subdistrict: string, committeeId: string, counts: RelayCounts | undefined) {
  const relays = relaysOf(year, subdistrict, counts);
  return relays[fnv1a(committeeId) % relays.length];
}

/** 32-bit FNV-1a over UTF-16 code units: stable across processes and Node versions, and even enough for ids. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
