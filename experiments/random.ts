// Seeded randomness for everything a run draws (initial weights, shuffling, subsets), so that
// a configuration and a seed determine the run.
import seedrandom from 'seedrandom';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** A generator for one named purpose of a run: the same (seed, purpose) gives the same stream. */
export function createRandom(seed: number, purpose: string): Random {
  const rng = seedrandom(`${seed}:${purpose}`);
  let spare: number | null = null;
  return {
    next: () => rng.quick(),
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = rng.double();
      const v = rng.double();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int: (n: number) => Math.floor(rng.double() * n),
  };
}

/** A Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, random: Random): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
