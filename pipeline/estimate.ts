// How long runs take: a cost model of one run in reference-model images, and the speed a worker
// reaches on them (assumed until records of the scale say otherwise).
import type { RunConfig } from '../data/schemas/run-config.js';
import { basicNetSpec, multiplyAccumulates, type NetworkSpec } from '../experiments/network-cost.js';
import type { RunRecord } from '../data/schemas/run-record.js';

/**
 * Training images per second of one worker on the reference model (BasicNet width 16, 28x28x1,
 * batch 32). An assumption until runs have completed: `calibratedSpeed` replaces it with the
 * speed the records show.
 */
export const ASSUMED_IMAGES_PER_SECOND = 300;
/** A forward pass (measurement, inference) costs a fifth to a third of a training step per image (wasm, measured). */
const FORWARD_COST = 0.3;
/** Process start, data loading and pruning benchmarks per run, in seconds. */
const RUN_OVERHEAD_SECONDS = 3;

const TRAIN_IMAGES: Record<string, number> = { 'fashion-mnist': 60_000, cifar10: 50_000, cifar100: 50_000 };
const TEST_IMAGES: Record<string, number> = { 'fashion-mnist': 10_000, cifar10: 10_000, cifar100: 10_000 };
const ALL_CLASSES: Record<string, number> = { 'fashion-mnist': 10, cifar10: 10, cifar100: 100 };
const INPUT: Record<string, { side: number; channels: number }> = {
  'fashion-mnist': { side: 28, channels: 1 },
  cifar10: { side: 32, channels: 3 },
  cifar100: { side: 32, channels: 3 },
};

/** The network a configuration builds, on its dataset's images (the model's own spec). */
function networkOf(config: RunConfig): NetworkSpec {
  const input = INPUT[config.data.dataset];
  return basicNetSpec(config, [input.side, input.side, input.channels], config.data.classes ?? ALL_CLASSES[config.data.dataset]);
}

/** The reference model the speeds are quoted for: BasicNet width 16 on 28x28x1 images, 10 classes. */
function referenceNetwork(config: RunConfig): NetworkSpec {
  return basicNetSpec({ model: { ...config.model, width: 16 } }, [28, 28, 1], 10);
}

/** Cost of one image through the configuration's network, relative to the reference model. */
export function relativeCost(config: RunConfig): number {
  return multiplyAccumulates(networkOf(config)) / multiplyAccumulates(referenceNetwork(config));
}

/** A run's work in reference training images (training, checkpoint and final measurements, pruning). */
export function runWork(config: RunConfig): number {
  const dataset = config.data.dataset;
  const classFraction = (config.data.classes ?? ALL_CLASSES[dataset]) / ALL_CLASSES[dataset];
  const trainImages = config.data.trainSubset ?? Math.round(TRAIN_IMAGES[dataset] * classFraction);
  const testImages = Math.round(TEST_IMAGES[dataset] * classFraction);
  const { iterations, batchSize } = config.training;
  const m = config.measure;
  const checkpoints = Math.floor(iterations / m.checkpointEvery) + 2;
  const perCheckpoint = Math.min(config.data.probeSize, trainImages) + (m.testAtCheckpoints ? testImages : 0);
  const forward = checkpoints * perCheckpoint + trainImages + testImages + (m.prune ? 2 * testImages : 0);
  const mechanism = m.mechanism ? checkpoints * m.mechanismBatch * 2 : 0;
  return (iterations * batchSize + mechanism + forward * FORWARD_COST) * relativeCost(config);
}

/** Seconds one worker needs for a run at `speed` reference images per second. */
export function runSeconds(config: RunConfig, speed: number): number {
  return runWork(config) / speed + RUN_OVERHEAD_SECONDS;
}

/**
 * The speed the records show (median over finished runs of work / wall time), or the assumed
 * speed when none has finished. Failed runs and runs shorter than 20 s are left out, since
 * start-up dominates them.
 */
export function calibratedSpeed(records: readonly RunRecord[]): { speed: number; from: number } {
  const speeds = records
    .filter((r) => r.status !== 'failed' && r.provenance.wallSeconds > 20)
    .map((r) => runWork(r.config as RunConfig) / Math.max(1, r.provenance.wallSeconds - RUN_OVERHEAD_SECONDS))
    .sort((a, b) => a - b);
  if (speeds.length === 0) return { speed: ASSUMED_IMAGES_PER_SECOND, from: 0 };
  return { speed: speeds[Math.floor((speeds.length - 1) / 2)], from: speeds.length };
}
