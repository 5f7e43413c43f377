// The one run loop: setup from a configuration (spec -> network with `config.model.init` ->
// optimizer -> batches), the training step, the measurements due after it, and the record.
//   Trainer     the network, its optimizer and its batches, and `step()`: what the benchmarks,
//               the cross-check with PyTorch and the numerics test train with.
//   RunStepper  a whole run around a Trainer: loss windows, curve points, checkpoints, the final
//               measurements, pruning and `record(origin, wallSeconds)`. runExperiment (run.ts)
//               drives it in Node (progress, snapshots), the lab's worker (site/lab/session.ts) in
//               the browser, so a run and a lab run of one configuration give the same record.
// No other module calls the training step (train.ts trainStep). Nothing here touches the file
// system: snapshots live in snapshot.ts, the machine's provenance in provenance.ts.
import * as tf from '@tensorflow/tfjs-core';
import { configHash, learningRateAt, type RunConfig } from './config.js';
import { recordedDataset, type ImageDataset } from './data/dataset.js';
import {
  basicNetSpec,
  buildNetwork,
  disposeNetwork,
  flopCount,
  initialWeights,
  parameterCount,
  recordedModel,
  trainables,
  type Network,
  type NetworkSpec,
  type NetworkWeights,
} from './model.js';
import { createOptimizer, regularizationScale, type Optimizer } from './optimizers.js';
import {
  BatchSampler,
  gatherBatch,
  readSteps,
  regularizationLossReads,
  trainStep,
  trainStepTensors,
  type ImageBatchSource,
  type StepResult,
  type StepTensors,
} from './train.js';
import { readBack, readSync, readsSynchronously, type Reads } from './backend/readback.js';
import { addStep, closeCheckpointWindow, closeCurveWindow, emptyWindows } from './loss-windows.js';
import { evaluateReads, measureCheckpointReads, measureFinalReads, probeSubset, type CheckpointProbes } from './measure.js';
import { round6 } from '../data/precision.js';
import { compareThroughput, compareThroughputAsync, maxLogitDifferenceReads, pruneNetworkReads } from './prune.js';
import { createRandom } from './random.js';
import type { RunSoFar } from './snapshot.js';
import { RUN_RECORD_VERSION, type Checkpoint, type CurvePoint, type PruningResult, type RunRecord } from '../data/schemas/run-record.js';

export interface Batch {
  x: tf.Tensor4D;
  y: tf.Tensor2D;
}

/** What a Trainer needs of the data: the image shape, the classes and (to draw batches) the training images. */
export interface TrainerData {
  shape: [number, number, number];
  classes: number;
  /** Without it the trainer draws no batches: every step is given its batch. */
  train?: ImageBatchSource;
}

export interface TrainerOptions {
  /** The optimizer's engine (the benchmarks and the numerics test compare engines); default the engine's own. */
  engine?: { fusedUpdates?: boolean; flushSubnormals?: boolean };
  /** Start from these weights instead of the configuration's (`config.model.init` from the seed's 'init' stream). */
  weights?: NetworkWeights;
}

/** The data a dataset gives a Trainer. */
export function trainerData(data: ImageDataset): Required<TrainerData> {
  return { shape: [data.height, data.width, data.channels], classes: data.numClasses, train: data.train };
}

/** The weights a run of `config` starts from: its initializer on the random stream 'init' of its seed. */
export function configWeights(config: RunConfig, spec: NetworkSpec): NetworkWeights {
  return initialWeights(spec, createRandom(config.training.seed, 'init'), config.model.init);
}

/**
 * The network of a configuration, its optimizer and its batches (in the seeded order of
 * `config.training.seed`), and the training step at the configuration's learning rate.
 */
export class Trainer {
  readonly spec: NetworkSpec;
  readonly net: Network;
  readonly optimizer: Optimizer;
  readonly sampler: BatchSampler | null;
  /** Iterations trained (the learning rate of the next step is the schedule's at this iteration). */
  iteration = 0;
  private disposed = false;

