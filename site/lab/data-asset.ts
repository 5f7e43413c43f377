// The lab's data asset: a class-balanced subset of Fashion-MNIST kept in the dataset's own
// format (the four IDX files, gzipped), inside a classic script so that the lab also loads from
// disk (file:// pages may run scripts but not fetch files). Written at build time
// (site/lab/assets.ts), read by the lab page and by the test's Node reference run.
import { z } from 'zod';
import {
  FASHION_MNIST_FILES,
  IDX_UBYTE_IMAGES_MAGIC,
  IDX_UBYTE_LABELS_MAGIC,
  parseIdxImages,
  parseIdxLabels,
  type RawDataset,
} from '../../experiments/data/idx.js';

export const LAB_DATA_FORMAT = 'sparsity-lab-data/1';

/** The globals the lab's scripts assign their payload to (the page reads them from there). */
export const LAB_DATA_GLOBAL = 'sparsityLabData';
export const LAB_WASM_GLOBAL = 'sparsityLabWasm';
export const LAB_WORKER_GLOBAL = 'sparsityLabWorker';
const PREFIX = `self.${LAB_DATA_GLOBAL} = `;

const fileNames = Object.values(FASHION_MNIST_FILES).map((base) => `${base}.gz`);

const labDataAssetSchema = z
  .object({
    format: z.literal(LAB_DATA_FORMAT),
    dataset: z.literal('fashion-mnist'),
    /** How the images were chosen from the full files, in words. */
    selection: z.string(),
    trainImages: z.number().int().positive(),
    testImages: z.number().int().positive(),
    /** The dataset files the subset was read from. */
    source: z.array(z.string()),
    /** File name (IDX, gzipped) -> base64 of its bytes. */
    files: z.record(z.string(), z.string()),
  })
  .strict();

export type LabDataAsset = z.infer<typeof labDataAssetSchema>;

export function labDataScript(asset: LabDataAsset): string {
  return `${PREFIX}${JSON.stringify(labDataAssetSchema.parse(asset))};\n`;
}

/** The asset held by a lab data script's text (for Node; the page reads the global). */
export function parseLabDataScript(text: string, where: string): LabDataAsset {
  if (!text.startsWith(PREFIX)) throw new Error(`${where} is not a lab data script (it does not start with "${PREFIX}"); rebuild the site`);
  return parseLabDataAsset(JSON.parse(text.slice(PREFIX.length).replace(/;\s*$/, '')), where);
}

export function parseLabDataAsset(value: unknown, where: string): LabDataAsset {
  const parsed = labDataAssetSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `${where} does not hold the lab data (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}); rebuild the site`,
    );
  }
  const missing = fileNames.filter((f) => !(f in parsed.data.files));
  if (missing.length > 0) throw new Error(`${where} lacks ${missing.join(', ')}; rebuild the site`);
  return parsed.data;
}

/** The gzipped IDX files of the asset, by file name. */
export function labDataFiles(asset: LabDataAsset): Record<string, Uint8Array> {
  return Object.fromEntries(fileNames.map((name) => [name, Uint8Array.from(atob(asset.files[name]), (c) => c.charCodeAt(0))]));
}

/** IDX bytes of unsigned-byte images (count x rows x cols) or labels. */
export function idxImagesBytes(pixels: Uint8Array, count: number, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(16 + pixels.length);
  const view = new DataView(out.buffer);
  [IDX_UBYTE_IMAGES_MAGIC, count, rows, cols].forEach((v, i) => view.setUint32(4 * i, v));
  out.set(pixels, 16);
  return out;
}

export function idxLabelsBytes(labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, IDX_UBYTE_LABELS_MAGIC);
  view.setUint32(4, labels.length);
  for (let i = 0; i < labels.length; i++) out[8 + i] = labels[i];
  return out;
}

/**
 * The raw dataset from the four IDX files (already gunzipped), parsed by the engine's own IDX
 * reader. `where` names the asset in the file paths the record keeps.
 */
export function rawDatasetFromIdx(files: Record<string, Uint8Array>, where: string): RawDataset {
  const path = (base: string) => `${where}#${base}.gz`;
  const split = (imagesBase: string, labelsBase: string) => {
    const images = parseIdxImages(files[`${imagesBase}.gz`], path(imagesBase), 'rebuild the site');
    const labels = parseIdxLabels(files[`${labelsBase}.gz`], path(labelsBase), 10, 'rebuild the site');
    if (labels.length !== images.count) throw new Error(`${path(labelsBase)} holds ${labels.length} labels for ${images.count} images; rebuild the site`);
    return { images, labels };
  };
  const train = split(FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.trainLabels);
  const test = split(FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels);
  return {
    height: train.images.rows,
    width: train.images.cols,
    channels: 1,
    numClasses: 10,
    train: { pixels: train.images.pixels, labels: train.labels, count: train.images.count },
    test: { pixels: test.images.pixels, labels: test.labels, count: test.images.count },
    files: fileNames.map((f) => `${where}#${f}`),
  };
}
