// H1 on hand-built optimizer studies: a universal claim over the unregularized cells.
import { describe, expect, it } from 'vitest';
import { h1V1 } from '../../../analysis/hypotheses/h1.js';
import { contextOf, type Context } from '../../../analysis/rules/v1-context.js';
import { flat, input, run, study } from '../rows.js';

const h1 = (ctx: Context) => flat(h1V1(ctx));

function verdict(cells: Record<string, number[]>, regularized: number[] = []) {
  const runs = [
    ...Object.entries(cells).flatMap(([optimizer, xs]) => xs.map((x, seed) => run({ optimizer, seed, regularization: 'none', sparsityActivation: x }))),
    ...regularized.map((x, seed) => run({ optimizer: 'adam', seed, regularization: 'l2', sparsityActivation: x })),
  ];
  const s = study('optimizer', [1, 2], ['optimizer.name', 'regularization.kind'], runs, (r) => ({
    'optimizer.name': r.optimizer,
    'regularization.kind': r.regularization,
  }));
  return h1(contextOf(input({ runs, studies: [s] })));
}

describe('H1', () => {
  it('is supported when every seed of every cell is below SUBSTANTIAL (0.1), and ignores regularized runs', () => {
    const v = verdict({ adam: [0.05, 0.0999], sgd: [0, 0] }, [0.5, 0.6]);
    expect(v.units.map((u) => u.outcome)).toEqual(['supports', 'supports']);
    expect(v.outcome).toBe('supported');
    // largest cell mean: adam (0.05 + 0.0999) / 2
    expect(v.effect.value).toBeCloseTo(0.07495, 12);
    expect(v.effect.cell?.factors['optimizer.name']).toBe('adam');
    expect(v.runs).toHaveLength(4);
  });
  it('is contradicted by one cell whose every seed is at or above SUBSTANTIAL (a tie at 0.1 counts)', () => {
    const v = verdict({ adam: [0.1, 0.2], sgd: [0, 0] });
    expect(v.units.map((u) => u.outcome)).toEqual(['contradicts', 'supports']);
    expect(v.outcome).toBe('contradicted');
  });
  it('is inconclusive when a cell straddles the threshold, and leaves out cells of one seed', () => {
    const v = verdict({ adam: [0.05, 0.15], sgd: [0] });
    expect(v.units.map((u) => u.outcome)).toEqual(['unclear', 'insufficient']);
    expect(v.outcome).toBe('inconclusive');
    expect(v.minSeeds).toBe(1);
  });
  it('says the study is missing without data', () => {
    expect(h1(contextOf(input({})))).toMatchObject({ missing: true, outcome: 'inconclusive', units: [] });
  });
});
