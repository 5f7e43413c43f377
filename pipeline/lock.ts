// Lock files that keep two processes (of one or several pipelines, on one or several hosts) from
// training the same run. A lock is created with O_EXCL and holds the owner's pid, host and boot
// id; while it is held, its owner refreshes the file's mtime (the heartbeat). It is stale when its
// processes are all dead on this host (or it predates the last boot), or, whichever host took it,
// when its heartbeat stopped longer ago than the staleness timeout (a dead cluster node): then any
// process may take the run over, and the engine continues from the run's snapshot.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../experiments/record-file.js';
import { duration } from '../data/duration.js';

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

/** How often a holder refreshes its lock's mtime. */
export const HEARTBEAT_MS = 30_000;

/**
 * How long a lock may go without a heartbeat before any host may take its run over: 10 minutes,
 * or PIPELINE_LOCK_STALE_SECONDS. It must exceed the heartbeat interval by far, plus the clock
 * skew between the hosts sharing the results folder (mtimes are set from the holder's clock).
 */
export function staleAfterMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.PIPELINE_LOCK_STALE_SECONDS;
  if (raw === undefined || raw === '') return 10 * 60_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds * 1000 < 2 * HEARTBEAT_MS) {
    throw new Error(`PIPELINE_LOCK_STALE_SECONDS=${raw}: give a number of seconds of at least ${(2 * HEARTBEAT_MS) / 1000} (twice the heartbeat)`);
  }
  return seconds * 1000;
}

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

/** Milliseconds since the lock's last heartbeat (its mtime), or null when it is gone. */
export function heartbeatAge(path: string, now = Date.now()): number | null {
  try {
    return Math.max(0, now - statSync(path).mtimeMs);
  } catch {
    return null;
  }
}

/** Why the lock at `path` is stale, or null while its holder may be alive. */
export function staleness(path: string, staleMs = staleAfterMs()): string | null {
  const info = readLock(path);
  const age = heartbeatAge(path);
  if (age === null) return 'gone';
  if (!info) return age > EMPTY_LOCK_GRACE_MS ? 'unreadable and old' : null;
  if (info.host === hostname()) {
    // On this host the processes themselves answer, whatever the heartbeat says (an engine
    // orphaned by kill -9 of its pipeline still holds the run, without a heartbeat).
    const boot = bootId();
    if (info.bootId && boot && info.bootId !== boot) return `taken before the last reboot by pid ${info.pid}`;
    const pids = [info.pid, ...(info.child ? [info.child] : [])];
    if (pids.some(isAlive)) return null;
    return `pid ${pids.join(' and ')} on ${info.host} no longer running`;
  }
  // Another host's processes cannot be checked from here: its heartbeat answers.
  if (age > staleMs) return `no heartbeat from ${info.host} (pid ${info.pid}) for ${duration(age / 1000)}, over the ${duration(staleMs / 1000)} limit`;
  return null;
}

const sameOwner = (a: LockInfo | null, b: LockInfo) => a !== null && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

export class Lock {
  private info: LockInfo;
  private timer: NodeJS.Timeout | null = null;
  private lostHandlers: Array<(why: string) => void> = [];
  constructor(
    readonly path: string,
    info: LockInfo,
    heartbeatMs = HEARTBEAT_MS,
  ) {
    this.info = info;
    this.timer = setInterval(() => this.beat(), heartbeatMs);
    this.timer.unref();
  }

  /**
   * Refreshes the lock's mtime, if it is still this process's; false (and the lost handlers told)
   * when another process took it over, e.g. after this host was unreachable past the timeout.
   */
  beat(): boolean {
    if (!this.timer) return false;
    if (!sameOwner(readLock(this.path), this.info)) {
      this.stop();
      const holder = readLock(this.path);
      const why = holder ? `the lock ${this.path} was taken over by pid ${holder.pid} on ${holder.host}` : `the lock ${this.path} was removed`;
      for (const handler of this.lostHandlers) handler(why);
      return false;
    }
    try {
      const now = new Date();
      utimesSync(this.path, now, now);
    } catch {
      // A missed beat is caught up by the next one; a lock gone meanwhile is found then.
    }
    return true;
  }

  /** `handler` is called (once) if the lock stops being this process's while it holds it. */
  onLost(handler: (why: string) => void): void {
    this.lostHandlers.push(handler);
  }

  /** Records the engine process, so the lock stays held while it runs even if this process dies. */
  setChild(pid: number | null): void {
    this.info = { ...this.info, child: pid };
    writeFileAtomic(this.path, JSON.stringify(this.info));
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops the heartbeat and removes the lock if it is still this process's. */
  release(): void {
    this.stop();
    if (sameOwner(readLock(this.path), this.info)) rmSync(this.path, { force: true });
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
  const bytes = Buffer.from(JSON.stringify(info));
  try {
    // Every byte, or no lock: a short write would leave a lock nobody can read for its grace period.
    for (let written = 0; written < bytes.length;) {
      const n = writeSync(fd, bytes, written, bytes.length - written);
      if (n <= 0) throw Object.assign(new Error(`cannot write the lock ${path}: the device took no more bytes`), { code: 'ENOSPC' });
      written += n;
    }
  } catch (error) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw error;
  }
  closeSync(fd);
  return true;
}

export interface LockOptions {
  /** How long another host's lock may go without a heartbeat before it is taken over (default staleAfterMs()). */
  staleMs?: number;
  /** How often the holder refreshes the lock (default HEARTBEAT_MS). */
  heartbeatMs?: number;
}

/**
 * Tries to take the lock at `path` for this process. A stale lock is taken over under a
 * second O_EXCL guard file, so two processes that both find it stale cannot both take it.
 */
export function tryLock(path: string, options: LockOptions = {}): LockAttempt {
  const staleMs = options.staleMs ?? staleAfterMs();
  mkdirSync(dirname(path), { recursive: true });
  const info: LockInfo = { pid: process.pid, host: hostname(), bootId: bootId(), child: null, startedAt: new Date().toISOString() };
  const take = () => ({ acquired: true as const, lock: new Lock(path, info, options.heartbeatMs) });
  if (create(path, info)) return take();

  const stale = staleness(path, staleMs);
  if (!stale) return { acquired: false, holder: readLock(path), reason: 'held' };
  const guard = `${path}.takeover`;
  if (!create(guard, info)) {
    // Someone else is taking it over; a guard left by a dead process is removed for next time.
    if (staleness(guard, staleMs)) rmSync(guard, { force: true });
    return { acquired: false, holder: readLock(path), reason: 'being taken over' };
  }
  try {
    if (existsSync(path) && !staleness(path, staleMs)) return { acquired: false, holder: readLock(path), reason: 'held' };
    rmSync(path, { force: true });
    if (create(path, info)) return take();
    return { acquired: false, holder: readLock(path), reason: 'held' };
  } finally {
    rmSync(guard, { force: true });
  }
}
