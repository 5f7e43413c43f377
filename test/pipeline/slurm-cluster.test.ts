// The emitted array job on a real single-node Slurm (started by pipeline/slurm-local.sh when the
// tests run as root): the real engine's records equal the local pipeline's, a cancelled task
// continues from its snapshot, a failed task is shown by status, and two jobs share the locks.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecords } from '../../pipeline/aggregate.js';
import { recordPath } from '../../pipeline/records.js';
import { snapshotPath } from '../../experiments/snapshot.js';
import { FAKE_ENGINE, REPO, runPipeline, TINY_STUDIES, trainings, waitFor } from './harness.js';
import { localSlurm } from './slurm-local.js';
import { timeless } from '../helpers/records.js';

const STUDIES = join(REPO, 'test', 'pipeline', 'slurm-studies.ts');
const haveData = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
const slurm = haveData ? localSlurm() : ({ ready: false, reason: 'Fashion-MNIST is not installed (bash pipeline/setup.sh installs it)' } as const);
const skipReason = slurm.ready ? '' : slurm.reason;
if (skipReason) process.stderr.write(`test/pipeline/slurm-cluster.test.ts: skipped: ${skipReason}\n`);
// CI must run these tests: there a Slurm that cannot be started is a failure, not a skip.
const required = Boolean(process.env.CI) && process.env.CI !== 'false';

interface Submitted {
  code: number | null;
  job: string;
  output: string;
}

/** sbatch with the given arguments; with --wait it resolves when the job has ended. */
function sbatch(args: string[], env: Record<string, string> = {}): Promise<Submitted> {
  // One core per task, so that two tasks run at once on a two-core machine.
  const child = spawn('sbatch', ['--cpus-per-task=1', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, job: /Submitted batch job (\d+)/.exec(output)?.[1] ?? '', output })));
}

const inQueue = (job: string) => spawnSync('squeue', ['-h', '-j', job], { encoding: 'utf8' }).stdout.trim() !== '';

const byId = (root: string) => new Map(loadRecords(root, 'quick').records.map((r) => [r.id, r]));
const logsOf = (root: string, job: string) =>
  readdirSync(join(root, 'quick', 'logs'))
    .filter((f) => f.startsWith(`${job}_`))
    .map((f) => readFileSync(join(root, 'quick', 'logs', f), 'utf8'));

describe.runIf(!slurm.ready && required)('Slurm on CI', () => {
  it('starts a single-node Slurm', () => {
    throw new Error(`CI must run the Slurm tests, but: ${skipReason}`);
  });
});

