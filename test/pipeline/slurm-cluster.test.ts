// The emitted array job submitted to a real Slurm (runs only where `sinfo` answers, e.g. a
// single-node slurm-wlm): every task trains its run, and the pipeline then trains nothing more.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRecords } from '../../pipeline/aggregate.js';
import { FAKE_ENGINE, runPipeline, TINY_STUDIES, trainings } from './harness.js';

const sinfo = spawnSync('sinfo', ['-h', '-o', '%a'], { encoding: 'utf8', timeout: 5000 });
const slurmUp = sinfo.status === 0 && sinfo.stdout.includes('up');

describe.skipIf(!slurmUp)('--emit slurm on a running Slurm', () => {
  const root = mkdtempSync(join(tmpdir(), 'ifs-sbatch-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs the array job with sbatch and leaves only aggregation to the pipeline', async () => {
    const log = join(root, 'trainings.log');
    const script = join(root, 'job', 'sweep.sh');
    const args = ['--studies', TINY_STUDIES, '--results', root, '--engine', FAKE_ENGINE, '--progress', 'none'];
    const emitted = await runPipeline([...args, '--emit', 'slurm', '--out', script]);
    expect(emitted.code, emitted.stderr).toBe(0);
    // Slurm passes the submitting environment (PATH, FAKE_ENGINE_LOG) to the tasks.
    const submit = spawnSync('sbatch', ['--wait', '--cpus-per-task=1', script], {
      env: { ...process.env, FAKE_ENGINE_LOG: log },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(submit.status, `${submit.stdout}${submit.stderr}`).toBe(0);
    const logs = readdirSync(join(root, 'job', 'logs'));
    expect(logs).toHaveLength(5);
    expect(readFileSync(join(root, 'job', 'logs', logs[0]), 'utf8')).toMatch(/task \d: training [0-9a-f]{16}/);
    expect(loadRecords(root, 'quick')).toMatchObject({ invalid: [] });
    expect(loadRecords(root, 'quick').records).toHaveLength(5);
    expect(new Set(trainings(log)).size).toBe(5);

    const after = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toMatch(/0 trained .*, 5 already done/);
    expect(trainings(log)).toHaveLength(5);
  }, 150_000);
});
