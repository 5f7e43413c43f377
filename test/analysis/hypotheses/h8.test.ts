// H8 on hand-built activation studies: ReLU against leaky ReLU in each group of other factors.
import { describe, expect, it } from 'vitest';
import { h8V1 } from '../../../analysis/hypotheses/h8.js';
import { contextOf, type Context } from '../../../analysis/rules/v1-context.js';
import { flat, input, run, study } from '../rows.js';

const h8 = (ctx: Context) => flat(h8V1(ctx));

function verdict(relu: number[], leaky: number[]) {
  const runs = [
    ...relu.map((x, seed) => run({ activation: 'relu', seed, sparsityActivation: x, sparsityGamma: x })),
    ...leaky.map((x, seed) => run({ activation: 'leaky-relu', seed, sparsityActivation: x, sparsityGamma: 0.2 })),
  ];
  const s = study('activation', [8], ['model.activation'], runs, (r) => ({ 'model.activation': r.activation }));
  return h8(contextOf(input({ runs, studies: [s] })));
}

describe('H8', () => {
  it('supports when ReLU is clearly above and every leaky-ReLU seed is below NEGLIGIBLE (1 %)', () => {
    const v = verdict([0.3, 0.32], [0, 0.005]);
    expect(v.units[0]).toMatchObject({ outcome: 'supports', relu: [0.3, 0.32], leaky: [0, 0.005], leakyGamma: [0.2, 0.2] });
    expect(v.effect.value).toBeCloseTo(0.3075, 12);
  });
  it('contradicts when every leaky-ReLU seed is at or above NEGLIGIBLE (a tie at 1 % counts)', () => {
    expect(verdict([0.3, 0.32], [0.01, 0.2]).outcome).toBe('contradicted');
  });
  it('is unclear when ReLU shows no clear sparsity', () => {
    expect(verdict([0, 0], [0, 0]).units[0].outcome).toBe('unclear');
  });
});
