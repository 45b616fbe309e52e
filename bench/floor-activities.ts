/**
 * The floor's activities: `fanout` does what activities/notify-applications.ts does (signal each
 * application of a batch, 32 at a time, heartbeating every 50), to floor workflows and with an empty
 * notice; `noop` stands in for every other activity of the domain run (mail, titles) and does nothing.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { floorNoticeSignal } from './floor-workflows';

const CONCURRENCY = 32;

export function floorActivities(client: Client) {
  return {
    async fanout({
      prefix,
      committeeIds,
    }: {
      prefix: string;
      committeeIds: string[];
    }): Promise<{ sent: number; missing: number }> {
      const ctx = Context.current();
      let next: number = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
      let sent = 0;
      let missing = 0;
      const lane = async () => {
        for (;;) {
          const i = next++;
          if (i >= committeeIds.length) return;
          try {
            await client.workflow.getHandle(`${prefix}${committeeIds[i]}`).signal(floorNoticeSignal, {});
            sent++;
          } catch (err: any) {
            if (err?.name === 'WorkflowNotFoundError') missing++;
            else throw err;
          }
          if (i % 50 === 0) ctx.heartbeat(Math.max(0, i - CONCURRENCY));
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, committeeIds.length) }, lane));
      return { sent, missing };
    },
    async noop(): Promise<void> {},
  };
}

export type FloorActivities = ReturnType<typeof floorActivities>;
