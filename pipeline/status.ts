// `npm run pipeline -- status`: per study, how many runs are complete, diverged, failed, running
// (locked by a live process) or pending, the live and the stale locks, and the compute the scale
// needs in total and still.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../data/schemas/run-record.js';
import type { Plan } from './plan.js';
import { locksDir, recordPath, runState, type RunState } from './records.js';
import { snapshotStanding, snapshotPath } from '../experiments/snapshot.js';
import { engineCode } from '../experiments/provenance.js';
import { heartbeatAge, readLock, staleness } from './lock.js';
import { calibratedSpeed, runSeconds } from './estimate.js';
import { duration } from '../data/duration.js';
import { taskLogs, type TaskLog } from './slurm.js';

export type RunStatus = 'complete' | 'diverged' | 'failed' | 'running' | 'pending';

/** The label of records written before the engine code digest was stored (provenance.engineCode). */
export const UNRECORDED_ENGINE = 'not recorded';

/** How many of the records came from each engine code digest (UNRECORDED_ENGINE for older records). */
export function engineVersions(records: ReadonlyArray<Pick<RunRecord, 'provenance'>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records) {
    const key = r.provenance.engineCode ?? UNRECORDED_ENGINE;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export interface StatusReport {
  text: string;
  counts: Record<RunStatus, number>;
  /** Per study name: counts of its runs. */
  studies: Record<string, Record<RunStatus, number>>;
  /** Per study name: its records per engine code digest (see engineVersions). */
  engines: Record<string, Record<string, number>>;
  remainingSeconds: number;
  totalSeconds: number;
  speed: number;
  /** The newest Slurm task log of each failed or pending (not running) run that a task trained. */
  slurmTasks: TaskLog[];
  /** Locks of unsettled runs: live ones (the run is being trained) and stale ones (the next sweep takes the run over). */
  locks: { live: LockView[]; stale: LockView[] };
}

export interface LockView {
  hash: string;
  label: string;
  /** Who took it, as the lock says ("pid 123 on node7"), or "unreadable". */
  holder: string;
  /** Seconds since its last heartbeat. */
  heartbeatSeconds: number;
  /** Why it is stale (null for a live lock). */
  stale: string | null;
}

/** The lock of every unsettled run that has one, live or stale. */
function lockViews(root: string, plan: Plan, unsettled: Plan['runs']): { live: LockView[]; stale: LockView[] } {
  const live: LockView[] = [];
  const stale: LockView[] = [];
  for (const r of unsettled) {
    const path = join(locksDir(root, plan.scale), `${r.hash}.lock`);
    const age = heartbeatAge(path);
    if (age === null) continue;
    const info = readLock(path);
    const why = staleness(path);
    if (why === 'gone') continue;
    const view = { hash: r.hash, label: r.label, holder: info ? `pid ${info.pid} on ${info.host}` : 'unreadable', heartbeatSeconds: age / 1000, stale: why };
    (why ? stale : live).push(view);
  }
  return { live, stale };
}

function classify(root: string, plan: Plan, hash: string, state: RunState): RunStatus {
  if (state.kind === 'complete' || state.kind === 'diverged' || state.kind === 'failed') return state.kind;
  const lock = join(locksDir(root, plan.scale), `${hash}.lock`);
  return existsSync(lock) && !staleness(lock) ? 'running' : 'pending';
}

const STATUSES: RunStatus[] = ['complete', 'diverged', 'failed', 'running', 'pending'];
const zero = (): Record<RunStatus, number> => ({ complete: 0, diverged: 0, failed: 0, running: 0, pending: 0 });

/** `workers` only scales the wall-time estimate. */
export function statusReport(root: string, plan: Plan, workers: number): StatusReport {
  const states = new Map(plan.runs.map((r) => [r.hash, runState(root, plan.scale, r.hash)]));
  const records = [...states.values()].flatMap((s) => ('record' in s ? [s.record as RunRecord] : []));
  const { speed, from } = calibratedSpeed(records);
  const status = new Map(plan.runs.map((r) => [r.hash, classify(root, plan, r.hash, states.get(r.hash)!)]));
  // A run killed after a checkpoint continues from its snapshot: only the rest of it remains.
  const unsettled = plan.runs.filter((r) => status.get(r.hash) === 'pending' || status.get(r.hash) === 'running');
  // A snapshot from other engine code does not count: that run starts again from 0.
  const engine = engineCode();
  const snapshots = new Map(
    unsettled.flatMap((r) => {
      const at = snapshotStanding(snapshotPath(recordPath(root, plan.scale, r.hash)), engine);
      return at === null ? [] : [[r.hash, at] as const];
    }),
  );
  const done = (hash: string) => (snapshots.get(hash)?.continues ? snapshots.get(hash)!.iteration : 0);
  const seconds = new Map(plan.runs.map((r) => [r.hash, runSeconds(r.config, speed) * (1 - done(r.hash) / r.config.training.iterations)]));
  const remainingOf = (hashes: string[]) => hashes.reduce((s, h) => s + (status.get(h) === 'pending' || status.get(h) === 'running' ? seconds.get(h)! : 0), 0);

  const lines: string[] = [];
  const header = `${'study'.padEnd(15)}${'runs'.padStart(6)}${STATUSES.map((s) => s.padStart(10)).join('')}${'remaining'.padStart(12)}`;
  lines.push(`scale ${plan.scale}: ${plan.runs.length} distinct runs in ${plan.studies.length} studies (runs shared by studies are trained once)`, '', header);
  const studies: Record<string, Record<RunStatus, number>> = {};
  for (const { study, members } of plan.studies) {
    const c = zero();
    for (const m of members) c[status.get(m.hash)!]++;
    studies[study.name] = c;
    const remaining = remainingOf(members.map((m) => m.hash));
    lines.push(
      `${study.name.padEnd(15)}${String(members.length).padStart(6)}${STATUSES.map((s) => String(c[s]).padStart(10)).join('')}${duration(remaining).padStart(12)}`,
    );
  }
  const counts = zero();
  for (const s of status.values()) counts[s]++;
  const hashes = plan.runs.map((r) => r.hash);
  const remainingSeconds = remainingOf(hashes);
  const totalSeconds = plan.runs.reduce((s, r) => s + runSeconds(r.config, speed), 0);
  lines.push(
    `${'all (distinct)'.padEnd(15)}${String(plan.runs.length).padStart(6)}${STATUSES.map((s) => String(counts[s]).padStart(10)).join('')}${duration(remainingSeconds).padStart(12)}`,
    '',
    `speed: ${Math.round(speed)} reference img/s per worker (BasicNet width 16, batch 32, 28x28) ${
      from ? `measured: median of ${from} finished run(s)` : `assumed (pipeline/estimate.ts; no run of this scale has finished yet)`
    }`,
    `compute of the whole scale: ${duration(totalSeconds)} of worker time, ${duration(totalSeconds / workers)} on ${workers} worker(s)`,
    `remaining: ${duration(remainingSeconds)} of worker time, ${duration(remainingSeconds / workers)} on ${workers} worker(s)`,
  );
  if (!plan.context.cifar) lines.push('CIFAR-10 vs CIFAR-100 (task study) are left out: pass --cifar-dir DIR to include them.');
  const failed = plan.runs.filter((r) => status.get(r.hash) === 'failed');
  if (failed.length) {
    lines.push('', 'failed runs (kept; retrain them with --retry-failed):');
    for (const r of failed) {
      const s = states.get(r.hash)!;
      lines.push(`  ${r.hash} ${r.label}: ${'record' in s ? s.record.failure?.reason : ''}`);
    }
  }
  const withSnapshot = (continues: boolean) => unsettled.filter((x) => snapshots.get(x.hash)?.continues === continues);
  if (withSnapshot(true).length) {
    lines.push('', 'runs with a snapshot (they continue from it, not from iteration 0):');
    for (const r of withSnapshot(true)) lines.push(`  ${r.hash} ${r.label}: iteration ${snapshots.get(r.hash)!.iteration} of ${r.config.training.iterations}`);
  }
  if (withSnapshot(false).length) {
    lines.push('', `snapshots written by other engine code (not ${engine}; these runs start again from iteration 0):`);
    for (const r of withSnapshot(false)) lines.push(`  ${r.hash} ${r.label}: iteration ${snapshots.get(r.hash)!.iteration} of ${r.config.training.iterations}`);
  }
  const locks = lockViews(root, plan, unsettled);
  if (locks.live.length) {
    lines.push('', 'live locks (being trained; the holder refreshes its lock, and a lock without a heartbeat goes stale):');
    for (const l of locks.live) lines.push(`  ${l.hash} ${l.label}: ${l.holder}, heartbeat ${duration(l.heartbeatSeconds)} ago`);
  }
  if (locks.stale.length) {
    lines.push('', 'stale locks (counted as pending; the next sweep or Slurm task takes the run over and continues from its snapshot):');
    for (const l of locks.stale) lines.push(`  ${l.hash} ${l.label}: ${l.holder}, ${l.stale}`);
  }
  // A Slurm task that failed or was cancelled leaves its run pending (or failed): its log says why.
  const logs = taskLogs(root, plan.scale);
  const slurmTasks = plan.runs.flatMap((r) => {
    const log = logs.get(r.hash);
    return log && (status.get(r.hash) === 'pending' || status.get(r.hash) === 'failed') ? [log] : [];
  });
  if (slurmTasks.length) {
    lines.push('', 'Slurm tasks that left their run without a record or with a failed one (newest task per run, end of its log):');
    for (const t of slurmTasks) {
      const run = plan.runs.find((r) => r.hash === t.hash)!;
      lines.push(`  ${t.hash} ${run.label}: Slurm job ${t.job} task ${t.task} (${t.job}_${t.task}), log ${t.path}`);
      for (const l of t.tail) lines.push(`    | ${l}`);
    }
  }
  const corrupt = plan.runs.filter((r) => states.get(r.hash)!.kind === 'corrupt');
  if (corrupt.length) {
    lines.push('', 'corrupt records (counted as pending; the next sweep redoes them):');
    for (const r of corrupt) lines.push(`  ${(states.get(r.hash) as { reason: string }).reason}`);
  }
  // Records of one study from different engine code are compared in one figure: say so.
  const engines: Record<string, Record<string, number>> = {};
  const mixed: string[] = [];
  for (const { study, members } of plan.studies) {
    const own = members.flatMap((m) => {
      const s = states.get(m.hash)!;
      return 'record' in s ? [s.record as RunRecord] : [];
    });
    const versions = engineVersions(own);
    engines[study.name] = Object.fromEntries(versions);
    if (versions.size > 1) {
      const codes = new Set(own.filter((r) => r.provenance.engineCode === undefined).map((r) => r.provenance.codeVersion.split('-')[0]));
      const parts = [...versions].map(([v, n]) =>
        v === UNRECORDED_ENGINE ? `${n} from before the digest was stored (${codes.size} code version(s))` : `${n} from engine ${v}`,
      );
      mixed.push(`  ${study.name}: ${parts.join(', ')}`);
    }
  }
  if (mixed.length)
    lines.push('', 'studies whose records come from more than one engine version (provenance.engineCode; compare their figures with that in mind):', ...mixed);
  return { text: lines.join('\n'), counts, studies, engines, remainingSeconds, totalSeconds, speed, slurmTasks, locks };
}
