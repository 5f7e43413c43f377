// Writes the JSON Schema of every dataset and of the run record (from their zod schemas) for
// readers outside TypeScript: <root>/schemas/<name>.schema.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../experiments/record-file.js';
import { DATASET_NAMES, DATASET_VERSION, datasetSchemas } from '../data/schemas/datasets.js';
import { RUN_RECORD_VERSION, runRecordSchema } from '../data/schemas/run-record.js';

/** File name -> JSON Schema text. */
export function jsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: string, schema: z.ZodType, title: string, version: number) => {
    const json = { ...z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }), title, version };
    out[`${name}.schema.json`] = `${JSON.stringify(json, null, 1)}\n`;
  };
  add('run-record', runRecordSchema, 'Run record (one training run, written by experiments/cli.ts)', RUN_RECORD_VERSION);
  for (const name of DATASET_NAMES) add(name, datasetSchemas[name], `Dataset "${name}" (data/<scale>/datasets/${name}.json)`, DATASET_VERSION);
  return out;
}

/** Writes the schemas into `dir`; returns the files that changed. */
export function writeJsonSchemas(dir: string): string[] {
  const changed: string[] = [];
  for (const [file, text] of Object.entries(jsonSchemas())) {
    const path = join(dir, file);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    writeFileAtomic(path, text);
    changed.push(path);
  }
  return changed;
}

/** The schema files in `dir` that are missing or differ from the zod schemas. */
export function staleJsonSchemas(dir: string): string[] {
  return Object.entries(jsonSchemas())
    .map(([file, text]) => ({ path: join(dir, file), text }))
    .filter(({ path, text }) => !existsSync(path) || readFileSync(path, 'utf8') !== text)
    .map(({ path }) => path);
}
