// Onset, rate, the log-linear law, plateaus and recoveries on series built by hand.
import { describe, expect, it } from 'vitest';
import { blockPlateaus, emergenceLaw, onsetRate, ONSET_LEVEL, recoveries } from '../../../analysis/exploratory/emergence-law.js';
import { emergenceRow } from '../rows.js';
import { history } from './histories.js';

/** One 100-filter layer whose dead count at each iteration is `dead(iteration)`. */
const rows = (iterations: number[], dead: (t: number) => number, layer = 0, filters = 100) =>
  iterations.map((t) => emergenceRow('r', t, layer, filters, dead(t)));

describe('onsetRate', () => {
  it('finds the first checkpoint above the onset level and the points per e-fold of a log-linear rise', () => {
    // 0 dead until 1000, then 10 + 5 ln(t / 2000) percent: exactly 5 points per e-fold.
    const its = [0, 1000, 2000, 4000, 8000, 16000];
    const r = onsetRate(
      'r',
      rows(its, (t) => (t < 2000 ? 0 : 10 + 5 * Math.log(t / 2000))),
      32,
      64_000,
    );
    expect(r.onset).toBe(2000);
    expect(r.onsetEpochs).toBeCloseTo((2000 * 32) / 64_000, 12);
    expect(r.rate).toBeCloseTo(5, 9);
    expect(r.r2).toBeCloseTo(1, 9);
  });

  it('has no onset when sparsity stays at or below the onset level', () => {
    const r = onsetRate(
      'r',
      rows([0, 500, 1000], () => ONSET_LEVEL * 100),
      32,
      60_000,
    );
    expect(r).toMatchObject({ onset: null, onsetEpochs: null, rate: null, final: ONSET_LEVEL });
  });
});

describe('emergenceLaw', () => {
  it('returns residuals that, added to the fit, give the observed sparsity', () => {
    const its = [0, 500, 1000, 2000, 3000, 5000, 8000];
    const law = emergenceLaw(
      'r',
      rows(its, (t) => (t === 0 ? 0 : Math.round(3 * Math.log(t)))),
    );
    expect(law).not.toBeNull();
    for (const p of law?.residuals ?? []) expect(p.fitted + p.residual).toBeCloseTo(p.sparsity, 9);
    expect(law?.r2).toBeGreaterThan(0.9);
    expect(law?.r2).toBeLessThanOrEqual(1);
  });
});

describe('blockPlateaus', () => {
  it('starts the plateau where the dead count settles within 2 % of the filters (at least one) of its final', () => {
    // 100 filters: tolerance 2. Dead: 0, 10, 30, 38, 39, 40, 40 -> within 2 of 40 from 38 (iteration 1500).
    const dead = [0, 10, 30, 38, 39, 40, 40];
    const its = dead.map((_, i) => i * 500);
    const [p] = blockPlateaus(
      'r',
      rows(its, (t) => dead[t / 500]),
    );
    expect(p).toMatchObject({ layer: 0, finalDead: 40, from: 1500, length: 3000 - 1500 });
  });

  it('has no plateau for a block with no deaths, or one still moving at its end', () => {
    expect(
      blockPlateaus(
        'r',
        rows([0, 500, 1000], () => 0),
      )[0].from,
    ).toBeNull();
    expect(
      blockPlateaus(
        'r',
        rows([0, 500, 1000], (t) => t / 100),
      )[0].from,
    ).toBeNull();
  });
});

describe('recoveries', () => {
  it('counts filters dead at a checkpoint and alive at a later one, by each criterion', () => {
    // Filter 0: gamma dies at 500 and returns at 1000. Filter 1: dead by activation at 500, alive at 1000, dead again. Filter 2: dies for good.
    const h = history(
      'r',
      0,
      [0, 500, 1000, 1500],
      [(t) => [{ gamma: t === 500 ? 1e-4 : 0.5 }, { deadByActivation: t === 500 || t === 1500 }, { gamma: t >= 500 ? 0 : 1, deadByActivation: t >= 500 }]],
    );
    expect(recoveries(h)).toEqual({ run: 'r', everDeadByGamma: 2, returnedByGamma: 1, everDeadByActivation: 2, returnedByActivation: 1 });
  });
});
