// Every exploratory number recomputed from the committed full-scale datasets and run records:
// the committed file is what the analysis gives today, and each number agrees with the same
// quantity counted another way from the raw rows. Properties are checked, never the values found.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exploratoryFileSchema, type ExploratoryFile } from '../../../analysis/exploratory/file.js';
import { V3_ONLY_STUDIES } from '../../../analysis/studies.js';
import { EARLY_CHECKPOINTS, NEAR_DEATH, historiesNeeded, type ExploratoryFindings } from '../../../analysis/exploratory/findings.js';
import { MIN_EFFECT } from '../../../analysis/exploratory/fate-comparison.js';
import { ONSET_LEVEL } from '../../../analysis/exploratory/emergence-law.js';
import { PERMUTATIONS } from '../../../analysis/exploratory/rank-statistics.js';
import type { RunHistory } from '../../../analysis/exploratory/fates.js';
import { readRunRecord } from '../../../experiments/record-file.js';
import { isDeadByGamma } from '../../../data/definitions.js';
import { median } from '../../../analysis/statistics.js';
import { computeExploratory, exploratoryPath, stableJson } from '../../../pipeline/exploratory.js';
import { hasFull, readFull, REPO, type FullDatasets } from '../committed.js';

/** P(x > y) + P(x = y) / 2, pair by pair. */
function pairAuc(x: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (const a of x) for (const b of y) s += a > b ? 1 : a === b ? 0.5 : 0;
  return s / (x.length * y.length);
}

