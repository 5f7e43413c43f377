// H7 on hand-built emergence rows: half the final sparsity early, and the final near its peak.
import { describe, expect, it } from 'vitest';
import { h7V1 } from '../../../analysis/hypotheses/h7.js';
import { contextOf, type Context } from '../../../analysis/rules/v1-context.js';
import { flat, emergenceRow, input, run, study } from '../rows.js';

const h7 = (ctx: Context) => flat(h7V1(ctx));

/** One run per series of dead counts (of 100 filters) at iterations 0, 250, 500, 750, 1000. */
function verdict(series: number[][]) {
  const runs = series.map((_, seed) => run({ seed, iterations: 1000 }));
  const emergence = runs.flatMap((r, i) => series[i].map((dead, k) => emergenceRow(r.run, k * 250, 0, 100, dead)));
  const s = study('emergence', [6, 7], [], runs, () => ({}));
  return h7(contextOf(input({ runs, emergence, studies: [s] })));
}

describe('H7', () => {
  it('supports a run that reaches half its final sparsity by EARLY (25 %) and keeps PERSIST (90 %) of its peak', () => {
    // final 0.2; 0.1 first reached at 250 of 1000 (a tie with EARLY); final = peak
    const v = verdict([
      [0, 10, 15, 20, 20],
      [0, 20, 20, 20, 20],
    ]);
    expect(v.units.map((u) => u.outcome)).toEqual(['supports', 'supports']);
    expect(v.effect.halves).toEqual([0.25, 0.25]);
    expect(v.outcome).toBe('supported');
  });
  it('contradicts a late rise and a lost sparsity', () => {
    // late: half of 0.2 first at 750 (> LATE 50 %); lost: peak 0.4, final 0.1 (0.25 < LOST 50 %)
    const v = verdict([
      [0, 0, 5, 10, 20],
      [0, 40, 40, 20, 10],
    ]);
    expect(v.units.map((u) => u.outcome)).toEqual(['contradicts', 'contradicts']);
    expect(v.outcome).toBe('contradicted');
  });
  it('leaves out runs below MIN_FINAL_SPARSITY (5 %) and runs with one checkpoint', () => {
    const v = verdict([[0, 1, 2, 3, 4], [20]]);
    expect(v.units.map((u) => u.outcome)).toEqual(['insufficient', 'insufficient']);
    expect(v.units[0].timing?.final).toBe(0.04);
    expect(v.units[1].timing).toBeNull();
    expect(v.outcome).toBe('inconclusive');
  });
});
