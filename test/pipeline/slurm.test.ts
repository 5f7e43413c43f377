// The Slurm array job that --emit slurm writes, run task by task with bash as Slurm would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecords } from '../../pipeline/aggregate.js';
import { shellQuote } from '../../pipeline/slurm.js';
import { FAKE_ENGINE, runPipeline, TINY_STUDIES, trainings } from './harness.js';

const task = (script: string, id: number, env: Record<string, string>) =>
  spawnSync('bash', [script], { env: { ...process.env, ...env, SLURM_ARRAY_TASK_ID: String(id) }, encoding: 'utf8' });

describe('--emit slurm', () => {
  let root: string;
  let log: string;
  let script: string;
  let args: string[];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ifs-slurm-'));
    log = join(root, 'trainings.log');
    script = join(root, 'job', 'sweep.sh');
    // The fake engine fails when --data-dir does not exist, so passing one checks the manifest's data folder column.
    args = ['--studies', TINY_STUDIES, '--results', root, '--engine', FAKE_ENGINE, '--progress', 'none', '--data-dir', root];
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes one array task per missing run, and every task trains its run into the results folder', async () => {
    const emitted = await runPipeline([...args, '--emit', 'slurm', '--out', script], { FAKE_ENGINE_LOG: log });
    expect(emitted.code, emitted.stderr).toBe(0);
    expect(emitted.stderr).toMatch(/\(5 array task\(s\)\)/);
    expect(trainings(log)).toEqual([]);
    const text = readFileSync(script, 'utf8');
    expect(text).toMatch(/^#!\/bin\/bash\n/);
    expect(text).toMatch(/\n#SBATCH --array=0-4\n/);
    expect(text).toMatch(/\n#SBATCH --time=0:15:00\n/);
    expect(statSync(script).mode & 0o111).not.toBe(0);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    const manifest = readFileSync(join(root, 'job', 'manifest.tsv'), 'utf8').trim().split('\n');
    expect(manifest).toHaveLength(5);
    expect(manifest[0]).toBe(`${manifest[0].slice(0, 16)}\t${root}\talpha: adam seed 0`);

    for (let i = 0; i < 5; i++) {
      const r = task(script, i, { FAKE_ENGINE_LOG: log });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`task ${i}: training ${manifest[i].split('\t')[0]}`));
    }
    expect(trainings(log)).toEqual(manifest.map((l) => l.split('\t')[0]));
    expect(loadRecords(root, 'quick').records).toHaveLength(5);

    const again = task(script, 0, { FAKE_ENGINE_LOG: log });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/exists, nothing to do/);
    const beyond = task(script, 5, {});
    expect(beyond.status).toBe(2);
    expect(beyond.stderr).toMatch(/no task 5/);
    expect(spawnSync('bash', [script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }).stderr).toMatch(/submit this script with sbatch/);
    expect(trainings(log)).toHaveLength(5);
  }, 60_000);

  it('leaves the aggregation to the normal pipeline call, which trains nothing more', async () => {
    const r = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/0 trained .*, 5 already done/);
    expect(r.stderr).toMatch(/aggregated 5 record\(s\)/);
    expect(trainings(log)).toHaveLength(5);
    const none = await runPipeline([...args, '--emit', 'slurm', '--out', script]);
    expect(none.stderr).toMatch(/nothing to emit/);
  }, 60_000);

  it('quotes words for bash', () => {
    expect(shellQuote('/a/b-c.ts')).toBe('/a/b-c.ts');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
    expect(spawnSync('bash', ['-c', `printf %s ${shellQuote("a 'b' $c")}`], { encoding: 'utf8' }).stdout).toBe("a 'b' $c");
  });
});