/** Pearson's r of the ranks (ties averaged), written out: Spearman's rho another way. */
function rankCorrelation(x: readonly number[], y: readonly number[]): number {
  const rank = (v: readonly number[]) => v.map((a) => v.filter((b) => b < a).length + (v.filter((b) => b === a).length + 1) / 2);
  const rx = rank(x);
  const ry = rank(y);
  const mx = rx.reduce((a, b) => a + b, 0) / rx.length;
  const my = ry.reduce((a, b) => a + b, 0) / ry.length;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe.skipIf(!hasFull)('exploratory findings of the committed v2 data', { timeout: 120_000 }, () => {
  let computed: ExploratoryFile;
  let f: ExploratoryFindings;
  let d: FullDatasets;
  const records = new Map<string, RunHistory>();
  const record = (id: string) => {
    if (!records.has(id)) records.set(id, readRunRecord(join(REPO, 'data', 'full', 'runs', `${id}.json`)));
    return records.get(id) as RunHistory;
  };
  /** Layer -> filter -> diedAt of a run, from the filters dataset. */
  const diedAt = (run: string, layer: number) => new Map(d.filters.rows.filter((r) => r.run === run && r.layer === layer).map((r) => [r.filter, r.diedAt]));
  const layerAt = (run: string, iteration: number, layer: number) => {
    const l = record(run)
      .checkpoints.find((c) => c.iteration === iteration)
      ?.layers.find((x) => x.layer === layer);
    if (!l) throw new Error(`run ${run} has no layer ${layer} at ${iteration}`);
    return l;
  };

  beforeAll(() => {
    computed = computeExploratory('full');
    f = computed.findings;
    d = readFull();
    // Parse every dataset and record the checks read once, here, rather than inside a check.
    void [d.runs, d.studies, d.filters, d.emergence];
    for (const id of historiesNeeded(d.runs.rows, d.studies.rows)) record(id);
  }, 600_000);

  it('the committed file is valid and is what the analysis computes from the committed data', () => {
    const file = exploratoryFileSchema.parse(JSON.parse(readFileSync(exploratoryPath('full'), 'utf8')));
    expect(file).toEqual(stableJson(computed));
    // The v1 and v2 runs: every run of the datasets but study v3's (beforeStudyV3).
    const v3 = new Set(d.studies.rows.filter((s) => V3_ONLY_STUDIES.includes(s.study)).flatMap((s) => s.members.map((m) => m.run)));
    expect(file.runs).toEqual(d.runs.runs.filter((id) => !v3.has(id)));
  });

  it('reads the records of the long study and of the SGD family with L2', () => {
    const long = d.studies.rows.find((s) => s.study === 'emergence-long')?.members ?? [];
    expect(long.length).toBeGreaterThanOrEqual(3);
    expect(historiesNeeded(d.runs.rows, d.studies.rows)).toEqual(expect.arrayContaining(long.map((m) => m.run)));
  });

  it('H6: each early AUC is the pair count of lifetime sparseness, dying (death ahead) against surviving', () => {
    expect(new Set(f.h6.early.map((c) => c.iteration))).toEqual(new Set(EARLY_CHECKPOINTS));
    for (const c of f.h6.early) {
      const fates = diedAt(c.run, c.layer);
      const l = layerAt(c.run, c.iteration, c.layer);
      const dying: number[] = [];
      const surviving: number[] = [];
      for (let i = 0; i < l.filters; i++) {
        const died = fates.get(i);
        const s = l.lifetimeSparseness?.[i] ?? null;
        if (s === null || (died !== null && (died as number) <= c.iteration)) continue;
        (died === null ? surviving : dying).push(s);
      }
      expect([c.dying, c.surviving]).toEqual([dying.length, surviving.length]);
      if (dying.length && surviving.length) expect(c.auc).toBeCloseTo(pairAuc(dying, surviving), 9);
      else expect(c.auc).toBeNull();
    }
  });

  it('H6: p-values lie in [1 / permutations, 1], power follows the detectable effect, and the powered blocks are those powered throughout', () => {
    for (const c of [...f.h6.early, ...f.h6.nearDeath, ...f.h6.gamma, ...f.gradient.kernel]) {
      if (c.p !== null) {
        expect(c.p).toBeGreaterThanOrEqual(1 / PERMUTATIONS);
        expect(c.p).toBeLessThanOrEqual(1);
      }
      expect(c.powered).toBe(c.detectable !== null && c.detectable <= MIN_EFFECT);
    }
    const layers = [...new Set(f.h6.early.map((c) => c.layer))];
    expect(f.h6.poweredBlocks).toEqual(layers.filter((l) => f.h6.early.filter((c) => c.layer === l).every((c) => c.powered)).sort((a, b) => a - b));
    // A powered block has many dying and many surviving features in every seed.
    for (const l of f.h6.poweredBlocks)
      for (const c of f.h6.early.filter((x) => x.layer === l)) expect(Math.min(c.dying, c.surviving)).toBeGreaterThanOrEqual(10);
  });

  it('near death: the comparison reads the features still alive at the near-death checkpoint, and its gap is the medians’ difference', () => {
    for (const c of f.h6.nearDeath) {
      expect(c.iteration).toBe(NEAR_DEATH);
      const fates = [...diedAt(c.run, c.layer).values()];
      expect(c.dying + c.surviving + c.alreadyDead + c.undefinedReading).toBe(fates.length);
      expect(c.alreadyDead).toBe(fates.filter((x) => x !== null && x <= NEAR_DEATH).length);
    }
  });

  it('|gamma|: medians of dying and surviving features are the records’ |gamma| at that checkpoint', () => {
    for (const c of f.h6.gamma.filter((x) => x.iteration === 3000 && x.dying > 0)) {
      const fates = diedAt(c.run, c.layer);
      const l = layerAt(c.run, 3000, c.layer);
      const dying = l.gamma.map(Math.abs).filter((_, i) => fates.get(i) !== null && (fates.get(i) as number) > 3000);
      expect(c.dyingMedian).toBeCloseTo(median(dying), 12);
    }
    for (const s of f.h6.separation) if (s.from !== null) expect(s.from).toBeLessThanOrEqual(EARLY_CHECKPOINTS[EARLY_CHECKPOINTS.length - 1]);
  });

  it('gradient: kernel AUCs are pair counts of the records’ data-loss kernel gradients; Spearman is the correlation of ranks', () => {
    for (const c of f.gradient.kernel.filter((x) => x.auc !== null)) {
      const fates = diedAt(c.run, c.layer);
      const g = layerAt(c.run, c.iteration, c.layer).mechanism?.dataGradKernel ?? [];
      const ahead = (i: number) => fates.get(i) !== null && (fates.get(i) as number) > c.iteration;
      expect(c.auc).toBeCloseTo(
        pairAuc(
          g.filter((_, i) => ahead(i)),
          g.filter((_, i) => fates.get(i) === null),
        ),
        9,
      );
    }
    for (const s of f.gradient.selectivity.filter((x) => x.rho !== null)) {
      const l = layerAt(s.run, s.iteration, s.layer);
      const dead = new Set(l.deadByActivation);
      const keep = l.gamma.map((_, i) => i).filter((i) => !dead.has(i) && (l.lifetimeSparseness?.[i] ?? null) !== null);
      expect(s.features).toBe(keep.length);
      expect(s.rho).toBeCloseTo(
        rankCorrelation(
          keep.map((i) => l.lifetimeSparseness?.[i] as number),
          keep.map((i) => l.mechanism?.dataGradKernel[i] as number),
        ),
        9,
      );
    }
  });

  it('gamma falls: one per filter dead by gamma at the end (that fell to the floor), R^2 in [0, 1]; SGD budgets follow lr x strength x T / (1 - momentum)', () => {
    for (const s of f.gradient.adamFalls) {
      const last = record(s.run).checkpoints.at(-1);
      const deadAtEnd = last?.layers.reduce((n, l) => n + l.deadByGamma.length, 0) ?? 0;
      expect(s.falls).toBeLessThanOrEqual(deadAtEnd);
      expect(s.linearBetter).toBeLessThanOrEqual(s.falls);
      for (const r2 of [s.medianR2Linear, s.medianR2Exponential]) if (r2 !== null) expect(r2).toBeGreaterThanOrEqual(0);
    }
    for (const s of f.gradient.sgd) {
      const run = d.runs.rows.find((r) => r.run === s.run);
      const mu = run?.optimizer === 'momentum' ? (run.config.optimizer.momentum ?? 0) : 0;
      expect(s.eFolds).toBeCloseTo(((run?.lr ?? NaN) * (run?.strength ?? NaN) * (run?.iterations ?? NaN)) / (1 - mu), 12);
      const gammas =
        record(s.run)
          .checkpoints.at(-1)
          ?.layers.flatMap((l) => l.gamma.map(Math.abs)) ?? [];
      expect(s.smallestGamma).toBe(Math.min(...gammas));
    }
  });

  it('emergence: onset is the first checkpoint above the level, the law’s residuals sum to zero, recoveries do not exceed deaths', () => {
    const rowsOf = (run: string) => d.emergence.rows.filter((r) => r.run === run);
    for (const cell of f.emergence.cells.filter((c) => c.study === 'batch-size' || c.study === 'emergence-long')) {
      for (const s of cell.seeds) {
        const byIt = new Map<number, { dead: number; filters: number }>();
        for (const r of rowsOf(s.run)) {
          const p = byIt.get(r.iteration) ?? { dead: 0, filters: 0 };
          byIt.set(r.iteration, { dead: p.dead + r.deadByActivation, filters: p.filters + r.filters });
        }
        const above = [...byIt.entries()].filter(([t, p]) => t > 0 && p.dead / p.filters > ONSET_LEVEL).map(([t]) => t);
        expect(s.onset).toBe(above.length ? Math.min(...above) : null);
      }
    }
    for (const law of f.emergence.laws) {
      expect(law.r2).toBeGreaterThanOrEqual(0);
      expect(law.r2).toBeLessThanOrEqual(1);
      expect(law.residuals.reduce((a, r) => a + r.residual, 0)).toBeCloseTo(0, 6);
      const cell = f.emergence.cells.find((c) => c.study === 'emergence-long')?.seeds.find((s) => s.run === law.run);
      expect(law.slope).toBeCloseTo(cell?.rate as number, 9);
    }
    for (const r of f.emergence.recoveries) {
      expect(r.returnedByGamma).toBeLessThanOrEqual(r.everDeadByGamma);
      expect(r.returnedByActivation).toBeLessThanOrEqual(r.everDeadByActivation);
      const last = record(r.run).checkpoints.at(-1);
      const deadNow = last?.layers.reduce((n, l) => n + l.gamma.filter((g) => isDeadByGamma(g)).length, 0) ?? 0;
      expect(r.everDeadByGamma).toBeGreaterThanOrEqual(deadNow);
    }
    for (const p of f.emergence.plateaus) if (p.from !== null) expect(p.length).toBeGreaterThanOrEqual(0);
  });

  it('H4: equal iterations read the runs dataset and the emergence rows; equal samples the emergence rows at samples / batch', () => {
    const b = f.batch;
    expect(b).not.toBeNull();
    for (const cell of b?.cells ?? []) {
      for (const s of cell.seeds) {
        const at = (t: number) => {
          const rs = d.emergence.rows.filter((r) => r.run === s.run && r.iteration === t);
          return rs.reduce((n, r) => n + r.deadByActivation, 0) / rs.reduce((n, r) => n + r.filters, 0);
        };
        expect(s.atEqualIterations).toBeCloseTo(at(b?.iterations as number), 12);
        expect(s.final).toBe(d.runs.rows.find((r) => r.run === s.run)?.sparsityActivation);
        expect((s.equalSamplesIteration as number) * cell.batchSize).toBe(b?.samples);
        expect(s.atEqualSamples).toBeCloseTo(at(s.equalSamplesIteration as number), 12);
      }
    }
  });

  it('H1: every run without regularization is counted, and every dead filter gets exactly one mechanism', () => {
    // The v1 and v2 runs (the findings leave study v3's out).
    const v3 = new Set(d.studies.rows.filter((s) => V3_ONLY_STUDIES.includes(s.study)).flatMap((s) => s.members.map((m) => m.run)));
    const none = d.runs.rows.filter((r) => r.regularization === 'none' && r.status === 'complete' && !v3.has(r.run));
    expect(f.criteria.totals.runs).toBe(none.length);
    const ids = new Set(none.map((r) => r.run));
    const dead = d.filters.rows.filter((r) => ids.has(r.run) && (r.deadByActivation || isDeadByGamma(r.gamma)));
    const m = f.criteria.totals.mechanisms;
    expect(m['gamma-collapse'] + m['negative-beta'] + m.other).toBe(dead.length);
    expect(f.criteria.totals.withGammaDead).toBe(none.filter((r) => (r.deadByGamma ?? 0) > 0).length);
    for (const c of f.criteria.cells) for (const s of c.seeds) if (s.mechanisms['negative-beta'] > 0) expect(s.negativeBetaBeta).toBeLessThan(0);
  });

  it('budgets: SGD-family and decoupled cells follow the formula; adaptive L2 cells have none, with a reason', () => {
    for (const c of f.budgets.cells) {
      const run = d.runs.rows.find((r) => r.run === c.seeds[0].run);
      if (!run) throw new Error(`run ${c.seeds[0].run} missing`);
      if (run.regularization === 'none') expect(c.eFolds).toBe(0);
      else if (run.regularization === 'decoupled' || run.optimizer === 'sgd') expect(c.eFolds).toBeCloseTo(run.lr * run.strength * run.iterations, 12);
      else if (run.optimizer === 'momentum')
        expect(c.eFolds).toBeCloseTo((run.lr * run.strength * run.iterations) / (1 - (run.config.optimizer.momentum ?? 0)), 12);
      else expect([c.eFolds, typeof c.reason]).toEqual([null, 'string']);
      expect(c.canCollapse).toBe(c.eFolds === null ? null : c.eFolds >= Math.log(1000));
      expect(c.sparsityActivation?.mean).toBeCloseTo(c.seeds.reduce((a, s) => a + (s.sparsityActivation as number), 0) / c.seeds.length, 12);
    }
  });

  it('width: each width’s mean and spread are those of its runs in the runs dataset', () => {
    const study = d.studies.rows.find((s) => s.study === 'width');
    for (const w of f.width) {
      const runs = d.runs.rows.filter((r) => study?.members.some((m) => m.run === r.run) && r.width === w.width);
      expect(w.seeds.length).toBe(runs.length);
      expect(w.sparsityActivation?.mean).toBeCloseTo(runs.reduce((a, r) => a + (r.sparsityActivation as number), 0) / runs.length, 12);
      expect(w.sparsityActivation?.min).toBe(Math.min(...runs.map((r) => r.sparsityActivation as number)));
    }
  });
});
