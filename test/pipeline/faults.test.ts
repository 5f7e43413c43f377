// Faults a long sweep meets, injected end to end with the fake engine and the tiny studies: a dead
// cluster node's lock (taken over, the run continues from its snapshot), a live node's lock (not
// taken), a full disk (a real tmpfs, as root: the sweep stops cleanly), and an aggregation killed
// with -9 halfway (the previous datasets stay; a rerun gives the bytes of an uninterrupted one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATASET_NAMES } from '../../data/schemas/datasets.js';
import { writeJsonAtomic } from '../../data/atomic-write.js';
import { aggregate, loadRecords } from '../../pipeline/aggregate.js';
import { planStudies } from '../../pipeline/plan.js';
import { locksDir, recordPath } from '../../pipeline/records.js';
import { statusReport } from '../../pipeline/status.js';
import { snapshotPath } from '../../experiments/snapshot.js';
import { engineCode } from '../../experiments/provenance.js';
import { STUDIES as TINY } from './tiny-studies.js';
import { fakeEngineRecord } from './fixtures.js';
import { FAKE_ENGINE, runPipeline, startPipeline, TINY_STUDIES, trainings, waitFor, writeHalfwaySnapshot } from './harness.js';

const plan = planStudies(TINY, 'quick', { cifar: false });

