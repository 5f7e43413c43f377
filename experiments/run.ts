// One run from configuration to record: set up the data and the network, train with checkpoint
// measurements, measure on the full training and test sets, prune, and assemble the record.
// Continuing from a snapshot lives in snapshot.ts, where the code and machine come from in provenance.ts.
import { configHash, type RunConfig } from './config.js';
import { codeVersion, engineCode, runOrigin } from './provenance.js';
import { loadDataset, type ImageDataset } from './data/dataset.js';
import { initBackend, type BackendChoice } from './backend/resolve.js';
import { freshRun, RunStepper } from './stepper.js';
import { resumeRun, saveRunSnapshotReads, stateTensors } from './snapshot.js';
import { readBack } from './backend/readback.js';
import type { RunRecord } from '../data/schemas/run-record.js';

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
  const id = configHash(config);
  const owner = { id, engineCode: engine, backend: backend.name };
  const stepper = new RunStepper(config, data, { soFar: freshRun(started, version), onMeasure: () => emit({ type: 'phase', phase: 'measure' }) });
  const { run } = stepper;

  // The run so far: from iteration 0, or from its snapshot.
  if (options.snapshot) {
    const tensors = stateTensors(stepper.net, stepper.optimizer);
    const resume = resumeRun(
      options.snapshot,
      { ...owner, iterations: config.training.iterations },
      { tensors, optimizer: stepper.optimizer, sampler: stepper.sampler },
      run,
    );
    if (resume.unusable) emit({ type: 'notice', message: `not continuing from the snapshot: ${resume.unusable}; training from iteration 0` });
    stepper.continueFrom(resume.soFar);
    if (resume.resumed) emit({ type: 'resumed', iteration: stepper.iteration, iterations: config.training.iterations });
  }
  const wallSecondsNow = () => stepper.run.earlierWallSeconds + (performance.now() - t0) / 1000;

  /** Keeps the state after a checkpoint, so that a killed run can continue from here. */
  const saveSnapshot = async (path: string) => {
    const s0 = performance.now();
    try {
      await readBack(
        saveRunSnapshotReads(path, owner, stepper.run, wallSecondsNow(), {
          tensors: stateTensors(stepper.net, stepper.optimizer),
          optimizer: stepper.optimizer,
        }),
      );
    } catch (error) {
      emit({ type: 'notice', message: `could not write the snapshot ${path} (${(error as Error).message}); the run goes on, but a kill would restart it` });
    }
    stepper.run.measureMs += performance.now() - s0;
  };

  try {
    // The loop: a step (its curve point and checkpoint when due), a progress event, a snapshot after a checkpoint.
    // Reads are synchronous on wasm and cpu (every step is read at once, as ever) and asynchronous on
    // webgpu, where a step's loss stays on the device until a progress event, curve point or checkpoint needs it.
    await stepper.startAsync();
    const { iterations, batchSize } = config.training;
    const progressEvery = options.progressEvery ?? 10;
    const readAt = (i: number) => i % progressEvery === 0 || i === iterations;
    let rateStart = performance.now();
    let rateImages = 0;
    while (!stepper.done) {
      const step = await stepper.stepAsync(readAt);
      if (step.diverged) break;
      const { iteration } = step;
      rateImages += batchSize;
      if (iteration % progressEvery === 0 || iteration === iterations) {
        const seconds = (performance.now() - rateStart) / 1000;
        emit({ type: 'progress', iteration, iterations, loss: step.loss, accuracy: step.accuracy, imagesPerSecond: rateImages / seconds });
        rateStart = performance.now();
        rateImages = 0;
      }
      if (step.checkpoint) {
        if (options.snapshot && iteration < iterations) await saveSnapshot(options.snapshot);
        rateStart = performance.now();
      }
    }

    // Final measurements: the whole training and test sets, then the pruned network.
    if (stepper.status === 'complete') {
      emit({ type: 'phase', phase: 'final' });
      await stepper.measureFinalAsync();
      if (config.measure.prune) {
        emit({ type: 'phase', phase: 'prune' });
        await stepper.prune();
      }
    }
  } catch (error) {
    stepper.fail(error);
  } finally {
    stepper.dispose();
  }

  const record = stepper.record(runOrigin(backend, engine), wallSecondsNow());
  emit({ type: 'done', status: record.status, id: record.id, wallSeconds: record.provenance.wallSeconds });
  return record;
}