describe.skipIf(!slurm.ready)(`the emitted array job on a single-node Slurm${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const work = mkdtempSync(join(tmpdir(), 'ifs-sbatch-'));
  const local = join(work, 'local');
  let longHash = '';
  beforeAll(() => mkdirSync(local, { recursive: true }));
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    if (slurm.ready) slurm.stop();
  });

  it('trains with the real engine what the local pipeline trains, record for record', async () => {
    const root = join(work, 'cluster');
    const common = ['--studies', STUDIES, '--progress', 'none', '--no-site'];
    // Runs both at once: the local pipeline on one core, the array job on the other.
    const script = join(root, 'job', 'sweep.sh');
    const emitted = await runPipeline([...common, '--results', root, '--emit', 'slurm', '--out', script]);
    expect(emitted.code, emitted.stderr).toBe(0);
    const [localRun, job] = await Promise.all([runPipeline([...common, '--results', local, '--workers', '1']), sbatch(['--wait', script])]);
    expect(localRun.code, localRun.stderr).toBe(0);
    expect(job.code, job.output).toBe(0);
    const logs = logsOf(root, job.job);
    expect(logs).toHaveLength(3);
    for (const log of logs) expect(log).toMatch(new RegExp(`^slurm job ${job.job} task \\d: training [0-9a-f]{16} .*\\n[^]*: complete \\(`));

    const after = await runPipeline([...common, '--results', root]);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toMatch(/0 trained .*, 3 already done/);
    const mine = byId(local);
    const theirs = byId(root);
    expect([...theirs.keys()].sort()).toEqual([...mine.keys()].sort());
    expect(mine.size).toBe(3);
    for (const [id, record] of theirs) {
      expect(record.status, id).toBe('complete');
      expect(timeless(record), id).toEqual(timeless(mine.get(id)!));
    }
    longHash = [...mine.values()].find((r) => r.config.training.iterations === 120)!.id;
  }, 150_000);

  it('continues a task cancelled with scancel from its snapshot, and writes the same record', async () => {
    const root = join(work, 'cancel');
    const script = join(root, 'job', 'sweep.sh');
    const common = ['--studies', STUDIES, '--results', root, '--study', 'long'];
    expect((await runPipeline([...common, '--emit', 'slurm', '--out', script])).code).toBe(0);
    const first = await sbatch([script]);
    expect(first.code, first.output).toBe(0);
    await waitFor(() => existsSync(snapshotPath(recordPath(root, 'quick', longHash))), 60_000, 'the first snapshot');
    expect(spawnSync('scancel', [first.job]).status).toBe(0);
    await waitFor(() => !inQueue(first.job), 30_000, `job ${first.job} to leave the queue`);
    expect(existsSync(recordPath(root, 'quick', longHash))).toBe(false);
    const [cancelledLog] = logsOf(root, first.job);
    expect(cancelledLog).toMatch(/stopped by SIGTERM; submitted again, the run continues from its last snapshot/);
    const status = await runPipeline(['status', ...common]);
    expect(status.stdout).toMatch(new RegExp(`runs with a snapshot .*\\n  ${longHash} long: 120 seed 0: iteration \\d+ of 120`));
    expect(status.stdout).toContain(`Slurm job ${first.job} task 0 (${first.job}_0)`);

    const again = await sbatch(['--wait', script]);
    expect(again.code, again.output).toBe(0);
    const [resumedLog] = logsOf(root, again.job);
    expect(resumedLog).toMatch(/continues from its snapshot at iteration [1-9]\d*/);
    const record = byId(root).get(longHash)!;
    expect(record.provenance.resumed).toHaveLength(1);
    expect(timeless(record)).toEqual(timeless(byId(local).get(longHash)!));
    expect(existsSync(join(root, 'quick', 'locks', `${longHash}.lock`))).toBe(false);
  }, 120_000);

  it('reports a task that failed on a corrupt dataset with its Slurm job and task ids and the end of its log', async () => {
    const root = join(work, 'corrupt');
    const data = join(work, 'corrupt-data');
    mkdirSync(data, { recursive: true });
    for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      writeFileSync(join(data, f), 'not a gzip file\n');
    }
    const common = ['--studies', STUDIES, '--results', root, '--study', 'short'];
    const script = join(root, 'job', 'sweep.sh');
    expect((await runPipeline([...common, '--emit', 'slurm', '--out', script, '--data-dir', data])).code).toBe(0);
    const job = await sbatch(['--wait', script]);
    expect(job.code).not.toBe(0);
    const status = await runPipeline(['status', ...common]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/short\s+2\s+0\s+0\s+0\s+0\s+2/);
    for (const task of [0, 1]) {
      expect(status.stdout).toContain(`Slurm job ${job.job} task ${task} (${job.job}_${task}), log ${join(root, 'quick', 'logs', `${job.job}_${task}.out`)}`);
    }
    expect(status.stdout).toMatch(/\| error: .*corrupt-data/);
    expect(status.stdout).toMatch(new RegExp(`\\| slurm job ${job.job} task \\d: the engine exited with 1 and wrote no record`));
  }, 90_000);

  it('trains each run once when two array jobs work on the same results folder', async () => {
    const root = join(work, 'shared');
    const log = join(root, 'trainings.log');
    const script = join(root, 'job', 'sweep.sh');
    const args = ['--studies', TINY_STUDIES, '--study', 'beta', '--results', root, '--engine', FAKE_ENGINE, '--progress', 'none'];
    // One task at a time per job: task i of both jobs start together and race for run i.
    const emitted = await runPipeline([...args, '--emit', 'slurm', '--out', script, '--throttle', '1']);
    expect(emitted.code, emitted.stderr).toBe(0);
    const env = { FAKE_ENGINE_LOG: log, FAKE_ENGINE_MS_PER_ITERATION: '300' };
    const [a, b] = await Promise.all([sbatch(['--wait', script], env), sbatch(['--wait', script], env)]);
    expect(a.code, a.output).toBe(0);
    expect(b.code, b.output).toBe(0);
    const logs = [...logsOf(root, a.job), ...logsOf(root, b.job)];
    expect(logs).toHaveLength(4);
    expect(logs.filter((l) => /: training [0-9a-f]{16} /.test(l))).toHaveLength(2);
    expect(logs.filter((l) => /nothing to do/.test(l))).toHaveLength(2);
    expect(trainings(log)).toHaveLength(2);
    expect(new Set(trainings(log)).size).toBe(2);
    expect(loadRecords(root, 'quick').records).toHaveLength(2);
    const after = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(after.stderr).toMatch(/0 trained .*, 2 already done/);
  }, 120_000);
});
