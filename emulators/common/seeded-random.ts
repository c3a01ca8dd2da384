/**
 * A small seeded pseudo-random source (mulberry32), so that a run with injected faults at given rates draws the same
 * sequence every time it starts: faults are reproducible for the same order of requests.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Picks among rules that apply to a share of requests (`chance`), with one draw per request: the chances of the
 * matching rules add up (10 % + 5 % + 2 % = 17 % of requests meet one of them), none is shadowed by another.
 */
export function drawByChance<R extends { chance?: number }>(candidates: R[], random: () => number): R | undefined {
  if (candidates.length === 0) return undefined;
  const u = random();
  let upTo = 0;
  for (const rule of candidates) {
    upTo += rule.chance ?? 0;
    if (u < upTo) return rule;
  }
  return undefined;
}
