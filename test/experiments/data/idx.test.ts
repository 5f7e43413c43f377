import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDataDir, loadDataset } from '../../../experiments/data/dataset.js';
import { DatasetFileError, isGzip, parseIdxImages, parseIdxLabels } from '../../../experiments/data/idx.js';
import { idxImages, idxLabels } from '../../helpers/dataset-files.js';

const HINT = 'apt-get install -y dataset-fashion-mnist';

// 4 training images and 2 test images of 2x3 pixels, every value set by hand.
const ROWS = 2;
const COLS = 3;
const TRAIN_PIXELS = [
  [0, 255, 10, 20, 30, 40],
  [255, 255, 0, 0, 128, 64],
  [1, 2, 3, 4, 5, 6],
  [200, 100, 50, 25, 12, 6],
];
const TRAIN_LABELS = [3, 0, 9, 3];
const TEST_PIXELS = [
  [9, 8, 7, 6, 5, 4],
  [100, 101, 102, 103, 104, 105],
];
const TEST_LABELS = [1, 9];

interface Files {
  trainImages: Buffer;
  trainLabels: Buffer;
  testImages: Buffer;
  testLabels: Buffer;
}

function goodFiles(): Files {
  return {
    trainImages: idxImages(TRAIN_PIXELS.length, ROWS, COLS, TRAIN_PIXELS.flat()),
    trainLabels: idxLabels(TRAIN_LABELS),
    testImages: idxImages(TEST_PIXELS.length, ROWS, COLS, TEST_PIXELS.flat()),
    testLabels: idxLabels(TEST_LABELS),
  };
}

const NAMES: Record<keyof Files, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'idx-test-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes the four files into a fresh folder; `gzip` chooses per file whether to gzip (and add .gz). */
async function writeFolder(files: Files, gzip: (key: keyof Files) => boolean): Promise<string> {
  const dir = join(root, `case-${counter++}`);
  await mkdir(dir);
  for (const key of Object.keys(NAMES) as (keyof Files)[]) {
    const z = gzip(key);
    await writeFile(join(dir, z ? `${NAMES[key]}.gz` : NAMES[key]), z ? gzipSync(files[key]) : files[key]);
  }
  return dir;
}

function meanStd(values: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (const v of values) s += v;
  const mean = s / values.length;
  let q = 0;
  for (const v of values) q += (v - mean) ** 2;
  return { mean, std: Math.sqrt(q / values.length) };
}

describe('IDX parsing', () => {
  it('parses hand-written image and label files exactly', () => {
    const images = parseIdxImages(idxImages(2, ROWS, COLS, [...TRAIN_PIXELS[0], ...TRAIN_PIXELS[1]]), 'x-images');
    expect(images).toMatchObject({ count: 2, rows: ROWS, cols: COLS });
    expect(Array.from(images.pixels)).toEqual([...TRAIN_PIXELS[0], ...TRAIN_PIXELS[1]]);
    expect(Array.from(parseIdxLabels(idxLabels([3, 0, 9]), 'x-labels', 10))).toEqual([3, 0, 9]);
  });

  it('detects gzip by its magic bytes', () => {
    expect(isGzip(gzipSync(Buffer.from([1, 2, 3])))).toBe(true);
    expect(isGzip(idxLabels([1]))).toBe(false);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
  });
});

