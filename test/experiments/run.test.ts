// A short real training run on a Fashion-MNIST subset: a valid record, reproducible, and a
// diverging run recorded as such.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolveConfig, configHash, type RunConfigInput } from '../../experiments/config.js';
import { runExperiment } from '../../experiments/run.js';
import { runRecordSchema } from '../../data/schemas/run-record.js';
import { timeless } from '../helpers/records.js';

const HAVE_DATA = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
if (!HAVE_DATA) console.warn('Fashion-MNIST missing: apt-get install -y dataset-fashion-mnist (run tests skipped)');

const TINY: RunConfigInput = {
  data: { trainSubset: 256, probeSize: 64 },
  model: { width: 2 },
  training: { iterations: 12, batchSize: 32, seed: 3 },
  measure: { checkpointEvery: 5, logEvery: 4, mechanism: true, mechanismBatch: 32 },
};

describe.skipIf(!HAVE_DATA)('a real training run', () => {
  it('writes a valid, complete record and repeats it exactly', async () => {
    const config = resolveConfig(TINY);
    const a = await runExperiment(config);
    expect(runRecordSchema.safeParse(a).success).toBe(true);
    expect(a.status).toBe('complete');
    expect(a.id).toBe(configHash(config));
    expect(a.checkpoints.map((c) => c.iteration)).toEqual([0, 5, 10, 12]);
    expect(a.curve.map((c) => c.iteration)).toEqual([4, 8, 12]);
    expect(a.final?.images).toBe(256);
    expect(a.final?.layers.map((l) => l.filters)).toEqual([2, 4, 4, 8, 8, 16, 16]);
    expect(a.checkpoints[1].layers[0].mechanism?.regGradGamma.length).toBe(2);
    expect(a.pruning?.testAccuracy.after).toBe(a.pruning?.testAccuracy.before);
    expect(a.pruning?.maxLogitDifference).toBeLessThan(1e-3);
    // the speed is the images trained over the training time, within the record's rounding
    const images = config.training.iterations * config.training.batchSize;
    expect(Math.abs(a.provenance.imagesPerSecond - images / a.provenance.trainSeconds) / a.provenance.imagesPerSecond).toBeLessThan(2e-5);
    expect(a.provenance.trainSeconds + a.provenance.measureSeconds).toBeLessThanOrEqual(a.provenance.wallSeconds);
    const b = await runExperiment(config);
    expect(timeless(b)).toEqual(timeless(a));
  }, 180_000);

  it('records a diverging run with the iteration where the loss stopped being finite', async () => {
    const config = resolveConfig({ ...TINY, optimizer: { name: 'sgd', lr: 1e30 }, measure: { prune: false } });
    const r = await runExperiment(config);
    expect(r.status).toBe('diverged');
    expect(r.failure?.iteration).toBeGreaterThan(0);
    expect(r.failure?.reason).toMatch(/loss became (NaN|Infinity|-Infinity)/);
    expect(r.final).toBeNull();
    expect(runRecordSchema.safeParse(r).success).toBe(true);
  }, 120_000);
});
