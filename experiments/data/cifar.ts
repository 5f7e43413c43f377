// CIFAR-10 and CIFAR-100 in their binary versions (https://www.cs.toronto.edu/~kriz/cifar.html).
// A record is the label byte(s) then 3072 bytes: the R, G and B planes of a 32x32 image, each
// row-major. Records are converted to NHWC bytes here; normalisation happens in dataset.ts.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DatasetFileError, type RawDataset, type RawSplit } from './idx.js';

export type CifarKind = 'cifar10' | 'cifar100';

const CIFAR_SIDE = 32;
const CIFAR_CHANNELS = 3;
const CIFAR_IMAGE_BYTES = CIFAR_SIDE * CIFAR_SIDE * CIFAR_CHANNELS;

export interface CifarLayout {
  /** The folder the archive extracts to, looked for inside the given folder. */
  folder: string;
  train: string[];
  test: string[];
  /** Label bytes before each image: 1 (CIFAR-10) or 2, coarse then fine (CIFAR-100). */
  labelBytes: number;
  numClasses: number;
  /** Classes of the coarse label (CIFAR-100 only), checked for range. */
  coarseClasses?: number;
}

export const CIFAR_LAYOUTS: Record<CifarKind, CifarLayout> = {
  cifar10: {
    folder: 'cifar-10-batches-bin',
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: ['test_batch.bin'],
    labelBytes: 1,
    numClasses: 10,
  },
  cifar100: {
    folder: 'cifar-100-binary',
    train: ['train.bin'],
    test: ['test.bin'],
    labelBytes: 2,
    numClasses: 100,
    coarseClasses: 20,
  },
};

export function cifarHint(kind: CifarKind): string {
  return `download the binary version with: npm run fetch-data -- ${kind} --dir DIR, then pass --data-dir DIR`;
}

export function cifarRecordBytes(kind: CifarKind): number {
  return CIFAR_LAYOUTS[kind].labelBytes + CIFAR_IMAGE_BYTES;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** `<dir>/cifar-10-batches-bin` (or `cifar-100-binary`) when it exists, else `dir` itself. */
async function resolveCifarDir(kind: CifarKind, dir: string): Promise<string> {
  const nested = resolve(dir, CIFAR_LAYOUTS[kind].folder);
  return (await isDirectory(nested)) ? nested : resolve(dir);
}

/**
 * Parses the records of one CIFAR binary file into NHWC bytes and labels (the fine label for
 * CIFAR-100). Throws a DatasetFileError naming `file` when its size or a label is wrong.
 */
export function parseCifarRecords(bytes: Uint8Array, file: string, kind: CifarKind): RawSplit {
  const layout = CIFAR_LAYOUTS[kind];
  const hint = cifarHint(kind);
  const recordBytes = layout.labelBytes + CIFAR_IMAGE_BYTES;
  if (bytes.length === 0) throw new DatasetFileError(file, 'is empty', hint);
  if (bytes.length % recordBytes !== 0) {
    throw new DatasetFileError(
      file,
      `has the wrong size: ${bytes.length} bytes is not a whole number of ${recordBytes}-byte records (truncated or not a ${kind} binary file)`,
      hint,
    );
  }
  const count = bytes.length / recordBytes;
  const pixels = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(count);
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let i = 0; i < count; i++) {
    const rec = i * recordBytes;
    if (layout.coarseClasses !== undefined && bytes[rec] >= layout.coarseClasses) {
      throw new DatasetFileError(
        file,
        `has coarse label ${bytes[rec]} in record ${i}, out of range 0..${layout.coarseClasses - 1} (corrupt or not a ${kind} binary file)`,
        hint,
      );
    }
    const label = bytes[rec + layout.labelBytes - 1];
    if (label >= layout.numClasses) {
      throw new DatasetFileError(
        file,
        `has label ${label} in record ${i}, out of range 0..${layout.numClasses - 1} (corrupt or not a ${kind} binary file)`,
        hint,
      );
    }
    labels[i] = label;
    const src = rec + layout.labelBytes;
    const dst = i * CIFAR_IMAGE_BYTES;
    for (let c = 0; c < CIFAR_CHANNELS; c++) {
      const from = src + c * plane;
      for (let p = 0; p < plane; p++) pixels[dst + p * CIFAR_CHANNELS + c] = bytes[from + p];
    }
  }
  return { pixels, labels, count };
}

function concat(splits: RawSplit[]): RawSplit {
  if (splits.length === 1) return splits[0];
  const count = splits.reduce((n, s) => n + s.count, 0);
  const pixels = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(count);
  let at = 0;
  for (const s of splits) {
    pixels.set(s.pixels, at * CIFAR_IMAGE_BYTES);
    labels.set(s.labels, at);
    at += s.count;
  }
  return { pixels, labels, count };
}

async function readSplit(kind: CifarKind, dir: string, names: string[], files: string[]): Promise<RawSplit> {
  const hint = cifarHint(kind);
  const paths = names.map((n) => join(dir, n));
  files.push(...paths);
  const parts = await Promise.all(
    paths.map(async (file) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (err) {
        throw new DatasetFileError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint);
      }
      return parseCifarRecords(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file, kind);
    }),
  );
  return concat(parts);
}

/** Reads a CIFAR binary folder (the extracted archive folder, or the folder holding it). */
export async function loadCifarRaw(kind: CifarKind, dir: string): Promise<RawDataset> {
  const layout = CIFAR_LAYOUTS[kind];
  const folder = await resolveCifarDir(kind, dir);
  const names = [...layout.train, ...layout.test];
  const missing: string[] = [];
  for (const name of names) if (!(await isFile(join(folder, name)))) missing.push(name);
  if (missing.length > 0) {
    const where = (await isDirectory(folder)) ? folder : `${folder} (which does not exist)`;
    const also = missing.length > 1 ? `, as ${missing.length === names.length ? 'are all the others' : `are ${missing.slice(1).join(', ')}`}` : '';
    throw new DatasetFileError(
      join(folder, missing[0]),
      `is missing${also} (expected the ${kind} binary files ${names.join(', ')} in ${where} or in its ${layout.folder} folder)`,
      cifarHint(kind),
    );
  }
  const files: string[] = [];
  const train = await readSplit(kind, folder, layout.train, files);
  const test = await readSplit(kind, folder, layout.test, files);
  return {
    height: CIFAR_SIDE,
    width: CIFAR_SIDE,
    channels: CIFAR_CHANNELS,
    numClasses: layout.numClasses,
    train,
    test,
    files,
  };
}
