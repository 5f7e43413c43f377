// The study definitions: both scales expand into valid configurations, identical runs share a
// hash, scales never share one, and the full scale follows issue 6's protocol.
import { describe, expect, it } from 'vitest';
import { resolveConfig, configHash } from '../../experiments/config.js';
import { STUDIES, studyNamed } from '../../experiments/studies/index.js';
import { mainConfig, PROTOCOLS } from '../../experiments/studies/protocol.js';
import { HYPOTHESES } from '../../experiments/hypotheses.js';
import { PlanError, planStudies, selectStudies } from '../../pipeline/plan.js';
import { runSeconds } from '../../pipeline/estimate.js';
import type { Study } from '../../experiments/studies/study.js';
import { tinyInput } from './fixtures.js';

const noCifar = { cifar: false };

describe('study definitions', () => {
  it('has one study per effect of the brief, and a study for every hypothesis', () => {
    expect(STUDIES.map((s) => s.name).sort()).toEqual(
      ['activation', 'batch-size', 'emergence', 'learning-rate', 'optimizer', 'pruning', 'strength', 'task', 'width'].sort(),
    );
    for (const h of HYPOTHESES) {
      expect(studyNamed(h.study).hypotheses).toContain(h.id);
    }
    expect(() => studyNamed('nope')).toThrow(/known studies: optimizer/);
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
    expect(shared.studies.sort()).toEqual(['activation', 'batch-size', 'learning-rate', 'optimizer', 'pruning', 'strength', 'task', 'width']);
    const all = plan.studies.reduce((n, s) => n + s.members.length, 0);
    expect(plan.runs.length).toBeLessThan(all);
    expect(new Set(plan.runs.map((r) => r.hash)).size).toBe(plan.runs.length);
  });

  it('never shares a run between scales', () => {
    const quick = new Set(planStudies(STUDIES, 'quick', noCifar).runs.map((r) => r.hash));
    const full = planStudies(STUDIES, 'full', noCifar).runs.map((r) => r.hash);
    expect(full.filter((h) => quick.has(h))).toEqual([]);
  });

  it('sizes the optimizer table: 7 update rules x 3 regularizations at quick scale, decoupled only as AdamW at full', () => {
    const quick = planStudies([studyNamed('optimizer')], 'quick', noCifar);
    const quickCells = new Set(quick.runs.map((r) => `${r.config.optimizer.name}/${r.config.regularization.kind}`));
    expect(quickCells.size).toBe(21);
    expect(quickCells.has('sgd/decoupled')).toBe(true);
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
          const key = JSON.stringify(m.factors);
          cells.set(key, (cells.get(key) ?? new Set()).add(m.seed));
        }
      }
      return Math.min(...[...cells.values()].map((s) => s.size));
    };
    expect(seedsPerCell('optimizer')).toBeGreaterThanOrEqual(3);
    for (const s of STUDIES) if (s.name !== 'optimizer') expect(seedsPerCell(s.name), s.name).toBeGreaterThanOrEqual(2);
    expect(PROTOCOLS.full.tableSeeds.length).toBeGreaterThanOrEqual(3);
  });

  it('adds CIFAR-10 vs CIFAR-100 only when the user has them', () => {
    const without = planStudies([studyNamed('task')], 'full', { cifar: false }).runs;
    const withCifar = planStudies([studyNamed('task')], 'full', { cifar: true }).runs;
    expect(without.every((r) => r.config.data.dataset === 'fashion-mnist')).toBe(true);
    expect(withCifar.filter((r) => r.config.data.dataset === 'cifar100').map((r) => r.config.data.classes)).toEqual([100, 100]);
    expect(withCifar.length - without.length).toBe(4);
  });

  it('gives every full-scale run a finite compute estimate, larger for wider and larger-batch runs', () => {
    const plan = planStudies([studyNamed('width'), studyNamed('batch-size')], 'quick', noCifar);
    const seconds = (pred: (c: (typeof plan.runs)[number]['config']) => boolean) => runSeconds(plan.runs.find((r) => pred(r.config))!.config, 250);
    expect(seconds((c) => c.model.width === 32)).toBeGreaterThan(seconds((c) => c.model.width === 16));
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
