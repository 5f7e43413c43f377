// Study v3's rules on hand-built inputs whose outcomes follow from the rules' text.
import { describe, expect, it } from 'vitest';
import { COLLAPSE_EFOLDS, decayBudget } from '../../../data/definitions.js';
import { featureRule, FEATURE_RULE_V3, type V3Feature, type V3FeatureRun } from '../../../analysis/rules/features.js';
import { h1V3 } from '../../../analysis/hypotheses/h1.js';
import { h2V3, H2_V3 } from '../../../analysis/hypotheses/h2.js';
import { h3V3 } from '../../../analysis/hypotheses/h3.js';
import { h5V3 } from '../../../analysis/hypotheses/h5.js';
import { h6V3 } from '../../../analysis/hypotheses/h6.js';
import { h7V3, onsetAndDrawdown } from '../../../analysis/hypotheses/h7.js';
import { h10 } from '../../../analysis/hypotheses/h10.js';
import { h11 } from '../../../analysis/hypotheses/h11.js';
import { h12 } from '../../../analysis/hypotheses/h12.js';
import type { V3Run } from '../../../analysis/rules/level-runs.js';

let serial = 0;
function run(fields: Partial<V3Run> & { gamma: number; activation?: number }): V3Run {
  const { gamma, activation, ...rest } = fields;
  return {
    run: `r${serial++}`,
    seed: 3,
    optimizer: 'adam',
    lr: 1e-3,
    regularization: 'l2',
    strength: 5e-4,
    decayBudget: null,
    width: 16,
    classes: 10,
    classList: null,
    regularized: ['conv', 'gamma', 'beta', 'head'],
    testAccuracy: 0.9,
    negativeBetaDeaths: 0,
    gammaCollapses: 0,
    ...rest,
    sparsity: { gamma, activation: activation ?? gamma },
  };
}
const seeds = (values: number[], fields: Partial<V3Run>) => values.map((gamma, i) => run({ ...fields, seed: 3 + i, gamma }));

describe('decay budget', () => {
  it('follows the brief: lr x strength x T, / (1 - momentum), decoupled lr x strength x T, adaptive L2 undefined', () => {
    const cfg = (name: string, lr: number, kind: 'l2' | 'decoupled' | 'none', strength: number, momentum?: number) => ({
      optimizer: { name, lr, momentum },
      regularization: { kind, strength, appliesTo: ['conv', 'gamma', 'beta', 'head'] },
      schedule: { kind: 'constant' as const, milestones: [], factor: 0.1 },
      training: { iterations: 10_000 },
    });
    expect(decayBudget(cfg('sgd', 0.1, 'l2', 5e-4)).eFolds).toBeCloseTo(0.5, 12);
    expect(decayBudget(cfg('momentum', 0.01, 'l2', 7e-3, 0.9)).eFolds).toBeCloseTo(7, 9);
    expect(decayBudget(cfg('adamw', 1e-3, 'decoupled', 0.7)).eFolds).toBeCloseTo(7, 9);
    expect(decayBudget(cfg('adam', 1e-3, 'l2', 5e-4)).eFolds).toBeNull();
    expect(decayBudget(cfg('adam', 1e-3, 'none', 5e-4)).eFolds).toBe(0);
    expect(COLLAPSE_EFOLDS).toBeCloseTo(Math.log(1000), 12);
  });
});

describe('H1 (v3)', () => {
  const none = { optimizer: 'rmsprop', regularization: 'none', strength: 0 };
  it('decides by gamma and reports activation deaths apart, with a cell straddling the line unclear', () => {
    const runs = [
      ...seeds([0, 0, 0], { ...none, lr: 5e-3 }).map((r) => ({ ...r, sparsity: { gamma: 0, activation: 0.12 } })),
      ...seeds([0, 0, 0], { ...none, lr: 1e-2 }).map((r) => ({ ...r, sparsity: { gamma: 0, activation: 0.08 + 0.02 * (r.seed - 3) } })),
    ];
    const v = h1V3(runs);
    expect(v.deciding).toBe('gamma');
    expect(v.outcome).toBe('supported');
    expect(v.byCriterion.activation.outcome).toBe('contradicted');
    expect(v.criteriaAgree).toBe(false);
    const straddling = v.byCriterion.activation.units.find((u) => u.numbers.lr === 1e-2)!;
    expect(straddling.outcome).toBe('unclear');
    expect(straddling.note).toBe('within-seed-spread-of-threshold');
  });
});

