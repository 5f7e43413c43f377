// Aggregation on synthetic run records written by the test, with every number worked out by hand.
import { DEFINITIONS_VERSION } from '../../data/definitions.js';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configHash, resolveConfig } from '../../experiments/config.js';
import { writeJsonAtomic } from '../../experiments/record-file.js';
import { DATASET_NAMES, datasetSchemas } from '../../data/schemas/datasets.js';
import type { RunRecord } from '../../data/schemas/run-record.js';
import type { Study } from '../../experiments/studies/study.js';
import { aggregate, buildDatasets, checkDatasets, loadRecords, serializeDataset, stable } from '../../pipeline/aggregate.js';
import { jsonSchemas, staleJsonSchemas, writeJsonSchemas } from '../../pipeline/schemas.js';
import { syntheticRecord, tinyInput } from './fixtures.js';

const T = { gamma: 1e-3, activation: 1e-12 };
const g = (n: number) => Array.from({ length: n }, () => 0.5);

/**
 * Run A (seed 0), two layers of 2 and 3 filters, 6 iterations, checkpoints at 0, 3 and 6:
 *   layer 0 filter 1: dead (peak 0) at 3 and 6                -> diedAt 3, selectivity before 0.25 (at 0)
 *   layer 1 filter 1: dead at 0, alive at 3, dead at 6       -> diedAt 6, selectivity before 0.125 (at 3)
 *   layer 1 filter 2: |gamma| 1e-4 at the end but active     -> dead by gamma only
 * Deaths [3, 6]: lower median 3, so survivors are read at the checkpoint before it (0).
 * Early checkpoint: the first at or after 0.1 * 6 = 0.6 iterations, i.e. 3, for every filter;
 * layer 0 filter 1 is already dead there (reads 0), layer 1 filter 1 reads 0.125.
 */
function recordA(): RunRecord {
  return syntheticRecord(tinyInput({ training: { seed: 0 } }), {
    checkpoints: [
      {
        iteration: 0,
        layers: [
          { gamma: g(2), peak: [1, 1], selectivity: [0.5, 0.25] },
          { gamma: g(3), peak: [1, 0, 1], selectivity: [0.5, 0, 0.75] },
        ],
      },
      {
        iteration: 3,
        layers: [
          { gamma: [0.5, 5e-4], peak: [1, 0], selectivity: [0.5, 0], mechanism: true },
          { gamma: g(3), peak: [1, 1, 1], selectivity: [0.5, 0.125, 0.75] },
        ],
      },
      {
        iteration: 6,
        layers: [
          { gamma: [0.5, 1e-4], peak: [2, 0], selectivity: [0.5, 0] },
          { gamma: [0.3, 2e-3, 1e-4], peak: [1, 0, 3], selectivity: [0.25, 0, 0.75] },
        ],
      },
    ],
    final: [
      { gamma: [0.5, 1e-4], peak: [2, 0], selectivity: [0.5, 0] },
      { gamma: [0.3, 2e-3, 1e-4], peak: [1, 0, 3], selectivity: [0.25, 0, 0.75] },
    ],
    pruning: {
      removed: [1, 1],
      filtersBefore: [2, 3],
      filtersAfter: [1, 2],
      params: { before: 1000, after: 600 },
      flops: { before: 10000, after: 5000 },
      imagesPerSecond: { before: 100, after: 150 },
      testAccuracy: { before: 0.8125, after: 0.8125 },
      maxLogitDifference: 1e-6,
      batchSize: 64,
    },
  });
}

/** Run B (seed 1): failed before its final measurement. */
function recordB(): RunRecord {
  return syntheticRecord(tinyInput({ training: { seed: 1 } }), { final: null, failure: { reason: 'out of memory', iteration: 4 } });
}

