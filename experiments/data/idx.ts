// IDX files (the MNIST / Fashion-MNIST format), gzipped or plain, and the Fashion-MNIST folder.
// Parsing is strict: a wrong magic number, a wrong size or a label out of range is an error that
// names the file and says how to get a good copy.
import { access, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

export const IDX_UBYTE_IMAGES_MAGIC = 0x00000803;
export const IDX_UBYTE_LABELS_MAGIC = 0x00000801;

export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';
const FASHION_MNIST_HINT = 'install it with: apt-get install -y dataset-fashion-mnist (files go to /usr/share/datasets/fashion-mnist) or pass --data-dir';

/** The four Fashion-MNIST files, without the optional `.gz`. */
export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** A dataset file that is missing, truncated or corrupt. `file` is the path concerned. */
export class DatasetFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    hint: string,
  ) {
    super(`${file}: ${problem}; ${hint}`);
    this.name = 'DatasetFileError';
  }
}

/** Raw images as stored: `count` images of rows x cols bytes, row-major (one channel). */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

/** One split before normalisation: NHWC bytes and labels. Shared by every format. */
export interface RawSplit {
  pixels: Uint8Array;
  labels: Int32Array;
  count: number;
}

export interface RawDataset {
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  train: RawSplit;
  test: RawSplit;
  /** Absolute paths read. */
  files: string[];
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/** Reads a file and gunzips it when it starts with the gzip magic bytes (whatever its name). */
async function readMaybeGzipped(file: string, hint: string = FASHION_MNIST_HINT): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new DatasetFileError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint);
  }
  if (!isGzip(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const out = await gunzipAsync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new DatasetFileError(file, `is not a valid gzip file (${(err as Error).message})`, hint);
  }
}

function magicOf(bytes: Uint8Array): number {
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function header(bytes: Uint8Array, words: number, file: string, hint: string, expectedMagic: number, what: string): DataView {
  if (bytes.length < 4 * words) {
    throw new DatasetFileError(file, `is truncated: ${bytes.length} bytes, shorter than the ${4 * words}-byte IDX header`, hint);
  }
  const magic = magicOf(bytes);
  if (magic !== expectedMagic) {
    throw new DatasetFileError(
      file,
      `has magic number ${hex(magic)}, not ${hex(expectedMagic)} (IDX ${what}); it is not an IDX ${what} file or it is corrupt`,
      hint,
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkSize(bytes: Uint8Array, expected: number, file: string, hint: string, detail: string): void {
  if (bytes.length < expected) {
    throw new DatasetFileError(file, `is truncated: ${bytes.length} bytes, expected ${expected} for ${detail}`, hint);
  }
  if (bytes.length > expected) {
    throw new DatasetFileError(file, `has the wrong size: ${bytes.length} bytes, expected ${expected} for ${detail}`, hint);
  }
}

/** Parses unsigned-byte IDX images (magic 0x00000803, dimensions count, rows, cols). */
export function parseIdxImages(bytes: Uint8Array, file: string, hint: string = FASHION_MNIST_HINT): IdxImages {
  const view = header(bytes, 4, file, hint, IDX_UBYTE_IMAGES_MAGIC, 'ubyte images with 3 dimensions');
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  if (rows === 0 || cols === 0) throw new DatasetFileError(file, `declares an empty image size ${rows}x${cols}`, hint);
  checkSize(bytes, 16 + count * rows * cols, file, hint, `${count} images of ${rows}x${cols}`);
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Parses unsigned-byte IDX labels (magic 0x00000801); every label must be < numClasses. */
export function parseIdxLabels(bytes: Uint8Array, file: string, numClasses: number, hint: string = FASHION_MNIST_HINT): Int32Array {
  const view = header(bytes, 2, file, hint, IDX_UBYTE_LABELS_MAGIC, 'ubyte labels');
  const count = view.getUint32(4);
  checkSize(bytes, 8 + count, file, hint, `${count} labels`);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = bytes[8 + i];
    if (label >= numClasses) {
      throw new DatasetFileError(file, `has label ${label} at index ${i}, out of range 0..${numClasses - 1}`, hint);
    }
    labels[i] = label;
  }
  return labels;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The path of `<dir>/<base>.gz`, or of `<dir>/<base>` when only the plain file exists. */
async function findIdxFile(dir: string, base: string, hint: string = FASHION_MNIST_HINT): Promise<string> {
  const gz = resolve(dir, `${base}.gz`);
  if (await exists(gz)) return gz;
  const plain = resolve(dir, base);
  if (await exists(plain)) return plain;
  throw new DatasetFileError(gz, `is missing (neither ${base}.gz nor ${base} is in ${resolve(dir)})`, hint);
}

async function loadIdxSplit(
  dir: string,
  imagesBase: string,
  labelsBase: string,
  numClasses: number,
  files: string[],
): Promise<{ split: RawSplit; rows: number; cols: number }> {
  const imagesFile = await findIdxFile(dir, imagesBase);
  const labelsFile = await findIdxFile(dir, labelsBase);
  files.push(imagesFile, labelsFile);
  const [imageBytes, labelBytes] = await Promise.all([readMaybeGzipped(imagesFile), readMaybeGzipped(labelsFile)]);
  const images = parseIdxImages(imageBytes, imagesFile);
  const labels = parseIdxLabels(labelBytes, labelsFile, numClasses);
  if (labels.length !== images.count) {
    throw new DatasetFileError(
      labelsFile,
      `holds ${labels.length} labels but ${imagesFile} holds ${images.count} images (the counts must match)`,
      FASHION_MNIST_HINT,
    );
  }
  return { split: { pixels: images.pixels, labels, count: images.count }, rows: images.rows, cols: images.cols };
}

/** Reads the four Fashion-MNIST IDX files of `dir` (gzipped or plain): 28x28x1, 10 classes. */
export async function loadFashionMnistRaw(dir: string): Promise<RawDataset> {
  const numClasses = 10;
  const trainFiles: string[] = [];
  const testFiles: string[] = [];
  const [train, test] = await Promise.all([
    loadIdxSplit(dir, FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.trainLabels, numClasses, trainFiles),
    loadIdxSplit(dir, FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels, numClasses, testFiles),
  ]);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new DatasetFileError(
      testFiles[0],
      `holds ${test.rows}x${test.cols} images but ${trainFiles[0]} holds ${train.rows}x${train.cols}`,
      FASHION_MNIST_HINT,
    );
  }
  return {
    height: train.rows,
    width: train.cols,
    channels: 1,
    numClasses,
    train: train.split,
    test: test.split,
    files: [...trainFiles, ...testFiles],
  };
}
