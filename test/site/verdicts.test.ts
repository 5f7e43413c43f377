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
  // A filter row with what H6 reads: when it died, its early selectivity (read at earlyAt) and
  // its selectivity shortly before death.
  const f = (diedAt: number | null, early: number | null, before: number, earlyAt: number | null = 200) =>
    ({ diedAt, selectivityEarly: early, selectivityEarlyAt: early === null ? null : earlyAt, selectivityBefore: before }) as never;

  it('compares the median early selectivity of survivors and of the features that died later', () => {
    const g = selectivityGap([
      // died after the early checkpoint (200): early 0.1, 0.05, 0.2 -> median 0.1
      f(400, 0.1, 0.02),
      f(600, 0.05, 0.03),
      f(800, 0.2, 0.01),
      // already dead at the early checkpoint (died at 200, read 0 there): left out of the early
      // comparison (with it the dying median would be 0.075), kept in the one before death
      f(200, 0, 0.04),
      // survivors: early 0.6, 0.5, 0.7 -> median 0.6; before 0.6, 0.5, 0.7 -> median 0.6
      f(null, 0.6, 0.6),
      f(null, 0.5, 0.5),
      f(null, 0.7, 0.7),
    ]);
    expect(g).toMatchObject({ gap: 0.5, dead: 3, survivors: 3, alreadyDead: 1, earlyAt: 200 });
    // before death: dying 0.01, 0.02, 0.03, 0.04 -> median 0.025; 0.6 - 0.025
    expect(g.gapBeforeDeath).toBeCloseTo(0.575, 12);
  });

  it('needs MIN_DEAD_FEATURES deaths after the early checkpoint, and an early checkpoint', () => {
    // Two died later, two were already dead at 200: too few to compare, however many died.
    const few = selectivityGap([f(400, 0.1, 0.02), f(600, 0.1, 0.02), f(100, 0, 0.01), f(200, 0, 0.01), f(null, 0.6, 0.6)]);
    expect(few).toMatchObject({ gap: null, dead: 2, alreadyDead: 2, survivors: 1, earlyAt: 200 });
    // before death all four count: 0.01, 0.01, 0.02, 0.02 -> median 0.015; 0.6 - 0.015
    expect(few.gapBeforeDeath).toBeCloseTo(0.585, 12);
    // No checkpoint at or after EARLY_FRACTION of training: no early selectivity at all.
    const none = selectivityGap([f(400, null, 0.02), f(600, null, 0.03), f(800, null, 0.01), f(null, null, 0.6)]);
    expect(none).toMatchObject({ gap: null, dead: 0, survivors: 0, alreadyDead: 0, earlyAt: null });
    // before death: 0.01, 0.02, 0.03 -> median 0.02; 0.6 - 0.02
    expect(none.gapBeforeDeath).toBeCloseTo(0.58, 12);
  });
});

describe('H6 decides on the early selectivity, not on the one shortly before death', () => {
  const input = inputOf();
  const emergence = new Set(input.studies.find((s) => s.study === 'emergence')!.members.map((m) => m.run));
  const diesLater = (r: VerdictInput['filters'][number]) => r.diedAt !== null && r.selectivityEarlyAt !== null && r.diedAt > r.selectivityEarlyAt;

  it('is supported on data shaped like the paper, with the features already dead early left out', () => {
    const v = computeVerdicts(input)[5];
    expect(v.outcome).toBe('supported');
    expect(v.effect.label).toMatch(/early checkpoint \(≥ 10 % of training\)/);
    expect(v.units.length).toBeGreaterThanOrEqual(2);
    for (const u of v.units) expect(u.detail).toMatch(/^early gap \d\.\d{3} at iteration 200 \(\d+ died later, \d+ survived; \d+ already dead by then, left out\); shortly before death the gap is \d\.\d{3} \(not decisive\)$/);
  });

  it('is not supported when the dying features were not selective early but read low just before death', () => {
    // Every feature that dies after the early checkpoint fired on 70 % of the probe there, the
    // survivors on 50 %; just before death the dying ones read 0.01, as a dying feature does.
    const filters = input.filters.map((r) => {
      if (!emergence.has(r.run)) return r;
      if (diesLater(r)) return { ...r, selectivityEarly: 0.7, selectivityBefore: 0.01 };
      return r.diedAt === null ? { ...r, selectivityEarly: 0.5 } : r;
    });
    const v = computeVerdicts({ ...input, filters })[5];
    expect(v.outcome).toBe('contradicted');
    for (const u of v.units) {
      expect(u.outcome).toBe('contradicts');
      // early gap 0.5 - 0.7 = -0.2; the gap before death stays large and does not count
      expect(u.detail).toMatch(/^early gap -0\.200 .*shortly before death the gap is 0\.\d{3} \(not decisive\)$/);
      expect(Number(/before death the gap is (\d\.\d{3})/.exec(u.detail)![1])).toBeGreaterThan(0.3);
    }
  });

  it('leaves out a run without an early checkpoint, saying why', () => {
    const [first] = [...emergence].sort();
    const filters = input.filters.map((r) => (r.run === first ? { ...r, selectivityEarly: null, selectivityEarlyAt: null } : r));
    const v = computeVerdicts({ ...input, filters })[5];
    const u = v.units.find((x) => x.label.startsWith(`run ${first.slice(0, 8)}`))!;
    expect(u).toEqual({ label: u.label, outcome: 'insufficient', detail: 'no checkpoint at or after 10 % of training, so no early selectivity' });
    expect(v.runs).not.toContain(first);
  });

  it('states in the rule which checkpoint is read, why, and that the method changed', () => {
    expect(RULES[6]).toMatch(/first checkpoint at or after 10 % of its iterations/);
    expect(RULES[6]).toMatch(/low almost by construction/);
    expect(RULES[6]).toMatch(/already died by the early checkpoint are left out/);
    expect(RULES[6]).toMatch(/Change of method, made before any data/);
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

describe('provisional verdicts', () => {
  it('count the distinct configurations still pending in the studies that test each hypothesis, without changing any outcome', () => {
    const input = inputOf();
    const [a, b] = ['a'.repeat(16), 'b'.repeat(16)];
    const pendingOf: Record<string, string[]> = { optimizer: [a, b], strength: [a], 'batch-size': [b], 'learning-rate': [a, b] };
    const studies = input.studies.map((s) => ({ ...s, pending: pendingOf[s.study] ?? [] }));
    const complete = computeVerdicts({ ...input, studies: input.studies.map((s) => ({ ...s, pending: [] })) });
    const partial = computeVerdicts({ ...input, studies });
    expect(complete.map((v) => v.pending)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // H1, H2: optimizer (2); H3: strength (1); H4: batch size and learning rate share a and b (2); the rest 0.
    expect(partial.map((v) => v.pending)).toEqual([2, 2, 1, 2, 0, 0, 0, 0, 0]);
    expect(partial.map((v) => ({ ...v, pending: 0 }))).toEqual(complete);
  });
});
