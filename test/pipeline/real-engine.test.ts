// The pipeline with the real experiment engine (experiments/cli.ts) on tiny configurations:
// width 2, 6-8 iterations on 256 Fashion-MNIST images; seconds per run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASET_NAMES, datasetSchemas } from '../../data/schemas/datasets.js';
import { loadRecords } from '../../pipeline/aggregate.js';
import { runPipeline, TINY_STUDIES } from './harness.js';

const haveData = existsSync('/usr/share/datasets/fashion-mnist');

describe.skipIf(!haveData)('pipeline with the real engine', () => {
  let root: string;
  let args: string[];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ifs-real-'));
    args = ['--studies', TINY_STUDIES, '--results', root, '--progress', 'lines', '--workers', '2'];
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains a study in parallel engines, aggregates valid datasets, and trains nothing the second time', async () => {
    const r = await runPipeline([...args, '--study', 'beta']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 trained \(2 complete, 0 diverged, 0 failed\)/);
    expect(r.stderr).toMatch(/\[w1\] start [0-9a-f]{16} beta/);
    const { records, invalid } = loadRecords(root, 'quick');
    expect(invalid).toEqual([]);
    expect(records.map((x) => x.status)).toEqual(['complete', 'complete']);
    expect(records.every((x) => x.final !== null && x.checkpoints.length === 3)).toBe(true);
    for (const name of DATASET_NAMES) {
      const d = JSON.parse(readFileSync(join(root, 'quick', 'datasets', `${name}.json`), 'utf8')) as unknown;
      expect(datasetSchemas[name].safeParse(d).success, name).toBe(true);
    }
    const bytes = readFileSync(join(root, 'quick', 'datasets', 'filters.json'), 'utf8');

    const again = await runPipeline([...args, '--study', 'beta']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0 trained .*, 2 already done/);
    expect(readFileSync(join(root, 'quick', 'datasets', 'filters.json'), 'utf8')).toBe(bytes);
  }, 90_000);

  it('runs a Slurm array task with the real engine', async () => {
    const script = join(root, 'job', 'sweep.sh');
    const emitted = await runPipeline([...args, '--scale', 'full', '--study', 'alpha', '--emit', 'slurm', '--out', script, '--backend', 'wasm']);
    expect(emitted.code, emitted.stderr).toBe(0);
    expect(readFileSync(script, 'utf8')).toMatch(/--backend wasm/);
    const t = spawnSync('bash', [script], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' }, encoding: 'utf8' });
    expect(t.status, t.stderr).toBe(0);
    const { records, invalid } = loadRecords(root, 'full');
    expect(invalid).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'complete', provenance: { backend: 'wasm' } });
    const status = await runPipeline(['status', '--scale', 'full', '--study', 'alpha', '--studies', TINY_STUDIES, '--results', root]);
    expect(status.stdout).toMatch(/alpha\s+4\s+1\s+0\s+0\s+0\s+3/);
  }, 90_000);
});
