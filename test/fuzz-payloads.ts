/**
 * Generated bad payloads for the fuzz test: each one is invalid by construction (a wrong type, a
 * missing or unknown field, an oversized value, an unknown id, the wrong actor), or a well-formed
 * action sent in the wrong phase. A seeded generator keeps runs reproducible.
 */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ONE_MB_PLUS = 'x'.repeat(1_100_000);

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 2 ? 6 : 8));
  switch (k) {
    case 0:
      return Math.floor(r() * 1e9) - 5e8;
    case 1:
      return r() < 0.5 ? null : undefined;
    case 2:
      return r() < 0.5;
    case 3:
      return String.fromCharCode(...Array.from({ length: Math.floor(r() * 40) }, () => 32 + Math.floor(r() * 20000)));
    case 4:
      return r() * 1e6;
    case 5:
      return '';
    case 6:
      return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(r() * 5) }, (_, i) => [
          `k${i}${Math.floor(r() * 99)}`,
          randomValue(r, depth + 1),
        ]),
      );
  }
}

export interface FuzzContext {
  /** Actors that exist but hold the wrong role for this message. */
  wrongActors: string[];
}

/**
 * `base` is a payload this message must refuse as it stands (wrong phase, duplicate, …); every
 * mutation keeps it refused. `count` payloads, of which a few are over 1 MB.
 */
export function badPayloads(base: Record<string, unknown>, count: number, seed: number, ctx: FuzzContext): unknown[] {
  const r = rng(seed);
  const keys = Object.keys(base);
  const out: unknown[] = [];
  for (let i = 0; out.length < count; i++) {
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    const kind = i % 9;
    if (i % 300 === 7) {
      out.push({ ...base, [pick(keys)]: ONE_MB_PLUS }); // oversized
    } else if (kind === 0) {
      out.push(randomValue(r)); // anything at all
    } else if (kind === 1) {
      const { [pick(keys)]: _dropped, ...rest } = base; // a required field missing
      out.push(rest);
    } else if (kind === 2) {
      out.push({ ...base, [pick(keys)]: randomValue(r) }); // a field of the wrong type (or random)
    } else if (kind === 3) {
      out.push({ ...base, [`unknown_${Math.floor(r() * 1000)}`]: randomValue(r) }); // an unknown field
    } else if (kind === 4 && 'actor' in base) {
      out.push({ ...base, actor: pick([`ghost-${Math.floor(r() * 1e6)}`, ...ctx.wrongActors]) }); // wrong or unknown actor
    } else if (kind === 5 && 'committeeId' in base) {
      out.push({ ...base, committeeId: `nobody-${Math.floor(r() * 1e6)}` }); // unknown id
    } else if (kind === 6) {
      out.push(Array.from({ length: 3 }, () => base)); // right content, wrong container
    } else if (kind === 7) {
      out.push(JSON.stringify(base)); // a string, not an object
    } else {
      out.push(base); // well-formed, wrong phase / duplicate
    }
  }
  return out;
}
