import { describe, expect, it } from 'vitest';
import { carryState, packRegistry, resumeState, unpackRegistry } from '../workflows/campaign/registry';
import { initialCampaignState, type RegistryEntry } from '../workflows/campaign/state';
import { CHANGNING_SUBDISTRICTS } from '../data/generate-directory';

const SDS = CHANGNING_SUBDISTRICTS;
const STAGES = ['submitted', 'recommended', 'not-recommended', 'inspected', 'listed', 'commended'];

function cityRegistry(n: number): Record<string, RegistryEntry> {
  const r: Record<string, RegistryEntry> = {};
  for (let i = 0; i < n; i++) {
    const e: RegistryEntry = {
      sd: SDS[i % 10],
      stage: STAGES[i % 6],
      seq: 1 + (i % 4),
      paper: i % 3 !== 0,
      name: `第${i}号小区业主委员会`,
    };
    if (i % 6 >= 3) Object.assign(e, { total: 60 + (i % 40), grade: 'B' });
    r[`sd${i % 10}-${String(i).padStart(5, '0')}`] = e;
  }
  return r;
}

describe('the campaign registry carried by continue-as-new', () => {
  it('unpacks to exactly what was packed', () => {
    const registry = cityRegistry(500);
    expect(unpackRegistry(JSON.parse(JSON.stringify(packRegistry(registry))))).toEqual(registry);
  });

  it('resumes from both the packed form and the older object form', () => {
    const input = { year: 2099, subdistricts: SDS } as any;
    const s = {
      ...initialCampaignState({
        ...input,
        calendar: { applicationsClose: 'a', reviewCloses: 'b', inspectionCloses: 'c' },
      }),
      registry: cityRegistry(20),
    };
    expect(resumeState(JSON.parse(JSON.stringify(carryState(s))))).toEqual(s);
    expect(resumeState(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('stays well under the 2 MB payload limit at 12,000 applications, about half the object form', () => {
    const registry = cityRegistry(12_000);
    const packed = Buffer.byteLength(JSON.stringify(packRegistry(registry)));
    const plain = Buffer.byteLength(JSON.stringify(registry));
    expect(packed).toBeLessThan(1.2 * 1024 * 1024);
    expect(packed / plain).toBeLessThan(0.65);
  });
});
