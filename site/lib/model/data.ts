// Finds, reads and validates the datasets the site is built from (build time, Node only).
// The site reads nothing else: no run records, no training code.
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DATASET_NAMES, SCALES, datasetPath, datasetSchemas, type Dataset, type DatasetName, type Scale } from '../../../data/schemas/datasets.js';

export type Datasets = { [N in DatasetName]: Dataset<N> };

export interface LoadedData {
  /** Folder holding `<scale>/datasets/*.json` (or the datasets themselves). */
  root: string;
  scale: Scale;
  /** Folder the dataset files were read from. */
  folder: string;
  datasets: Datasets;
}

export interface MissingData {
  root: string;
  scale: Scale | null;
  /** Why there is nothing to show, and what to run. */
  reason: string;
}

export type DataSource = { kind: 'loaded'; data: LoadedData } | { kind: 'missing'; missing: MissingData };

export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

export const PRODUCE_COMMAND = 'npm run pipeline -- --scale quick';

/** Reads one dataset file and validates it; throws a DatasetError naming the file. */
function readDataset<N extends DatasetName>(file: string, name: N, scale: Scale): Dataset<N> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DatasetError(`dataset ${file} is not readable JSON (${(error as Error).message}). Rebuild it with \`npm run pipeline -- --scale ${scale}\`.`);
  }
  const result = datasetSchemas[name].safeParse(parsed);
  if (!result.success) {
    const lines = result.error.issues
      .slice(0, 8)
      .map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('\n');
    const more = result.error.issues.length > 8 ? `\n  ... and ${result.error.issues.length - 8} more` : '';
    throw new DatasetError(
      `dataset ${file} does not match the "${name}" schema (data/schemas/datasets.ts):\n${lines}${more}\nRebuild it with \`npm run pipeline -- --scale ${scale}\`.`,
    );
  }
  const data = result.data as Dataset<N>;
  if (data.scale !== scale) {
    throw new DatasetError(`dataset ${file} says scale "${data.scale}" but sits in the folder of scale "${scale}": scales never mix.`);
  }
  return data;
}

/** Where the datasets of a scale live under a data root; also accepts a folder holding them directly. */
function folderOf(root: string, scale: Scale): string {
  return join(root, datasetPath(scale, 'runs').replace(/\/runs\.json$/, ''));
}

function readScaleOfFlatFolder(root: string): Scale {
  const runs = JSON.parse(readFileSync(join(root, 'runs.json'), 'utf8')) as { scale?: unknown };
  if (typeof runs.scale === 'string' && (SCALES as readonly string[]).includes(runs.scale)) return runs.scale as Scale;
  throw new DatasetError(`dataset ${join(root, 'runs.json')} has no valid "scale" field (expected ${SCALES.join(' or ')}).`);
}

function hasCompleteRun(folder: string, scale: Scale): boolean {
  const file = join(folder, 'runs.json');
  if (!existsSync(file)) return false;
  return readDataset(file, 'runs', scale).rows.some((r) => r.status === 'complete');
}

function loadFolder(root: string, folder: string, scale: Scale): LoadedData {
  const missing = DATASET_NAMES.filter((name) => !existsSync(join(folder, `${name}.json`)));
  if (missing.length > 0) {
    throw new DatasetError(
      `datasets ${missing.map((n) => join(folder, `${n}.json`)).join(', ')} are missing while ${join(folder, 'runs.json')} exists. ` +
        `Aggregate them again with \`npm run pipeline -- --scale ${scale}\`.`,
    );
  }
  const datasets = {} as Record<DatasetName, unknown>;
  for (const name of DATASET_NAMES) datasets[name] = readDataset(join(folder, `${name}.json`), name, scale);
  return { root, scale, folder, datasets: datasets as Datasets };
}

/**
 * Picks the datasets to show: `full` when it has at least one complete run, else `quick`.
 * `SITE_SCALE` forces a scale, `SITE_DATA_DIR` replaces the data root (default `data/`).
 */
export function locateData(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): DataSource {
  const root = resolve(cwd, env.SITE_DATA_DIR ?? 'data');
  const forced = env.SITE_SCALE;
  if (forced !== undefined && forced !== '' && !(SCALES as readonly string[]).includes(forced)) {
    throw new DatasetError(`SITE_SCALE="${forced}" is not a scale: use ${SCALES.join(' or ')}.`);
  }
  // A folder holding the dataset files directly (no <scale>/datasets/ below it).
  if (existsSync(join(root, 'runs.json'))) {
    const scale = readScaleOfFlatFolder(root);
    if (forced && forced !== scale) {
      return { kind: 'missing', missing: { root, scale: forced as Scale, reason: `${root} holds ${scale}-scale datasets, but SITE_SCALE=${forced}.` } };
    }
    return { kind: 'loaded', data: loadFolder(root, root, scale) };
  }
  const candidates: Scale[] = forced ? [forced as Scale] : ['full', 'quick'];
  for (const scale of candidates) {
    const folder = folderOf(root, scale);
    if (!existsSync(join(folder, 'runs.json'))) continue;
    if (!forced && scale === 'full' && !hasCompleteRun(folder, scale)) continue;
    return { kind: 'loaded', data: loadFolder(root, folder, scale) };
  }
  const where = forced ? folderOf(root, forced as Scale) : `${folderOf(root, 'full')} or ${folderOf(root, 'quick')}`;
  return {
    kind: 'missing',
    missing: {
      root,
      scale: (forced as Scale | undefined) ?? null,
      reason: `No datasets found in ${where}. Produce them with \`${forced ? `npm run pipeline -- --scale ${forced}` : PRODUCE_COMMAND}\` and build the site again.`,
    },
  };
}

/**
 * The data folder as the site prints it: relative to the repository (the build's working
 * directory), e.g. `data/full/datasets`; for a folder outside it (SITE_DATA_DIR elsewhere), the
 * data root's name and the path below it, so no absolute path of the build machine is published.
 */
export function describeFolder(folder: string, root: string, repo: string = process.cwd()): { path: string; inRepository: boolean } {
  if (within(repo, folder)) return { path: relative(repo, folder) || '.', inRepository: true };
  return { path: within(root, folder) ? join(basename(root), relative(root, folder)) : basename(folder), inRepository: false };
}

/** Whether `path` is `base` or below it. */
function within(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
