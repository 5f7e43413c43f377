// The gradient-selectivity correlation and a gamma's fall on histories built by hand.
import { describe, expect, it } from 'vitest';
import { FALL_FLOOR, gammaFall, selectivityGradient, summariseFalls } from '../../../analysis/exploratory/mechanism.js';
import { history } from './histories.js';

const its = Array.from({ length: 11 }, (_, i) => i * 1000);

describe('gammaFall', () => {
  it('reads a linear fall as lr units per step: 1e-4 per step at lr 1e-3 is 0.1 lr', () => {
    const h = history('r', 0, its, [(t) => [{ gamma: Math.max(0, 1 - 1e-4 * t) }]], 1e-3);
    const f = gammaFall(h, 0, 0);
    expect(f?.lrPerStep).toBeCloseTo(0.1, 9);
    expect(f?.r2Linear).toBeCloseTo(1, 9);
    expect(f?.r2Exponential).toBeLessThan(f?.r2Linear as number);
  });

  it('tells an exponential fall: a line through ln |gamma| fits it exactly', () => {
    const h = history('r', 0, its, [(t) => [{ gamma: -Math.exp(-t / 2000) }]]);
    const f = gammaFall(h, 0, 0);
    expect(f?.r2Exponential).toBeCloseTo(1, 9);
    expect(f?.r2Linear).toBeLessThan(f?.r2Exponential as number);
  });

  it('starts at the last running maximum and ends at the first reading at or below FALL_FLOOR', () => {
    // Rises to 1.2 at 2000, then falls 0.2 per 1000 iterations: 1.2, 1.0, ..., 0.0 at 8000; the floor is first reached at 8000.
    const h = history('r', 0, its, [(t) => [{ gamma: t <= 2000 ? 1 + t / 10_000 : Math.max(0, 1.2 - (0.2 * (t - 2000)) / 1000) }]]);
    const f = gammaFall(h, 0, 0);
    expect(FALL_FLOOR).toBeLessThan(0.2);
    expect(f?.points).toBe(7);
    expect(f?.lrPerStep).toBeCloseTo(0.2, 9);
  });

  it('is null for a gamma that never falls to the floor', () => {
    expect(gammaFall(history('r', 0, its, [() => [{ gamma: 0.5 }]]), 0, 0)).toBeNull();
  });

  it('summarises the falls of the filters dead by gamma at the end', () => {
    const h = history('r', 0, its, [(t) => [{ gamma: Math.max(0, 1 - 2e-4 * t) }, { gamma: 1 }]]);
    expect(summariseFalls(h)).toMatchObject({ falls: 1, linearBetter: 1, optimizer: 'adam' });
  });
});

describe('selectivityGradient', () => {
  it('ranks lifetime sparseness against the kernel gradient over the live features with a defined reading', () => {
    const h = history(
      'r',
      0,
      [0, 500],
      [
        () => [
          { lifetime: 0.1, dataGradKernel: 1 },
          { lifetime: 0.2, dataGradKernel: 2 },
          { lifetime: 0.3, dataGradKernel: 3 },
          { lifetime: 0.4, dataGradKernel: 4 },
          { lifetime: 0.9, dataGradKernel: 0, deadByActivation: true },
          { lifetime: null, dataGradKernel: 9 },
        ],
      ],
    );
    const [s] = selectivityGradient(h, 500);
    expect(s).toMatchObject({ layer: 0, iteration: 500, features: 4 });
    expect(s.rho).toBeCloseTo(1, 12);
    expect(selectivityGradient(h, 250)).toEqual([]);
  });
});

describe('summariseFalls by block', () => {
  it('gives each block the median of its own falls', () => {
    const h = history(
      'r',
      0,
      its,
      [(t) => [{ gamma: Math.max(0, 1 - 1e-4 * t) }], (t) => [{ gamma: Math.max(0, 1 - 2e-4 * t) }, { gamma: Math.max(0, 1 - 2.5e-4 * t) }]],
      1e-3,
    );
    const s = summariseFalls(h);
    expect(s.byLayer.map((b) => b.layer)).toEqual([0, 1]);
    expect(s.byLayer[0].medianLrPerStep).toBeCloseTo(0.1, 9);
    expect(s.byLayer[1].falls).toBe(2);
    expect(s.byLayer[1].medianLrPerStep).toBeCloseTo((0.2 + 0.25) / 2, 9);
  });
});
