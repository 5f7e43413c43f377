// A killed run continues from its last checkpoint and gives the same record, to the bit, as a
// run that was never stopped; a snapshot it cannot trust is ignored with a notice.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, resolveConfig, type RunConfig, type RunConfigInput } from '../../experiments/config.js';
import { initBackend } from '../../experiments/backend/resolve.js';
import { basicNetSpec, buildNetwork, disposeNetwork, initialWeights, trainables } from '../../experiments/model.js';
import { createOptimizer } from '../../experiments/optimizers.js';
import { createRandom } from '../../experiments/random.js';
import { engineCode } from '../../experiments/provenance.js';
import { runExperiment, type ProgressEvent } from '../../experiments/run.js';
import { encodeTensors, findSnapshot, restoreTensors, snapshotPath, stateTensors } from '../../experiments/snapshot.js';
import { BatchSampler } from '../../experiments/train.js';
import { readRunRecord } from '../../experiments/record-file.js';
import { runSnapshotSchema } from '../../data/schemas/run-snapshot.js';
import type { RunRecord } from '../../data/schemas/run-record.js';
import { timeless } from '../helpers/records.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const HAVE_DATA = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

// 256 images in batches of 32: the 600 iterations go through 75 epochs, so continuing must
// also restore the sampler's place in its shuffled order. Curve points every 7 iterations do
// not line up with the checkpoints, so the running loss sums are part of the state too.
const CONFIG: RunConfigInput = {
  data: { trainSubset: 256, probeSize: 64 },
  model: { width: 2 },
  optimizer: { name: 'adam', lr: 0.003 },
  regularization: { kind: 'l2', strength: 5e-4 },
  training: { iterations: 600, batchSize: 32, seed: 11 },
  measure: { checkpointEvery: 100, logEvery: 7, mechanism: true, mechanismBatch: 32, prune: false },
};

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ifs-snapshot-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the batch sampler', () => {
  it('skips batches exactly as drawing them would, across epochs', async () => {
    await initBackend('cpu');
    const count = 50;
    const source = { images: Float32Array.from({ length: count * 4 }, (_, i) => Math.floor(i / 4)), labels: new Int32Array(count), count };
    const drawn = new BatchSampler(source, 8, [2, 2, 1], 2, 4);
    const skipped = new BatchSampler(source, 8, [2, 2, 1], 2, 4);
    for (let i = 0; i < 13; i++) tf.dispose(Object.values(drawn.next()));
    skipped.skip(13);
    expect(skipped.epoch).toBe(drawn.epoch);
    expect(drawn.epoch).toBe(2);
    for (let i = 0; i < 9; i++) {
      const a = drawn.next();
      const b = skipped.next();
      expect(Array.from(b.x.dataSync())).toEqual(Array.from(a.x.dataSync()));
      tf.dispose([a.x, a.y, b.x, b.y]);
    }
  });
});

