// The one writer: every byte or nothing, with a short write, a full disk (injected, and a real
// 24 KiB tmpfs where the tests run as root), a failing fsync; and a folder replaced whole.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDiskFull, recoverFolder, replaceFolder, writeFileAtomic, writeJsonAtomic, WriteFileError, type WriterFs } from '../../data/atomic-write.js';
import { RUN_SNAPSHOT_VERSION, snapshotPath, snapshotStanding, writeSnapshot, type RunSnapshot } from '../../experiments/snapshot.js';

const REPO = resolve(import.meta.dirname, '..', '..');

/** node:fs, but write(2) takes at most `chunk` bytes a call, and after `room` bytes in all fails with ENOSPC (or returns 0). */
function fullDisk(room: number, chunk = Infinity, onFull: 'ENOSPC' | 'zero' = 'ENOSPC'): WriterFs & { calls: number } {
  let left = room;
  const fake = {
    calls: 0,
    mkdirSync: fs.mkdirSync,
    openSync: fs.openSync,
    fsyncSync: fs.fsyncSync,
    closeSync: fs.closeSync,
    renameSync: fs.renameSync,
    rmSync: fs.rmSync,
    writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number {
      fake.calls++;
      const n = Math.min(length, chunk, left);
      if (n === 0) {
        if (onFull === 'zero') return 0;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      }
      left -= n;
      return fs.writeSync(fd, buffer, offset, n);
    },
  };
  return fake;
}

