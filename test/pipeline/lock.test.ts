// Lock files: exclusive, held while the owner or its engine lives, taken over when both are dead;
// locks of other hosts are held while their heartbeat goes on and taken over once it stopped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, readLock, staleAfterMs, staleness, tryLock, type LockInfo } from '../../pipeline/lock.js';

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('run locks', () => {
  let dir: string;
  let path: string;
  const write = (info: Partial<LockInfo>) =>
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), bootId: null, child: null, startedAt: 'x', ...info }));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ifs-lock-'));
    path = join(dir, 'locks', 'abc.lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is exclusive, records pid and host, and is released by its owner', () => {
    const first = tryLock(path);
    expect(first.acquired).toBe(true);
    expect(readLock(path)).toMatchObject({ pid: process.pid, host: hostname(), child: null });
    const second = tryLock(path);
    expect(second).toMatchObject({ acquired: false, reason: 'held', holder: { pid: process.pid } });
    if (!first.acquired) return;
    first.lock.setChild(12345);
    expect(readLock(path)?.child).toBe(12345);
    first.lock.release();
    expect(existsSync(path)).toBe(false);
    expect(tryLock(path).acquired).toBe(true);
  });

  it('takes over a lock whose process and engine are dead', () => {
    const took = tryLock(path);
    expect(took.acquired).toBe(true);
    const dead = deadPid();
    write({ pid: dead, child: deadPid() });
    expect(staleness(path)).toMatch(/no longer running/);
    const again = tryLock(path);
    expect(again.acquired).toBe(true);
    expect(readLock(path)?.pid).toBe(process.pid);
    expect(existsSync(`${path}.takeover`)).toBe(false);
  });

  it('stays held while the engine of a killed pipeline still runs', () => {
    tryLock(path);
    write({ pid: deadPid(), child: process.pid });
    expect(staleness(path)).toBeNull();
    expect(tryLock(path)).toMatchObject({ acquired: false, reason: 'held' });
  });

  it("does not take another machine's lock while its heartbeat is fresh, but does judge locks from before a reboot", () => {
    tryLock(path);
    write({ pid: deadPid(), host: 'elsewhere.example' });
    expect(tryLock(path).acquired).toBe(false);
    if (existsSync('/proc/sys/kernel/random/boot_id')) {
      write({ pid: process.pid, bootId: 'another-boot' });
      expect(staleness(path)).toMatch(/before the last reboot/);
    }
  });

  /** Sets the lock's last heartbeat `ms` ago. */
  const age = (ms: number) => {
    const t = (Date.now() - ms) / 1000;
    utimesSync(path, t, t);
  };

  it("takes over another host's lock once its heartbeat stopped longer ago than the timeout, and not before", () => {
    tryLock(path);
    write({ pid: 4242, host: 'dead-node.example', child: 4243 });
    const limit = staleAfterMs();
    age(limit - 60_000);
    expect(staleness(path)).toBeNull();
    expect(tryLock(path)).toMatchObject({ acquired: false, reason: 'held', holder: { host: 'dead-node.example' } });
    age(limit + 60_000);
    expect(staleness(path)).toBe('no heartbeat from dead-node.example (pid 4242) for 11.0 min, over the 10.0 min limit');
    const took = tryLock(path);
    expect(took.acquired).toBe(true);
    expect(readLock(path)).toMatchObject({ pid: process.pid, host: hostname() });
    if (took.acquired) took.lock.release();
  });

  it('keeps a lock of this host whose engine lives, however old its heartbeat', () => {
    tryLock(path);
    write({ pid: deadPid(), child: process.pid });
    age(staleAfterMs() * 10);
    expect(staleness(path)).toBeNull();
  });

  it('the timeout comes from PIPELINE_LOCK_STALE_SECONDS, which must leave room for the heartbeat', () => {
    expect(staleAfterMs({})).toBe(600_000);
    expect(staleAfterMs({ PIPELINE_LOCK_STALE_SECONDS: '120' })).toBe(120_000);
    expect(() => staleAfterMs({ PIPELINE_LOCK_STALE_SECONDS: '10' })).toThrow(/at least 60 \(twice the heartbeat\)/);
    expect(() => staleAfterMs({ PIPELINE_LOCK_STALE_SECONDS: 'soon' })).toThrow(/PIPELINE_LOCK_STALE_SECONDS=soon/);
  });

  it('refreshes its heartbeat while held, and tells the holder when another process took it over', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const held = tryLock(path);
      if (!held.acquired) throw new Error('expected the lock');
      age(staleAfterMs() * 2);
      vi.advanceTimersByTime(HEARTBEAT_MS);
      expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(HEARTBEAT_MS);
      const lost: string[] = [];
      held.lock.onLost((why) => lost.push(why));
      write({ pid: 4242, host: 'other-node.example', startedAt: 'later' });
      vi.advanceTimersByTime(HEARTBEAT_MS);
      expect(lost).toEqual([`the lock ${path} was taken over by pid 4242 on other-node.example`]);
      // The new holder's lock is neither refreshed nor removed by the one who lost it.
      age(1000);
      const mtime = statSync(path).mtimeMs;
      vi.advanceTimersByTime(HEARTBEAT_MS * 3);
      held.lock.release();
      expect(statSync(path).mtimeMs).toBe(mtime);
      expect(lost).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('treats an empty lock as being written, until it is old', () => {
    tryLock(path);
    writeFileSync(path, '');
    expect(tryLock(path).acquired).toBe(false);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(path, old, old);
    expect(tryLock(path).acquired).toBe(true);
  });

  it('releases only its own lock', () => {
    const mine = tryLock(path);
    if (!mine.acquired) throw new Error('expected the lock');
    write({ pid: process.pid, startedAt: 'someone else, later' });
    mine.lock.release();
    expect(readFileSync(path, 'utf8')).toMatch(/someone else/);
  });
});
