// One run from configuration to record: set up the data and the network, train with checkpoint
// measurements, measure on the full training and test sets, prune, and assemble the record.
// Continuing from a snapshot lives in snapshot.ts, where the code and machine come from in provenance.ts.
import * as tf from '@tensorflow/tfjs-core';
import { configHash, learningRateAt, type RunConfig } from './config.js';
import { codeVersion, engineCode, runProvenance } from './provenance.js';
import { loadDataset, recordedDataset, type ImageDataset } from './data/dataset.js';
import { initBackend, type BackendChoice } from './backend/resolve.js';
import { basicNetSpec, buildNetwork, disposeNetwork, flopCount, initialWeights, parameterCount, recordedModel, trainables, type Network } from './model.js';
import { createOptimizer, regularizationScale } from './optimizers.js';
import { BatchSampler, gatherBatch, readSteps, regularizationLossReads, trainStepTensors, type StepTensors } from './train.js';
import { readBack, readsSynchronously } from './backend/readback.js';
import { addStep, closeCheckpointWindow, closeCurveWindow } from './loss-windows.js';
import { evaluateReads, measureCheckpointReads, measureFinalReads, probeSubset, round6, type CheckpointProbes } from './measure.js';
import { compareThroughput, compareThroughputAsync, maxLogitDifferenceReads, pruneNetworkReads } from './prune.js';
import { createRandom } from './random.js';
import { freshRun, resumeRun, saveRunSnapshotReads, stateTensors, type RunSoFar } from './snapshot.js';
import { RUN_RECORD_VERSION, type PruningResult, type RunRecord } from '../data/schemas/run-record.js';

export type ProgressEvent =
  | { type: 'progress'; iteration: number; iterations: number; loss: number; accuracy: number; imagesPerSecond: number }
  | { type: 'phase'; phase: 'data' | 'measure' | 'final' | 'prune' }
  | { type: 'done'; status: RunRecord['status']; id: string; wallSeconds: number }
  /** The run continues from its snapshot at `iteration`. */
  | { type: 'resumed'; iteration: number; iterations: number }
  /** Something the user should know that does not stop the run. */
  | { type: 'notice'; message: string };

export interface RunOptions {
  dataDir?: string;
  backend?: BackendChoice;
  onProgress?: (event: ProgressEvent) => void;
  /** Iterations between progress events. */
  progressEvery?: number;
  /**
   * Snapshot file: written at every checkpoint before the end, and continued from when it holds
   * this run (same configuration, code and backend); see experiments/snapshot.ts.
   */
  snapshot?: string;
}

class Divergence extends Error {
  constructor(readonly iteration: number, loss: number) {
    super(`the training loss became ${loss} at iteration ${iteration}`);
  }
}

