// H9 on hand-built pruning rows: accuracy kept within ACCURACY_TOLERANCE and a measured speed-up.
import { describe, expect, it } from 'vitest';
import { h9V1 } from '../../../analysis/hypotheses/h9.js';
import { contextOf, type Context } from '../../../analysis/rules/v1-context.js';
import type { PruningRow } from '../../../data/schemas/datasets.js';
import { flat, input, pruningRow, run, study } from '../rows.js';

const h9 = (ctx: Context) => flat(h9V1(ctx));

function verdict(rows: Array<Partial<PruningRow> | null>) {
  const runs = rows.map((_, seed) => run({ seed }));
  const pruning = rows.flatMap((p, i) => (p ? [pruningRow(runs[i].run, p)] : []));
  const s = study('pruning', [9], [], runs, () => ({}));
  return h9(contextOf(input({ runs, pruning, studies: [s] })));
}

describe('H9', () => {
  it('supports a run that keeps its accuracy and speeds up by MIN_SPEEDUP (1.05) or more', () => {
    // 105 / 100 = 1.05 (a tie: supports); accuracy moved by 0.0005, within the tolerance 0.001
    const v = verdict([{ imagesPerSecondAfter: 105 }, { imagesPerSecondAfter: 120, testAccuracyAfter: 0.8995 }]);
    expect(v.units.map((u) => u.outcome)).toEqual(['supports', 'supports']);
    expect(v.effect.speedups).toEqual([1.05, 1.2]);
    expect(v.outcome).toBe('supported');
  });
  it('contradicts when accuracy moved more than the tolerance or images/s did not rise; unclear between', () => {
    const v = verdict([{ testAccuracyAfter: 0.85 }, { imagesPerSecondAfter: 100 }, { imagesPerSecondAfter: 102 }]);
    expect(v.units.map((u) => u.outcome)).toEqual(['contradicts', 'contradicts', 'unclear']);
    expect(v.outcome).toBe('contradicted');
  });
  it('leaves out runs with nothing removed or no pruning result', () => {
    const v = verdict([{ removedFilters: 0 }, null]);
    expect(v.units.map((u) => u.outcome)).toEqual(['insufficient', 'insufficient']);
    expect(v.units[1].pruning).toBeNull();
    expect(v).toMatchObject({ outcome: 'inconclusive', tooFewRuns: true });
  });
});