describe('loadDataset on IDX files written by the test', () => {
  for (const [label, gzip] of [
    ['gzipped', () => true],
    ['plain', () => false],
    ['mixed gzipped and plain', (k: keyof Files) => k.startsWith('train')],
  ] as const) {
    it(`round-trips ${label} files: exact pixels, labels and per-channel normalisation`, async () => {
      const dir = await writeFolder(goodFiles(), gzip);
      const ds = await loadDataset({ name: 'fashion-mnist', dir, seed: 1 });
      expect(ds).toMatchObject({ name: 'fashion-mnist', height: ROWS, width: COLS, channels: 1, numClasses: 10 });
      expect(ds.train.count).toBe(4);
      expect(ds.test.count).toBe(2);
      expect(ds.train.images.length).toBe(4 * ROWS * COLS);
      expect(Array.from(ds.train.labels)).toEqual(TRAIN_LABELS);
      expect(Array.from(ds.test.labels)).toEqual(TEST_LABELS);

      // The statistics are those of the training pixels in [0,1] units, computed here independently.
      const flat = TRAIN_PIXELS.flat().map((v) => v / 255);
      const mean = flat.reduce((a, b) => a + b, 0) / flat.length;
      const std = Math.sqrt(flat.reduce((a, b) => a + (b - mean) ** 2, 0) / flat.length);
      expect(ds.normalization.mean[0]).toBeCloseTo(mean, 12);
      expect(ds.normalization.std[0]).toBeCloseTo(std, 12);

      // Undoing the normalisation gives back every byte exactly.
      const back = (v: number) => Math.round((v * std + mean) * 255) + 0;
      expect(Array.from(ds.train.images, back)).toEqual(TRAIN_PIXELS.flat());
      expect(Array.from(ds.test.images, back)).toEqual(TEST_PIXELS.flat());
      expect(ds.train.images[0]).toBeCloseTo((0 - mean) / std, 5);
      expect(ds.test.images[11]).toBeCloseTo((105 / 255 - mean) / std, 5);

      const s = meanStd(ds.train.images);
      expect(s.mean).toBeCloseTo(0, 5);
      expect(s.std).toBeCloseTo(1, 5);

      expect(ds.source.dir).toBe(dir);
      expect(ds.source.files).toHaveLength(4);
      for (const key of Object.keys(NAMES) as (keyof Files)[]) {
        expect(ds.source.files).toContain(join(dir, gzip(key) ? `${NAMES[key]}.gz` : NAMES[key]));
      }
    });
  }

  it('prefers the .gz file when both names exist', async () => {
    const dir = await writeFolder(goodFiles(), () => true);
    await writeFile(join(dir, NAMES.trainImages), Buffer.from('not an idx file'));
    const ds = await loadDataset({ name: 'fashion-mnist', dir, seed: 0 });
    expect(ds.source.files).toContain(join(dir, `${NAMES.trainImages}.gz`));
  });

  it('keeps the first k classes in train and test', async () => {
    const dir = await writeFolder(goodFiles(), () => true);
    const ds = await loadDataset({ name: 'fashion-mnist', dir, seed: 0, classes: 5 });
    expect(ds.numClasses).toBe(5);
    expect(Array.from(ds.train.labels)).toEqual([3, 0, 3]);
    expect(Array.from(ds.test.labels)).toEqual([1]);
    const kept = [TRAIN_PIXELS[0], TRAIN_PIXELS[1], TRAIN_PIXELS[3]].flat().map((v) => v / 255);
    const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
    expect(ds.normalization.mean[0]).toBeCloseTo(mean, 12);
    const back = (v: number) => Math.round((v * ds.normalization.std[0] + mean) * 255) + 0;
    expect(Array.from(ds.train.images, back)).toEqual([TRAIN_PIXELS[0], TRAIN_PIXELS[1], TRAIN_PIXELS[3]].flat());
    expect(Array.from(ds.test.images, back)).toEqual(TEST_PIXELS[0]);
  });
});