describe('faults a sweep meets', () => {
  let work: string;
  let root: string;
  let log: string;
  let args: string[];
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'ifs-faults-'));
    root = join(work, 'results');
    log = join(work, 'trainings.log');
    args = ['--studies', TINY_STUDIES, '--results', root, '--engine', FAKE_ENGINE, '--workers', '2', '--progress', 'lines', '--poll-ms', '100'];
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const lockOf = (hash: string) => join(locksDir(root, 'quick'), `${hash}.lock`);
  /** A lock as a pipeline on another host writes it, its last heartbeat `ageMs` ago. */
  const foreignLock = (hash: string, host: string, ageMs: number) => {
    mkdirSync(locksDir(root, 'quick'), { recursive: true });
    writeFileSync(
      lockOf(hash),
      JSON.stringify({ pid: 4242, host, bootId: 'another-boot', child: 4243, startedAt: new Date(Date.now() - ageMs).toISOString() }),
    );
    const t = (Date.now() - ageMs) / 1000;
    utimesSync(lockOf(hash), t, t);
  };

  it("takes over the run of a dead node's lock and continues it from its snapshot", async () => {
    const run = plan.runs[0];
    const half = run.config.training.iterations / 2;
    foreignLock(run.hash, 'dead-node.example', 3_600_000);
    writeHalfwaySnapshot(root, run.hash, half, engineCode());
    const before = statusReport(root, plan, 1);
    expect(before.locks.live).toEqual([]);
    expect(before.locks.stale).toMatchObject([{ hash: run.hash, holder: 'pid 4242 on dead-node.example' }]);
    expect(before.text).toContain(
      `stale locks (counted as pending; the next sweep or Slurm task takes the run over and continues from its snapshot):\n  ${run.hash} ${run.label}: pid 4242 on dead-node.example, no heartbeat from dead-node.example (pid 4242) for 60.0 min`,
    );
    expect(before.counts.running).toBe(0);

    const r = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${run.hash} continues from its snapshot at iteration ${half}`);
    expect(trainings(log).filter((h) => h === run.hash)).toHaveLength(1);
    expect(loadRecords(root, 'quick')).toMatchObject({ invalid: [] });
    expect(existsSync(recordPath(root, 'quick', run.hash))).toBe(true);
    expect(existsSync(snapshotPath(recordPath(root, 'quick', run.hash)))).toBe(false);
    expect(readdirSync(locksDir(root, 'quick'))).toEqual([]);
  }, 60_000);

  it("does not take a live node's lock: waits, and counts the run as finished elsewhere", async () => {
    const run = plan.runs[0];
    foreignLock(run.hash, 'live-node.example', 5_000);
    const live = statusReport(root, plan, 1);
    expect(live.locks).toMatchObject({ live: [{ hash: run.hash, holder: 'pid 4242 on live-node.example' }], stale: [] });
    expect(live.text).toContain(
      `live locks (being trained; the holder refreshes its lock, and a lock without a heartbeat goes stale):\n  ${run.hash} ${run.label}: pid 4242 on live-node.example, heartbeat`,
    );
    expect(live.counts.running).toBe(1);

    const p = startPipeline(args, { FAKE_ENGINE_LOG: log });
    let stderr = '';
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => trainings(log).length === plan.runs.length - 1, 30_000, 'the other runs');
    await waitFor(() => stderr.includes(`${run.hash} ${run.label} is being trained by pid 4242 on live-node.example; waiting for it`), 30_000, 'the note');
    expect(trainings(log)).not.toContain(run.hash);
    // The other node finishes: its record lands and its lock goes.
    writeJsonAtomic(recordPath(root, 'quick', run.hash), fakeEngineRecord(run.config, 1));
    rmSync(lockOf(run.hash));
    const r = await p.finished;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 finished by another process/);
    expect(trainings(log)).not.toContain(run.hash);
  }, 60_000);

  // The whole results folder on a real full disk, as the run met it.
  const asRoot = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!asRoot)(
    'stops a sweep on a full disk: no run started after it, a clear message, exit 3, every record whole',
    async () => {
      const record = `${JSON.stringify(fakeEngineRecord(plan.runs[0].config, 1), null, 1)}\n`;
      // Room for two records (a page or more each) and the locks, not for five.
      const pages = Math.ceil(Buffer.byteLength(record) / 4096);
      mkdirSync(root);
      const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${(2 * pages + 2) * 4}k`, 'tmpfs', root], { encoding: 'utf8' });
      expect(mount.status, mount.stderr).toBe(0);
      try {
        const r = await runPipeline([...args, '--workers', '1'], { FAKE_ENGINE_LOG: log });
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toMatch(
          /disk full: no further runs are started\. no space left on the device of .*quick\/runs \(ENOSPC\) while writing [0-9a-f]{16}\.json: it needed [\d,]+ bytes/,
        );
        expect(r.stderr).toContain('nothing complete was lost');
        expect(r.stderr).toContain('stopped: the disk is full, so no further run was started and nothing was aggregated.');
        const written = readdirSync(join(root, 'quick', 'runs'));
        expect(written.length).toBeGreaterThanOrEqual(1);
        // One worker: the run that met the full disk was the last one started.
        expect(trainings(log)).toHaveLength(written.length + 1);
        expect(written.every((f) => /^[0-9a-f]{16}\.json$/.test(f))).toBe(true);
        expect(loadRecords(root, 'quick')).toMatchObject({ invalid: [] });
        expect(readdirSync(locksDir(root, 'quick'))).toEqual([]);
        expect(existsSync(join(root, 'quick', 'datasets'))).toBe(false);
      } finally {
        spawnSync('umount', [root]);
      }
    },
    60_000,
  );

  it('a kill -9 during aggregation leaves the previous datasets; a rerun writes the bytes of an uninterrupted one', async () => {
    for (const run of plan.runs) writeJsonAtomic(recordPath(root, 'quick', run.hash), fakeEngineRecord(run.config, 1));
    const dir = join(root, 'quick', 'datasets');
    const read = () =>
      Object.fromEntries(
        readdirSync(dir)
          .sort()
          .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
      );
    aggregate(root, 'quick', TINY);
    const uninterrupted = read();
    expect(Object.keys(uninterrupted)).toHaveLength(DATASET_NAMES.length);
    // The previous version: the datasets without the last record.
    const moved = join(work, 'moved.json');
    const last = recordPath(root, 'quick', plan.runs[plan.runs.length - 1].hash);
    const previousVersion = () => {
      renameSync(last, moved);
      aggregate(root, 'quick', TINY);
      renameSync(moved, last);
      return read();
    };
    const previous = previousVersion();
    expect(previous).not.toEqual(uninterrupted);

    // Killed after some of the new files were written, and again between the two renames of the swap.
    for (const at of ['layers.json', 'swapped-out']) {
      const child = startPipeline(['aggregate', '--studies', TINY_STUDIES, '--results', root], { IFS_PAUSE_AT: at });
      let said = '';
      child.stderr!.on('data', (d: Buffer) => (said += d.toString()));
      await waitFor(() => said.includes('IFS_PAUSE_AT: paused at'), 60_000, `the aggregation to pause at ${at}`);
      expect(readdirSync(join(root, 'quick', `datasets.staging-${child.pid}`)).length).toBeGreaterThan(0);
      process.kill(child.pid!, 'SIGKILL');
      await child.finished;
      if (at === 'swapped-out') expect(existsSync(dir)).toBe(false);
      else expect(read()).toEqual(previous);
      // The rerun (of the same command) puts the new version in place, with nothing left beside it.
      const report = aggregate(root, 'quick', TINY);
      expect(report.written.length).toBeGreaterThan(0);
      expect(read()).toEqual(uninterrupted);
      expect(readdirSync(join(root, 'quick')).filter((f) => f.startsWith('datasets'))).toEqual(['datasets']);
      expect(previousVersion()).toEqual(previous);
    }
  }, 240_000);
});
