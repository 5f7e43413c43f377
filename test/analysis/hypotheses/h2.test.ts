// H2 on hand-built optimizer studies: adaptive optimizers against the pooled SGD reference under L2.
import { describe, expect, it } from 'vitest';
import { h2V1 } from '../../../analysis/hypotheses/h2.js';
import { contextOf, type Context } from '../../../analysis/rules/v1-context.js';
import { flat, input, run, study } from '../rows.js';

const h2 = (ctx: Context) => flat(h2V1(ctx));

function verdict(cells: Record<string, number[]>) {
  const runs = Object.entries(cells).flatMap(([optimizer, xs]) => xs.map((x, seed) => run({ optimizer, seed, regularization: 'l2', sparsityActivation: x })));
  const s = study('optimizer', [1, 2], ['optimizer.name', 'regularization.kind'], runs, (r) => ({
    'optimizer.name': r.optimizer,
    'regularization.kind': r.regularization,
  }));
  return h2(contextOf(input({ runs, studies: [s] })));
}

describe('H2', () => {
  it('pools SGD and momentum as the reference and compares each adaptive optimizer by FAR_MORE (0.1)', () => {
    // reference 0, 0.02, 0.01, 0.03 (mean 0.015); adam clearly above (min 0.3 > max 0.03, d 0.295);
    // rmsprop not above (max 0.1 - min 0 = 0.1 is not < 0.1: unclear)
    const v = verdict({ sgd: [0, 0.02], momentum: [0.01, 0.03], adam: [0.3, 0.32], rmsprop: [0.05, 0.1] });
    expect(v.units.map((u) => [u.optimizer, u.outcome])).toEqual([
      ['adam', 'supports'],
      ['rmsprop', 'unclear'],
    ]);
    expect(v.units[0].difference).toBeCloseTo(0.295, 12);
    // one of two supports: no strict majority
    expect(v.outcome).toBe('inconclusive');
    // mean over adaptive optimizers of mean - 0.015: (0.295 + 0.06) / 2
    expect(v.effect.value).toBeCloseTo(0.1775, 12);
  });
  it('is contradicted when no adaptive optimizer is above the reference by that much', () => {
    const v = verdict({ sgd: [0.01, 0.02], adam: [0.05, 0.06], adamw: [0.02, 0.03] });
    expect(v.units.map((u) => u.outcome)).toEqual(['contradicts', 'contradicts']);
    expect(v.outcome).toBe('contradicted');
  });
  it('has an insufficient unit when there is no SGD reference', () => {
    const v = verdict({ adam: [0.3, 0.32] });
    expect(v.units.map((u) => [u.optimizer, u.outcome])).toEqual([
      ['adam', 'insufficient'],
      [null, 'insufficient'],
    ]);
    expect(v.effect.value).toBeNull();
  });
});
