// One lab run, stepped an iteration at a time so the worker can pause between steps: the
// engine's own network, training step, optimizer and measurements, in the order and with the
// bookkeeping of experiments/run.ts runExperiment, so that a lab run and a Node run of the same
// configuration give the same record (test/site/lab.test.ts compares them).
import * as tf from '@tensorflow/tfjs-core';
import { configHash, learningRateAt, type RunConfig } from '../../experiments/config.js';
import { prepareDataset, recordedDataset, type ImageDataset } from '../../experiments/data/dataset.js';
import type { RawDataset } from '../../experiments/data/idx.js';
import { basicNetSpec, buildNetwork, disposeNetwork, initialWeights, recordedModel, trainables, type Network } from '../../experiments/model.js';
import { createOptimizer, type Optimizer } from '../../experiments/optimizers.js';
import { BatchSampler, trainStep } from '../../experiments/train.js';
import { addStep, closeCheckpointWindow, closeCurveWindow, emptyWindows } from '../../experiments/loss-windows.js';
import { measureCheckpoint, measureFinal, probeSubset, round6, type CheckpointProbes } from '../../experiments/measure.js';
import { createRandom } from '../../experiments/random.js';
import { RUN_RECORD_VERSION, runRecordSchema, type Checkpoint, type CurvePoint, type RunRecord } from '../../data/schemas/run-record.js';

/** Where and with what the lab runs (the record's provenance). */
export interface LabEnvironment {
  codeVersion: string;
  engineCode: string;
  tfjsVersion: string;
  backendDetail: string;
  /** The browser (the record's `node` field names the JavaScript runtime). */
  runtime: string;
  platform: string;
}

/** What one iteration produced besides the step itself. */
export interface StepOutcome {
  iteration: number;
  loss: number;
  accuracy: number;
  curvePoint: CurvePoint | null;
  checkpoint: Checkpoint | null;
}

export class LabSession {
  readonly id: string;
  readonly data: ImageDataset;
  readonly curve: CurvePoint[] = [];
  readonly checkpoints: Checkpoint[] = [];
  iteration = 0;
  status: RunRecord['status'] = 'complete';
  failure: RunRecord['failure'] = null;
  final: RunRecord['final'] = null;
  private readonly net: Network;
  private readonly optimizer: Optimizer;
  private readonly sampler: BatchSampler;
  /** The lab measures no mechanism: its presets do not ask for it. */
  private readonly probes: CheckpointProbes;
  private readonly startedAt = new Date();
  private trainMs = 0;
  private measureMs = 0;
  private readonly windows = emptyWindows();
  private disposed = false;

  constructor(
    readonly config: RunConfig,
    raw: RawDataset,
    private readonly environment: LabEnvironment,
  ) {
    this.id = configHash(config);
    this.data = prepareDataset(raw, { name: config.data.dataset, classes: config.data.classes, trainSubset: config.data.trainSubset, seed: config.training.seed }, 'lab');
    const data = this.data;
    const shape: [number, number, number] = [data.height, data.width, data.channels];
    const spec = basicNetSpec(config, shape, data.numClasses);
    this.net = buildNetwork(spec, initialWeights(spec, createRandom(config.training.seed, 'init')));
    this.optimizer = createOptimizer(config, trainables(this.net));
    this.sampler = new BatchSampler(data.train, config.training.batchSize, shape, data.numClasses, config.training.seed);
    this.probes = {
      train: probeSubset(data.train, config.data.probeSize, config.training.seed, shape[0] * shape[1] * shape[2]),
      test: { ...data.test, count: Math.min(config.data.probeSize, data.test.count) },
      mechanism: null,
    };
    this.checkpoint(null);
  }

  get done(): boolean {
    return this.iteration >= this.config.training.iterations || this.status !== 'complete';
  }

  get trainSeconds(): number {
    return this.trainMs / 1000;
  }

  /** One training iteration, with the curve point and checkpoint due after it. */
  step(): StepOutcome {
    const { config, windows } = this;
    const { iterations, batchSize } = config.training;
    const s0 = performance.now();
    const lr = learningRateAt(config, this.iteration);
    const { x, y } = this.sampler.next();
    const step = trainStep(this.net, this.optimizer, x, y, lr);
    tf.dispose([x, y]);
    this.iteration += 1;
    this.trainMs += performance.now() - s0;
    const outcome: StepOutcome = { iteration: this.iteration, loss: step.loss, accuracy: step.correct / batchSize, curvePoint: null, checkpoint: null };
    if (!Number.isFinite(step.loss)) {
      this.status = 'diverged';
      this.failure = { reason: `the training loss became ${step.loss} at iteration ${this.iteration}`, iteration: this.iteration };
      return outcome;
    }
    addStep(windows, step);
    if (this.iteration % config.measure.logEvery === 0 || this.iteration === iterations) {
      outcome.curvePoint = closeCurveWindow(windows, this.net, config, this.iteration, lr);
      this.curve.push(outcome.curvePoint);
    }
    if (this.iteration % config.measure.checkpointEvery === 0 || this.iteration === iterations) {
      outcome.checkpoint = this.checkpoint(closeCheckpointWindow(windows, batchSize));
    }
    return outcome;
  }

  /** The measurements on the whole training and test sets after the last iteration. */
  finish(): NonNullable<RunRecord['final']> {
    const f0 = performance.now();
    const { final } = measureFinal(this.net, this.data, this.config, this.iteration);
    this.final = final;
    this.measureMs += performance.now() - f0;
    return final;
  }

  /**
   * The run record so far, validated against the schema. A run stopped before its last
   * iteration is recorded as failed, with the iteration it stopped at.
   */
  record(wallSeconds: number): RunRecord {
    const { config, data, net } = this;
    const stopped = this.status === 'complete' && this.final === null;
    const record: RunRecord = {
      schemaVersion: RUN_RECORD_VERSION,
      kind: 'run-record',
      id: this.id,
      config,
      status: stopped ? 'failed' : this.status,
      failure: stopped ? { reason: `stopped in the live lab at iteration ${this.iteration} of ${config.training.iterations}`, iteration: this.iteration } : this.failure,
      provenance: {
        codeVersion: this.environment.codeVersion,
        tfjsVersion: this.environment.tfjsVersion,
        backend: 'wasm',
        backendDetail: this.environment.backendDetail,
        node: this.environment.runtime,
        platform: this.environment.platform,
        startedAt: this.startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        wallSeconds: round6(wallSeconds),
        trainSeconds: round6(this.trainMs / 1000),
        measureSeconds: round6(this.measureMs / 1000),
        imagesPerSecond: round6(this.trainMs > 0 ? (this.iteration * config.training.batchSize) / (this.trainMs / 1000) : 0),
        engineCode: this.environment.engineCode,
        flushSubnormals: this.optimizer.flushesSubnormals,
      },
      dataset: recordedDataset(data, this.probes.train.count),
      model: recordedModel(net.spec),
      curve: this.curve,
      checkpoints: this.checkpoints,
      final: this.final,
      pruning: null,
    };
    return runRecordSchema.parse(record);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    disposeNetwork(this.net);
  }

  private checkpoint(window: { loss: number; accuracy: number } | null): Checkpoint {
    const m0 = performance.now();
    const checkpoint = measureCheckpoint(this.net, this.probes, this.config, this.iteration, window);
    this.checkpoints.push(checkpoint);
    this.measureMs += performance.now() - m0;
    return checkpoint;
  }
}