describe('H2 (v3)', () => {
  const adam = seeds([0.12, 0.13, 0.11], {});
  it('leaves SGD cells below the collapse budget out, and decides on the others', () => {
    const small = seeds([0, 0, 0], { optimizer: 'momentum', lr: 0.01, strength: 1e-3, decayBudget: 1 });
    const big = seeds([0.0, 0.01, 0.0], { optimizer: 'momentum', lr: 0.01, strength: 7e-3, decayBudget: 7 });
    const v = h2V3([...adam, ...small, ...big]);
    const units = v.byCriterion.gamma.units;
    expect(units.find((u) => u.numbers.budget === 1)!.note).toBe('decay-budget-below-collapse');
    expect(units.find((u) => u.numbers.budget === 7)!.outcome).toBe('supports');
    expect(v.outcome).toBe('supported');
    // Only small-budget cells: nothing decides.
    expect(h2V3([...adam, ...small]).outcome).toBe('inconclusive');
    // SGD as sparse as Adam contradicts.
    expect(h2V3([...adam, ...seeds([0.12, 0.12, 0.13], { optimizer: 'momentum', strength: 7e-3, decayBudget: 7 })]).outcome).toBe('contradicted');
    expect(H2_V3.minBudget).toBeCloseTo(Math.log(1000), 12);
  });
});

describe('H3 (v3)', () => {
  it('reads the trend only over strengths with enough budget', () => {
    const fam = (o: string, reg: string, values: Array<[number, number, number[]]>) =>
      values.flatMap(([strength, budget, s]) => seeds(s, { optimizer: o, regularization: reg, strength, decayBudget: budget }));
    const rising = [
      ...fam('momentum', 'l2', [
        [7e-3, 7, [0.01, 0.02, 0.01]],
        [1.4e-2, 14, [0.1, 0.12, 0.11]],
        [2.8e-2, 28, [0.3, 0.31, 0.29]],
      ]),
      ...fam('adamw', 'decoupled', [
        [0.7, 7, [0.05, 0.05, 0.06]],
        [1.4, 14, [0.2, 0.21, 0.2]],
        [2.8, 28, [0.4, 0.41, 0.42]],
      ]),
    ];
    expect(h3V3(rising).outcome).toBe('supported');
    // A level below the budget is left out: with it the trend would fall.
    const withLow = [...rising, ...fam('momentum', 'l2', [[1e-4, 0.1, [0.5, 0.5, 0.5]]])];
    const unit = h3V3(withLow).byCriterion.gamma.units.find((u) => u.key === 'momentum L2')!;
    expect(unit.numbers.levelsBelowBudget).toBe(1);
    expect(unit.outcome).toBe('supports');
  });
});

describe('H5 (v3)', () => {
  const task = (classList: number[], s: number[], accuracy: number) => seeds(s, { classList, classes: classList.length, testAccuracy: accuracy });
  it('needs the hard pair to be harder in fact, and reads the random subsets as a falling trend', () => {
    const randoms = [
      ...task([2, 7], [0.3, 0.32, 0.31], 0.95),
      ...task([1, 3, 4, 5, 9], [0.2, 0.21, 0.2], 0.9),
      ...task([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0.1, 0.11, 0.1], 0.88),
    ];
    const pairs = [...task([0, 6], [0.1, 0.1, 0.11], 0.85), ...task([1, 8], [0.3, 0.31, 0.3], 0.99)];
    const v = h5V3([...randoms, ...pairs]);
    expect(v.byCriterion.gamma.units.map((u) => u.outcome)).toEqual(['supports', 'supports']);
    expect(v.outcome).toBe('supported');
    const notHarder = [...task([0, 6], [0.1, 0.1, 0.11], 0.99), ...task([1, 8], [0.3, 0.31, 0.3], 0.99)];
    expect(h5V3([...randoms, ...notHarder]).byCriterion.gamma.units[1].note).toBe('hard-pair-not-harder');
  });
});

describe('H6 (v3) and H10: per block, by ranks', () => {
  /** A block of 30 features: the first `dying` die (by gamma); values from the given functions. */
  function featureRun(seed: number, dying: number, value: (i: number, dies: boolean) => number): V3FeatureRun {
    const features: V3Feature[] = Array.from({ length: 30 }, (_, i) => {
      const dies = i < dying;
      return {
        layer: 5,
        deadAtEnd: { gamma: dies, activation: dies },
        deadAtRead: { gamma: false, activation: false },
        lifetimeSparseness: value(i, dies),
        paperSelectivity: value(i, dies) / 2,
        dataGradKernel: dies ? 0.001 * (i + 1) : 0.1 + 0.001 * i,
      };
    });
    return { run: `s${seed}`, seed, width: 16, features };
  }
  it('supports when the dying read clearly higher, contradicts when clearly lower, and needs the power', () => {
    const higher = [3, 4, 5].map((s) => featureRun(s, 12, (i, d) => (d ? 0.5 + 0.01 * i : 0.1 + 0.005 * i)));
    expect(h6V3(higher).lifetimeSparseness.outcome).toBe('supported');
    expect(h6V3(higher).paperSelectivity.outcome).toBe('supported');
    const lower = [3, 4, 5].map((s) => featureRun(s, 12, (i, d) => (d ? 0.01 * i : 0.5 + 0.005 * i)));
    expect(h6V3(lower).lifetimeSparseness.outcome).toBe('contradicted');
    // Too few dying features in every block: no power, nothing decides.
    const few = [3, 4, 5].map((s) => featureRun(s, FEATURE_RULE_V3.minDying - 1, (i, d) => (d ? 0.9 : 0.1)));
    const v = featureRule(few, 'lifetimeSparseness', 'gamma', true);
    expect(v.units.every((u) => u.note === 'too-few-dying')).toBe(true);
    expect(v.outcome).toBe('inconclusive');
    // H10 expects the dying to receive less data-loss gradient.
    expect(h10(higher).outcome).toBe('supported');
  });
  it('leaves out features already dead at the read', () => {
    const r = featureRun(3, 12, (i, d) => (d ? 0.9 : 0.1));
    const early = { ...r, features: r.features!.map((f, i) => (i < 3 ? { ...f, deadAtRead: { gamma: true, activation: false } } : f)) };
    const unit = featureRule([early], 'lifetimeSparseness', 'gamma', true).units[0];
    expect(unit.numbers.alreadyDead).toBe(3);
    expect(unit.numbers.dying).toBe(9);
    expect(unit.note).toBe('too-few-dying');
  });
});