  constructor(
    readonly config: RunConfig,
    data: TrainerData,
    options: TrainerOptions = {},
  ) {
    this.spec = basicNetSpec(config, data.shape, data.classes);
    this.net = buildNetwork(this.spec, options.weights ?? configWeights(config, this.spec));
    this.optimizer = createOptimizer(config, trainables(this.net), options.engine);
    this.sampler = data.train ? new BatchSampler(data.train, config.training.batchSize, data.shape, data.classes, config.training.seed) : null;
  }

  /** The next batch of the seeded order (the caller disposes it). */
  nextBatch(): Batch {
    if (!this.sampler) throw new Error('this trainer was made without training images: give step() its batch');
    return this.sampler.next();
  }

  /** One training iteration, on `batch` (kept) or on the next batch of the seeded order (disposed after the step). */
  step(batch?: Batch): StepResult & { lr: number } {
    const lr = learningRateAt(this.config, this.iteration);
    const own = batch ?? this.nextBatch();
    try {
      const result = trainStep(this.net, this.optimizer, own.x, own.y, lr);
      this.iteration += 1;
      return { ...result, lr };
    } finally {
      if (!batch) tf.dispose([own.x, own.y]);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    disposeNetwork(this.net);
  }
}

/** A run at iteration 0, started at `started` from the commit `codeVersion`. */
export function freshRun(started: Date, codeVersion: string): RunSoFar {
  return {
    iteration: 0,
    curve: [],
    checkpoints: [],
    windows: emptyWindows(),
    trainMs: 0,
    measureMs: 0,
    startedAt: started,
    earlierWallSeconds: 0,
    resumed: [],
    codeVersion,
  };
}

/** Where a run ran, as its record's provenance says (the times and the code version come from the run). */
export interface RunOrigin {
  tfjsVersion: string;
  backend: RunRecord['provenance']['backend'];
  backendDetail: string;
  /** The JavaScript runtime. */
  node: string;
  platform: string;
  engineCode: string;
}

/** What one iteration produced. */
export interface StepOutcome {
  iteration: number;
  loss: number;
  accuracy: number;
  lr: number;
  /** The loss was not finite: the run stopped as diverged. */
  diverged: boolean;
  curvePoint: CurvePoint | null;
  checkpoint: Checkpoint | null;
}

export interface RunStepperOptions {
  /** The run so far (a fresh run by default; snapshot.ts resumeRun continues one). */
  soFar?: RunSoFar;
  /** Called before each checkpoint's measurements (runExperiment reports the phase). */
  onMeasure?: () => void;
}

/** One run of a configuration on a dataset, stepped an iteration at a time. */
export class RunStepper {
  /** Steps whose loss and hits are still on the device (stepAsync on webgpu). */
  private pending: StepTensors[] = [];
  readonly id: string;
  readonly trainer: Trainer;
  readonly probes: CheckpointProbes;
  run: RunSoFar;
  status: RunRecord['status'] = 'complete';
  failure: RunRecord['failure'] = null;
  final: RunRecord['final'] = null;
  pruning: PruningResult | null = null;
  /** The final test accuracy before rounding (pruning compares with it). */
  private finalTestAccuracy = 0;
  private readonly onMeasure: () => void;
  private disposed = false;

  constructor(
    readonly config: RunConfig,
    readonly data: ImageDataset,
    options: RunStepperOptions = {},
  ) {
    this.id = configHash(config);
    this.onMeasure = options.onMeasure ?? (() => {});
    this.run = options.soFar ?? freshRun(new Date(), 'unknown');
    const shape: [number, number, number] = [data.height, data.width, data.channels];
    this.trainer = new Trainer(config, trainerData(data));
    const probe = probeSubset(data.train, config.data.probeSize, config.training.seed, shape[0] * shape[1] * shape[2]);
    this.probes = {
      train: probe,
      test: { ...data.test, count: Math.min(config.data.probeSize, data.test.count) },
      mechanism: config.measure.mechanism
        ? {
            ...gatherBatch(
              probe,
              Uint32Array.from({ length: Math.min(config.measure.mechanismBatch, probe.count) }, (_, i) => i),
              shape,
              data.numClasses,
            ),
            regScale: { conv: regularizationScale(config, 'conv'), gamma: regularizationScale(config, 'gamma') },
          }
        : null,
    };
  }

  get net(): Network {
    return this.trainer.net;
  }

  get optimizer(): Optimizer {
    return this.trainer.optimizer;
  }

