// The one entry point to the image datasets: reads Fashion-MNIST (IDX) or CIFAR-10/100 (binary),
// keeps the first k classes and a class-stratified training subset, and normalises every pixel
// per channel with the mean and std of the training images that remain.
import { resolve } from 'node:path';
import { z } from 'zod';
import { createRandom, type Random } from '../random.js';
import { round6 } from '../../data/precision.js';
import type { RunRecord } from '../../data/schemas/run-record.js';
import { cifarHint, loadCifarRaw } from './cifar.js';
import { FASHION_MNIST_DEFAULT_DIR, loadFashionMnistRaw, type RawDataset, type RawSplit } from './idx.js';

export { DatasetFileError } from './idx.js';

export const DATASET_NAMES = ['fashion-mnist', 'cifar10', 'cifar100'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface ImageSplit {
  /** count*H*W*C values, NHWC, already normalised. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

export interface ImageDataset {
  name: DatasetName;
  height: number;
  width: number;
  channels: number;
  /** After the class subset (k). */
  numClasses: number;
  train: ImageSplit;
  test: ImageSplit;
  /** Per channel, from the (subset) training images, in [0,1] pixel units. */
  normalization: { mean: number[]; std: number[] };
  /** Absolute paths read. */
  source: { dir: string; files: string[] };
}

/** The dataset as a run's record describes it, with the size of the probe its checkpoints measure on. */
export function recordedDataset(data: ImageDataset, probeImages: number): RunRecord['dataset'] {
  return {
    name: data.name,
    trainImages: data.train.count,
    testImages: data.test.count,
    classes: data.numClasses,
    probeImages,
    normalization: { mean: data.normalization.mean.map(round6), std: data.normalization.std.map(round6) },
    files: data.source.files,
  };
}

export interface DatasetOptions {
  name: DatasetName;
  /** Default: /usr/share/datasets/fashion-mnist for fashion-mnist; required for CIFAR. */
  dir?: string;
  /** Keep only labels < classes (the first k classes), in train and test. Default (or null): all. */
  classes?: number | null;
  /**
   * Keep only these labels, in this order: the task's class i is the dataset's label classList[i]
   * (study v3's task difficulty apart from class identity). Overrides the first-k choice; `classes`,
   * when given too, must equal its length.
   */
  classList?: readonly number[] | null;
  /** Keep this many training images, class-stratified, chosen from `seed`. Default (or null): all. */
  trainSubset?: number | null;
  seed: number;
}

const optionsSchema = z
  .object({
    name: z.enum(DATASET_NAMES),
    dir: z.string().min(1).optional(),
    classes: z.number().int().min(2).nullable().optional(),
    classList: z.array(z.number().int().nonnegative()).min(2).nullable().optional(),
    trainSubset: z.number().int().positive().nullable().optional(),
    seed: z.number().int(),
  })
  .strict();

/** The folder a dataset is read from when none is given (CIFAR has none). */
export function defaultDataDir(name: DatasetName): string | undefined {
  return name === 'fashion-mnist' ? FASHION_MNIST_DEFAULT_DIR : undefined;
}

/**
 * Chooses `size` of the positions 0..labels.length-1, as evenly over the classes as their
 * sizes allow (counts differ by at most one, except for classes that have too few images, which
 * are taken whole). Which classes get the remainder and which images of each class are kept
 * come from `random`. Returns the positions in ascending order, so the file order is kept.
 */
export function stratifiedSubset(labels: ArrayLike<number>, numClasses: number, size: number, random: Random): Uint32Array {
  if (!Number.isInteger(size) || size < 0) throw new Error(`subset size must be a non-negative integer (got ${size})`);
  if (size > labels.length) throw new Error(`cannot choose ${size} images out of ${labels.length}`);
  const members: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) members[labels[i]].push(i);

  // Which classes take the remainder when `size` does not divide evenly: a seeded class order.
  const order = Array.from({ length: numClasses }, (_, c) => c);
  for (let i = numClasses - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const take = new Array<number>(numClasses).fill(0);
  let left = size;
  let open = order.filter((c) => members[c].length > 0);
  while (left > 0 && open.length > 0) {
    const share = Math.floor(left / open.length);
    if (share === 0) {
      for (let i = 0; i < left; i++) take[open[i]]++;
      break;
    }
    const stillOpen: number[] = [];
    for (const c of open) {
      const give = Math.min(share, members[c].length - take[c]);
      take[c] += give;
      left -= give;
      if (take[c] < members[c].length) stillOpen.push(c);
    }
    open = stillOpen;
  }

  const chosen = new Uint8Array(labels.length);
  for (let c = 0; c < numClasses; c++) {
    const m = members[c];
    const k = take[c];
    if (k === m.length) {
      for (const i of m) chosen[i] = 1;
      continue;
    }
    // Partial Fisher-Yates: the first k entries become a uniform sample without replacement.
    for (let i = 0; i < k; i++) {
      const j = i + random.int(m.length - i);
      const t = m[i];
      m[i] = m[j];
      m[j] = t;
      chosen[m[i]] = 1;
    }
  }
  const out = new Uint32Array(size);
  let n = 0;
  for (let i = 0; i < chosen.length; i++) if (chosen[i]) out[n++] = i;
  return out;
}

/** The dataset labels a task keeps, in task order: classList, or the first `classes`, or all. */
function keptLabels(numClasses: number, name: string, classes?: number | null, classList?: readonly number[] | null): number[] {
  if (classList !== null && classList !== undefined) {
    const bad = classList.filter((c) => c >= numClasses);
    if (bad.length > 0) throw new Error(`classList has labels ${bad.join(', ')}, but ${name} has labels 0-${numClasses - 1}`);
    if (new Set(classList).size !== classList.length) throw new Error(`classList repeats a label: ${classList.join(', ')}`);
    if (classes !== null && classes !== undefined && classes !== classList.length) {
      throw new Error(`classes (${classes}) must equal the length of classList (${classList.length}) when both are given`);
    }
    return [...classList];
  }
  const k = classes ?? numClasses;
  if (k > numClasses) throw new Error(`classes must be at most ${numClasses} for ${name} (got ${k})`);
  return Array.from({ length: k }, (_, i) => i);
}

/** Positions (ascending) of the images whose label the task keeps (labelMap >= 0). */
function classFilter(labels: Int32Array, labelMap: Int32Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labelMap[labels[i]] >= 0) n++;
  const out = new Uint32Array(n);
  n = 0;
  for (let i = 0; i < labels.length; i++) if (labelMap[labels[i]] >= 0) out[n++] = i;
  return out;
}

