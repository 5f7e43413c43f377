// The Slurm array job that --emit slurm writes, run task by task with bash as Slurm would (no
// Slurm needed; test/pipeline/slurm-cluster.test.ts submits it to a real one).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecords } from '../../pipeline/aggregate.js';
import { tryLock } from '../../pipeline/lock.js';
import { locksDir } from '../../pipeline/records.js';
import { readSlurmJob, shellQuote, slurmTime } from '../../pipeline/slurm.js';
import { FAKE_ENGINE, runPipeline, TINY_STUDIES, trainings } from './harness.js';

const task = (script: string, id: number, env: Record<string, string>) =>
  spawnSync('bash', [script], { env: { ...process.env, ...env, SLURM_ARRAY_TASK_ID: String(id) }, encoding: 'utf8' });

// Each test runs the pipeline and the emitted script's tasks: under a minute on an idle 2-core machine,
// several times that while a sweep shares it. A limit, not a measurement.
describe('--emit slurm', { timeout: 300_000 }, () => {
  let root: string;
  let log: string;
  let script: string;
  let args: string[];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ifs-slurm-'));
    log = join(root, 'trainings.log');
    script = join(root, 'job', 'sweep.sh');
    // The fake engine fails when --data-dir does not exist, so passing one checks that the task passes it on.
    args = ['--studies', TINY_STUDIES, '--results', root, '--engine', FAKE_ENGINE, '--progress', 'none', '--data-dir', root];
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the environment, a throttle, the time limit and per-task logs next to the records into the script', async () => {
    const emitted = await runPipeline([...args, '--emit', 'slurm', '--out', script, '--throttle', '2'], { FAKE_ENGINE_LOG: log });
    expect(emitted.code, emitted.stderr).toBe(0);
    expect(emitted.stderr).toMatch(/\(5 array task\(s\), time limit 0:15:00 each\)/);
    expect(emitted.stderr).toContain(`task logs go to ${join(root, 'quick', 'logs')}`);
    expect(trainings(log)).toEqual([]);
    const text = readFileSync(script, 'utf8');
    expect(text).toMatch(/^#!\/bin\/bash\n/);
    expect(text).toMatch(/\n#SBATCH --array=0-4%2\n/);
    expect(text).toMatch(/\n#SBATCH --time=0:15:00\n/);
    expect(text).toContain(`\n#SBATCH --output=${join(root, 'quick', 'logs')}/%A_%a.out\n`);
    expect(text).toContain(`\nNODE="\${NODE:-${process.execPath}}"\n`);
    expect(text).toContain(`\nRESULTS=${root}\n`);
    expect(statSync(join(root, 'quick', 'logs')).isDirectory()).toBe(true);
    expect(statSync(script).mode & 0o111).not.toBe(0);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    const job = readSlurmJob(join(root, 'job', 'job.json'));
    expect(job.tasks).toHaveLength(5);
    expect(job.tasks[0].label).toBe('alpha: adam seed 0');
    expect(job.engine).toMatchObject({ node: true, dataDir: root });
    for (const t of job.tasks) expect(statSync(join(root, 'job', 'configs', `${t.hash}.json`)).isFile()).toBe(true);
  });

  it('runs each task under the run lock: a held run is left to its holder, the others are trained', async () => {
    const job = readSlurmJob(join(root, 'job', 'job.json'));
    const hashes = job.tasks.map((t) => t.hash);
    const held = tryLock(join(locksDir(root, 'quick'), `${hashes[0]}.lock`));
    expect(held.acquired).toBe(true);
    const skipped = task(script, 0, { FAKE_ENGINE_LOG: log });
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(skipped.stdout).toMatch(new RegExp(`task 0: ${hashes[0]} \\(alpha: adam seed 0\\) is being trained by pid ${process.pid} on `));
    expect(trainings(log)).toEqual([]);
    if (held.acquired) held.lock.release();

    for (let i = 0; i < 5; i++) {
      const r = task(script, i, { FAKE_ENGINE_LOG: log });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`slurm job none task ${i}: training ${hashes[i]} `));
      expect(r.stdout).toMatch(new RegExp(`task ${i}: complete \\(\\d+ s, \\d+ img/s\\); record ${root}/quick/runs/${hashes[i]}.json`));
    }
    expect(trainings(log)).toEqual(hashes);
    expect(loadRecords(root, 'quick').records).toHaveLength(5);

    const again = task(script, 0, { FAKE_ENGINE_LOG: log });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/has a record in .*, nothing to do/);
    const beyond = task(script, 5, {});
    expect(beyond.status).toBe(2);
    expect(beyond.stderr).toMatch(/no task 5 in .*job\.json \(it has tasks 0-4\)/);
    expect(spawnSync('bash', [script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }).stderr).toMatch(/submit this script with sbatch/);
    expect(trainings(log)).toHaveLength(5);
  });

  it('leaves the aggregation to the normal pipeline call, which trains nothing more', async () => {
    const r = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/0 trained .*, 5 already done/);
    expect(r.stderr).toMatch(/aggregated 5 record\(s\)/);
    expect(trainings(log)).toHaveLength(5);
    const none = await runPipeline([...args, '--emit', 'slurm', '--out', script]);
    expect(none.stderr).toMatch(/nothing to emit/);
  });

  it('has status name the Slurm job and task of a run whose task left no record, with the end of its log', async () => {
    const trouble = { TINY_STUDIES_TROUBLE: '1' };
    const troubleArgs = [...args, '--study', 'trouble'];
    const emitted = await runPipeline([...troubleArgs, '--emit', 'slurm', '--out', script], trouble);
    expect(emitted.code, emitted.stderr).toBe(0);
    const job = readSlurmJob(join(root, 'job', 'job.json'));
    // Seed 667 makes the fake engine exit 1 without a record; Slurm would write this log file.
    const i = job.tasks.findIndex((t) => t.label.includes('seed 667'));
    const logFile = join(root, 'quick', 'logs', `77_${i}.out`);
    const r = task(script, i, { ...trouble, SLURM_ARRAY_JOB_ID: '77', FAKE_ENGINE_LOG: log });
    writeFileSync(logFile, `${r.stdout}${r.stderr}`);
    expect(r.status).toBe(1);
    // A log of a task that found nothing to do does not hide the one that trained.
    writeFileSync(join(root, 'quick', 'logs', '9_0.out'), `slurm job 9 task 0: ${job.tasks[i].hash} (x) has a record in y, nothing to do\n`);
    const status = await runPipeline(['status', '--studies', TINY_STUDIES, '--results', root, '--study', 'trouble'], trouble);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`${job.tasks[i].hash} ${job.tasks[i].label}: Slurm job 77 task ${i} (77_${i}), log ${logFile}`);
    expect(status.stdout).toMatch(/\| error: the fake engine crashed on purpose \(seed 667\)\n/);
    expect(status.stdout).toMatch(/\| slurm job 77 task \d: the engine exited with 1 and wrote no record/);
  });

  it('shows the throttle in --help, and rounds time limits up to whole minutes', async () => {
    const help = await runPipeline(['--help']);
    expect(help.stdout).toMatch(/--throttle <n>\s+with --emit slurm: at most n array tasks run at once/);
    expect(slurmTime(10)).toBe('0:15:00');
    expect(slurmTime(3601)).toBe('1:01:00');
    expect(slurmTime(26 * 3600)).toBe('26:00:00');
  });

  it('quotes words for bash', () => {
    expect(shellQuote('/a/b-c.ts')).toBe('/a/b-c.ts');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
    expect(spawnSync('bash', ['-c', `printf %s ${shellQuote("a 'b' $c")}`], { encoding: 'utf8' }).stdout).toBe("a 'b' $c");
  });
});