/** Trains and measures one configuration and returns its record; never throws for a diverging or failing run once the data is loaded. */
export async function runExperiment(config: RunConfig, options: RunOptions = {}): Promise<RunRecord> {
  const started = new Date();
  const t0 = performance.now();
  // Taken now: the code that runs is the code at the start, whatever is committed meanwhile.
  const version = codeVersion();
  const engine = engineCode();
  const emit = options.onProgress ?? (() => {});
  const backend = await initBackend(options.backend ?? 'auto');

  // Setup: the data, the network and its optimizer, the batches, and what checkpoints measure on.
  emit({ type: 'phase', phase: 'data' });
  const data: ImageDataset = await loadDataset({
    name: config.data.dataset,
    dir: options.dataDir,
    classes: config.data.classes ?? undefined,
    classList: config.data.classList ?? undefined,
    trainSubset: config.data.trainSubset,
    seed: config.training.seed,
  });
  const shape: [number, number, number] = [data.height, data.width, data.channels];
  const spec = basicNetSpec(config, shape, data.numClasses);
  const net = buildNetwork(spec, initialWeights(spec, createRandom(config.training.seed, 'init'), config.model.init));
  const optimizer = createOptimizer(config, trainables(net));
  const sampler = new BatchSampler(data.train, config.training.batchSize, shape, data.numClasses, config.training.seed);
  const probe = probeSubset(data.train, config.data.probeSize, config.training.seed, shape[0] * shape[1] * shape[2]);
  const probes: CheckpointProbes = {
    train: probe,
    test: { ...data.test, count: Math.min(config.data.probeSize, data.test.count) },
    mechanism: config.measure.mechanism
      ? {
          ...gatherBatch(probe, Uint32Array.from({ length: Math.min(config.measure.mechanismBatch, probe.count) }, (_, i) => i), shape, data.numClasses),
          regScale: { conv: regularizationScale(config, 'conv'), gamma: regularizationScale(config, 'gamma') },
        }
      : null,
  };
  const id = configHash(config);
  const owner = { id, engineCode: engine, backend: backend.name };
  const tensors = stateTensors(net, optimizer);

  // The run so far: from iteration 0, or from its snapshot.
  let run: RunSoFar = freshRun(started, version);
  if (options.snapshot) {
    const resume = resumeRun(options.snapshot, { ...owner, iterations: config.training.iterations }, { tensors, optimizer, sampler }, run);
    if (resume.unusable) emit({ type: 'notice', message: `not continuing from the snapshot: ${resume.unusable}; training from iteration 0` });
    run = resume.soFar;
    if (resume.resumed) emit({ type: 'resumed', iteration: run.iteration, iterations: config.training.iterations });
  }
  const wallSecondsNow = () => run.earlierWallSeconds + (performance.now() - t0) / 1000;

  const checkpoint = async (window: { loss: number; accuracy: number } | null) => {
    const m0 = performance.now();
    emit({ type: 'phase', phase: 'measure' });
    run.checkpoints.push(await readBack(measureCheckpointReads(net, probes, config, run.iteration, window)));
    run.measureMs += performance.now() - m0;
  };

  /** Keeps the state after a checkpoint, so that a killed run can continue from here. */
  const saveSnapshot = async (path: string) => {
    const s0 = performance.now();
    try {
      await readBack(saveRunSnapshotReads(path, owner, run, wallSecondsNow(), { tensors, optimizer }));
    } catch (error) {
      emit({ type: 'notice', message: `could not write the snapshot ${path} (${(error as Error).message}); the run goes on, but a kill would restart it` });
    }
    run.measureMs += performance.now() - s0;
  };

  let status: RunRecord['status'] = 'complete';
  let failure: RunRecord['failure'] = null;
  let final: RunRecord['final'] = null;
  let pruning: PruningResult | null = null;
  try {
    // The loop: a step, its loss in the windows, a curve point, a progress event and a checkpoint when due.
    if (run.iteration === 0) await checkpoint(null);
    const { iterations, batchSize } = config.training;
    const progressEvery = options.progressEvery ?? 10;
    const due = (i: number) => i % config.measure.logEvery === 0 || i % progressEvery === 0 || i % config.measure.checkpointEvery === 0 || i === iterations;
    // Steps whose loss is still on the device: read at once where reads are synchronous (wasm),
    // else (webgpu) together at the next iteration that uses them.
    const pending: StepTensors[] = [];
    let rateStart = performance.now();
    let rateImages = 0;
    while (run.iteration < iterations) {
      const s0 = performance.now();
      const lr = learningRateAt(config, run.iteration);
      const { x, y } = sampler.next();
      pending.push(trainStepTensors(net, optimizer, x, y, lr));
      tf.dispose([x, y]);
      run.iteration += 1;
      const iteration = run.iteration;
      rateImages += batchSize;
      if (!readsSynchronously() && !due(iteration)) {
        run.trainMs += performance.now() - s0;
        continue;
      }
      const steps = await readBack(readSteps(pending.splice(0)));
      run.trainMs += performance.now() - s0;
      steps.forEach((s, k) => {
        if (!Number.isFinite(s.loss)) throw new Divergence(iteration - steps.length + 1 + k, s.loss);
        addStep(run.windows, s);
      });
      const step = steps[steps.length - 1];
      if (iteration % config.measure.logEvery === 0 || iteration === iterations) {
        const regLoss = await readBack(regularizationLossReads(net, config));
        run.curve.push(closeCurveWindow(run.windows, net, config, iteration, lr, regLoss));
      }
      if (iteration % progressEvery === 0 || iteration === iterations) {
        const seconds = (performance.now() - rateStart) / 1000;
        emit({ type: 'progress', iteration, iterations, loss: step.loss, accuracy: step.correct / batchSize, imagesPerSecond: rateImages / seconds });
        rateStart = performance.now();
        rateImages = 0;
      }
      if (iteration % config.measure.checkpointEvery === 0 || iteration === iterations) {
        await checkpoint(closeCheckpointWindow(run.windows, batchSize));
        if (options.snapshot && iteration < iterations) await saveSnapshot(options.snapshot);
        rateStart = performance.now();
      }
    }

    // Final measurements: the whole training and test sets, then the pruned network.
    const f0 = performance.now();
    emit({ type: 'phase', phase: 'final' });
    const measured = await readBack(measureFinalReads(net, data, config, run.iteration));
    final = measured.final;
    if (config.measure.prune) {
      emit({ type: 'phase', phase: 'prune' });
      pruning = await measurePruning(net, final.layers.map((l) => l.deadByActivation), data, measured.testAccuracy);
    }
    run.measureMs += performance.now() - f0;
  } catch (error) {
    if (error instanceof Divergence) {
      status = 'diverged';
      failure = { reason: error.message, iteration: error.iteration };
    } else {
      status = 'failed';
      failure = { reason: error instanceof Error ? error.message : String(error), iteration: run.iteration };
    }
  } finally {
    optimizer.dispose();
    disposeNetwork(net);
    if (probes.mechanism) tf.dispose([probes.mechanism.x, probes.mechanism.y]);
  }

  // The record.
  const record: RunRecord = {
    schemaVersion: RUN_RECORD_VERSION,
    kind: 'run-record',
    id,
    config,
    status,
    failure,
    provenance: runProvenance(run, {
      engineCode: engine,
      backend,
      batchSize: config.training.batchSize,
      wallSeconds: wallSecondsNow(),
      flushSubnormals: optimizer.flushesSubnormals,
    }),
    dataset: recordedDataset(data, probe.count),
    model: recordedModel(spec),
    curve: run.curve,
    checkpoints: run.checkpoints,
    final,
    pruning,
  };
  emit({ type: 'done', status, id: record.id, wallSeconds: record.provenance.wallSeconds });
  return record;
}

