// Snapshots of unfinished runs: at every checkpoint the engine writes the network, the optimizer
// state and what the record has gathered so far next to the record (`<hash>.snapshot.json`), so a
// killed run continues from its last checkpoint instead of from iteration 0. Continuing gives the
// same record, to the bit, as a run that was never stopped (test/experiments/snapshot.test.ts);
// a snapshot from other code or another backend is not used.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { readSync, type Reads } from './backend/readback.js';
import { writeJsonAtomic } from './record-file.js';
import type { Network } from './model.js';
import type { Optimizer } from './optimizers.js';
import type { BatchSampler } from './train.js';
import { RUN_SNAPSHOT_VERSION, runSnapshotSchema, type RunSnapshot } from '../data/schemas/run-snapshot.js';
import type { Checkpoint, CurvePoint } from '../data/schemas/run-record.js';

export { RUN_SNAPSHOT_VERSION, type RunSnapshot };

/** What a run has gathered up to its current iteration besides its tensors: what a snapshot keeps. */
export interface RunSoFar {
  iteration: number;
  curve: CurvePoint[];
  checkpoints: Checkpoint[];
  /** Sums over the training batches since the last checkpoint (loss, correct, steps) and the last curve point (log*). */
  windows: RunSnapshot['windows'];
  trainMs: number;
  measureMs: number;
  /** When the run's first segment started, and the wall time of the segments before this one. */
  startedAt: Date;
  earlierWallSeconds: number;
  resumed: RunSnapshot['resumed'];
  /** The commit the run started from: a continued run keeps its first segment's (same engine code). */
  codeVersion: string;
}

/** Which run a snapshot belongs to: it is continued only by the same run, engine code and backend. */
export interface SnapshotOwner {
  id: string;
  engineCode: string;
  backend: string;
}

/** The parts of a run that continuing restores in place. */
export interface RunState {
  tensors: ReadonlyMap<string, tf.Variable>;
  optimizer: Optimizer;
  sampler: BatchSampler;
}

/**
 * Continues a run from the snapshot at `path` when it holds this run: restores the tensors, the
 * optimizer's step and the sampler's place, and returns the run so far (the fresh run when there
 * is no usable snapshot, with the reason when one was found but cannot be used).
 */
export function resumeRun(
  path: string,
  owner: SnapshotOwner & { iterations: number },
  state: RunState,
  fresh: RunSoFar,
): { soFar: RunSoFar; resumed: boolean; unusable: string | null } {
  const found = findSnapshot(path, owner);
  if (found.kind === 'none') return { soFar: fresh, resumed: false, unusable: null };
  if (found.kind === 'unusable') return { soFar: fresh, resumed: false, unusable: found.reason };
  const s = found.snapshot;
  restoreTensors(s.tensors, state.tensors);
  state.optimizer.setIterations(s.optimizerStep);
  state.sampler.skip(s.iteration);
  return {
    soFar: {
      iteration: s.iteration,
      curve: [...s.curve],
      checkpoints: [...s.checkpoints],
      windows: { ...s.windows },
      trainMs: s.trainSeconds * 1000,
      measureMs: s.measureSeconds * 1000,
      startedAt: new Date(s.startedAt),
      earlierWallSeconds: s.wallSeconds,
      // Each segment notes the commit it ran from; the record keeps the first one's.
      resumed: [...s.resumed, { iteration: s.iteration, at: fresh.startedAt.toISOString(), codeVersion: fresh.codeVersion }],
      codeVersion: s.codeVersion,
    },
    resumed: true,
    unusable: null,
  };
}

/** Writes the snapshot of a run at its current iteration (`wallSeconds` of all its segments so far). */
export function saveRunSnapshot(path: string, owner: SnapshotOwner, soFar: RunSoFar, wallSeconds: number, state: Omit<RunState, 'sampler'>): void {
  readSync(saveRunSnapshotReads(path, owner, soFar, wallSeconds, state));
}

export function* saveRunSnapshotReads(path: string, owner: SnapshotOwner, soFar: RunSoFar, wallSeconds: number, state: Omit<RunState, 'sampler'>): Reads<void> {
  const tensors = yield* encodeTensorsReads(state.tensors);
  writeSnapshot(path, {
    schemaVersion: RUN_SNAPSHOT_VERSION,
    kind: 'run-snapshot',
    id: owner.id,
    codeVersion: soFar.codeVersion,
    engineCode: owner.engineCode,
    backend: owner.backend,
    iteration: soFar.iteration,
    startedAt: soFar.startedAt.toISOString(),
    wallSeconds,
    trainSeconds: soFar.trainMs / 1000,
    measureSeconds: soFar.measureMs / 1000,
    resumed: soFar.resumed,
    windows: { ...soFar.windows },
    optimizerStep: state.optimizer.iterations,
    tensors,
    curve: soFar.curve,
    checkpoints: soFar.checkpoints,
  });
}

/** Where the snapshot of the run whose record goes to `recordPath` lives. */
export function snapshotPath(recordPath: string): string {
  return `${recordPath.replace(/\.json$/, '')}.snapshot.json`;
}

