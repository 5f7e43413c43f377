// The study definitions: both scales expand into valid configurations, identical runs share a
// hash, scales never share one, and the full scale follows issue 6's protocol.
import { COLLAPSE_EFOLDS, decayBudget, TASK_PAIRS } from '../../data/definitions.js';
import { describe, expect, it } from 'vitest';
import { resolveConfig, configHash } from '../../experiments/config.js';
import { STUDIES, studyNamed } from '../../experiments/studies/index.js';
import { mainConfig, PROTOCOLS } from '../../experiments/studies/protocol.js';
import { HYPOTHESES } from '../../data/hypotheses.js';
import { PlanError, planStudies, selectStudies } from '../../pipeline/plan.js';
import { runSeconds } from '../../pipeline/estimate.js';
import type { Study } from '../../experiments/studies/study.js';
import { tinyInput } from './fixtures.js';
import { rangeOf, rangeShortfall, type RangeCell } from '../../analysis/rules/lr-range.js';

const noCifar = { cifar: false };

describe('study definitions', () => {
  it('has one study per effect of the brief, and a study for every hypothesis', () => {
    expect(STUDIES.map((s) => s.name).sort()).toEqual(
      [
        'activation',
        'batch-size',
        'emergence',
        'learning-rate',
        'optimizer',
        'pruning',
        'strength',
        'task',
        'width',
        'emergence-long',
        'task-equal',
        'lr-range',
        'decoupled-strength',
        'paper-width',
        'rmsprop-unregularized',
        'bn-unregularized',
        'decay-budget',
        'task-identity',
        'emergence-60k',
      ].sort(),
    );
    for (const h of HYPOTHESES) {
      expect(studyNamed(h.study).hypotheses).toContain(h.id);
    }
    expect(() => studyNamed('nope')).toThrow(/known studies: paper-width, rmsprop-unregularized/);
  });

  it.each(['quick', 'full'] as const)('expands at %s scale into valid configurations', (scale) => {
    const plan = planStudies(STUDIES, scale, noCifar);
    for (const { study, members } of plan.studies) {
      expect(members.length, study.name).toBeGreaterThan(0);
      for (const m of members) for (const f of study.factors) expect(m.factors).toHaveProperty([f]);
    }
  });

  it('trains a configuration shared by several studies once', () => {
    const plan = planStudies(STUDIES, 'full', noCifar);
    const main = configHash(resolveConfig(mainConfig('full')));
    const shared = plan.runs.find((r) => r.hash === main)!;
    // The main configuration (seed 0) is the Adam + L2 cell of the table, the pruning study's run,
    // and the main value of every one-factor sweep.
    expect(shared.studies.sort()).toEqual(['activation', 'batch-size', 'learning-rate', 'lr-range', 'optimizer', 'pruning', 'strength', 'task', 'width']);
    const all = plan.studies.reduce((n, s) => n + s.members.length, 0);
    expect(plan.runs.length).toBeLessThan(all);
    expect(new Set(plan.runs.map((r) => r.hash)).size).toBe(plan.runs.length);
  });

  it('never shares a run between scales', () => {
    const quick = new Set(planStudies(STUDIES, 'quick', noCifar).runs.map((r) => r.hash));
    const full = planStudies(STUDIES, 'full', noCifar).runs.map((r) => r.hash);
    expect(full.filter((h) => quick.has(h))).toEqual([]);
  });

  it('sizes the optimizer table: 7 update rules x 2 regularizations and decoupled only as AdamW, at both scales', () => {
    const quick = planStudies([studyNamed('optimizer')], 'quick', noCifar);
    const quickCells = new Set(quick.runs.map((r) => `${r.config.optimizer.name}/${r.config.regularization.kind}`));
    expect(quickCells.size).toBe(7 * 2 + 1);
    expect(quickCells.has('sgd/decoupled')).toBe(false);
    const plan = planStudies([studyNamed('optimizer')], 'full', noCifar);
    const cells = new Set(plan.runs.map((r) => `${r.config.optimizer.name}/${r.config.regularization.kind}`));
    expect(cells.size).toBe(7 * 2 + 1);
    expect(cells.has('adamw/decoupled')).toBe(true);
    expect(cells.has('adam/decoupled')).toBe(false);
    expect(cells.has('sgd/decoupled')).toBe(false);
    expect(plan.runs.length).toBe(15 * 3);
    // Each optimizer at its own default learning rate.
    expect(plan.runs.find((r) => r.config.optimizer.name === 'adadelta')!.config.optimizer.lr).toBe(1);
    expect(plan.runs.find((r) => r.config.optimizer.name === 'sgd')!.config.optimizer.lr).toBe(0.01);
  });

  it('follows the full-scale protocol of issue 6', () => {
    const main = resolveConfig(mainConfig('full'));
    expect(main.model.width).toBe(16);
    expect(main.training.batchSize).toBe(32);
    expect(main.optimizer).toMatchObject({ name: 'adam', lr: 1e-3 });
    expect(main.regularization).toMatchObject({ kind: 'l2', strength: 5e-4, appliesTo: ['conv', 'gamma', 'beta', 'head'] });
    expect(main.data.trainSubset).toBeNull();
    const plan = planStudies(STUDIES, 'full', noCifar);
    for (const run of plan.runs) {
      expect(run.config.training.iterations).toBeGreaterThanOrEqual(10_000);
      expect(run.config.measure.checkpointEvery).toBeLessThanOrEqual(500);
    }
    const seedsPerCell = (study: string) => {
      const cells = new Map<string, Set<number>>();
      for (const { study: s, members } of plan.studies) {
        if (s.name !== study) continue;
        for (const m of members) {
          // task-identity draws its random subsets anew for each seed: a cell is a pair, or a class count.
          const list = m.factors['data.classList'];
          const pair = list === JSON.stringify(TASK_PAIRS.hard) || list === JSON.stringify(TASK_PAIRS.easy);
          const key = study === 'task-identity' && !pair ? `classes ${m.factors['data.classes']}` : JSON.stringify(m.factors);
          cells.set(key, (cells.get(key) ?? new Set()).add(m.seed));
        }
      }
      return Math.min(...[...cells.values()].map((s) => s.size));
    };
    expect(seedsPerCell('optimizer')).toBeGreaterThanOrEqual(3);
    for (const s of STUDIES) if (s.name !== 'optimizer') expect(seedsPerCell(s.name), s.name).toBeGreaterThanOrEqual(2);
    expect(PROTOCOLS.full.tableSeeds.length).toBeGreaterThanOrEqual(3);
  });

  it('gives study v3 designs its rules can decide, on seeds no rule has seen (issue 37)', () => {
    const plan = planStudies(STUDIES, 'full', noCifar);
    const members = (name: string) => plan.studies.find((x) => x.study.name === name)!.members.map((m) => plan.runs.find((r) => r.hash === m.hash)!.config);
    const v3 = ['paper-width', 'rmsprop-unregularized', 'bn-unregularized', 'decay-budget', 'task-identity', 'emergence-60k'];
    const earlierSeeds = new Set(plan.studies.filter((x) => !v3.includes(x.study.name)).flatMap((x) => x.members.map((m) => m.seed)));
    for (const name of v3) for (const c of members(name)) expect(earlierSeeds.has(c.training.seed), `${name} seed ${c.training.seed}`).toBe(false);
    expect([...new Set(members('paper-width').map((c) => c.model.width))].sort((a, b) => a - b)).toEqual([16, 32, 64]);
    expect(members('paper-width').every((c) => c.measure.mechanism && c.measure.checkpointEvery === 500)).toBe(true);
    // Every decay-budget cell can collapse a gamma: at least ln(1000) e-folds.
    for (const c of members('decay-budget'))
      expect(decayBudget(c).eFolds!, `${c.optimizer.name} ${c.regularization.strength}`).toBeGreaterThanOrEqual(COLLAPSE_EFOLDS);
    expect(members('bn-unregularized').every((c) => !c.regularization.appliesTo.includes('gamma') && !c.regularization.appliesTo.includes('beta'))).toBe(true);
    const tasks = members('task-identity');
    expect(new Set(tasks.map((c) => c.data.trainSubset))).toEqual(new Set([12_000]));
    expect(tasks.filter((c) => JSON.stringify(c.data.classList) === JSON.stringify(TASK_PAIRS.hard))).toHaveLength(3);
    expect(members('emergence-60k').every((c) => c.training.iterations === 60_000)).toBe(true);
  });

  it('gives study v2 designs that its rules can decide (issue 14)', () => {
    const plan = planStudies(STUDIES, 'full', noCifar);
    const members = (name: string) => plan.runs.filter((r) => r.studies.includes(name)).map((r) => r.config);
    // Emergence: at least 30,000 iterations, 3 seeds, the mechanism.
    const long = members('emergence-long');
    expect(new Set(long.map((c) => c.training.seed)).size).toBeGreaterThanOrEqual(3);
    for (const c of long) expect(c.training.iterations).toBeGreaterThanOrEqual(30_000);
    expect(long.every((c) => c.measure.mechanism)).toBe(true);
    // Task at equal size: every task on the same number of training images (and so epochs), 3 seeds.
    const equal = members('task-equal');
    expect(new Set(equal.map((c) => c.data.trainSubset))).toEqual(new Set([12_000]));
    expect(new Set(equal.map((c) => c.data.classes))).toEqual(new Set([2, 5, 10]));
    for (const classes of [2, 5, 10]) expect(equal.filter((c) => c.data.classes === classes).length).toBeGreaterThanOrEqual(3);
    // Learning-rate ranges: each update rule's range passes the rules' own check, with L2 and without,
    // and includes PyTorch's default (v1's) and, for RMSprop, Keras' 1e-3.
    const cells: Array<RangeCell & { kind: string; sparsities: number[] }> = [];
    for (const c of members('lr-range')) {
      const found = cells.find((x) => x.optimizer === c.optimizer.name && x.lr === c.optimizer.lr && x.kind === c.regularization.kind);
      if (found) found.sparsities.push(0);
      else cells.push({ optimizer: c.optimizer.name, lr: c.optimizer.lr, sparsities: [0], kind: c.regularization.kind });
    }
    for (const kind of ['l2', 'none']) {
      for (const optimizer of ['sgd', 'momentum', 'adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop']) {
        const range = rangeOf(
          cells.filter((c) => c.kind === kind),
          optimizer,
        );
        expect(rangeShortfall(range), `${optimizer} ${kind}`).toBeNull();
        expect(range.map((c) => c.lr)).toContain(resolveConfig({ optimizer: { name: optimizer } }).optimizer.lr);
      }
    }
    expect(rangeOf(cells, 'rmsprop').map((c) => c.lr)).toContain(1e-3);
    // Every cell of the range decides a verdict: 3 seeds each.
    for (const c of cells) expect(c.sparsities.length, `${c.optimizer} ${c.lr} ${c.kind}`).toBe(3);
    // Decoupled decay: AdamW's per-step shrink lr * strength spans 5e-7 (v1's) to 5e-4, 3 seeds.
    const adamw = members('decoupled-strength');
    const shrinks = adamw.map((c) => c.optimizer.lr * c.regularization.strength);
    expect(Math.min(...shrinks)).toBeCloseTo(5e-7, 12);
    expect(Math.max(...shrinks)).toBeCloseTo(5e-4, 12);
    expect(adamw.filter((c) => c.regularization.strength === 0.5).length).toBeGreaterThanOrEqual(3);
    // The strength study sweeps SGD with momentum as well as Adam, 3 seeds a cell.
    const strength = members('strength');
    expect(new Set(strength.map((c) => c.optimizer.name))).toEqual(new Set(['adam', 'momentum']));
    expect(strength.filter((c) => c.optimizer.name === 'momentum' && c.regularization.strength === 2e-3).length).toBe(3);
    // Sweep order: the runs deciding H6/H7, H5 and H2 before everything else.
    const order = plan.runs.map((r) => r.studies[0]);
    expect(order.indexOf('emergence-long')).toBeLessThan(order.indexOf('task-equal'));
    expect(order.lastIndexOf('task-equal')).toBeLessThan(order.indexOf('lr-range'));
    const firstNone = plan.runs.findIndex((r) => r.studies[0] === 'lr-range' && r.config.regularization.kind === 'none');
    const lastL2 = plan.runs.map((r) => r.studies[0] === 'lr-range' && r.config.regularization.kind === 'l2').lastIndexOf(true);
    expect(lastL2).toBeLessThan(firstNone);
  });

  it('adds CIFAR-10 vs CIFAR-100 only when the user has them', () => {
    const without = planStudies([studyNamed('task')], 'full', { cifar: false }).runs;
    const withCifar = planStudies([studyNamed('task')], 'full', { cifar: true }).runs;
    expect(without.every((r) => r.config.data.dataset === 'fashion-mnist')).toBe(true);
    expect(withCifar.filter((r) => r.config.data.dataset === 'cifar100').map((r) => r.config.data.classes)).toEqual([100, 100, 100]);
    expect(withCifar.length - without.length).toBe(6);
  });

  it('gives every full-scale run a finite compute estimate, larger for wider and larger-batch runs', () => {
    const plan = planStudies([studyNamed('width'), studyNamed('batch-size')], 'quick', noCifar);
    const seconds = (pred: (c: (typeof plan.runs)[number]['config']) => boolean) => runSeconds(plan.runs.find((r) => pred(r.config))!.config, 250);
    expect(seconds((c) => c.model.width === 16)).toBeGreaterThan(seconds((c) => c.model.width === 8));
    expect(seconds((c) => c.training.batchSize === 64)).toBeGreaterThan(seconds((c) => c.training.batchSize === 32 && c.model.width === 16));
  });
});

