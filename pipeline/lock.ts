// Lock files that keep two processes (of one or several pipelines) from training the same run.
// A lock is created with O_EXCL and holds the owner's pid, host and boot id; a lock whose
// processes are all dead on this host (or that predates the last boot) is stale and taken over.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../experiments/record-file.js';

export interface LockInfo {
  pid: number;
  host: string;
  bootId: string | null;
  /** The engine process training the run (it may outlive a pipeline killed with -9). */
  child: number | null;
  startedAt: string;
}

export type LockAttempt = { acquired: true; lock: Lock } | { acquired: false; holder: LockInfo | null; reason: string };

/** A freshly created lock file is empty for a moment; one still empty after this long is debris. */
const EMPTY_LOCK_GRACE_MS = 30_000;

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Whether a process is still running (signal 0 asks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? info : null;
  } catch {
    return null;
  }
}

/** Why the lock at `path` is stale, or null while its holder may be alive. */
export function staleness(path: string): string | null {
  const info = readLock(path);
  if (!info) {
    let age: number;
    try {
      age = Date.now() - statSync(path).mtimeMs;
    } catch {
      return 'gone';
    }
    return age > EMPTY_LOCK_GRACE_MS ? 'unreadable and old' : null;
  }
  if (info.host !== hostname()) return null; // another machine's processes cannot be checked from here
  const boot = bootId();
  if (info.bootId && boot && info.bootId !== boot) return `taken before the last reboot by pid ${info.pid}`;
  const pids = [info.pid, ...(info.child ? [info.child] : [])];
  if (pids.some(isAlive)) return null;
  return `pid ${pids.join(' and ')} on ${info.host} no longer running`;
}

export class Lock {
  private info: LockInfo;
  constructor(
    readonly path: string,
    info: LockInfo,
  ) {
    this.info = info;
  }

  /** Records the engine process, so the lock stays held while it runs even if this process dies. */
  setChild(pid: number | null): void {
    this.info = { ...this.info, child: pid };
    writeFileAtomic(this.path, JSON.stringify(this.info));
  }

  /** Removes the lock if it is still this process's. */
  release(): void {
    const current = readLock(this.path);
    if (current && current.pid === this.info.pid && current.host === this.info.host && current.startedAt === this.info.startedAt) {
      rmSync(this.path, { force: true });
    }
  }
}

function create(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(info));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Tries to take the lock at `path` for this process. A stale lock is taken over under a
 * second O_EXCL guard file, so two processes that both find it stale cannot both take it.
 */
export function tryLock(path: string): LockAttempt {
  mkdirSync(dirname(path), { recursive: true });
  const info: LockInfo = { pid: process.pid, host: hostname(), bootId: bootId(), child: null, startedAt: new Date().toISOString() };
  if (create(path, info)) return { acquired: true, lock: new Lock(path, info) };

  const stale = staleness(path);
  if (!stale) return { acquired: false, holder: readLock(path), reason: 'held' };
  const guard = `${path}.takeover`;
  if (!create(guard, info)) {
    // Someone else is taking it over; a guard left by a dead process is removed for next time.
    if (staleness(guard)) rmSync(guard, { force: true });
    return { acquired: false, holder: readLock(path), reason: 'being taken over' };
  }
  try {
    if (existsSync(path) && !staleness(path)) return { acquired: false, holder: readLock(path), reason: 'held' };
    rmSync(path, { force: true });
    if (create(path, info)) return { acquired: true, lock: new Lock(path, info) };
    return { acquired: false, holder: readLock(path), reason: 'held' };
  } finally {
    rmSync(guard, { force: true });
  }
}
