// One lab run, stepped an iteration at a time so the worker can pause between steps: the engine's
// own run loop (experiments/stepper.ts RunStepper, which experiments/run.ts runExperiment drives
// in Node) on the lab's data, so that a lab run and a Node run of the same configuration give the
// same record (test/site/lab/session.test.ts compares them).
import type { RunConfig } from '../../experiments/config.js';
import { prepareDataset, type ImageDataset } from '../../experiments/data/dataset.js';
import type { RawDataset } from '../../experiments/data/idx.js';
import { freshRun, RunStepper, type StepOutcome } from '../../experiments/stepper.js';
import { runRecordSchema, type Checkpoint, type CurvePoint, type RunRecord } from '../../data/schemas/run-record.js';

export type { StepOutcome };

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

export class LabSession {
  readonly id: string;
  readonly data: ImageDataset;
  private readonly stepper: RunStepper;

  constructor(
    readonly config: RunConfig,
    raw: RawDataset,
    private readonly environment: LabEnvironment,
  ) {
    this.data = prepareDataset(
      raw,
      { name: config.data.dataset, classes: config.data.classes, trainSubset: config.data.trainSubset, seed: config.training.seed },
      'lab',
    );
    this.stepper = new RunStepper(config, this.data, { soFar: freshRun(new Date(), environment.codeVersion) });
    this.id = this.stepper.id;
    this.stepper.start();
  }

  get iteration(): number {
    return this.stepper.iteration;
  }

  get curve(): CurvePoint[] {
    return this.stepper.run.curve;
  }

  get checkpoints(): Checkpoint[] {
    return this.stepper.run.checkpoints;
  }

  get status(): RunRecord['status'] {
    return this.stepper.status;
  }

  get failure(): RunRecord['failure'] {
    return this.stepper.failure;
  }

  get final(): RunRecord['final'] {
    return this.stepper.final;
  }

  get done(): boolean {
    return this.stepper.done;
  }

  get trainSeconds(): number {
    return this.stepper.run.trainMs / 1000;
  }

  /** One training iteration, with the curve point and checkpoint due after it. */
  step(): StepOutcome {
    return this.stepper.step();
  }

  /** The measurements on the whole training and test sets after the last iteration (the lab does not prune). */
  finish(): NonNullable<RunRecord['final']> {
    return this.stepper.measureFinal();
  }

  /**
   * The run record so far, validated against the schema. A run stopped before its last
   * iteration is recorded as failed, with the iteration it stopped at.
   */
  record(wallSeconds: number): RunRecord {
    const { environment } = this;
    const record = this.stepper.record(
      {
        tfjsVersion: environment.tfjsVersion,
        backend: 'wasm',
        backendDetail: environment.backendDetail,
        node: environment.runtime,
        platform: environment.platform,
        engineCode: environment.engineCode,
      },
      wallSeconds,
      `stopped in the live lab at iteration ${this.iteration} of ${this.config.training.iterations}`,
    );
    return runRecordSchema.parse(record);
  }

  dispose(): void {
    this.stepper.dispose();
  }
}