/** A valid snapshot of `iteration`, its size set by the length of its curve. */
function snapshot(iteration: number, points: number): RunSnapshot {
  return {
    schemaVersion: RUN_SNAPSHOT_VERSION,
    kind: 'run-snapshot',
    id: '0123456789abcdef',
    codeVersion: 'test',
    engineCode: 'fedcba9876543210',
    backend: 'cpu',
    iteration,
    startedAt: new Date(0).toISOString(),
    wallSeconds: 1,
    trainSeconds: 1,
    measureSeconds: 0,
    resumed: [],
    windows: { loss: 0, correct: 0, steps: 0, logLoss: 0, logCorrect: 0, logSteps: 0 },
    optimizerStep: iteration,
    tensors: {},
    curve: Array.from({ length: points }, (_, i) => ({ iteration: i + 1, loss: 1 / (i + 1), regLoss: 0.001, accuracy: 0.5, lr: 0.1 })),
    checkpoints: [],
  };
}

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ifs-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every byte when write(2) takes a few at a time', () => {
    const text = 'x'.repeat(1000) + 'é\n';
    const fake = fullDisk(Infinity, 7);
    writeFileAtomic(join(dir, 'a', 'out.txt'), text, { fs: fake });
    expect(readFileSync(join(dir, 'a', 'out.txt'), 'utf8')).toBe(text);
    expect(fake.calls).toBe(Math.ceil(Buffer.byteLength(text) / 7));
    expect(readdirSync(join(dir, 'a'))).toEqual(['out.txt']);
  });

  it('on a full disk keeps the previous file, removes the temporary one and says what to do', () => {
    const path = join(dir, 'rec.snapshot.json');
    writeFileSync(path, 'the last good snapshot\n');
    let error: unknown;
    try {
      writeFileAtomic(path, 'y'.repeat(5000), { fs: fullDisk(1000, 600) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WriteFileError);
    expect(isDiskFull(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(`no space left on the device of ${dir} (ENOSPC) while writing rec.snapshot.json`);
    expect(message).toContain('it needed 5,000 bytes, 1,000 were written');
    expect(message).toContain('nothing complete was lost');
    expect(message).toContain(`Free space there (df -h ${dir}) and rerun the same command: a run continues from its last snapshot.`);
    expect(readFileSync(path, 'utf8')).toBe('the last good snapshot\n');
    expect(readdirSync(dir)).toEqual(['rec.snapshot.json']);
  });

  it('fails, and keeps the previous file, when the device takes no more bytes without an error', () => {
    const path = join(dir, 'runs.json');
    writeFileSync(path, 'before');
    expect(() => writeFileAtomic(path, 'z'.repeat(100), { fs: fullDisk(40, Infinity, 'zero') })).toThrow(
      /no space left .* it needed 100 bytes, 40 were written/,
    );
    expect(readFileSync(path, 'utf8')).toBe('before');
    expect(readdirSync(dir)).toEqual(['runs.json']);
  });

  it('fails with the file and folder named when fsync fails, and keeps the previous file', () => {
    const path = join(dir, 'rec.json');
    writeFileSync(path, 'before');
    const broken: WriterFs = {
      ...fullDisk(Infinity),
      fsyncSync: () => {
        throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      },
    };
    expect(() => writeFileAtomic(path, 'after', { fs: broken })).toThrow(
      `cannot write ${path} (folder ${dir}, 5 bytes): EIO: i/o error, fsync; the file was not replaced`,
    );
    expect(readFileSync(path, 'utf8')).toBe('before');
    expect(readdirSync(dir)).toEqual(['rec.json']);
  });
});

// The fault as it happens: a 24 KiB tmpfs, a snapshot and a record on it, then a bigger snapshot.
const root = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
describe.skipIf(!root)('a real full disk (24 KiB tmpfs; runs as root)', () => {
  let mount: string;
  beforeEach(() => {
    mount = mkdtempSync(join(tmpdir(), 'ifs-tmpfs-'));
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24k', 'tmpfs', mount], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount failed: ${r.stderr}`);
  });
  afterEach(() => {
    spawnSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it('leaves the previous snapshot and the record intact and names the file', () => {
    const record = join(mount, 'rec.json');
    const snap = snapshotPath(record);
    writeJsonAtomic(record, { a: 'record', values: Array.from({ length: 200 }, (_, i) => i) });
    writeSnapshot(snap, snapshot(30, 20));
    const before = { record: readFileSync(record), snap: readFileSync(snap) };
    expect(before.snap.length).toBeLessThan(8192);
    // About 40 KB: more than the device has left.
    expect(() => writeSnapshot(snap, snapshot(60, 400))).toThrow(
      /no space left on the device of .* while writing rec\.snapshot\.json: it needed [\d,]+ bytes, .*nothing complete was lost/,
    );
    expect(readFileSync(record).equals(before.record)).toBe(true);
    expect(readFileSync(snap).equals(before.snap)).toBe(true);
    expect(snapshotStanding(snap, 'fedcba9876543210')).toEqual({ iteration: 30, continues: true });
    expect(readdirSync(mount).sort()).toEqual(['rec.json', 'rec.snapshot.json']);
  });
});

describe('replaceFolder', () => {
  let dir: string;
  let target: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ifs-folder-'));
    target = join(dir, 'datasets');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const contents = () =>
    Object.fromEntries(
      readdirSync(target)
        .sort()
        .map((f) => [f, readFileSync(join(target, f), 'utf8')]),
    );

  it('swaps the new version in whole and leaves nothing beside it', () => {
    replaceFolder(target, (f) => ['a', 'b'].forEach((n) => writeFileAtomic(join(f, `${n}.json`), `${n}1`)));
    replaceFolder(target, (f) => ['a', 'c'].forEach((n) => writeFileAtomic(join(f, `${n}.json`), `${n}2`)));
    expect(contents()).toEqual({ 'a.json': 'a2', 'c.json': 'c2' });
    expect(readdirSync(dir)).toEqual(['datasets']);
  });

  it('keeps the previous version when filling fails', () => {
    replaceFolder(target, (f) => writeFileAtomic(join(f, 'a.json'), 'a1'));
    expect(() =>
      replaceFolder(target, (f) => {
        writeFileAtomic(join(f, 'a.json'), 'a2');
        throw new Error('killed halfway');
      }),
    ).toThrow('killed halfway');
    expect(contents()).toEqual({ 'a.json': 'a1' });
    expect(readdirSync(dir)).toEqual(['datasets']);
  });

  it('puts back the previous version a process killed between the two renames left aside', async () => {
    replaceFolder(target, (f) => writeFileAtomic(join(f, 'a.json'), 'a1'));
    // A child killed with -9 at the point where the old folder is aside and the new one not yet in place.
    const script = `import { replaceFolder, writeFileAtomic } from './data/atomic-write.ts';
replaceFolder(${JSON.stringify(target)}, (f) => writeFileAtomic(f + '/a.json', 'a2'));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      env: { ...process.env, IFS_PAUSE_AT: 'swapped-out' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((done) => child.stderr.on('data', (d: Buffer) => d.toString().includes('paused at swapped-out') && done()));
    child.kill('SIGKILL');
    await new Promise((done) => child.on('close', done));
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([`datasets.old-${child.pid}`, `datasets.staging-${child.pid}`]);
    recoverFolder(target);
    expect(contents()).toEqual({ 'a.json': 'a1' });
    expect(readdirSync(dir)).toEqual(['datasets']);
    mkdirSync(`${target}.staging-${child.pid}`);
    replaceFolder(target, (f) => writeFileAtomic(join(f, 'a.json'), 'a3'));
    expect(contents()).toEqual({ 'a.json': 'a3' });
    expect(readdirSync(dir)).toEqual(['datasets']);
  });
});