const handStudy: Study = {
  name: 'hand',
  title: 'Hand-checked',
  question: 'Are the numbers right?',
  hypotheses: [6, 1],
  factors: ['training.seed', 'optimizer.name'],
  // Seed 2 has no record: pending, like the failed seed 1.
  configs: () => [0, 1, 2].map((seed) => tinyInput({ training: { seed } })),
};

type Parsed = { rows: Array<Record<string, unknown>>; runs: string[]; thresholds: typeof T; definitionsVersion: number };
const parse = (files: Record<string, string>, name: string) => JSON.parse(files[name]) as Parsed;

describe('aggregation, checked by hand', () => {
  const a = recordA();
  const b = recordB();
  const files = buildDatasets('quick', [b, a], [handStudy]);

  it('writes every dataset, valid against its schema', () => {
    for (const name of DATASET_NAMES) {
      const d = JSON.parse(files[name]) as unknown;
      expect(datasetSchemas[name].safeParse(d).success, name).toBe(true);
      expect(d).toMatchObject({ scale: 'quick', thresholds: T, definitionsVersion: DEFINITIONS_VERSION, dataset: name });
    }
  });

  it('counts dead filters per run and per layer', () => {
    const runs = parse(files, 'runs');
    expect(runs.runs).toEqual([a.id, b.id].sort());
    const rowA = runs.rows.find((r) => r.run === a.id)!;
    // gamma dead: layer 0 filter 1 (1e-4) and layer 1 filter 2 (1e-4); 2e-3 is above the threshold.
    expect(rowA).toMatchObject({ filters: 5, deadByGamma: 2, deadByActivation: 2, sparsityGamma: 0.4, sparsityActivation: 0.4, studies: ['hand'] });
    expect(rowA).toMatchObject({ status: 'complete', seed: 0, testAccuracy: 0.8125, strength: 5e-4, optimizer: 'adam' });
    const rowB = runs.rows.find((r) => r.run === b.id)!;
    expect(rowB).toMatchObject({ status: 'failed', failureReason: 'out of memory', failureIteration: 4, deadByGamma: null, sparsityActivation: null });

    const layers = parse(files, 'layers');
    expect(layers.runs).toEqual([a.id]);
    expect(layers.rows).toEqual([
      { run: a.id, layer: 0, filters: 2, deadByGamma: 1, deadByActivation: 1, deadByBoth: 1, sparsityGamma: 0.5, sparsityActivation: 0.5 },
      { run: a.id, layer: 1, filters: 3, deadByGamma: 1, deadByActivation: 1, deadByBoth: 0, sparsityGamma: stable(1 / 3), sparsityActivation: stable(1 / 3) },
    ]);
  });

  it("copies each run's resolved configuration and provenance", () => {
    const rows = parse(files, 'runs').rows;
    const rowA = rows.find((r) => r.run === a.id)!;
    // tinyInput with seed 0, every default filled in by resolveConfig; Adam keeps its own hyperparameters only.
    expect(rowA.config).toEqual({
      data: { dataset: 'fashion-mnist', classes: 10, trainSubset: 256, probeSize: 64 },
      model: { arch: 'basicnet', width: 2, activation: 'relu', leakySlope: 0.01, bnMomentum: 0.1, bnEpsilon: 1e-5 },
      optimizer: { name: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
      regularization: { kind: 'l2', strength: 5e-4, appliesTo: ['conv', 'gamma', 'beta', 'head'] },
      schedule: { kind: 'constant', milestones: [], factor: 0.1 },
      training: { iterations: 6, batchSize: 16, seed: 0 },
      measure: { checkpointEvery: 3, logEvery: 2, mechanism: false, mechanismBatch: 256, testAtCheckpoints: false, prune: false },
      thresholds: { gamma: 1e-3, activation: 1e-12 },
    });
    // The provenance the fixture writes: wall 1.5 s, half of it training, a quarter measuring.
    expect(rowA).toMatchObject({
      checkpointEvery: 3,
      codeVersion: 'test',
      tfjsVersion: '0',
      backend: 'fake',
      backendDetail: 'synthetic record',
      node: process.version,
      platform: 'test',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:01.500Z',
      wallSeconds: 1.5,
      trainSeconds: 0.75,
      measureSeconds: 0.375,
      imagesPerSecond: 1000,
    });
    // A failed run has its configuration and provenance too.
    const rowB = rows.find((r) => r.run === b.id)!;
    expect(rowB.config).toMatchObject({ training: { seed: 1 } });
    expect(rowB).toMatchObject({ checkpointEvery: 3, endedAt: '2026-01-01T00:00:01.500Z' });
    // Written with sorted keys at every depth, so the bytes do not depend on the record's key order.
    const line = files.runs.split('\n').find((l) => l.includes(a.id) && l.includes('"config"'))!;
    expect(line).toContain('"config":{"data":{"classes":10,"dataset":"fashion-mnist","probeSize":64,"trainSubset":256},"measure":{"checkpointEvery":3,');
    expect(line).toContain('"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-8,"lr":0.001,"name":"adam"}');
  });

  it('reports strength 0 without regularization, and keeps the configured strength in config', () => {
    const none = syntheticRecord(tinyInput({ training: { seed: 5 }, regularization: { kind: 'none' } }), {
      final: [{ gamma: [1], peak: [1], selectivity: [1] }],
    });
    const row = parse(buildDatasets('quick', [none], [handStudy]), 'runs').rows[0];
    expect(row).toMatchObject({ regularization: 'none', strength: 0 });
    expect(row.config).toMatchObject({ regularization: { kind: 'none', strength: 5e-4 } });
  });

  it('summarises the selectivity distribution at each checkpoint', () => {
    const rows = parse(files, 'emergence').rows;
    expect(rows.map((r) => `${r.iteration}/${r.layer}`)).toEqual(['0/0', '0/1', '3/0', '3/1', '6/0', '6/1']);
    // Iteration 3, layer 1: selectivities 0.5, 0.125, 0.75 -> sorted 0.125, 0.5, 0.75.
    // q10 at rank 0.2: 0.125 + 0.2 * 0.375 = 0.2; q90 at rank 1.8: 0.5 + 0.8 * 0.25 = 0.7.
    expect(rows[3]).toMatchObject({
      filters: 3,
      deadByActivation: 0,
      deadByGamma: 0,
      selectivityMean: 0.458333333333,
      selectivityQ10: 0.2,
      selectivityMedian: 0.5,
      selectivityQ90: 0.7,
    });
    // Iteration 3, layer 0: gamma 5e-4 is dead by gamma, peak 0 dead by activation.
    expect(rows[2]).toMatchObject({ deadByGamma: 1, deadByActivation: 1, trainLoss: 0.25, testAccuracy: null });
    expect(rows[1]).toMatchObject({ deadByActivation: 1, trainLoss: null });
  });

  it('dates each death and reads the selectivity early and before it', () => {
    const rows = parse(files, 'filters').rows.map((r) => [
      r.layer,
      r.filter,
      r.diedAt,
      r.selectivityEarly,
      r.selectivityEarlyAt,
      r.selectivityBefore,
      r.selectivityBeforeAt,
      r.deadByGamma,
      r.deadByActivation,
    ]);
    expect(rows).toEqual([
      [0, 0, null, 0.5, 3, 0.5, 0, false, false],
      [0, 1, 3, 0, 3, 0.25, 0, true, true],
      [1, 0, null, 0.5, 3, 0.5, 0, false, false],
      [1, 1, 6, 0.125, 3, 0.125, 3, false, true],
      [1, 2, null, 0.75, 3, 0.75, 0, true, false],
    ]);
  });

  it('carries the lifetime sparseness where the record measured it, and leaves it out where not', () => {
    const withLifetime = syntheticRecord(tinyInput({ training: { seed: 21, iterations: 20 }, measure: { checkpointEvery: 1 } }), {
      checkpoints: [0, 2, 4].map((iteration) => ({
        iteration,
        layers: [{ gamma: g(5), peak: [1, 1, 1, 1, 0], selectivity: [1, 1, 1, 1, 0], lifetimeSparseness: [0.1, 0.2, 0.3 + iteration / 100, 0.9, null] }],
      })),
      final: [{ gamma: g(5), peak: [1, 1, 1, 1, 0], selectivity: [1, 1, 1, 1, 0], lifetimeSparseness: [0.15, 0.25, 0.35, 0.95, null] }],
    });
    const without = syntheticRecord(tinyInput({ training: { seed: 22, iterations: 20 }, measure: { checkpointEvery: 1 } }), {
      checkpoints: [{ iteration: 2, layers: [{ gamma: g(1), peak: [1], selectivity: [1] }] }],
      final: [{ gamma: g(1), peak: [1], selectivity: [1] }],
    });
    const d = buildDatasets('quick', [withLifetime, without], [handStudy]);
    const filters = parse(d, 'filters').rows;
    const mine = filters.filter((r) => r.run === withLifetime.id);
    // The early checkpoint of 20 iterations is iteration 2: lifetime 0.1, 0.2, 0.32, 0.9, none.
    expect(mine.map((r) => [r.lifetimeSparseness, r.lifetimeSparsenessEarly])).toEqual([
      [0.15, 0.1],
      [0.25, 0.2],
      [0.35, 0.32],
      [0.95, 0.9],
      [null, null],
    ]);
    const other = filters.find((r) => r.run === without.id)!;
    expect('lifetimeSparseness' in other || 'lifetimeSparsenessEarly' in other).toBe(false);
    // Emergence: the distribution over the four filters that responded at iteration 4 (0.1, 0.2, 0.34, 0.9).
    const at4 = parse(d, 'emergence').rows.find((r) => r.run === withLifetime.id && r.iteration === 4)!;
    expect(at4).toMatchObject({ lifetimeMedian: 0.27, lifetimeUndefined: 1, lifetimeQ25: 0.175, lifetimeQ75: 0.48 });
    expect('lifetimeMedian' in parse(d, 'emergence').rows.find((r) => r.run === without.id)!).toBe(false);
  });

  it('copies the engine code digest into the run row where the record has one', () => {
    const base = syntheticRecord(tinyInput({ training: { seed: 31 } }), { final: [{ gamma: g(1), peak: [1], selectivity: [1] }] });
    const withDigest = { ...base, provenance: { ...base.provenance, engineCode: 'abcdef0123456789' } };
    const older = syntheticRecord(tinyInput({ training: { seed: 32 } }), { final: [{ gamma: g(1), peak: [1], selectivity: [1] }] });
    const rows = parse(buildDatasets('quick', [withDigest, older], [handStudy]), 'runs').rows;
    expect(rows.find((r) => r.run === withDigest.id)!.engineCode).toBe('abcdef0123456789');
    expect('engineCode' in rows.find((r) => r.run === older.id)!).toBe(false);
  });

  describe('the early checkpoint', () => {
    /** One filter whose probe selectivity at each checkpoint is iteration / 100. */
    const early = (seed: number, iterations: number, at: number[]) => {
      const r = syntheticRecord(tinyInput({ training: { seed, iterations }, measure: { checkpointEvery: 1 } }), {
        checkpoints: at.map((iteration) => ({ iteration, layers: [{ gamma: g(1), peak: [1], selectivity: [iteration / 100] }] })),
        final: [{ gamma: g(1), peak: [1], selectivity: [0.6] }],
      });
      const [row] = parse(buildDatasets('quick', [r], [handStudy]), 'filters').rows;
      return [row.selectivityEarly, row.selectivityEarlyAt];
    };

    it('is the first checkpoint at or after 10 % of the iterations', () => {
      // 20 iterations: 10 % is 2; checkpoints 0, 1 come before it, 3 is the first at or after.
      expect(early(11, 20, [0, 1, 3, 5])).toEqual([0.03, 3]);
      // Exactly at 10 %: 7 of 70 counts (0.1 * 70 is 7.000000000000001 in floating point, 7 / 70 is 0.1).
      expect(early(12, 70, [0, 5, 7, 14])).toEqual([0.07, 7]);
      // Records list checkpoints in order, but the choice does not depend on it.
      expect(early(13, 70, [14, 0, 7, 5])).toEqual([0.07, 7]);
    });

    it('is null when the run has no checkpoint at or after 10 %', () => {
      expect(early(14, 20, [0, 1])).toEqual([null, null]);
      expect(early(15, 20, [])).toEqual([null, null]);
    });
  });

  it('reads survivors at the first checkpoint after 0 when nothing died', () => {
    const alive = syntheticRecord(tinyInput({ training: { seed: 3 } }), {
      checkpoints: [0, 3, 6].map((iteration) => ({ iteration, layers: [{ gamma: g(1), peak: [1], selectivity: [iteration / 10] }] })),
      final: [{ gamma: g(1), peak: [1], selectivity: [0.6] }],
    });
    const rows = parse(buildDatasets('quick', [alive], [handStudy]), 'filters').rows;
    expect(rows[0]).toMatchObject({ diedAt: null, selectivityBefore: 0.3, selectivityBeforeAt: 3 });
  });

  it('lists mechanism, pruning and curve rows', () => {
    const mechanism = parse(files, 'mechanism').rows;
    expect(mechanism).toEqual([
      {
        run: a.id,
        iteration: 3,
        layer: 0,
        filter: 0,
        selectivity: 0.5,
        gamma: 0.5,
        dataGradGamma: 0.1,
        regGradGamma: 2.5e-4,
        dataGradKernel: 0.2,
        regGradKernel: 1e-3,
        deadByActivation: false,
      },
      {
        run: a.id,
        iteration: 3,
        layer: 0,
        filter: 1,
        selectivity: 0,
        gamma: 5e-4,
        dataGradGamma: 0.2,
        regGradGamma: 2.5e-7,
        dataGradKernel: 0.4,
        regGradKernel: 1e-3,
        deadByActivation: true,
      },
    ]);
    expect(parse(files, 'pruning').rows).toEqual([
      {
        run: a.id,
        removedFilters: 2,
        filtersBefore: 5,
        filtersAfter: 3,
        paramsBefore: 1000,
        paramsAfter: 600,
        flopsBefore: 10000,
        flopsAfter: 5000,
        imagesPerSecondBefore: 100,
        imagesPerSecondAfter: 150,
        testAccuracyBefore: 0.8125,
        testAccuracyAfter: 0.8125,
        maxLogitDifference: 1e-6,
      },
    ]);
    // logEvery 2 over 6 iterations: points at 2, 4, 6 for each of the two runs.
    expect(parse(files, 'curves').rows.map((r) => r.iteration)).toEqual([2, 4, 6, 2, 4, 6]);
  });

  it('lists study members with their factor values and counts failed or missing runs as pending', () => {
    const studies = parse(files, 'studies');
    expect(studies.rows).toEqual([
      {
        study: 'hand',
        title: 'Hand-checked',
        question: 'Are the numbers right?',
        hypotheses: [1, 6],
        factors: ['training.seed', 'optimizer.name'],
        members: [
          { run: a.id, seed: 0, factors: { 'training.seed': 0, 'optimizer.name': 'adam' } },
          { run: b.id, seed: 1, factors: { 'training.seed': 1, 'optimizer.name': 'adam' } },
        ],
        pending: [b.id, configHash(resolveConfig(tinyInput({ training: { seed: 2 } })))].sort(),
      },
    ]);
  });

  it('uses the thresholds recorded in the runs', () => {
    const input = tinyInput({ training: { seed: 0 }, thresholds: { gamma: 1e-2 } });
    const r = syntheticRecord(input, { final: [{ gamma: [0.5, 2e-3], peak: [1, 1], selectivity: [0.5, 0.5] }] });
    const d = parse(buildDatasets('quick', [r], [handStudy]), 'runs');
    expect(d.thresholds).toEqual({ gamma: 1e-2, activation: 1e-12 });
    expect(d.rows[0]).toMatchObject({ deadByGamma: 1, deadByActivation: 0 });
  });

  it('refuses records with different thresholds', () => {
    const odd = syntheticRecord(tinyInput({ training: { seed: 9 }, thresholds: { gamma: 1e-2 } }), { final: [{ gamma: [1], peak: [1], selectivity: [1] }] });
    expect(() => buildDatasets('quick', [a, odd], [handStudy])).toThrow(/different dead-filter thresholds[\s\S]*0\.01[\s\S]*move the records/);
  });

  it('is independent of the order records come in, and deterministic', () => {
    expect(buildDatasets('quick', [a, b], [handStudy])).toEqual(files);
    expect(serializeDataset({ b: [1], a: { y: 1, x: 2 }, rows: [{ z: 1, a: 0.1 }] })).toBe(
      '{\n "a": {"x":2,"y":1},\n "b": [1],\n "rows": [\n  {"a":0.1,"z":1}\n ]\n}\n',
    );
  });

  it('writes empty datasets when there is no record yet', () => {
    const empty = buildDatasets('full', [], [handStudy]);
    expect(parse(empty, 'runs')).toMatchObject({ runs: [], rows: [], thresholds: T });
    expect(parse(empty, 'studies').rows[0]).toMatchObject({
      members: [],
      pending: [0, 1, 2].map((seed) => configHash(resolveConfig(tinyInput({ training: { seed } })))).sort(),
    });
  });
});

describe('rounding', () => {
  it('rounds to 12 significant digits and never writes -0', () => {
    expect(stable(0.1 + 0.2)).toBe(0.3);
    expect(Object.is(stable(-0), 0)).toBe(true);
    expect(() => stable(Number.NaN)).toThrow(/cannot write NaN/);
  });
});

describe('aggregation on disk', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ifs-agg-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('skips and reports invalid records, and rebuilds byte-identical datasets', () => {
    const a = recordA();
    const b = recordB();
    const runs = join(root, 'quick', 'runs');
    writeJsonAtomic(join(runs, `${a.id}.json`), a);
    writeJsonAtomic(join(runs, `${b.id}.json`), b);
    writeFileSync(join(runs, '0123456789abcdef.json'), '{"half": ');
    writeJsonAtomic(join(runs, 'fedcba9876543210.json'), a); // a valid record under another run's name
    const loaded = loadRecords(root, 'quick');
    expect(loaded.records.map((r) => r.id)).toEqual([a.id, b.id].sort());
    expect(loaded.invalid).toHaveLength(2);
    expect(loaded.invalid.join('\n')).toMatch(/0123456789abcdef\.json is not readable JSON/);
    expect(loaded.invalid.join('\n')).toMatch(/fedcba9876543210\.json: record id .* differs from its file name/);

    const first = aggregate(root, 'quick', [handStudy]);
    expect(first.written).toEqual(DATASET_NAMES);
    expect(first.invalid).toHaveLength(2);
    const dir = join(root, 'quick', 'datasets');
    const snapshot = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
    expect(Object.keys(snapshot).sort()).toEqual(DATASET_NAMES.map((n) => `${n}.json`).sort());
    const second = aggregate(root, 'quick', [handStudy]);
    expect(second.written).toEqual([]);
    rmSync(dir, { recursive: true });
    aggregate(root, 'quick', [handStudy]);
    for (const [f, bytes] of Object.entries(snapshot)) expect(readFileSync(join(dir, f)).equals(bytes), f).toBe(true);
  });

  it('checks datasets without writing: missing, stale, tampered and off-schema files are named', () => {
    const a = recordA();
    const b = recordB();
    const runs = join(root, 'quick', 'runs');
    writeJsonAtomic(join(runs, `${a.id}.json`), a);
    const dir = join(root, 'quick', 'datasets');
    expect(checkDatasets(root, 'quick', [handStudy]).problems).toHaveLength(DATASET_NAMES.length);
    expect(readdirSync(root)).toEqual(['quick']);
    expect(readdirSync(join(root, 'quick'))).toEqual(['runs']);

    aggregate(root, 'quick', [handStudy]);
    expect(checkDatasets(root, 'quick', [handStudy])).toEqual({ records: 1, invalid: [], problems: [] });

    writeJsonAtomic(join(runs, `${b.id}.json`), b); // a record lands after aggregation
    const stale = checkDatasets(root, 'quick', [handStudy]).problems.join('\n');
    expect(stale).toMatch(/runs\.json: differs from what the 2 record\(s\) rebuild/);
    expect(checkDatasets(root, 'quick', [handStudy], (f) => !f.endsWith(`${b.id}.json`)).problems).toEqual([]);
    aggregate(root, 'quick', [handStudy]);

    const pruning = join(dir, 'pruning.json');
    const original = readFileSync(pruning, 'utf8');
    writeFileSync(
      pruning,
      original.replace(/"testAccuracyAfter":([0-9.]+)/, (_m, x: string) => `"testAccuracyAfter":${Number(x) / 2}`),
    );
    expect(readFileSync(pruning, 'utf8')).not.toBe(original);
    expect(checkDatasets(root, 'quick', [handStudy]).problems).toEqual([
      expect.stringMatching(/pruning\.json: differs from what the 2 record\(s\) rebuild \(first at line \d+\)/),
    ]);
    writeFileSync(pruning, original.replace('"dataset": "pruning"', '"dataset": "runs"'));
    expect(checkDatasets(root, 'quick', [handStudy]).problems.join('\n')).toMatch(/pruning\.json: does not match the pruning schema/);
    writeFileSync(pruning, '{');
    expect(checkDatasets(root, 'quick', [handStudy]).problems.join('\n')).toMatch(/pruning\.json: not JSON/);
  });

  it('names missing and out-of-date JSON Schema files', () => {
    const dir = join(root, 'schemas');
    expect(staleJsonSchemas(dir)).toHaveLength(DATASET_NAMES.length + 1);
    writeJsonSchemas(dir);
    expect(staleJsonSchemas(dir)).toEqual([]);
    writeFileSync(join(dir, 'runs.schema.json'), '{}\n');
    expect(staleJsonSchemas(dir)).toEqual([join(dir, 'runs.schema.json')]);
  });

  it('writes a JSON Schema per dataset and for the run record', () => {
    mkdirSync(join(root, 'schemas'));
    const written = writeJsonSchemas(join(root, 'schemas'));
    expect(written).toHaveLength(DATASET_NAMES.length + 1);
    expect(writeJsonSchemas(join(root, 'schemas'))).toEqual([]);
    const runs = JSON.parse(readFileSync(join(root, 'schemas', 'runs.schema.json'), 'utf8')) as {
      $schema: string;
      required: string[];
      properties: { rows: { items: { required: string[] } } };
    };
    expect(runs.$schema).toMatch(/json-schema\.org/);
    expect(runs.required).toEqual(expect.arrayContaining(['thresholds', 'definitionsVersion', 'runs', 'rows']));
    expect(runs.properties.rows.items.required).toEqual(expect.arrayContaining(['sparsityActivation', 'config', 'tfjsVersion', 'endedAt', 'checkpointEvery']));
    expect(Object.keys(jsonSchemas())).toContain('run-record.schema.json');
  });
});