/** Removes the dead-by-activation filters and compares the slim network with the original. */
async function measurePruning(net: Network, dead: number[][], data: ImageDataset, accuracyBefore: number): Promise<PruningResult> {
  const { slim, keep } = await readBack(pruneNetworkReads(net, dead));
  try {
    const accuracyAfter = (await readBack(evaluateReads(slim, data.test, { filters: false }))).accuracy;
    const batchSize = 256;
    const [before, after] = readsSynchronously() ? compareThroughput(net, slim, data.test, batchSize) : await compareThroughputAsync(net, slim, data.test, batchSize);
    return {
      removed: net.spec.filters.map((n, l) => n - keep[l].length),
      filtersBefore: net.spec.filters,
      filtersAfter: slim.spec.filters,
      params: { before: parameterCount(net.spec), after: parameterCount(slim.spec) },
      flops: { before: flopCount(net.spec), after: flopCount(slim.spec) },
      imagesPerSecond: { before: round6(before), after: round6(after) },
      testAccuracy: { before: round6(accuracyBefore), after: round6(accuracyAfter) },
      maxLogitDifference: round6(await readBack(maxLogitDifferenceReads(net, slim, data.test, data.test.count))),
      batchSize,
    };
  } finally {
    disposeNetwork(slim);
  }
}
