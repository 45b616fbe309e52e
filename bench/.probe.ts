import { startStack } from './stack';
import { floorApplication, floorCampaign, floorActUpdate, floorStatusQuery, floorEntryQuery } from './floor-workflows';
const prof = { signalsAtStart: Number(process.env.SA ?? 1), signalsPerUpdate: Number(process.env.SPU ?? 1), timersFired: 0, timersCanceled: 1, activities: 0, upserts: 2, notices: 1 };
async function main() {
  const conc = Number(process.argv[2] ?? 1);
  const s = await startStack({ name: 'probe', script: 'bench/floor-worker.ts', taskQueue: 'probe', env: {}, logFile: '/tmp/bx/probe.log', ready: /floor worker polling/, log: console.log, dynamicConfig: JSON.parse(process.env.DC ?? '{}') });
  try {
    const c = s.client;
    const coord = await c.workflow.start(floorCampaign, { workflowId: 'floor-campaign', taskQueue: 'probe', args: [{ profile: { activities: 0, timersFired: 0, timersCanceled: 0, upserts: 0, continueAsNewAt: 3000 }, appIdPrefix: 'floor-app-' }] });
    const t: Record<string, number[]> = { q1: [], q2: [], start: [], upd: [] };
    let next = 0;
    const lane = async () => {
      while (next < 200) {
        const i = next++;
        let t0 = performance.now();
        await coord.query(floorStatusQuery); t.q1.push(performance.now() - t0); t0 = performance.now();
        await coord.query(floorEntryQuery, 'x'); t.q2.push(performance.now() - t0); t0 = performance.now();
        const h = await c.workflow.start(floorApplication, { workflowId: `floor-app-${i}`, taskQueue: 'probe', args: [{ coordinatorId: 'floor-campaign', committeeId: String(i), profile: prof }] });
        t.start.push(performance.now() - t0); t0 = performance.now();
        await h.executeUpdate(floorActUpdate, { args: [{}] }); t.upd.push(performance.now() - t0);
      }
    };
    const T0 = Date.now();
    await Promise.all(Array.from({ length: conc }, lane));
    console.log('conc', conc, 'total s', (Date.now() - T0) / 1000);
    for (const [k, v] of Object.entries(t)) { v.sort((a, b) => a - b); console.log(k, 'p50', v[v.length >> 1].toFixed(1), 'p90', v[Math.floor(v.length * 0.9)].toFixed(1), 'max', v[v.length - 1].toFixed(1)); }
  } finally { await s.stop(); }
}
main().catch((e) => { console.error(e); process.exit(1); });