/** Per-channel mean and std (population) in [0,1] units over the given images, via byte histograms. */
function channelStats(pixels: Uint8Array, imageSize: number, channels: number, which: Uint32Array): { mean: number[]; std: number[] } {
  const hist = new Float64Array(channels * 256);
  for (let k = 0; k < which.length; k++) {
    const base = which[k] * imageSize;
    if (channels === 1) {
      for (let p = 0; p < imageSize; p++) hist[pixels[base + p]]++;
    } else {
      for (let p = 0; p < imageSize; p += channels) {
        for (let c = 0; c < channels; c++) hist[c * 256 + pixels[base + p + c]]++;
      }
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let n = 0;
    let sum = 0;
    for (let v = 0; v < 256; v++) {
      n += hist[c * 256 + v];
      sum += hist[c * 256 + v] * v;
    }
    if (n === 0) throw new Error('cannot compute normalisation statistics from zero training images');
    const m = sum / n / 255;
    let sq = 0;
    for (let v = 0; v < 256; v++) {
      const d = v / 255 - m;
      sq += hist[c * 256 + v] * d * d;
    }
    mean.push(m);
    std.push(Math.sqrt(sq / n));
  }
  return { mean, std };
}

/** Copies the chosen images into one Float32Array, (pixel/255 - mean)/std through a per-channel table. */
function normalise(
  raw: RawSplit,
  which: Uint32Array,
  imageSize: number,
  channels: number,
  stats: { mean: number[]; std: number[] },
  labelMap: Int32Array,
): ImageSplit {
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - stats.mean[c]) / stats.std[c];
  }
  const images = new Float32Array(which.length * imageSize);
  const labels = new Int32Array(which.length);
  const src = raw.pixels;
  for (let k = 0; k < which.length; k++) {
    const from = which[k] * imageSize;
    const to = k * imageSize;
    labels[k] = labelMap[raw.labels[which[k]]];
    if (channels === 1) {
      for (let p = 0; p < imageSize; p++) images[to + p] = table[src[from + p]];
    } else {
      for (let p = 0; p < imageSize; p += channels) {
        for (let c = 0; c < channels; c++) images[to + p + c] = table[c * 256 + src[from + p + c]];
      }
    }
  }
  return { images, labels, count: which.length };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
}