describe('snapshot tensors', () => {
  it('name every network variable and optimizer slot, and restore them exactly or refuse', async () => {
    await initBackend('cpu');
    const config: RunConfig = resolveConfig(CONFIG);
    const spec = basicNetSpec(config, [28, 28, 1], 10);
    const a = buildNetwork(spec, initialWeights(spec, createRandom(1, 'init')));
    const b = buildNetwork(spec, initialWeights(spec, createRandom(2, 'init')));
    const optA = createOptimizer(config, trainables(a));
    const optB = createOptimizer(config, trainables(b));
    try {
      const ta = stateTensors(a, optA);
      const tb = stateTensors(b, optB);
      // 7 blocks x (kernel, gamma, beta, running mean, running variance) + head weight and bias, + Adam's m and v for the 23 trainables.
      expect(ta.size).toBe(7 * 5 + 2 + 23 * 2);
      expect([...ta.keys()]).toContain('optimizer/22/v');
      const slot = ta.get('optimizer/3/m')!;
      tf.tidy(() => slot.assign(tf.fill(slot.shape, 0.25)));
      const saved = encodeTensors(ta);
      restoreTensors(saved, tb);
      for (const [name, v] of ta) expect(Array.from(tb.get(name)!.dataSync()), name).toEqual(Array.from(v.dataSync()));

      const { 'head/bias': _dropped, ...missing } = saved;
      expect(() => restoreTensors(missing, tb)).toThrow(/missing: head\/bias/);
      const reshaped = { ...saved, 'head/bias': { ...saved['head/bias'], shape: [5, 2] } };
      expect(() => restoreTensors(reshaped, tb)).toThrow(/head\/bias has shape 5x2, the run's 10/);
      const short = { ...saved, 'head/bias': { shape: [10], data: Buffer.alloc(8).toString('base64') } };
      expect(() => restoreTensors(short, tb)).toThrow(/holds 8 bytes, not 40/);
    } finally {
      optA.dispose();
      optB.dispose();
      disposeNetwork(a);
      disposeNetwork(b);
    }
  });
});

describe.skipIf(!HAVE_DATA)('continuing a real run from its snapshot', () => {
  const config = resolveConfig(CONFIG);
  let uninterrupted: RunRecord;

  beforeAll(async () => {
    uninterrupted = await runExperiment(config);
    expect(uninterrupted.status).toBe('complete');
    expect(uninterrupted.provenance.resumed).toBeUndefined();
  }, 300_000);

  it('writes a snapshot at every checkpoint before the end and gives the same record from the last one', async () => {
    const path = join(work, 'in-process.snapshot.json');
    const first = await runExperiment(config, { snapshot: path });
    expect(timeless(first)).toEqual(timeless(uninterrupted));
    const snapshot = runSnapshotSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    expect(snapshot.iteration).toBe(500);
    expect(snapshot.checkpoints.map((c) => c.iteration)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(snapshot.windows.logSteps).toBe(500 % 7);

    const events: ProgressEvent[] = [];
    const continued = await runExperiment(config, { snapshot: path, onProgress: (e) => events.push(e) });
    expect(events).toContainEqual({ type: 'resumed', iteration: 500, iterations: 600 });
    expect(timeless(continued)).toEqual(timeless(uninterrupted));
    expect(continued.provenance.resumed).toEqual([{ iteration: 500, at: expect.any(String), codeVersion: first.provenance.codeVersion }]);
    expect(continued.provenance.startedAt).toBe(first.provenance.startedAt);
    expect(continued.provenance.codeVersion).toBe(first.provenance.codeVersion);
    expect(snapshot.engineCode).toBe(engineCode());
    expect(engineCode()).toMatch(/^[0-9a-f]{16}$/);
  }, 300_000);

  it('ignores, with a notice, a snapshot from other engine code, another run or a corrupt file', async () => {
    const path = join(work, 'foreign.snapshot.json');
    await runExperiment(config, { snapshot: path });
    const good = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const run = { id: good.id as string, engineCode: good.engineCode as string, backend: good.backend as string, iterations: 600 };
    expect(findSnapshot(path, run).kind).toBe('usable');
    expect(findSnapshot(path, { ...run, engineCode: 'f'.repeat(16) })).toMatchObject({
      kind: 'unusable',
      reason: expect.stringMatching(/written by other engine code .* this is f{16}/),
    });
    expect(findSnapshot(path, { ...run, id: '0'.repeat(16) })).toMatchObject({ kind: 'unusable', reason: expect.stringMatching(/belongs to run/) });
    expect(findSnapshot(path, { ...run, backend: 'tensorflow' })).toMatchObject({
      kind: 'unusable',
      reason: expect.stringMatching(/on the .* backend; this run uses tensorflow/),
    });
    expect(findSnapshot(join(work, 'nothing.json'), run)).toEqual({ kind: 'none' });

    writeFileSync(path, JSON.stringify({ ...good, engineCode: '0'.repeat(16) }));
    const events: ProgressEvent[] = [];
    const fresh = await runExperiment(config, { snapshot: path, onProgress: (e) => events.push(e) });
    expect(events.find((e) => e.type === 'notice')).toMatchObject({
      message: expect.stringMatching(/not continuing from the snapshot: .* training from iteration 0/),
    });
    expect(events.some((e) => e.type === 'resumed')).toBe(false);
    expect(timeless(fresh)).toEqual(timeless(uninterrupted));

    writeFileSync(path, '{"schemaVersion": 1, "kind": "run-snap');
    expect(findSnapshot(path, run)).toMatchObject({ kind: 'unusable', reason: expect.stringMatching(/not readable JSON/) });
  }, 300_000);

  it('survives kill -9 of the engine: the second start continues and writes the same record', async () => {
    const configFile = join(work, 'config.json');
    writeFileSync(configFile, canonicalJson(config));
    const out = join(work, 'runs', 'killed.json');
    const snapshot = snapshotPath(out);
    const engine = () =>
      spawn(process.execPath, ['--import', 'tsx', 'experiments/cli.ts', '--config', configFile, '--out', out, '--progress', 'jsonl'], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    const first = engine();
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        if (!existsSync(snapshot)) return;
        first.kill('SIGKILL');
        clearInterval(timer);
        done();
      }, 5);
      first.on('exit', () => {
        clearInterval(timer);
        if (!existsSync(snapshot)) fail(new Error('the engine ended before writing a snapshot'));
      });
    });
    await new Promise((r) => (first.exitCode !== null || first.signalCode !== null ? r(null) : first.on('exit', r)));
    expect(first.signalCode).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    const at = runSnapshotSchema.parse(JSON.parse(readFileSync(snapshot, 'utf8'))).iteration;
    expect(at).toBeLessThan(600);

    const second = engine();
    let stdout = '';
    second.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise((r) => second.on('exit', r));
    expect(code).toBe(0);
    expect(stdout).toContain(`{"type":"resumed","iteration":${at},"iterations":600}`);
    const record = readRunRecord(out);
    expect(timeless(record)).toEqual(timeless(uninterrupted));
    expect(record.provenance.resumed?.map((r) => r.iteration)).toEqual([at]);
    expect(existsSync(snapshot)).toBe(false); // removed once the record is written
  }, 300_000);
});
