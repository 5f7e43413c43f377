// Runs the pipeline CLI as a separate process, as a user would, for the end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_SNAPSHOT_VERSION, snapshotPath, writeSnapshot } from '../../experiments/snapshot.js';
import { recordPath } from '../../pipeline/records.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FAKE_ENGINE = `${process.execPath} --import tsx ${join(REPO, 'test', 'pipeline', 'fake-engine.ts')}`;
export const TINY_STUDIES = join(REPO, 'test', 'pipeline', 'tiny-studies.ts');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `pipeline/cli.ts` with `args` in its own process group (so a test can kill the whole group). */
export function startPipeline(args: string[], env: Record<string, string> = {}): ChildProcess & { finished: Promise<Finished> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'pipeline', 'cli.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const finished = new Promise<Finished>((resolveDone) => child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr })));
  return Object.assign(child, { finished });
}

export function runPipeline(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return startPipeline(args, env).finished;
}

/** The hashes the fake engine started training, in order (one line per training). */
export function trainings(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The snapshot a run killed at `iteration` leaves beside its record in the results folder `root`
 * (quick scale), written by `engine` (an engine code digest): empty tensors and windows, no curve.
 */
export function writeHalfwaySnapshot(root: string, hash: string, iteration: number, engine: string): void {
  writeSnapshot(snapshotPath(recordPath(root, 'quick', hash)), {
    schemaVersion: RUN_SNAPSHOT_VERSION,
    kind: 'run-snapshot',
    id: hash,
    codeVersion: 'test',
    engineCode: engine,
    backend: 'cpu',
    iteration,
    startedAt: new Date().toISOString(),
    wallSeconds: 1,
    trainSeconds: 1,
    measureSeconds: 0,
    resumed: [],
    windows: { loss: 0, correct: 0, steps: 0, logLoss: 0, logCorrect: 0, logSteps: 0 },
    optimizerStep: iteration,
    tensors: {},
    curve: [],
    checkpoints: [],
  });
}
