/**
 * The campaign's registry, packed for continue-as-new. At city scale (10,000+ applications) the
 * registry as objects is about 170 bytes per application, which would reach Temporal's 2 MB payload
 * limit near 12,000 applications; packed as rows with 街镇 and stages as indexes it is about half.
 * The packed form names its own 街镇 and stages, so a later code change cannot misread it.
 */
import type { CampaignState, RegistryEntry } from './state';

type Row = [
  id: string,
  sd: number,
  stage: number,
  seq: number,
  paper: 0 | 1,
  total: number | null,
  grade: string | null,
  name: string | null,
];

export interface PackedRegistry {
  subdistricts: string[];
  stages: string[];
  rows: Row[];
}

export function packRegistry(registry: Record<string, RegistryEntry>): PackedRegistry {
  const sds: string[] = [];
  const stages: string[] = [];
  const indexOf = (list: string[], v: string) => {
    const i = list.indexOf(v);
    return i >= 0 ? i : list.push(v) - 1;
  };
  const rows = Object.entries(registry).map(([id, e]): Row => [
    id,
    indexOf(sds, e.sd),
    indexOf(stages, e.stage),
    e.seq,
    e.paper ? 1 : 0,
    e.total ?? null,
    e.grade ?? null,
    e.name ?? null,
  ]);
  return { subdistricts: sds, stages, rows };
}

export function unpackRegistry(p: PackedRegistry): Record<string, RegistryEntry> {
  const registry: Record<string, RegistryEntry> = {};
  for (const [id, sd, stage, seq, paper, total, grade, name] of p.rows) {
    const e: RegistryEntry = { sd: p.subdistricts[sd], stage: p.stages[stage], seq, paper: paper === 1 };
    if (total !== null) e.total = total;
    if (grade !== null) e.grade = grade;
    if (name !== null) e.name = name;
    registry[id] = e;
  }
  return registry;
}

/** The state continue-as-new carries: the registry packed, everything else as it is. */
export type CarriedCampaignState = Omit<CampaignState, 'registry'> & {
  registry?: Record<string, RegistryEntry>;
  packedRegistry?: PackedRegistry;
};

export function carryState(s: CampaignState): CarriedCampaignState {
  const { registry, ...rest } = s;
  return { ...rest, packedRegistry: packRegistry(registry) };
}

/** Runs continued before the registry was packed carry it as objects; both forms are read. */
export function resumeState(c: CarriedCampaignState): CampaignState {
  const { packedRegistry, registry, ...rest } = c;
  return { ...rest, registry: packedRegistry ? unpackRegistry(packedRegistry) : (registry ?? {}) };
}
