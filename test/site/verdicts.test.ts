// The verdict rules on hand-worked cases and on synthetic datasets, including contradicted
// and inconclusive hypotheses.
import { describe, expect, it } from 'vitest';
import {
  byAll,
  byMajority,
  compareAbove,
  compareChange,
  computeVerdicts,
  emergenceTiming,
  networkSparsityOverTime,
  RULES,
  selectivityGap,
  type Unit,
  type VerdictInput,
} from '../../site/lib/verdicts.js';
import { syntheticDatasets, type SyntheticOptions } from '../fixtures/synthetic-datasets.js';

function inputOf(options: SyntheticOptions = {}): VerdictInput {
  const d = syntheticDatasets(options);
  return { runs: d.runs.rows, studies: d.studies.rows, filters: d.filters.rows, emergence: d.emergence.rows, pruning: d.pruning.rows };
}

const unit = (outcome: Unit['outcome']): Unit => ({ label: 'u', outcome, detail: '' });

describe('comparing seed samples', () => {
  it('is clearly above when the seed ranges do not overlap and the means differ enough', () => {
    // means 0.31 vs 0.015: d = 0.295 >= 0.1, min(a) 0.30 > max(b) 0.02
    expect(compareAbove([0.3, 0.32], [0.01, 0.02], 0.1)).toBe('above');
  });
  it('is not above when even the best pair of seeds falls short of the effect', () => {
    // max(a) - min(b) = 0.06 - 0.01 = 0.05 < 0.1
    expect(compareAbove([0.05, 0.06], [0.01, 0.02], 0.1)).toBe('notAbove');
  });
  it('is unclear when the seeds overlap', () => {
    // means 0.15 vs 0.015 differ by 0.135, but min(a) 0 < max(b) 0.02
    expect(compareAbove([0.3, 0], [0.01, 0.02], 0.1)).toBe('unclear');
  });
  it('needs two seeds on each side', () => {
    expect(compareAbove([0.3], [0.01, 0.02], 0.1)).toBe('insufficient');
    expect(compareAbove([0.3, 0.31], [0.01], 0.1)).toBe('insufficient');
  });
  it('detects a change in either direction', () => {
    expect(compareChange([0.1, 0.11], [0.3, 0.31], 0.05)).toBe('changed');
    expect(compareChange([0.3, 0.31], [0.1, 0.11], 0.05)).toBe('changed');
    expect(compareChange([0.1, 0.11], [0.12, 0.13], 0.05)).toBe('unchanged');
    expect(compareChange([0.1, 0.2], [0.12, 0.13], 0.05)).toBe('unclear');
  });
});

describe('combining units', () => {
  it('majority: supported only without a contradicting unit', () => {
    expect(byMajority([unit('supports'), unit('supports'), unit('unclear')])).toBe('supported');
    expect(byMajority([unit('supports'), unit('supports'), unit('contradicts')])).toBe('inconclusive');
    expect(byMajority([unit('contradicts'), unit('insufficient')])).toBe('contradicted');
    expect(byMajority([unit('supports'), unit('unclear')])).toBe('inconclusive');
    expect(byMajority([unit('insufficient')])).toBe('inconclusive');
  });
  it('all: one contradicting unit refutes a universal claim', () => {
    expect(byAll([unit('supports'), unit('supports')])).toBe('supported');
    expect(byAll([unit('supports'), unit('contradicts')])).toBe('contradicted');
    expect(byAll([unit('supports'), unit('unclear')])).toBe('inconclusive');
    expect(byAll([])).toBe('inconclusive');
  });
});