describe('broken IDX files', () => {
  async function expectBroken(files: Files, gzip: (k: keyof Files) => boolean, file: string, problem: RegExp) {
    const dir = await writeFolder(files, gzip);
    const error = await loadDataset({ name: 'fashion-mnist', dir, seed: 0 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasetFileError);
    const message = (error as Error).message;
    expect(message).toContain(join(dir, file));
    expect(message).toMatch(problem);
    expect(message).toContain(HINT);
    expect(message).toContain('--data-dir');
    expect((error as DatasetFileError).file).toBe(join(dir, file));
  }

  it('a truncated image file names the file', async () => {
    const files = goodFiles();
    files.trainImages = files.trainImages.subarray(0, files.trainImages.length - 5);
    await expectBroken(files, () => true, `${NAMES.trainImages}.gz`, /truncated/);
  });

  it('a truncated plain label file names the file', async () => {
    const files = goodFiles();
    files.testLabels = files.testLabels.subarray(0, files.testLabels.length - 1);
    await expectBroken(files, () => false, NAMES.testLabels, /truncated/);
  });

  it('a file shorter than the header names the file', async () => {
    const files = goodFiles();
    files.testImages = files.testImages.subarray(0, 10);
    await expectBroken(files, () => false, NAMES.testImages, /truncated.*header/);
  });

  it('extra bytes after the data are a wrong size', async () => {
    const files = goodFiles();
    files.trainImages = Buffer.concat([files.trainImages, Buffer.from([1, 2])]);
    await expectBroken(files, () => true, `${NAMES.trainImages}.gz`, /wrong size/);
  });

  it('a bad magic number names the file', async () => {
    const files = goodFiles();
    files.trainImages = idxImages(4, ROWS, COLS, TRAIN_PIXELS.flat(), 0x00000801);
    await expectBroken(files, () => true, `${NAMES.trainImages}.gz`, /magic number 0x00000801, not 0x00000803/);
  });

  it('label and image files swapped are a bad magic', async () => {
    const files = goodFiles();
    files.testLabels = idxLabels(TEST_LABELS, 0x00000803);
    await expectBroken(files, () => true, `${NAMES.testLabels}.gz`, /magic number/);
  });

  it('a cut gzip stream is a bad gzip', async () => {
    const dir = await writeFolder(goodFiles(), () => true);
    const file = join(dir, `${NAMES.trainImages}.gz`);
    const gz = gzipSync(goodFiles().trainImages);
    await writeFile(file, gz.subarray(0, gz.length - 10));
    await expect(loadDataset({ name: 'fashion-mnist', dir, seed: 0 })).rejects.toThrow(
      new RegExp(`${file.replace(/[.]/g, '\\.')}: is not a valid gzip file.*${HINT}`),
    );
    // The uncut stream holds the expected bytes, so only the cut made it fail.
    expect(gunzipSync(gz).equals(goodFiles().trainImages)).toBe(true);
  });

  it('a count mismatch between images and labels names the label file', async () => {
    const files = goodFiles();
    files.trainLabels = idxLabels(TRAIN_LABELS.slice(0, 3));
    await expectBroken(files, () => true, `${NAMES.trainLabels}.gz`, /3 labels but .*4 images/);
  });

  it('a label out of range names the file', async () => {
    const files = goodFiles();
    files.testLabels = idxLabels([1, 10]);
    await expectBroken(files, () => true, `${NAMES.testLabels}.gz`, /label 10 at index 1, out of range 0\.\.9/);
  });

  it('a missing file names it and says how to get it', async () => {
    const dir = await writeFolder(goodFiles(), () => true);
    await rm(join(dir, `${NAMES.testImages}.gz`));
    await expect(loadDataset({ name: 'fashion-mnist', dir, seed: 0 })).rejects.toThrow(
      /t10k-images-idx3-ubyte\.gz: is missing.*apt-get install -y dataset-fashion-mnist/,
    );
  });
});

describe('dataset options', () => {
  it('has a default folder only for Fashion-MNIST', () => {
    expect(defaultDataDir('fashion-mnist')).toBe('/usr/share/datasets/fashion-mnist');
    expect(defaultDataDir('cifar10')).toBeUndefined();
    expect(defaultDataDir('cifar100')).toBeUndefined();
  });

  it('requires a folder for CIFAR and says how to get one', async () => {
    await expect(loadDataset({ name: 'cifar10', seed: 0 })).rejects.toThrow(/npm run fetch-data -- cifar10 --dir DIR, then pass --data-dir DIR/);
    await expect(loadDataset({ name: 'cifar100', seed: 0 })).rejects.toThrow(/npm run fetch-data -- cifar100 --dir DIR/);
  });

  it('rejects invalid options with the field named', async () => {
    const dir = await writeFolder(goodFiles(), () => true);
    await expect(loadDataset({ name: 'fashion-mnist', dir, seed: 0, classes: 11 })).rejects.toThrow(/classes must be at most 10/);
    await expect(loadDataset({ name: 'fashion-mnist', dir, seed: 0, classes: 1 })).rejects.toThrow(/classes/);
    await expect(loadDataset({ name: 'fashion-mnist', dir, seed: 0, trainSubset: 0 })).rejects.toThrow(/trainSubset/);
    await expect(loadDataset({ name: 'fashion-mnist', dir, seed: 0, trainSubset: 5 })).rejects.toThrow(/trainSubset 5 is larger than the 4 training images/);
    await expect(loadDataset({ name: 'mnist' as 'cifar10', dir, seed: 0 })).rejects.toThrow(/name/);
  });
});
