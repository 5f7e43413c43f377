// Runs the missing runs of a plan in parallel worker processes: one engine CLI process per run,
// at most `workers` at a time, each run under a lock so that no two processes train it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { canonicalJson } from '../experiments/config-hash.js';
import { DISK_FULL_EXIT_CODE, isDiskFull, writeFileAtomic } from '../experiments/record-file.js';
import type { Plan, PlannedRun } from './plan.js';
import { isSettled, locksDir, recordPath, runState, type RunState } from './records.js';
import { staleness, tryLock, type Lock } from './lock.js';
import { relativeCost, runWork } from './estimate.js';
import type { Reporter, RunProgress, SweepSnapshot } from './progress.js';

export interface EngineOptions {
  /** argv of the experiment CLI before its flags, e.g. [node, --import, tsx, experiments/cli.ts]. */
  command: string[];
  cwd: string;
  backend?: string;
  /** Fashion-MNIST folder (default: the engine's). */
  dataDir?: string;
  /** Folder holding CIFAR-10/100 in their binary versions. */
  cifarDir?: string;
}

export interface SweepOptions {
  root: string;
  workers: number;
  engine: EngineOptions;
  /** Train runs whose record says failed again (default: keep the failure). */
  retryFailed: boolean;
  reporter: Reporter;
  /** Speed (reference images/s per worker) for the ETA until the engines report theirs. */
  speed: number;
  /** How often to look again at a run another process holds. */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface SweepSummary {
  /** Runs that already had a settled record when the sweep began. */
  alreadyDone: number;
  /** Records this sweep's engines wrote, by status. */
  trained: { complete: number; diverged: number; failed: number };
  /** Runs another process finished while this sweep waited for them. */
  doneElsewhere: number;
  /** Runs whose engine exited without a valid record (a crash or a data error): still pending. */
  crashed: Array<{ hash: string; label: string; reason: string }>;
  /** Records found unreadable or invalid (they were redone). */
  corrupt: string[];
  interrupted: boolean;
  /** Set when a write met a full disk: the sweep started no run after it (the message says what to do). */
  diskFull: string | null;
}

interface Active {
  run: PlannedRun;
  work: number;
  progress: RunProgress;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long the end of a sweep waits for the engine of a killed pipeline to exit after writing its record. */
const ORPHAN_EXIT_MS = 10_000;

/**
 * Removes the locks of runs that have their record and whose holders have exited. An engine
 * orphaned by a pipeline killed with -9 writes its record and exits with its lock still there
 * (the pipeline that would have removed it is gone); a later sweep skips that run as done, so it
 * clears the lock here, once the engine has exited.
 */
async function removeSettledLocks(root: string, scale: Plan['scale'], hashes: readonly string[]): Promise<void> {
  const dir = locksDir(root, scale);
  if (!existsSync(dir)) return;
  const deadline = Date.now() + ORPHAN_EXIT_MS;
  for (const hash of hashes) {
    const path = join(dir, `${hash}.lock`);
    if (!existsSync(path) || !isSettled(runState(root, scale, hash), false)) continue;
    while (staleness(path) === null && existsSync(path) && Date.now() < deadline) await sleep(100);
    if (staleness(path) !== null) rmSync(path, { force: true });
  }
}

/** The engine CLI flags for one run. */
export function engineArgs(engine: EngineOptions, run: PlannedRun, configFile: string, out: string, progress: 'jsonl' | 'none'): string[] {
  const args = [...engine.command, '--config', configFile, '--out', out, '--progress', progress];
  if (engine.backend) args.push('--backend', engine.backend);
  const dataDir = run.config.data.dataset === 'fashion-mnist' ? engine.dataDir : engine.cifarDir;
  if (dataDir) args.push('--data-dir', dataDir);
  return args;
}

export async function runSweep(plan: Plan, options: SweepOptions): Promise<SweepSummary> {
  const { root, reporter } = options;
  const scale = plan.scale;
  const pollMs = options.pollMs ?? 2000;
  const sweepStart = new Date().toISOString();
  const summary: SweepSummary = {
    alreadyDone: 0,
    trained: { complete: 0, diverged: 0, failed: 0 },
    doneElsewhere: 0,
    crashed: [],
    corrupt: [],
    interrupted: false,
    diskFull: null,
  };
  /** A full disk stops the sweep: no run is started after it (the running ones go on to their end). */
  const stopForFullDisk = (message: string) => {
    if (summary.diskFull) return;
    summary.diskFull = message;
    reporter.note(`disk full: no further runs are started. ${message}`);
  };
  const stopped = () => (options.signal?.aborted ?? false) || summary.diskFull !== null;

  const queue: PlannedRun[] = [];
  for (const run of plan.runs) {
    const state = runState(root, scale, run.hash);
    if (state.kind === 'corrupt') {
      summary.corrupt.push(state.reason);
      reporter.note(`corrupt record, will be redone: ${state.reason}`);
    }
    if (isSettled(state, options.retryFailed)) summary.alreadyDone++;
    else queue.push(run);
  }
  const total = queue.length;
  reporter.begin(total, summary.alreadyDone);
  const waiting: PlannedRun[] = [];
  const active = new Map<number, Active>();
  const children = new Set<{ kill(signal?: NodeJS.Signals): Promise<void> }>();
  const noted = new Set<string>();
  const finishedSpeeds: number[] = [];
  let finished = 0;
  const configDir = mkdtempSync(join(tmpdir(), 'ifs-sweep-'));

  const snapshot = (): SweepSnapshot => {
    let remaining = [...queue, ...waiting].reduce((s, r) => s + runWork(r.config), 0);
    let imagesPerSecond = 0;
    const speeds: number[] = [];
    for (const a of active.values()) {
      remaining += a.work * (1 - a.progress.iteration / Math.max(1, a.progress.iterations));
      if (a.progress.imagesPerSecond) {
        imagesPerSecond += a.progress.imagesPerSecond;
        speeds.push(a.progress.imagesPerSecond * relativeCost(a.run.config));
      }
    }
    // Runs finished in this sweep know their whole cost (measurements, start-up); until one has,
    // the engines' training speed is the best guess.
    const perWorker = finishedSpeeds.length
      ? finishedSpeeds[Math.floor((finishedSpeeds.length - 1) / 2)]
      : speeds.length
        ? speeds.reduce((a, b) => a + b, 0) / speeds.length
        : options.speed;
    const parallel = Math.max(1, Math.min(options.workers, queue.length + waiting.length + active.size));
    return { done: finished, total, imagesPerSecond, etaSeconds: remaining / (perWorker * parallel) };
  };

  /** Settled by now, counting a failure only if it was recorded during this sweep when retrying. */
  const settledNow = (state: RunState): boolean =>
    isSettled(state, options.retryFailed) || (state.kind === 'failed' && state.record.provenance.startedAt >= sweepStart);

  const train = async (worker: number, run: PlannedRun, lock: Lock): Promise<void> => {
    const out = recordPath(root, scale, run.hash);
    const configFile = join(configDir, `${run.hash}.json`);
    writeFileAtomic(configFile, `${canonicalJson(run.config)}\n`);
    const entry: Active = {
      run,
      work: runWork(run.config),
      progress: { iteration: 0, iterations: run.config.training.iterations, loss: null, accuracy: null, imagesPerSecond: null, phase: 'start' },
    };
    active.set(worker, entry);
    reporter.runStarted(worker, run.label, run.hash, run.config.training.iterations);
    const args = engineArgs(options.engine, run, configFile, out, 'jsonl');
    const child = $({ cwd: options.engine.cwd, quiet: true, nothrow: true })`${args}`;
    children.add(child);
    // Another host took the run over (this one was unreachable past the lock's timeout): stop
    // training it here; its snapshot lets the other host continue.
    lock.onLost((why) => {
      reporter.note(`[w${worker}] ${run.hash}: ${why}; stopping this engine`);
      try {
        child.kill('SIGTERM').catch(() => {});
      } catch {
        // already exited
      }
    });
    for (let i = 0; i < 200 && child.pid === undefined; i++) await sleep(5);
    if (child.pid !== undefined) {
      try {
        lock.setChild(child.pid);
      } catch (error) {
        // The lock still names this process, whose heartbeat keeps it held while the engine runs.
        if (!isDiskFull(error)) throw error;
        stopForFullDisk((error as Error).message);
      }
    }
    for await (const line of child) {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (event.type === 'progress') {
        Object.assign(entry.progress, {
          iteration: Number(event.iteration),
          iterations: Number(event.iterations),
          loss: Number(event.loss),
          accuracy: Number(event.accuracy),
          imagesPerSecond: Number(event.imagesPerSecond),
          phase: 'train',
        });
      } else if (event.type === 'phase') {
        entry.progress.phase = String(event.phase);
      } else if (event.type === 'resumed') {
        reporter.note(`[w${worker}] ${run.hash} continues from its snapshot at iteration ${Number(event.iteration)}`);
        continue;
      } else if (event.type === 'notice') {
        reporter.note(`[w${worker}] ${run.hash}: ${String(event.message)}`);
        continue;
      } else continue;
      reporter.runProgress(worker, entry.progress, snapshot());
    }
    const result = await child;
    children.delete(child);
    active.delete(worker);
    finished++;
    const state = runState(root, scale, run.hash);
    let message: string;
    let ok = false;
    if (state.kind === 'complete' || state.kind === 'diverged' || state.kind === 'failed') {
      summary.trained[state.kind]++;
      const p = state.record.provenance;
      if (state.kind !== 'failed') {
        finishedSpeeds.push(runWork(run.config) / Math.max(1, p.wallSeconds));
        finishedSpeeds.sort((a, b) => a - b);
      }
      const why = state.record.failure ? `: ${state.record.failure.reason}` : '';
      message = `${state.kind} ${run.hash} ${run.label} (${p.wallSeconds.toFixed(0)} s, ${p.imagesPerSecond.toFixed(0)} img/s)${why}`;
      ok = state.kind !== 'failed';
    } else {
      const tail = result.stderr.trim().split('\n').slice(-5).join(' | ');
      if (result.exitCode === DISK_FULL_EXIT_CODE)
        stopForFullDisk(
          result.stderr
            .trim()
            .split('\n')
            .filter((l) => l.startsWith('error: '))
            .pop()
            ?.slice(7) ?? tail,
        );
      const reason = state.kind === 'corrupt' ? state.reason : `the engine exited with ${result.exitCode ?? result.signal} and wrote no record: ${tail}`;
      if (!options.signal?.aborted) summary.crashed.push({ hash: run.hash, label: run.label, reason });
      message = `no record for ${run.hash} ${run.label}: ${reason}`;
    }
    reporter.runFinished(worker, message, ok, snapshot());
  };

  const workerLoop = async (worker: number): Promise<void> => {
    while (!stopped()) {
      const run = queue.shift();
      if (!run) {
        if (waiting.length === 0) return;
        await sleep(pollMs);
        queue.push(...waiting.splice(0));
        continue;
      }
      let attempt: ReturnType<typeof tryLock>;
      try {
        attempt = tryLock(join(locksDir(root, scale), `${run.hash}.lock`));
      } catch (error) {
        if (!isDiskFull(error)) throw error;
        stopForFullDisk((error as Error).message);
        queue.unshift(run);
        return;
      }
      if (!attempt.acquired) {
        if (!noted.has(run.hash)) {
          noted.add(run.hash);
          const who = attempt.holder ? `pid ${attempt.holder.pid} on ${attempt.holder.host}` : 'another process';
          reporter.note(`${run.hash} ${run.label} is being trained by ${who}; waiting for it`);
        }
        waiting.push(run);
        continue;
      }
      try {
        if (settledNow(runState(root, scale, run.hash))) {
          summary.doneElsewhere++;
          finished++;
          continue;
        }
        await train(worker, run, attempt.lock);
      } catch (error) {
        if (!isDiskFull(error)) throw error;
        stopForFullDisk((error as Error).message);
      } finally {
        attempt.lock.release();
      }
    }
  };

  const onAbort = () => {
    for (const child of children) {
      try {
        child.kill('SIGTERM').catch(() => {});
      } catch {
        // already exited
      }
    }
  };
  options.signal?.addEventListener('abort', onAbort);
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.workers) }, (_, i) => workerLoop(i + 1)));
    if (!options.signal?.aborted)
      await removeSettledLocks(
        root,
        scale,
        plan.runs.map((r) => r.hash),
      );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    rmSync(configDir, { recursive: true, force: true });
    reporter.stop();
  }
  summary.interrupted = options.signal?.aborted ?? false;
  return summary;
}