describe('emergence timing and selectivity gap', () => {
  it('finds when half the final sparsity is reached and how much of the peak remains', () => {
    const rows = [0, 100, 200, 300].flatMap((iteration, i) => [
      { run: 'r', iteration, layer: 0, filters: 10, deadByActivation: [0, 1, 2, 2][i] },
      { run: 'r', iteration, layer: 1, filters: 10, deadByActivation: [0, 1, 2, 2][i] },
    ]);
    const series = networkSparsityOverTime(rows as never);
    expect(series.map((p) => p.sparsity)).toEqual([0, 0.1, 0.2, 0.2]);
    // final 0.2, half of it (0.1) first at iteration 100 of 300
    expect(emergenceTiming(series, 300)).toEqual({ halfAt: 1 / 3, finalOverPeak: 1, final: 0.2 });
  });
  it('reports a lost sparsity as final / peak', () => {
    const t = emergenceTiming([{ iteration: 0, sparsity: 0 }, { iteration: 50, sparsity: 0.4 }, { iteration: 100, sparsity: 0.1 }], 100);
    expect(t?.finalOverPeak).toBeCloseTo(0.25);
  });
  it('compares the median selectivity of survivors and of the features that died', () => {
    const f = (diedAt: number | null, selectivityBefore: number) => ({ diedAt, selectivityBefore }) as never;
    // survivors median 0.6, died median 0.1 -> gap 0.5
    expect(selectivityGap([f(100, 0.1), f(100, 0.05), f(200, 0.2), f(null, 0.6), f(null, 0.5), f(null, 0.7)])).toEqual({ gap: 0.5, dead: 3, survivors: 3 });
    expect(selectivityGap([f(100, 0.1), f(null, 0.6)])).toBeNull();
  });
});

describe('verdicts on synthetic datasets', () => {
  it('has a stated rule for every hypothesis', () => {
    for (let h = 1; h <= 9; h++) expect(RULES[h].length).toBeGreaterThan(100);
  });

  it('supports every hypothesis on data shaped like the paper', () => {
    const verdicts = computeVerdicts(inputOf());
    expect(verdicts.map((v) => [v.hypothesis, v.outcome])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((h) => [h, 'supported']));
    const h2 = verdicts[1];
    expect(h2.seeds).toEqual([0, 1, 2]);
    expect(h2.effect.value).toBeGreaterThan(0.2);
    expect(h2.figure).toEqual({ route: 'studies/optimizer', id: 'optimizer-sparsity' });
  });

  for (const h of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    it(`reports H${h} contradicted when the data contradict it`, () => {
      const verdicts = computeVerdicts(inputOf({ contradict: [h] }));
      expect(verdicts[h - 1].outcome).toBe('contradicted');
      expect(verdicts.filter((v) => v.hypothesis !== h && v.outcome === 'contradicted')).toEqual([]);
    });
  }

  it('is inconclusive with a single seed per configuration', () => {
    const verdicts = computeVerdicts(inputOf({ seeds: 1 }));
    for (const h of [3, 4, 5, 8, 9]) {
      expect(verdicts[h - 1].outcome, `H${h}`).toBe('inconclusive');
    }
    expect(verdicts[2].reason).toMatch(/seeds/);
  });

  it('is inconclusive when the seeds of a comparison overlap', () => {
    const input = inputOf();
    // One leaky-ReLU seed keeps a fifth of its filters dead by activation, the other none.
    const leaky = input.runs.filter((r) => r.activation === 'leaky-relu' && r.status === 'complete');
    const runs = input.runs.map((r) => (r.run === leaky[0].run ? { ...r, sparsityActivation: 0.2 } : r));
    const v = computeVerdicts({ ...input, runs })[7];
    expect(v.outcome).toBe('inconclusive');
    expect(v.units[0].outcome).toBe('unclear');
  });

  it('ignores failed and diverged runs and the gamma criterion', () => {
    const input = inputOf();
    const runs = input.runs.map((r) => ({ ...r, sparsityGamma: r.sparsityGamma === null ? null : 1 - r.sparsityGamma }));
    const before = computeVerdicts(input).map((v) => [v.outcome, v.effect.text]);
    expect(computeVerdicts({ ...input, runs }).map((v) => [v.outcome, v.effect.text])).toEqual(before);
    const used = new Set(computeVerdicts(input).flatMap((v) => v.runs));
    for (const r of input.runs.filter((x) => x.status !== 'complete')) expect(used.has(r.run)).toBe(false);
  });

  it('is inconclusive, with a reason, when there is no data at all', () => {
    const verdicts = computeVerdicts({ runs: [], studies: [], filters: [], emergence: [], pruning: [] });
    expect(verdicts).toHaveLength(9);
    for (const v of verdicts) {
      expect(v.outcome).toBe('inconclusive');
      expect(v.reason).toMatch(/no data/i);
    }
  });
});
