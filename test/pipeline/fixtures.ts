// Synthetic run records for the pipeline tests: schema-valid, deterministic, and small enough to
// check the aggregation by hand. Also used by the fake engine.
import { configHash, resolveConfig, type RunConfig, type RunConfigInput } from '../../experiments/config.js';
import { isDeadByActivation, isDeadByGamma } from '../../data/definitions.js';
import { RUN_RECORD_VERSION, type Checkpoint, type LayerMeasurement, type RunRecord } from '../../data/schemas/run-record.js';

/** A tiny configuration (fake or real engine: seconds). */
export function tinyInput(patch: RunConfigInput = {}): RunConfigInput {
  const base: RunConfigInput = {
    data: { dataset: 'fashion-mnist', classes: 10, trainSubset: 256, probeSize: 64 },
    model: { width: 2 },
    training: { iterations: 6, batchSize: 16, seed: 0 },
    measure: { checkpointEvery: 3, logEvery: 2, testAtCheckpoints: false, prune: false },
  };
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) out[k] = { ...(out[k] as object), ...(v as object) };
  return out as RunConfigInput;
}

export interface LayerSpec {
  gamma: number[];
  peak: number[];
  selectivity: number[];
  /** The lifetime sparseness, when the record is to carry it (study v2's records do, v1's do not). */
  lifetimeSparseness?: Array<number | null>;
  mechanism?: boolean;
}

/** A layer measurement whose dead lists follow the definitions. */
export function layer(index: number, spec: LayerSpec, config: RunConfig): LayerMeasurement {
  const t = config.thresholds;
  const n = spec.gamma.length;
  const idx = (pred: (i: number) => boolean) => Array.from({ length: n }, (_, i) => i).filter(pred);
  return {
    layer: index,
    filters: n,
    gamma: spec.gamma,
    beta: spec.gamma.map(() => 0),
    selectivity: spec.selectivity,
    ...(spec.lifetimeSparseness ? { lifetimeSparseness: spec.lifetimeSparseness } : {}),
    peak: spec.peak,
    deadByGamma: idx((i) => isDeadByGamma(spec.gamma[i], t)),
    deadByActivation: idx((i) => isDeadByActivation(spec.peak[i], t)),
    ...(spec.mechanism
      ? {
          mechanism: {
            dataGradGamma: spec.gamma.map((_, i) => 0.1 * (i + 1)),
            regGradGamma: spec.gamma.map((g) => 5e-4 * g),
            dataGradKernel: spec.gamma.map((_, i) => 0.2 * (i + 1)),
            regGradKernel: spec.gamma.map(() => 1e-3),
          },
        }
      : {}),
  };
}

export interface RecordSpec {
  status?: RunRecord['status'];
  failure?: RunRecord['failure'];
  /** Per checkpoint iteration, per layer. */
  checkpoints?: Array<{ iteration: number; layers: LayerSpec[] }>;
  /** Final per-layer values (null: the run has no final measurement). */
  final?: LayerSpec[] | null;
  pruning?: RunRecord['pruning'];
  wallSeconds?: number;
}

/** A schema-valid record of `input` with the given measurements. */
export function syntheticRecord(input: RunConfigInput, spec: RecordSpec = {}): RunRecord {
  const config = resolveConfig(input);
  const final = spec.final === undefined ? null : spec.final;
  const filters = (final ?? spec.checkpoints?.[0]?.layers ?? [{ gamma: [1] } as LayerSpec]).map((l) => l.gamma.length);
  const iterations = config.training.iterations;
  const checkpoints: Checkpoint[] = (spec.checkpoints ?? []).map((c) => ({
    iteration: c.iteration,
    trainLoss: c.iteration === 0 ? null : 1 / (1 + c.iteration),
    trainAccuracy: c.iteration === 0 ? null : 0.5,
    testAccuracy: null,
    images: config.data.probeSize,
    layers: c.layers.map((l, i) => layer(i, l, config)),
  }));
  const wall = spec.wallSeconds ?? 1.5;
  return {
    schemaVersion: RUN_RECORD_VERSION,
    kind: 'run-record',
    id: configHash(config),
    config,
    status: spec.status ?? (final ? 'complete' : 'failed'),
    failure: spec.failure ?? (final ? null : { reason: 'synthetic failure', iteration: 0 }),
    provenance: {
      codeVersion: 'test',
      tfjsVersion: '0',
      backend: 'fake',
      backendDetail: 'synthetic record',
      node: process.version,
      platform: 'test',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:01.500Z',
      wallSeconds: wall,
      trainSeconds: wall / 2,
      measureSeconds: wall / 4,
      imagesPerSecond: 1000,
    },
    dataset: {
      name: config.data.dataset,
      trainImages: config.data.trainSubset ?? 60000,
      testImages: 10000,
      classes: config.data.classes ?? 10,
      probeImages: config.data.probeSize,
      normalization: { mean: [0.286], std: [0.353] },
      files: ['train-images-idx3-ubyte.gz'],
    },
    model: { arch: 'basicnet', filters, params: 1000, flops: 10000, initializers: { conv: 'he-normal' } },
    curve: Array.from({ length: Math.floor(iterations / config.measure.logEvery) }, (_, i) => ({
      iteration: (i + 1) * config.measure.logEvery,
      loss: 2 / (i + 2),
      regLoss: 0.01,
      accuracy: 0.5,
      lr: config.optimizer.lr,
    })),
    checkpoints,
    final: final
      ? {
          iteration: iterations,
          trainLoss: 0.4,
          trainAccuracy: 0.875,
          testLoss: 0.5,
          testAccuracy: 0.8125,
          images: config.data.trainSubset ?? 60000,
          layers: final.map((l, i) => layer(i, l, config)),
        }
      : null,
    pruning: spec.pruning ?? null,
  };
}

/**
 * What the fake engine writes for a configuration: BasicNet-shaped layers where, with
 * regularization, every fourth filter of the last two layers dies halfway through training.
 */
export function fakeEngineRecord(input: RunConfigInput, wallSeconds: number): RunRecord {
  const config = resolveConfig(input);
  const w = config.model.width;
  const widths = [1, 2, 2, 4, 4, 8, 8].map((m) => m * w);
  const iterations = config.training.iterations;
  const dies = (l: number, f: number) => config.regularization.kind !== 'none' && l >= 5 && f % 4 === 0;
  const at = (iteration: number): LayerSpec[] =>
    widths.map((n, l) => {
      const dead = Array.from({ length: n }, (_, f) => dies(l, f) && iteration >= iterations / 2);
      return {
        gamma: dead.map((d, f) => (d ? 1e-5 : 0.5 + f / 100)),
        peak: dead.map((d) => (d ? 0 : 2)),
        selectivity: dead.map((d, f) => (d ? 0 : dies(l, f) ? 0.05 : 0.3 + ((f * 7 + l) % 5) / 10)),
        mechanism: config.measure.mechanism,
      };
    });
  const iterationsAt: number[] = [];
  for (let i = 0; i < iterations; i += config.measure.checkpointEvery) iterationsAt.push(i);
  iterationsAt.push(iterations);
  return syntheticRecord(input, {
    checkpoints: iterationsAt.map((iteration) => ({ iteration, layers: at(iteration) })),
    final: at(iterations),
    wallSeconds,
  });
}
