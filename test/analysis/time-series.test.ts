// Sparsity over checkpoints, the time to half of the final sparsity and early deaths, by hand.
import { describe, expect, it } from 'vitest';
import { deadByEarly, emergenceTiming, networkSparsityOverTime } from '../../analysis/time-series.js';
import { emergenceRow } from './rows.js';

describe('network sparsity over time', () => {
  it('sums dead filters and filters over the layers at each checkpoint, in iteration order', () => {
    // given out of order; layer 0 has 10 filters, layer 1 has 30
    const rows = [300, 0, 200, 100].flatMap((iteration) => {
      const i = iteration / 100;
      return [emergenceRow('r', iteration, 0, 10, [0, 1, 2, 2][i], [0, 0, 1, 1][i]), emergenceRow('r', iteration, 1, 30, [0, 3, 6, 6][i])];
    });
    const series = networkSparsityOverTime(rows);
    expect(series.map((p) => p.iteration)).toEqual([0, 100, 200, 300]);
    // (1 + 3) / 40 = 0.1; (2 + 6) / 40 = 0.2
    expect(series.map((p) => p.sparsity)).toEqual([0, 0.1, 0.2, 0.2]);
    expect(series.map((p) => p.sparsityGamma)).toEqual([0, 0, 0.025, 0.025]);
  });
});

describe('emergence timing', () => {
  it('finds when half the final sparsity is first reached and how much of the peak remains', () => {
    // final 0.2, half of it (0.1) first at iteration 100 of 300
    const series = [0, 0.1, 0.2, 0.2].map((sparsity, i) => ({ iteration: i * 100, sparsity }));
    expect(emergenceTiming(series, 300)).toEqual({ halfAt: 1 / 3, finalOverPeak: 1, final: 0.2 });
  });
  it('counts reaching exactly half as reached (a tie)', () => {
    const series = [
      { iteration: 0, sparsity: 0 },
      { iteration: 40, sparsity: 0.25 },
      { iteration: 100, sparsity: 0.5 },
    ];
    expect(emergenceTiming(series, 100)?.halfAt).toBe(0.4);
  });
  it('reports a lost sparsity as final / peak', () => {
    const t = emergenceTiming(
      [
        { iteration: 0, sparsity: 0 },
        { iteration: 50, sparsity: 0.4 },
        { iteration: 100, sparsity: 0.1 },
      ],
      100,
    );
    expect(t?.finalOverPeak).toBeCloseTo(0.25, 12);
    // half of 0.1 is first reached at 50
    expect(t?.halfAt).toBe(0.5);
  });
  it('handles a saturated network (every filter dead from the first checkpoint)', () => {
    expect(
      emergenceTiming(
        [
          { iteration: 0, sparsity: 1 },
          { iteration: 100, sparsity: 1 },
        ],
        100,
      ),
    ).toEqual({ halfAt: 0, finalOverPeak: 1, final: 1 });
  });
  it('has nothing to time without sparsity or without two checkpoints', () => {
    const t = emergenceTiming(
      [
        { iteration: 0, sparsity: 0 },
        { iteration: 100, sparsity: 0 },
      ],
      100,
    );
    expect(t?.halfAt).toBeNaN();
    expect(t).toMatchObject({ finalOverPeak: 0, final: 0 });
    expect(emergenceTiming([{ iteration: 100, sparsity: 0.3 }], 100)).toBeNull();
  });
});

describe('dead by the early checkpoint', () => {
  it('is dead when it died at or before the checkpoint its early selectivity was read at', () => {
    expect(deadByEarly({ diedAt: 200, selectivityEarlyAt: 200 })).toBe(true);
    expect(deadByEarly({ diedAt: 100, selectivityEarlyAt: 200 })).toBe(true);
    expect(deadByEarly({ diedAt: 300, selectivityEarlyAt: 200 })).toBe(false);
    expect(deadByEarly({ diedAt: null, selectivityEarlyAt: 200 })).toBe(false);
    expect(deadByEarly({ diedAt: 100, selectivityEarlyAt: null })).toBe(false);
  });
});
