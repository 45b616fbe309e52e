/**
 * Creates or updates the yearly kickoff Schedule (client/kickoff-schedule.ts) on a cluster. `npm start`
 * calls it at every start; docker-compose runs this file once after `temporal-init`:
 *   npx tsx scripts/kickoff-schedule.ts   (TEMPORAL_*, TASK_QUEUE, KICKOFF_MONTH/DAY/HOUR from the environment)
 */
import { formatBeijing } from '../domain/calendar';
import {
  clientOn,
  connectionOptionsFromEnv,
  createConnection,
  type TemporalConnectionConfig,
} from '../client/connection';
import { ensureKickoffSchedule, kickoffTimeFromEnv, type KickoffScheduleConfig } from '../client/kickoff-schedule';
import { KICKOFF_SCHEDULE_ID } from '../domain/kickoff';

export async function ensureKickoffScheduleOn(
  temporal: TemporalConnectionConfig,
  log: (msg: string) => void,
  config: KickoffScheduleConfig = {},
): Promise<void> {
  const time = config.time ?? kickoffTimeFromEnv(); // a bad KICKOFF_* fails here, before connecting
  const connection = await createConnection(temporal);
  try {
    const client = clientOn(connection, temporal.namespace);
    const scheduleId = config.scheduleId ?? KICKOFF_SCHEDULE_ID;
    const how = await ensureKickoffSchedule(client, { ...config, time, scheduleId });
    const d = await client.schedule.getHandle(scheduleId).describe();
    const next = d.info.nextActionTimes[0];
    const when = next ? `next run ${formatBeijing(next.getTime())} Beijing (${next.toISOString()})` : 'no next run';
    log(`kickoff schedule ${scheduleId} ${how}: ${when}${d.state.paused ? `; PAUSED: ${d.state.note}` : ''}`);
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  ensureKickoffScheduleOn(connectionOptionsFromEnv(), (m) => console.log(m)).catch((err) => {
    console.error(`kickoff schedule: ${(err as Error)?.message ?? err}`);
    process.exit(1);
  });
}