describe('planning', () => {
  const bad: Study = {
    name: 'bad',
    title: 'Bad',
    question: '?',
    hypotheses: [],
    factors: ['optimizer.name'],
    configs: () => [tinyInput(), { ...tinyInput(), optimizer: { name: 'adam', momentum: 0.9 } }, { ...tinyInput(), training: { batchSize: 0 } }],
  };

  it('fails naming the study, the configuration and the field, for every bad configuration', () => {
    let error: unknown;
    try {
      planStudies([studyNamed('optimizer'), bad], 'quick', noCifar);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanError);
    const message = (error as Error).message;
    expect(message).toMatch(/nothing was trained/);
    expect(message).toMatch(/study 'bad' \(scale quick\), configuration #1/);
    expect(message).toMatch(/optimizer: adam does not use momentum/);
    expect(message).toMatch(/configuration #2:\n\s+training\.batchSize: /);
  });

  it('rejects a factor that is not a configuration field', () => {
    const typo: Study = { ...bad, name: 'typo', factors: ['optimiser.name'], configs: () => [tinyInput()] };
    expect(() => planStudies([typo], 'quick', noCifar)).toThrow(/factor 'optimiser.name' is not a field/);
  });

  it('selects studies by name and rejects unknown names', () => {
    expect(selectStudies(STUDIES, ['width', 'task']).map((s) => s.name)).toEqual(['task', 'width']);
    expect(selectStudies(STUDIES, []).length).toBe(STUDIES.length);
    expect(() => selectStudies(STUDIES, ['widht'])).toThrow(/unknown study 'widht'; known studies/);
  });
});
