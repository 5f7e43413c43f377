// Writes the exploratory findings of a scale's committed data (analysis/exploratory) to
// data/<scale>/exploratory.json, for the site's exploratory page. Found after looking at the data,
// they decide nothing. Usage: npm run findings:exploratory [-- --scale full]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { datasetPath, datasetSchemas, SCALES, type Dataset, type DatasetName, type Scale } from '../data/schemas/datasets.js';
import { readRunRecord, writeJsonAtomic } from '../experiments/record-file.js';
import { beforeStudyV3, exploratoryFindings, historiesNeeded } from '../analysis/exploratory/findings.js';
import { exploratoryFile, EXPLORATORY_VERSION, type ExploratoryFile } from '../analysis/exploratory/file.js';
import { recordPath } from './records.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', 'data');

function readDataset<N extends DatasetName>(scale: Scale, name: N): Dataset<N> {
  const path = join(ROOT, datasetPath(scale, name));
  try {
    return datasetSchemas[name].parse(JSON.parse(readFileSync(path, 'utf8'))) as Dataset<N>;
  } catch (error) {
    throw new Error(`cannot read dataset ${path} (${(error as Error).message}): run npm run pipeline -- aggregate --scale ${scale} first`, { cause: error });
  }
}

/** The findings of a scale's datasets and records, as written to its exploratory file. */
export function computeExploratory(scale: Scale): ExploratoryFile {
  const runs = readDataset(scale, 'runs');
  const studies = readDataset(scale, 'studies');
  const filters = readDataset(scale, 'filters');
  const emergence = readDataset(scale, 'emergence');
  // The v1 and v2 data only (beforeStudyV3): the file does not move as study v3's records land.
  const input = beforeStudyV3({
    runs: runs.rows,
    studies: studies.rows,
    filters: filters.rows,
    emergence: emergence.rows,
    histories: [],
    thresholds: runs.thresholds,
  });
  const histories = historiesNeeded(input.runs, input.studies).map((id) => readRunRecord(recordPath(ROOT, scale, id)));
  const findings = exploratoryFindings({ ...input, histories });
  return exploratoryFile(scale, input.runs.map((r) => r.run).sort(), runs.definitionsVersion, findings);
}

/** Rounds to 12 significant digits (no -0) so that the file is the same on every platform; non-finite numbers become null. */
export function stableJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(12)) || 0 : null) : v)));
}

/** Where a scale's exploratory findings are written. */
export function exploratoryPath(scale: Scale): string {
  return join(ROOT, scale, 'exploratory.json');
}

export function writeExploratory(scale: Scale): string {
  const path = exploratoryPath(scale);
  writeJsonAtomic(path, stableJson(computeExploratory(scale)));
  return path;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const program = new Command()
    .name('findings:exploratory')
    .description(`writes data/<scale>/exploratory.json (file version ${EXPLORATORY_VERSION}) from the scale's datasets and run records`)
    .option('--scale <scale>', `one of ${SCALES.join(', ')}`, 'full')
    .action((opts: { scale: string }) => {
      if (!(SCALES as readonly string[]).includes(opts.scale)) throw new Error(`unknown scale ${opts.scale}: use one of ${SCALES.join(', ')}`);
      console.log(`wrote ${writeExploratory(opts.scale as Scale)}`);
    });
  program.parse();
}
