import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, stratifiedSubset, type ImageDataset } from '../../../experiments/data/dataset.js';
import { createRandom } from '../../../experiments/random.js';
import { idxImages, idxLabels } from '../../helpers/dataset-files.js';

// A synthetic Fashion-MNIST folder: 1x2 images whose two bytes encode the image's index, so the
// test can tell which training images the subset kept. Unequal class sizes, interleaved.
const CLASS_SIZES = [100, 80, 40, 80, 5, 0, 0, 0, 0, 1];

function trainLabels(): number[] {
  const left = [...CLASS_SIZES];
  const labels: number[] = [];
  while (left.some((n) => n > 0)) {
    for (let c = 0; c < left.length; c++) {
      if (left[c] > 0) {
        labels.push(c);
        left[c]--;
      }
    }
  }
  return labels;
}

const TRAIN_LABELS = trainLabels();
const TEST_LABELS = [0, 1, 2, 3, 4, 9, 2, 2, 0];

const encode = (n: number) => [n & 255, n >> 8];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'subset-test-'));
  const train = TRAIN_LABELS.flatMap((_, i) => encode(i));
  const test = TEST_LABELS.flatMap((_, i) => encode(1000 + i));
  await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxImages(TRAIN_LABELS.length, 1, 2, train)));
  await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxLabels(TRAIN_LABELS)));
  await writeFile(join(dir, 't10k-images-idx3-ubyte'), idxImages(TEST_LABELS.length, 1, 2, test));
  await writeFile(join(dir, 't10k-labels-idx1-ubyte'), idxLabels(TEST_LABELS));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The original index of every image of a split, decoded from its two normalised bytes. */
function indices(ds: ImageDataset, split: 'train' | 'test'): number[] {
  const { mean, std } = ds.normalization;
  const byte = (v: number) => Math.round((v * std[0] + mean[0]) * 255) + 0; // + 0 turns -0 into 0
  const images = ds[split].images;
  const out: number[] = [];
  for (let i = 0; i < ds[split].count; i++) out.push(byte(images[2 * i]) + 256 * byte(images[2 * i + 1]));
  return out;
}