  get sampler(): BatchSampler {
    return this.trainer.sampler!;
  }

  get iteration(): number {
    return this.run.iteration;
  }

  /** Trained all its iterations, or stopped by a divergence or a failure. */
  get done(): boolean {
    return this.run.iteration >= this.config.training.iterations || this.status !== 'complete';
  }

  /** Continues from `soFar` (a snapshot's run, whose tensors, optimizer step and batches are already restored). */
  continueFrom(soFar: RunSoFar): void {
    this.run = soFar;
    this.trainer.iteration = soFar.iteration;
  }

  /** The checkpoint at iteration 0, when the run starts there (a continued run has it already). */
  start(): Checkpoint | null {
    return this.run.iteration === 0 ? this.checkpoint(null) : null;
  }

  /** start() where reads may be asynchronous (webgpu). */
  async startAsync(): Promise<Checkpoint | null> {
    return this.run.iteration === 0 ? readBack(this.checkpointReads(null)) : null;
  }

  /** One training iteration, with the curve point and the checkpoint due after it; a non-finite loss stops the run as diverged. */
  step(): StepOutcome {
    return readSync(this.stepReads(() => true));
  }

  /**
   * step() where reads may be asynchronous (webgpu): the step's loss stays on the device until an
   * iteration for which `readAt` is true (or a curve point or checkpoint is due), then every pending
   * step is read at once. Where reads are synchronous (wasm, cpu) this is step(), read every iteration.
   */
  stepAsync(readAt: (iteration: number) => boolean): Promise<StepOutcome> {
    return readBack(this.stepReads(readsSynchronously() ? () => true : readAt));
  }

  /** One iteration as reads (backend/readback.ts): the step, then, when read, its windows, curve point and checkpoint. */
  private *stepReads(readAt: (iteration: number) => boolean): Reads<StepOutcome> {
    const { config, run } = this;
    const { iterations, batchSize } = config.training;
    const s0 = performance.now();
    const lr = learningRateAt(config, run.iteration);
    const { x, y } = this.trainer.nextBatch();
    this.pending.push(trainStepTensors(this.net, this.optimizer, x, y, lr));
    tf.dispose([x, y]);
    this.trainer.iteration += 1;
    run.iteration += 1;
    const iteration = run.iteration;
    const curveDue = iteration % config.measure.logEvery === 0 || iteration === iterations;
    const checkpointDue = iteration % config.measure.checkpointEvery === 0 || iteration === iterations;
    const outcome: StepOutcome = { iteration, loss: Number.NaN, accuracy: Number.NaN, lr, diverged: false, curvePoint: null, checkpoint: null };
    if (!readAt(iteration) && !curveDue && !checkpointDue) {
      run.trainMs += performance.now() - s0;
      return outcome;
    }
    const steps = yield* readSteps(this.pending.splice(0));
    run.trainMs += performance.now() - s0;
    for (let k = 0; k < steps.length; k++) {
      const at = iteration - steps.length + 1 + k;
      if (!Number.isFinite(steps[k].loss)) {
        this.status = 'diverged';
        this.failure = { reason: `the training loss became ${steps[k].loss} at iteration ${at}`, iteration: at };
        outcome.diverged = true;
        outcome.loss = steps[k].loss;
        return outcome;
      }
      addStep(run.windows, steps[k]);
    }
    const last = steps[steps.length - 1];
    outcome.loss = last.loss;
    outcome.accuracy = last.correct / batchSize;
    if (curveDue) {
      const regLoss = yield* regularizationLossReads(this.net, config);
      outcome.curvePoint = closeCurveWindow(run.windows, this.net, config, iteration, lr, regLoss);
      run.curve.push(outcome.curvePoint);
    }
    if (checkpointDue) outcome.checkpoint = yield* this.checkpointReads(closeCheckpointWindow(run.windows, batchSize));
    return outcome;
  }

  /** The measurements on the whole training and test sets after the last iteration. */
  measureFinal(): NonNullable<RunRecord['final']> {
    return readSync(this.measureFinalReads());
  }

  /** measureFinal() where reads may be asynchronous (webgpu). */
  measureFinalAsync(): Promise<NonNullable<RunRecord['final']>> {
    return readBack(this.measureFinalReads());
  }