/** Every tensor a run's future depends on, under names that do not depend on the process. */
export function stateTensors(net: Network, optimizer: Optimizer): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  net.blocks.forEach((b, i) => {
    out.set(`conv${i}/kernel`, b.kernel);
    out.set(`conv${i}/gamma`, b.gamma);
    out.set(`conv${i}/beta`, b.beta);
    out.set(`conv${i}/running_mean`, b.runningMean);
    out.set(`conv${i}/running_variance`, b.runningVariance);
  });
  out.set('head/weight', net.headWeight);
  out.set('head/bias', net.headBias);
  for (const [name, v] of optimizer.slots) out.set(`optimizer/${name}`, v);
  return out;
}

export function encodeTensors(tensors: ReadonlyMap<string, tf.Variable>): RunSnapshot['tensors'] {
  return readSync(encodeTensorsReads(tensors));
}

export function* encodeTensorsReads(tensors: ReadonlyMap<string, tf.Variable>): Reads<RunSnapshot['tensors']> {
  const out: RunSnapshot['tensors'] = {};
  const entries = [...tensors];
  const all = yield entries.map(([, v]) => v);
  entries.forEach(([name, v], i) => {
    const values = all[i];
    out[name] = { shape: [...v.shape], data: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64') };
  });
  return out;
}

/** Assigns the snapshot's values to the run's tensors; names, shapes and sizes must all match. */
export function restoreTensors(saved: RunSnapshot['tensors'], tensors: ReadonlyMap<string, tf.Variable>): void {
  const expected = [...tensors.keys()].sort();
  const found = Object.keys(saved).sort();
  if (expected.join('\n') !== found.join('\n')) {
    const missing = expected.filter((n) => !(n in saved));
    const extra = found.filter((n) => !tensors.has(n));
    throw new Error(`the snapshot holds other tensors than this run (missing: ${missing.join(', ') || 'none'}; unknown: ${extra.join(', ') || 'none'})`);
  }
  for (const [name, v] of tensors) {
    const { shape, data } = saved[name];
    if (shape.join('x') !== v.shape.join('x')) throw new Error(`the snapshot's ${name} has shape ${shape.join('x')}, the run's ${v.shape.join('x')}`);
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length !== v.size * 4) throw new Error(`the snapshot's ${name} holds ${bytes.length} bytes, not ${v.size * 4}`);
    const values = new Float32Array(v.size);
    new Uint8Array(values.buffer).set(bytes);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
  }
}

export function writeSnapshot(path: string, snapshot: RunSnapshot): void {
  writeJsonAtomic(path, runSnapshotSchema.parse(snapshot));
}

export type SnapshotLookup = { kind: 'none' } | { kind: 'usable'; snapshot: RunSnapshot } | { kind: 'unusable'; reason: string };

/** The valid snapshot at `path`, or why there is none. */
function readSnapshot(path: string): SnapshotLookup {
  if (!existsSync(path)) return { kind: 'none' };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { kind: 'unusable', reason: `${path} is not readable JSON (${(error as Error).message})` };
  }
  const parsed = runSnapshotSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ');
    return { kind: 'unusable', reason: `${path} does not match the run-snapshot schema (${first})` };
  }
  return { kind: 'usable', snapshot: parsed.data };
}

/** The snapshot at `path` if the run can continue from it: same run, engine code and backend, not past the end. */
export function findSnapshot(path: string, run: { id: string; engineCode: string; backend: string; iterations: number }): SnapshotLookup {
  const read = readSnapshot(path);
  if (read.kind !== 'usable') return read;
  const s = read.snapshot;
  if (s.id !== run.id) return { kind: 'unusable', reason: `${path} belongs to run ${s.id}, not ${run.id}` };
  if (s.engineCode !== run.engineCode || s.engineCode === 'unknown') {
    return {
      kind: 'unusable',
      reason: `${path} was written by other engine code (${s.engineCode}, commit ${s.codeVersion}); this is ${run.engineCode} (a run continues only under the same engine code)`,
    };
  }
  if (s.backend !== run.backend) return { kind: 'unusable', reason: `${path} was written on the ${s.backend} backend; this run uses ${run.backend}` };
  if (s.iteration >= run.iterations) return { kind: 'unusable', reason: `${path} is at iteration ${s.iteration}, not before the last (${run.iterations})` };
  return { kind: 'usable', snapshot: s };
}

/**
 * Where a valid snapshot at `path` stands, and whether an engine whose code digest is `engine`
 * continues from it (other engine code restarts the run from 0). Null when there is none or it is unreadable.
 */
export function snapshotStanding(path: string, engine: string): { iteration: number; continues: boolean } | null {
  const read = readSnapshot(path);
  if (read.kind !== 'usable') return null;
  return { iteration: read.snapshot.iteration, continues: read.snapshot.engineCode === engine && engine !== 'unknown' };
}

export function removeSnapshot(path: string): void {
  rmSync(path, { force: true });
}