describe('H7 (v3): onset in epochs and recovery, apart from the run length', () => {
  const series = (values: number[], every = 1000) => values.map((v, i) => ({ iteration: i * every, sparsity: { gamma: v, activation: v } }));
  it('gives the onset in epochs and the largest fall after it', () => {
    const r = { run: 'a', seed: 3, batchSize: 32, trainImages: 60_000, series: series([0, 0, 0.02, 0.1, 0.09, 0.15, 0.15]) };
    const n = onsetAndDrawdown(r, 'gamma');
    expect(n.onsetIteration).toBe(2000);
    expect(n.onsetEpochs).toBeCloseTo((2000 * 32) / 60_000, 12);
    expect(n.drawdown).toBeCloseTo(0.01, 12);
    expect(h7V3([r]).outcome).toBe('supported');
  });
  it('contradicts on a late onset, no onset, or a recovery; the same data decide the same at any length', () => {
    const late = { run: 'b', seed: 3, batchSize: 32, trainImages: 12_000, series: series([0, 0, 0, 0.05]) };
    expect(h7V3([late]).byCriterion.gamma.units[0].note).toBe('late-onset');
    const none = { run: 'c', seed: 3, batchSize: 32, trainImages: 60_000, series: series([0, 0, 0]) };
    expect(h7V3([none]).byCriterion.gamma.units[0].note).toBe('no-onset');
    const back = { run: 'd', seed: 3, batchSize: 32, trainImages: 60_000, series: series([0, 0.1, 0.05]) };
    expect(h7V3([back]).byCriterion.gamma.units[0].note).toBe('recovers');
    const short = { run: 'e', seed: 3, batchSize: 32, trainImages: 60_000, series: series([0, 0, 0.02, 0.1]) };
    const long = { ...short, series: series([0, 0, 0.02, 0.1, 0.1, 0.1, 0.1, 0.1]) };
    expect(onsetAndDrawdown(short, 'gamma').onsetEpochs).toBe(onsetAndDrawdown(long, 'gamma').onsetEpochs);
  });
});

describe('H11 and H12', () => {
  it('H11: every width-64 seed at or above the line supports; seeds straddling it are unclear and say so', () => {
    expect(h11([...seeds([0.2, 0.25, 0.3], { width: 64 }), ...seeds([0.1, 0.1, 0.1], { width: 16 })]).outcome).toBe('supported');
    expect(h11(seeds([0.0, 0.01, 0.0], { width: 64 })).outcome).toBe('contradicted');
    const unit = h11(seeds([0.05, 0.12, 0.2], { width: 64 })).byCriterion.gamma.units[0];
    expect(unit.outcome).toBe('unclear');
    expect(unit.note).toBe('within-seed-spread-of-threshold');
    expect(h11(seeds([0.2, 0.25], { width: 64 })).byCriterion.gamma.units[0].note).toBe('too-few-seeds');
    expect(
      h11([...seeds([0.2, 0.25, 0.3], { width: 64 }), ...seeds([0.1, 0.1, 0.1], { width: 16 })]).byCriterion.gamma.effect.byWidth.map((w) => w.width),
    ).toEqual([16, 64]);
  });
  it('H12: supported when the intervention leaves almost none and the main configuration clearly more', () => {
    const main = seeds([0.1, 0.12, 0.11], {});
    const without = seeds([0, 0.002, 0], { regularized: ['conv', 'head'] });
    expect(h12([...main, ...without]).outcome).toBe('supported');
    expect(h12([...main, ...seeds([0.1, 0.11, 0.12], { regularized: ['conv', 'head'] })]).outcome).toBe('contradicted');
  });
});