/** Reads, subsets and normalises a dataset. See DatasetOptions for the choices. */
export async function loadDataset(opts: DatasetOptions): Promise<ImageDataset> {
  const parsed = optionsSchema.safeParse(opts);
  if (!parsed.success) throw new Error(`invalid dataset options:\n${describe(parsed.error)}`);
  const { name, classes, classList, trainSubset, seed } = parsed.data;
  const given = parsed.data.dir ?? defaultDataDir(name);
  if (given === undefined) {
    throw new Error(`${name} has no default data folder: ${cifarHint(name === 'cifar100' ? 'cifar100' : 'cifar10')}`);
  }
  const dir = resolve(given);

  const raw: RawDataset = name === 'fashion-mnist' ? await loadFashionMnistRaw(dir) : await loadCifarRaw(name, dir);
  return prepareDataset(raw, { name, classes, classList, trainSubset, seed }, dir);
}

/**
 * Keeps the first k classes and the training subset of a dataset already read, and normalises it
 * (the part of loadDataset after the files are read; the browser lab calls it on its own copy).
 */
export function prepareDataset(
  raw: RawDataset,
  opts: { name: DatasetName; classes?: number | null; classList?: readonly number[] | null; trainSubset?: number | null; seed: number },
  dir: string,
): ImageDataset {
  const { name, classes, classList, trainSubset, seed } = opts;
  const kept = keptLabels(raw.numClasses, name, classes, classList);
  const k = kept.length;
  const imageSize = raw.height * raw.width * raw.channels;
  // Dataset label -> task label (-1: dropped).
  const labelMap = new Int32Array(raw.numClasses).fill(-1);
  kept.forEach((label, i) => (labelMap[label] = i));

  let trainWhich = classFilter(raw.train.labels, labelMap);
  if (trainSubset !== null && trainSubset !== undefined) {
    if (trainSubset > trainWhich.length) {
      throw new Error(`trainSubset ${trainSubset} is larger than the ${trainWhich.length} training images of ${name} with ${k} classes`);
    }
    const labels = new Int32Array(trainWhich.length);
    for (let i = 0; i < trainWhich.length; i++) labels[i] = labelMap[raw.train.labels[trainWhich[i]]];
    const picked = stratifiedSubset(labels, k, trainSubset, createRandom(seed, 'train-subset'));
    trainWhich = picked.map((i) => trainWhich[i]);
  }
  const testWhich = classFilter(raw.test.labels, labelMap);
  if (trainWhich.length === 0) throw new Error(`${name} with ${k} classes has no training images in ${dir}`);

  const stats = channelStats(raw.train.pixels, imageSize, raw.channels, trainWhich);
  // A constant channel (possible only in tiny or degenerate data) would divide by zero: use 1.
  const used = { mean: stats.mean, std: stats.std.map((s) => (s > 0 ? s : 1)) };

  return {
    name,
    height: raw.height,
    width: raw.width,
    channels: raw.channels,
    numClasses: k,
    train: normalise(raw.train, trainWhich, imageSize, raw.channels, used, labelMap),
    test: normalise(raw.test, testWhich, imageSize, raw.channels, used, labelMap),
    normalization: used,
    source: { dir, files: raw.files },
  };
}
