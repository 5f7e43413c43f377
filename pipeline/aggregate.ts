// Run records -> the datasets the site reads: reads and validates a scale's records, builds its
// datasets (pipeline/dataset-rows.ts) and writes them, or checks the files against what the records
// rebuild. Aggregating twice gives byte-identical files.
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunRecord, writeFileAtomic } from '../experiments/record-file.js';
import { recoverFolder, replaceFolder } from '../data/atomic-write.js';
import type { Study } from '../experiments/studies/index.js';
import { DATASET_NAMES, datasetPath, datasetSchemas, type DatasetName, type Scale } from '../data/schemas/datasets.js';
import type { RunRecord } from '../data/schemas/run-record.js';
import { buildDatasets } from './dataset-rows.js';
import { datasetsDir, identityProblem, recordFiles } from './records.js';

export { buildDatasets, serializeDataset, stable } from './dataset-rows.js';

export interface LoadedRecords {
  /** Valid records, sorted by id. */
  records: RunRecord[];
  /** One message per file that was skipped, naming it and what is wrong. */
  invalid: string[];
}

/** Reads and validates every record of a scale (or those `include` keeps); invalid ones are reported and left out. */
export function loadRecords(root: string, scale: Scale, include: (file: string) => boolean = () => true): LoadedRecords {
  const records: RunRecord[] = [];
  const invalid: string[] = [];
  for (const file of recordFiles(root, scale).filter(include)) {
    try {
      const record = readRunRecord(file);
      const hash = file.slice(-21, -5);
      const problem = identityProblem(record, hash);
      if (problem) invalid.push(`${file}: ${problem}`);
      else records.push(record);
    } catch (error) {
      invalid.push((error as Error).message);
    }
  }
  records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { records, invalid };
}

export interface AggregateReport {
  records: number;
  invalid: string[];
  /** Datasets whose file changed. */
  written: DatasetName[];
  /** Records that belong to no study of the scale (e.g. left from an earlier protocol). */
  orphans: string[];
}

/** Reads a scale's records and (re)writes its datasets under `<root>/<scale>/datasets/`. */
export function aggregate(root: string, scale: Scale, studies: readonly Study[]): AggregateReport {
  const { records, invalid } = loadRecords(root, scale);
  const files = buildDatasets(scale, records, studies);
  const folder = datasetsDir(root, scale);
  recoverFolder(folder);
  const written = DATASET_NAMES.filter((name) => {
    const path = join(folder, `${name}.json`);
    return !existsSync(path) || readFileSync(path, 'utf8') !== files[name];
  });
  if (written.length) {
    replaceFolder(folder, (staging) => {
      // Anything else kept in the folder goes along (the datasets are rewritten).
      const others = existsSync(folder) ? readdirSync(folder).filter((f) => !f.startsWith('.') && !DATASET_NAMES.some((n) => f === `${n}.json`)) : [];
      for (const f of others) cpSync(join(folder, f), join(staging, f), { recursive: true });
      for (const name of DATASET_NAMES) writeFileAtomic(join(staging, `${name}.json`), files[name]);
    });
  }
  const runsDataset = JSON.parse(files.runs) as { rows: Array<{ run: string; studies: string[] }> };
  const orphans = runsDataset.rows.filter((r) => r.studies.length === 0).map((r) => r.run);
  return { records: records.length, invalid, written, orphans };
}

export interface CheckReport {
  records: number;
  invalid: string[];
  /** One line per problem: a dataset missing, not matching its schema, or not what the records rebuild. */
  problems: string[];
}

/**
 * Checks a scale's datasets without writing anything: each file exists, matches its schema, and is
 * byte-identical to what its records rebuild. `include` limits the records (e.g. to the committed ones).
 */
export function checkDatasets(root: string, scale: Scale, studies: readonly Study[], include?: (file: string) => boolean): CheckReport {
  const { records, invalid } = loadRecords(root, scale, include);
  const files = buildDatasets(scale, records, studies);
  const problems: string[] = [];
  for (const name of DATASET_NAMES) {
    const path = join(root, datasetPath(scale, name));
    if (!existsSync(path)) {
      problems.push(`${path}: missing (run: npm run pipeline -- aggregate --scale ${scale})`);
      continue;
    }
    const text = readFileSync(path, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      problems.push(`${path}: not JSON (${(error as Error).message})`);
      continue;
    }
    const valid = datasetSchemas[name].safeParse(parsed);
    if (!valid.success) {
      const first = valid.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ');
      problems.push(`${path}: does not match the ${name} schema (${first})`);
    }
    if (text !== files[name]) problems.push(`${path}: differs from what the ${records.length} record(s) rebuild (${firstDifference(text, files[name])})`);
  }
  return { records: records.length, invalid, problems };
}

function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const line = a.findIndex((l, i) => l !== e[i]);
  const at = line === -1 ? a.length : line;
  if (at >= e.length) return `${a.length - e.length} extra line(s) from line ${e.length + 1}`;
  if (at >= a.length) return `${e.length - a.length} line(s) missing from line ${a.length + 1}`;
  return `first at line ${at + 1}`;
}
