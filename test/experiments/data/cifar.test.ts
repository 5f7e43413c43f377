import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCifarRecords } from '../../../experiments/data/cifar.js';
import { DatasetFileError, loadDataset } from '../../../experiments/data/dataset.js';
import { cifarRecord, CIFAR_PLANE, CIFAR_SIDE } from '../../helpers/dataset-files.js';

const SIDE = CIFAR_SIDE;
const PLANE = CIFAR_PLANE;

/** A deterministic pixel value for image `id`, channel c, row y, column x. */
function value(id: number, c: number, y: number, x: number): number {
  return (id * 31 + c * 97 + y * 7 + x * 3) & 255;
}

/** One binary record of image `id`, with one pixel set by hand if `set` is given. */
function record(labels: number[], id: number, set?: { y: number; x: number; rgb: [number, number, number] }): Buffer {
  return cifarRecord(labels, (c, y, x) => (set && y === set.y && x === set.x ? set.rgb[c] : value(id, c, y, x)));
}

/** The NHWC byte at (image, y, x, c) as the loader must lay it out. */
function nhwc(y: number, x: number, c: number): number {
  return (y * SIDE + x) * 3 + c;
}

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cifar-test-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = join(root, `case-${counter++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

const HAND = { y: 3, x: 5, rgb: [200, 100, 50] as [number, number, number] };

/** CIFAR-10: five training batches of two records (labels 0..9 in order) and a test batch of three. */
async function writeCifar10(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let b = 1; b <= 5; b++) {
    const recs = [0, 1].map((r) => {
      const id = (b - 1) * 2 + r;
      return record([id], id, id === 0 ? HAND : undefined);
    });
    await writeFile(join(folder, `data_batch_${b}.bin`), Buffer.concat(recs));
  }
  await writeFile(join(folder, 'test_batch.bin'), Buffer.concat([record([7], 100), record([2], 101), record([9], 102)]));
}

/** CIFAR-100: records with (coarse, fine) labels; the loader must use the fine one. */
const C100_TRAIN: Array<[number, number]> = [
  [7, 42],
  [19, 99],
  [0, 3],
  [7, 42],
  [11, 60],
  [2, 0],
];
const C100_TEST: Array<[number, number]> = [
  [4, 10],
  [7, 55],
];

async function writeCifar100(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'train.bin'), Buffer.concat(C100_TRAIN.map((l, i) => record(l, i, i === 0 ? HAND : undefined))));
  await writeFile(join(folder, 'test.bin'), Buffer.concat(C100_TEST.map((l, i) => record(l, 50 + i))));
}

describe('CIFAR record parsing', () => {
  it('converts the R, G, B planes to NHWC exactly', () => {
    const bytes = Buffer.concat([record([4], 0, HAND), record([9], 1)]);
    const split = parseCifarRecords(bytes, 'x.bin', 'cifar10');
    expect(split.count).toBe(2);
    expect(Array.from(split.labels)).toEqual([4, 9]);
    expect(split.pixels.length).toBe(2 * 3 * PLANE);
    // The hand-set pixel: row 3, column 5 of image 0.
    expect([0, 1, 2].map((c) => split.pixels[nhwc(3, 5, c)])).toEqual([200, 100, 50]);
    // Every other pixel of both images.
    for (let i = 0; i < 2; i++) {
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          if (i === 0 && y === 3 && x === 5) continue;
          for (let c = 0; c < 3; c++) {
            if (split.pixels[i * 3 * PLANE + nhwc(y, x, c)] !== value(i, c, y, x)) {
              throw new Error(`image ${i} (${y},${x},${c}) is ${split.pixels[i * 3 * PLANE + nhwc(y, x, c)]}`);
            }
          }
        }
      }
    }
  });

  it('takes the fine label of CIFAR-100 records', () => {
    const split = parseCifarRecords(Buffer.concat([record([7, 42], 0), record([19, 99], 1)]), 'x.bin', 'cifar100');
    expect(Array.from(split.labels)).toEqual([42, 99]);
    // The image starts after both label bytes.
    expect(split.pixels[nhwc(0, 0, 0)]).toBe(value(0, 0, 0, 0));
    expect(split.pixels[3 * PLANE + nhwc(31, 31, 2)]).toBe(value(1, 2, 31, 31));
  });
});

describe('loadDataset on CIFAR-10 files written by the test', () => {
  for (const nested of [true, false]) {
    it(`reads the ${nested ? 'parent of cifar-10-batches-bin' : 'batch folder itself'} in NHWC with per-channel normalisation`, async () => {
      const dir = await freshDir();
      const folder = nested ? join(dir, 'cifar-10-batches-bin') : dir;
      await writeCifar10(folder);
      const ds = await loadDataset({ name: 'cifar10', dir, seed: 0 });
      expect(ds).toMatchObject({ name: 'cifar10', height: 32, width: 32, channels: 3, numClasses: 10 });
      expect(ds.train.count).toBe(10);
      expect(ds.test.count).toBe(3);
      expect(Array.from(ds.train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(Array.from(ds.test.labels)).toEqual([7, 2, 9]);
      expect(ds.source.files).toEqual([...[1, 2, 3, 4, 5].map((b) => join(folder, `data_batch_${b}.bin`)), join(folder, 'test_batch.bin')]);

      // Per-channel statistics, computed here from the bytes the test wrote.
      const { mean, std } = ds.normalization;
      expect(mean).toHaveLength(3);
      for (let c = 0; c < 3; c++) {
        const vals: number[] = [];
        for (let id = 0; id < 10; id++) {
          for (let y = 0; y < SIDE; y++) {
            for (let x = 0; x < SIDE; x++) {
              vals.push((id === 0 && y === HAND.y && x === HAND.x ? HAND.rgb[c] : value(id, c, y, x)) / 255);
            }
          }
        }
        const m = vals.reduce((a, b) => a + b, 0) / vals.length;
        const s = Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length);
        expect(mean[c]).toBeCloseTo(m, 12);
        expect(std[c]).toBeCloseTo(s, 12);

        // The normalised channel has mean 0 and std 1 over the training images.
        let sum = 0;
        let sq = 0;
        const n = ds.train.count * PLANE;
        for (let p = c; p < ds.train.images.length; p += 3) sum += ds.train.images[p];
        for (let p = c; p < ds.train.images.length; p += 3) sq += (ds.train.images[p] - sum / n) ** 2;
        expect(sum / n).toBeCloseTo(0, 5);
        expect(Math.sqrt(sq / n)).toBeCloseTo(1, 5);
      }

      // The hand-set pixel of the first training image, in NHWC.
      const back = (v: number, c: number) => Math.round((v * std[c] + mean[c]) * 255);
      expect([0, 1, 2].map((c) => back(ds.train.images[nhwc(3, 5, c)], c))).toEqual([200, 100, 50]);
      // A pixel of the last test image.
      const base = 2 * 3 * PLANE;
      expect([0, 1, 2].map((c) => back(ds.test.images[base + nhwc(31, 0, c)], c))).toEqual([0, 1, 2].map((c) => value(102, c, 31, 0)));
    });
  }

  it('keeps the first k classes and a stratified subset', async () => {
    const dir = await freshDir();
    await writeCifar10(join(dir, 'cifar-10-batches-bin'));
    const ds = await loadDataset({ name: 'cifar10', dir, seed: 0, classes: 8, trainSubset: 8 });
    expect(ds.numClasses).toBe(8);
    expect(Array.from(ds.train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(ds.test.labels)).toEqual([7, 2]);
  });

  it('names a missing batch and says how to get the data', async () => {
    const dir = await freshDir();
    await writeCifar10(dir);
    await rm(join(dir, 'data_batch_4.bin'));
    await expect(loadDataset({ name: 'cifar10', dir, seed: 0 })).rejects.toThrow(
      new RegExp(`${join(dir, 'data_batch_4.bin').replace(/\./g, '\\.')}: is missing.*npm run fetch-data -- cifar10 --dir DIR, then pass --data-dir DIR`),
    );
  });

  it('names a truncated batch', async () => {
    const dir = await freshDir();
    await writeCifar10(dir);
    const file = join(dir, 'test_batch.bin');
    await writeFile(file, Buffer.concat([record([1], 0), record([2], 1).subarray(0, 1000)]));
    const error = await loadDataset({ name: 'cifar10', dir, seed: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFileError);
    expect((error as DatasetFileError).file).toBe(file);
    expect((error as Error).message).toMatch(/wrong size: 4073 bytes is not a whole number of 3073-byte records/);
    expect((error as Error).message).toContain('npm run fetch-data -- cifar10');
  });

  it('names an empty batch', async () => {
    const dir = await freshDir();
    await writeCifar10(dir);
    await writeFile(join(dir, 'data_batch_2.bin'), Buffer.alloc(0));
    await expect(loadDataset({ name: 'cifar10', dir, seed: 0 })).rejects.toThrow(/data_batch_2\.bin: is empty/);
  });

  it('names a batch with a label out of range', async () => {
    const dir = await freshDir();
    await writeCifar10(dir);
    await writeFile(join(dir, 'data_batch_3.bin'), Buffer.concat([record([1], 0), record([10], 1)]));
    await expect(loadDataset({ name: 'cifar10', dir, seed: 0 })).rejects.toThrow(/data_batch_3\.bin: has label 10 in record 1, out of range 0\.\.9/);
  });

  it('reports a folder without any CIFAR file', async () => {
    const dir = await freshDir();
    await expect(loadDataset({ name: 'cifar10', dir, seed: 0 })).rejects.toThrow(
      /data_batch_1\.bin: is missing, as are all the others .*npm run fetch-data -- cifar10/,
    );
    await expect(loadDataset({ name: 'cifar10', dir: join(dir, 'nowhere'), seed: 0 })).rejects.toThrow(
      /nowhere\/data_batch_1\.bin: is missing.*\(which does not exist\)/,
    );
  });
});

describe('loadDataset on CIFAR-100 files written by the test', () => {
  for (const nested of [true, false]) {
    it(`uses the fine label (${nested ? 'cifar-100-binary inside the folder' : 'the folder itself'})`, async () => {
      const dir = await freshDir();
      const folder = nested ? join(dir, 'cifar-100-binary') : dir;
      await writeCifar100(folder);
      const ds = await loadDataset({ name: 'cifar100', dir, seed: 0 });
      expect(ds).toMatchObject({ name: 'cifar100', height: 32, width: 32, channels: 3, numClasses: 100 });
      expect(Array.from(ds.train.labels)).toEqual(C100_TRAIN.map(([, fine]) => fine));
      expect(Array.from(ds.test.labels)).toEqual(C100_TEST.map(([, fine]) => fine));
      expect(ds.source.files).toEqual([join(folder, 'train.bin'), join(folder, 'test.bin')]);
      const { mean, std } = ds.normalization;
      const back = (v: number, c: number) => Math.round((v * std[c] + mean[c]) * 255);
      expect([0, 1, 2].map((c) => back(ds.train.images[nhwc(3, 5, c)], c))).toEqual([200, 100, 50]);
    });
  }

  it('filters on the fine label', async () => {
    const dir = await freshDir();
    await writeCifar100(dir);
    const ds = await loadDataset({ name: 'cifar100', dir, seed: 0, classes: 50 });
    expect(ds.numClasses).toBe(50);
    expect(Array.from(ds.train.labels)).toEqual([42, 3, 42, 0]);
    expect(Array.from(ds.test.labels)).toEqual([10]);
  });

  it('rejects a coarse or fine label out of range, naming the file', async () => {
    const dir = await freshDir();
    await writeCifar100(dir);
    await writeFile(join(dir, 'test.bin'), record([20, 5], 0));
    await expect(loadDataset({ name: 'cifar100', dir, seed: 0 })).rejects.toThrow(/test\.bin: has coarse label 20 in record 0/);
    await writeFile(join(dir, 'test.bin'), record([3, 100], 0));
    await expect(loadDataset({ name: 'cifar100', dir, seed: 0 })).rejects.toThrow(
      /test\.bin: has label 100 in record 0, out of range 0\.\.99.*npm run fetch-data -- cifar100/,
    );
  });

  it('rejects CIFAR-10 records read as CIFAR-100 by their size', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'train.bin'), Buffer.concat([record([1], 0), record([2], 1)]));
    await writeFile(join(dir, 'test.bin'), record([1, 2], 0));
    await expect(loadDataset({ name: 'cifar100', dir, seed: 0 })).rejects.toThrow(
      /train\.bin: has the wrong size: 6146 bytes is not a whole number of 3074-byte records/,
    );
  });
});