function classCounts(labels: Int32Array, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

describe('class subset', () => {
  it('keeps exactly the images with label < k, in file order, in train and test', async () => {
    const ds = await loadDataset({ name: 'fashion-mnist', dir, seed: 0, classes: 3 });
    expect(ds.numClasses).toBe(3);
    const expectedTrain = TRAIN_LABELS.flatMap((l, i) => (l < 3 ? [i] : []));
    expect(indices(ds, 'train')).toEqual(expectedTrain);
    expect(Array.from(ds.train.labels)).toEqual(expectedTrain.map((i) => TRAIN_LABELS[i]));
    expect(indices(ds, 'test')).toEqual([1000, 1001, 1002, 1006, 1007, 1008]);
    expect(Array.from(ds.test.labels)).toEqual([0, 1, 2, 2, 2, 0]);
    expect(classCounts(ds.train.labels, 3)).toEqual([100, 80, 40]);
  });

  it('keeps a class list, in file order, relabelled to its order (task class i = label classList[i])', async () => {
    const ds = await loadDataset({ name: 'fashion-mnist', dir, seed: 0, classList: [9, 2] });
    expect(ds.numClasses).toBe(2);
    const expectedTrain = TRAIN_LABELS.flatMap((l, i) => (l === 9 || l === 2 ? [i] : []));
    expect(indices(ds, 'train')).toEqual(expectedTrain);
    expect(Array.from(ds.train.labels)).toEqual(expectedTrain.map((i) => (TRAIN_LABELS[i] === 9 ? 0 : 1)));
    expect(indices(ds, 'test')).toEqual([1002, 1005, 1006, 1007]);
    expect(Array.from(ds.test.labels)).toEqual([1, 0, 1, 1]);
    // With a training subset, the strata are the listed classes.
    const sub = await loadDataset({ name: 'fashion-mnist', dir, seed: 1, classList: [3, 2], trainSubset: 20 });
    expect(classCounts(sub.train.labels, 2)).toEqual([10, 10]);
  });

  it('says what is wrong with a class list', async () => {
    await expect(loadDataset({ name: 'fashion-mnist', dir, seed: 0, classList: [3, 10] })).rejects.toThrow(/labels 10, but fashion-mnist has labels 0-9/);
    await expect(loadDataset({ name: 'fashion-mnist', dir, seed: 0, classList: [3, 3] })).rejects.toThrow(/repeats a label/);
    await expect(loadDataset({ name: 'fashion-mnist', dir, seed: 0, classList: [3, 4], classes: 3 })).rejects.toThrow(/must equal the length/);
  });

  it('keeps everything without a class subset (null or absent)', async () => {
    const a = await loadDataset({ name: 'fashion-mnist', dir, seed: 0 });
    const b = await loadDataset({ name: 'fashion-mnist', dir, seed: 5, classes: null, trainSubset: null });
    expect(a.train.count).toBe(TRAIN_LABELS.length);
    expect(a.numClasses).toBe(10);
    expect(indices(a, 'train')).toEqual(TRAIN_LABELS.map((_, i) => i));
    expect(b.train.images).toEqual(a.train.images);
  });
});

describe('stratified training subset', () => {
  it('is balanced over the classes, in file order, and leaves the test split whole', async () => {
    const ds = await loadDataset({ name: 'fashion-mnist', dir, seed: 1, classes: 3, trainSubset: 60 });
    expect(ds.train.count).toBe(60);
    expect(classCounts(ds.train.labels, 3)).toEqual([20, 20, 20]);
    const kept = indices(ds, 'train');
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(new Set(kept).size).toBe(60);
    kept.forEach((i, n) => expect(ds.train.labels[n]).toBe(TRAIN_LABELS[i]));
    expect(ds.test.count).toBe(6);
  });

  it('is deterministic for a seed and different for another seed', async () => {
    const opts = { name: 'fashion-mnist', dir, classes: 3, trainSubset: 60 } as const;
    const a = indices(await loadDataset({ ...opts, seed: 1 }), 'train');
    const b = indices(await loadDataset({ ...opts, seed: 1 }), 'train');
    const c = indices(await loadDataset({ ...opts, seed: 2 }), 'train');
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // The subset is a real sample, not the first images of each class.
    const seen = [0, 0, 0];
    const firsts = TRAIN_LABELS.flatMap((l, i) => (l < 3 && seen[l]++ < 20 ? [i] : []));
    expect(firsts).toHaveLength(60);
    expect(a).not.toEqual(firsts);
  });

  it('normalises with the statistics of the kept training images only', async () => {
    const ds = await loadDataset({ name: 'fashion-mnist', dir, seed: 3, classes: 3, trainSubset: 30 });
    const bytes = indices(ds, 'train')
      .flatMap(encode)
      .map((v) => v / 255);
    const mean = bytes.reduce((s, v) => s + v, 0) / bytes.length;
    const std = Math.sqrt(bytes.reduce((s, v) => s + (v - mean) ** 2, 0) / bytes.length);
    expect(ds.normalization.mean[0]).toBeCloseTo(mean, 12);
    expect(ds.normalization.std[0]).toBeCloseTo(std, 12);
    let sum = 0;
    for (const v of ds.train.images) sum += v;
    expect(sum / ds.train.images.length).toBeCloseTo(0, 5);
  });

  it('gives the remainder to some classes (counts differ by at most one)', async () => {
    const ds = await loadDataset({ name: 'fashion-mnist', dir, seed: 4, classes: 3, trainSubset: 61 });
    const counts = classCounts(ds.train.labels, 3);
    expect(counts.reduce((a, b) => a + b)).toBe(61);
    expect([...counts].sort()).toEqual([20, 20, 21]);
  });

  it('takes a small class whole and shares the rest among the others', async () => {
    const ds = await loadDataset({ name: 'fashion-mnist', dir, seed: 0, classes: 3, trainSubset: 180 });
    expect(classCounts(ds.train.labels, 3)).toEqual([70, 70, 40]);
    const all = await loadDataset({ name: 'fashion-mnist', dir, seed: 0, classes: 3, trainSubset: 220 });
    expect(classCounts(all.train.labels, 3)).toEqual([100, 80, 40]);
  });

  it('stratifiedSubset handles empty and tiny classes', () => {
    const labels = TRAIN_LABELS;
    for (const size of [0, 1, 7, 10, 100, 250, labels.length]) {
      const pick = stratifiedSubset(labels, 10, size, createRandom(9, 'train-subset'));
      expect(pick.length).toBe(size);
      for (let i = 1; i < pick.length; i++) expect(pick[i]).toBeGreaterThan(pick[i - 1]);
      const counts = new Array<number>(10).fill(0);
      for (const i of pick) counts[labels[i]]++;
      // Balanced: a class below the largest count is a class with no image left.
      const top = Math.max(...counts);
      counts.forEach((n, c) => {
        expect(n).toBeLessThanOrEqual(CLASS_SIZES[c]);
        if (n < top - 1) expect(n).toBe(CLASS_SIZES[c]);
      });
    }
    expect(() => stratifiedSubset(labels, 10, labels.length + 1, createRandom(0, 'x'))).toThrow(/cannot choose/);
  });
});
