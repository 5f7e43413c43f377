// The v2 verdicts read off dataset rows: each rule sees only its deciding studies' complete runs.
import { describe, expect, it } from 'vitest';
import { V2_ONLY_STUDIES } from '../../../analysis/studies.js';
import { v2Verdicts } from '../../../analysis/versions/v2.js';
import { v1Verdicts } from '../../../analysis/versions/v1.js';
import { emergenceRow, filterRow, input, run, study } from '../rows.js';

describe('v2 verdicts from rows', () => {
  it('decides H5 on task-equal runs only, and leaves out failed runs', () => {
    const equal = [2, 5, 10].flatMap((classes, i) =>
      [0, 1, 2].map((seed) => run({ classes, seed, trainImages: 12000, iterations: 10000, sparsityActivation: [0.4, 0.2, 0.1][i] + seed / 100 })),
    );
    const failed = run({ classes: 10, seed: 3, trainImages: 12000, status: 'failed', sparsityActivation: null });
    // The all-images arm would say the opposite; it is not part of the rule.
    const allImages = [2, 10].flatMap((classes) => [0, 1, 2].map((seed) => run({ classes, seed, sparsityActivation: classes === 2 ? 0 : 0.5 })));
    const rows = input({
      runs: [...equal, failed, ...allImages],
      studies: [
        study('task-equal', [5], ['data.classes'], [...equal, failed], (r) => ({ 'data.classes': r.classes })),
        study('task', [5], ['data.classes'], allImages, (r) => ({ 'data.classes': r.classes })),
      ],
    });
    const r = v2Verdicts(rows)[5];
    expect(r.outcome).toBe('supported');
    expect(r.units[0].numbers.minSeeds).toBe(3);
    expect(r.effect.difference).toBeCloseTo(0.3, 12);
  });

  it('decides H6 on the early lifetime sparseness of the filter rows, and H7 on the emergence rows', () => {
    const runs = [0, 1, 2].map((seed) => run({ seed, iterations: 100 }));
    const filters = runs.flatMap((r) => [
      ...[0.6, 0.7, 0.8].map((s, f) => filterRow(r.run, { layer: 5, filter: f, diedAt: 60, selectivityEarlyAt: 10, lifetimeSparsenessEarly: s })),
      ...[0.2, 0.3, 0.4].map((s, f) => filterRow(r.run, { layer: 5, filter: 3 + f, diedAt: null, selectivityEarlyAt: 10, lifetimeSparsenessEarly: s })),
    ]);
    const emergence = runs.flatMap((r) => [0, 10, 80, 90, 100].map((it) => emergenceRow(r.run, it, 5, 6, it >= 10 ? 3 : 0)));
    const rows = input({ runs, filters, emergence, studies: [study('emergence-long', [6, 7], [], runs, () => ({}))] });
    const v = v2Verdicts(rows);
    expect(v[6].outcome).toBe('supported');
    expect(v[6].effect.meanGap).toBeCloseTo(0.4, 12);
    expect(v[7].outcome).toBe('supported');
    expect(v[7].units.map((u) => u.numbers.halfAt)).toEqual([0.1, 0.1, 0.1]);
  });

  it('leaves study v2 out of the v1 rules', () => {
    const runs = [0, 1].map((seed) => run({ seed, iterations: 100 }));
    const rows = input({ runs, studies: [study('emergence-long', [6, 7], [], runs, () => ({}))] });
    expect(V2_ONLY_STUDIES).toContain('emergence-long');
    for (const v of v1Verdicts(rows)) expect(v.evidence.runs).toEqual([]);
  });
});
