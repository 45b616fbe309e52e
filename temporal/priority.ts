/**
 * Which workflow tasks a busy worker gets first. The campaign and its 街镇 relays coordinate thousands of
 * applications, and an official waits on them: a list confirmation gathers every relay's reports, then the campaign
 * decides. On one task queue their tasks queued behind the applications' own: at 10,000 applications the ten 街镇
 * confirmed at once, the campaign's first confirmations locked their applications (a notice each), and the
 * campaign's next workflow tasks waited 9 s and 18 s to start behind those applications' tasks, so a confirmation
 * took 35 s (bench/results/20261204T014459Z.json). A relay's task that waits is also a longer window for a signal to
 * land in while it hands over (continue-as-new refused, then a replay).
 *
 * The server hands out a task queue's tasks by priority key, lower first (1–5, default 3; `matching.useNewMatcher`,
 * on by default in server 1.32 and in the dev server). Every workflow task of a run has the run's priority, its
 * activities inherit it and a run continued-as-new keeps it, so setting it at the start is enough. Applications,
 * titles and the rest keep the default: none of them waits on another the way every application's official waits
 * on the campaign.
 */
import type { Priority } from '@temporalio/common';

export const COORDINATOR_PRIORITY: Priority = { priorityKey: 1 };
