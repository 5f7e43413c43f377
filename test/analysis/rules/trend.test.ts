// The trend rule H3 and H5 share, through H3 (strength) and H5 (classes) on hand-built studies.
import { describe, expect, it } from 'vitest';
import { h3V1 } from '../../../analysis/hypotheses/h3.js';
import { h5V1 } from '../../../analysis/hypotheses/h5.js';
import { contextOf, type Context } from '../../../analysis/rules/v1-context.js';
import { flat, input, run, study } from '../rows.js';

const h3 = (ctx: Context) => flat(h3V1(ctx));
const h5 = (ctx: Context) => flat(h5V1(ctx));

function strength(levels: Record<number, number[]>) {
  const runs = Object.entries(levels).flatMap(([s, xs]) => xs.map((x, seed) => run({ strength: Number(s), seed, sparsityActivation: x })));
  const st = study('strength', [3], ['regularization.strength'], runs, (r) => ({ 'regularization.strength': r.strength }));
  return h3(contextOf(input({ runs, studies: [st] })));
}

describe('H3 (sparsity rises with strength)', () => {
  it('supports when the highest strength is clearly above the lowest by CLEAR_EFFECT and no step falls clearly', () => {
    const v = strength({ 1e-4: [0, 0.01], 5e-4: [0.1, 0.12], 2e-3: [0.3, 0.31] });
    expect(v.units).toHaveLength(1);
    expect(v.units[0]).toMatchObject({ outcome: 'supports', levels: [1e-4, 5e-4, 2e-3], low: [0, 0.01], high: [0.3, 0.31], wrongStep: false });
    expect(v.outcome).toBe('supported');
    // 0.305 - 0.005
    expect(v.effect.value).toBeCloseTo(0.3, 12);
  });
  it('is unclear when a middle step falls clearly, even though the ends rise', () => {
    const v = strength({ 1e-4: [0, 0.01], 5e-4: [0.5, 0.52], 2e-3: [0.3, 0.31] });
    expect(v.units[0]).toMatchObject({ outcome: 'unclear', wrongStep: true });
    expect(v.outcome).toBe('inconclusive');
  });
  it('contradicts when the highest strength is not above the lowest by CLEAR_EFFECT', () => {
    // max(high) 0.04 - min(low) 0 = 0.04 < 0.05
    expect(strength({ 1e-4: [0, 0.01], 2e-3: [0.03, 0.04] }).outcome).toBe('contradicted');
  });
  it('leaves out a group with one level', () => {
    const v = strength({ 1e-4: [0, 0.01] });
    expect(v.units[0]).toMatchObject({ outcome: 'insufficient', levels: [1e-4] });
  });
});

describe('H5 (fewer classes, more sparsity)', () => {
  it('expects the task with the fewest classes above the one with the most', () => {
    const runs = [
      ...[0.4, 0.42].map((x, seed) => run({ classes: 2, seed, sparsityActivation: x })),
      ...[0.1, 0.12].map((x, seed) => run({ classes: 10, seed, sparsityActivation: x })),
    ];
    const st = study('task', [5], ['data.classes'], runs, (r) => ({ 'data.classes': r.classes }));
    const v = h5(contextOf(input({ runs, studies: [st] })));
    expect(v.units[0]).toMatchObject({ outcome: 'supports', levels: [2, 10] });
    expect(v.effect.value).toBeCloseTo(0.3, 12);
  });
});
