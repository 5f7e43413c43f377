import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, loadDataset } from '../../../experiments/data/dataset.js';

// The real dataset, from the Debian package dataset-fashion-mnist. Skipped (with the reason in the
// test name) on machines that do not have it.
const DIR = defaultDataDir('fashion-mnist') as string;
const PRESENT = existsSync(DIR);
const SKIP_NOTE = PRESENT ? '' : ` [skipped: ${DIR} is absent; install it with: apt-get install -y dataset-fashion-mnist]`;
if (!PRESENT) console.warn(`test/experiments/data/fashion-mnist.test.ts: ${SKIP_NOTE.trim()}`);

function classCounts(labels: Int32Array, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

describe('real Fashion-MNIST', () => {
  it.skipIf(!PRESENT)(`loads 60000 + 10000 images of 28x28x1 in 10 classes${SKIP_NOTE}`, { timeout: 30_000 }, async () => {
    const ds = await loadDataset({ name: 'fashion-mnist', seed: 0 });

    expect(ds).toMatchObject({ name: 'fashion-mnist', height: 28, width: 28, channels: 1, numClasses: 10 });
    expect(ds.train.count).toBe(60000);
    expect(ds.test.count).toBe(10000);
    expect(ds.train.images.length).toBe(60000 * 28 * 28);
    expect(ds.test.images.length).toBe(10000 * 28 * 28);
    expect(ds.train.labels.length).toBe(60000);
    expect(classCounts(ds.train.labels, 10)).toEqual(new Array(10).fill(6000));
    expect(classCounts(ds.test.labels, 10)).toEqual(new Array(10).fill(1000));
    // The first labels of the published files (ankle boot, T-shirt, ...).
    expect(Array.from(ds.train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(ds.test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    // The well-known statistics of the training set.
    expect(ds.normalization.mean[0]).toBeCloseTo(0.286, 3);
    expect(ds.normalization.std[0]).toBeCloseTo(0.353, 3);
    expect(ds.source.dir).toBe(DIR);
    expect(ds.source.files).toHaveLength(4);
    for (const base of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      expect(ds.source.files.filter((f) => f === join(DIR, base) || f === join(DIR, `${base}.gz`))).toHaveLength(1);
    }

    let sum = 0;
    let sq = 0;
    let finite = true;
    for (const v of ds.train.images) {
      sum += v;
      sq += v * v;
      if (!Number.isFinite(v)) finite = false;
    }
    const n = ds.train.images.length;
    expect(finite).toBe(true);
    expect(sum / n).toBeCloseTo(0, 4);
    expect(Math.sqrt(sq / n - (sum / n) ** 2)).toBeCloseTo(1, 4);
  });

  it.skipIf(!PRESENT)(`keeps 2 classes and a balanced subset of 1000${SKIP_NOTE}`, { timeout: 30_000 }, async () => {
    const ds = await loadDataset({ name: 'fashion-mnist', seed: 7, classes: 2, trainSubset: 1000 });
    expect(ds.numClasses).toBe(2);
    expect(ds.train.count).toBe(1000);
    expect(classCounts(ds.train.labels, 2)).toEqual([500, 500]);
    expect(ds.test.count).toBe(2000);
    expect(classCounts(ds.test.labels, 2)).toEqual([1000, 1000]);
  });
});
