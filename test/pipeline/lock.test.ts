// Lock files: exclusive, held while the owner or its engine lives, taken over when both are dead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLock, staleness, tryLock, type LockInfo } from '../../pipeline/lock.js';

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

  it('does not judge locks of other machines, but does judge locks from before a reboot', () => {
    tryLock(path);
    write({ pid: deadPid(), host: 'elsewhere.example' });
    expect(tryLock(path).acquired).toBe(false);
    if (existsSync('/proc/sys/kernel/random/boot_id')) {
      write({ pid: process.pid, bootId: 'another-boot' });
      expect(staleness(path)).toMatch(/before the last reboot/);
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