  private *measureFinalReads(): Reads<NonNullable<RunRecord['final']>> {
    const f0 = performance.now();
    const measured = yield* measureFinalReads(this.net, this.data, this.config, this.run.iteration);
    this.final = measured.final;
    this.finalTestAccuracy = measured.testAccuracy;
    this.run.measureMs += performance.now() - f0;
    return measured.final;
  }

  /** Removes the dead-by-activation filters of the final network and compares the slim network with it (reads synchronous on wasm and cpu, asynchronous on webgpu). */
  async prune(): Promise<PruningResult> {
    if (!this.final) throw new Error('prune() needs the final measurements: call measureFinal() or measureFinalAsync() first');
    const p0 = performance.now();
    this.pruning = await measurePruning(
      this.net,
      this.final.layers.map((l) => l.deadByActivation),
      this.data,
      this.finalTestAccuracy,
    );
    this.run.measureMs += performance.now() - p0;
    return this.pruning;
  }

  /** Records a failure that stopped the run (not a divergence: step() records those). */
  fail(error: unknown): void {
    this.status = 'failed';
    this.failure = { reason: error instanceof Error ? error.message : String(error), iteration: this.run.iteration };
  }

  /**
   * The run's record, with `wallSeconds` of all its segments. A run that neither finished nor
   * failed (stopped before its final measurements) is recorded as failed, for `stopped`'s reason.
   */
  record(origin: RunOrigin, wallSeconds: number, stopped = `stopped at iteration ${this.run.iteration} of ${this.config.training.iterations}`): RunRecord {
    const { config, run } = this;
    const unfinished = this.status === 'complete' && this.final === null;
    return {
      schemaVersion: RUN_RECORD_VERSION,
      kind: 'run-record',
      id: this.id,
      config,
      status: unfinished ? 'failed' : this.status,
      failure: unfinished ? { reason: stopped, iteration: run.iteration } : this.failure,
      provenance: {
        codeVersion: run.codeVersion,
        tfjsVersion: origin.tfjsVersion,
        backend: origin.backend,
        backendDetail: origin.backendDetail,
        node: origin.node,
        platform: origin.platform,
        startedAt: run.startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        wallSeconds: round6(wallSeconds),
        trainSeconds: round6(run.trainMs / 1000),
        measureSeconds: round6(run.measureMs / 1000),
        imagesPerSecond: round6(run.trainMs > 0 ? (run.iteration * config.training.batchSize) / (run.trainMs / 1000) : 0),
        ...(run.resumed.length > 0 ? { resumed: run.resumed } : {}),
        engineCode: origin.engineCode,
        flushSubnormals: this.optimizer.flushesSubnormals,
      },
      dataset: recordedDataset(this.data, this.probes.train.count),
      model: recordedModel(this.trainer.spec),
      curve: run.curve,
      checkpoints: run.checkpoints,
      final: this.final,
      pruning: this.pruning,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.trainer.dispose();
    if (this.probes.mechanism) tf.dispose([this.probes.mechanism.x, this.probes.mechanism.y]);
  }

  private checkpoint(window: { loss: number; accuracy: number } | null): Checkpoint {
    return readSync(this.checkpointReads(window));
  }

  private *checkpointReads(window: { loss: number; accuracy: number } | null): Reads<Checkpoint> {
    this.onMeasure();
    const m0 = performance.now();
    const checkpoint = yield* measureCheckpointReads(this.net, this.probes, this.config, this.run.iteration, window);
    this.run.checkpoints.push(checkpoint);
    this.run.measureMs += performance.now() - m0;
    return checkpoint;
  }
}

/** Removes the dead-by-activation filters and compares the slim network with the original. */
async function measurePruning(net: Network, dead: number[][], data: ImageDataset, accuracyBefore: number): Promise<PruningResult> {
  const { slim, keep } = await readBack(pruneNetworkReads(net, dead));
  try {
    const accuracyAfter = (await readBack(evaluateReads(slim, data.test, { filters: false }))).accuracy;
    const batchSize = 256;
    const [before, after] = readsSynchronously()
      ? compareThroughput(net, slim, data.test, batchSize)
      : await compareThroughputAsync(net, slim, data.test, batchSize);
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
