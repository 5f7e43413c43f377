// The committed full-scale datasets and the README's statements about them, for the tests that
// check the published verdicts and study figures against what the data say.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_NAMES, datasetPath, datasetSchemas, type Dataset, type DatasetName } from '../../data/schemas/datasets.js';
import type { Outcome } from '../../analysis/rules/result.js';
import type { VerdictInput } from '../../analysis/rules/v1-context.js';
import type { VerdictsInput } from '../../analysis/verdicts.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FULL = join(REPO, 'data', 'full', 'datasets');
export const hasFull = existsSync(join(FULL, 'runs.json'));

export type FullDatasets = { [N in DatasetName]: Dataset<N> };

const parsed = new Map<DatasetName, unknown>();

/**
 * The committed full datasets, each read and validated the first time a test asks for it (the
 * mechanism dataset alone is over 20 MB, and most tests read only runs and studies).
 */
export function readFull(): FullDatasets {
  const out = {} as FullDatasets;
  for (const name of DATASET_NAMES) {
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => {
        if (!parsed.has(name)) parsed.set(name, datasetSchemas[name].parse(JSON.parse(readFileSync(join(REPO, 'data', datasetPath('full', name)), 'utf8'))));
        return parsed.get(name);
      },
    });
  }
  return out;
}

export function verdictInput(d: FullDatasets): VerdictInput {
  return { runs: d.runs.rows, studies: d.studies.rows, filters: d.filters.rows, emergence: d.emergence.rows, pruning: d.pruning.rows };
}

/** What the site gives the rules: the datasets of `verdictInput` and the mechanism rows, which the v3 rules read (without them no v3 rule decides). */
export function siteVerdictInput(d: FullDatasets): VerdictsInput {
  return { ...verdictInput(d), mechanism: d.mechanism.rows };
}

export const readme = () => readFileSync(join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ');

/**
 * The outcome of each hypothesis as the README states it: "In the committed data H3, H4 and H5
 * are supported, H6 contradicted, and H1 inconclusive".
 */
export function readmeOutcomes(text: string): Map<number, Outcome> {
  const sentence = /In the committed data (.+?); the site says why/.exec(text)?.[1];
  if (!sentence)
    throw new Error('README.md has no sentence "In the committed data H.. are supported, ...; the site says why": restore it in "The published study"');
  const out = new Map<number, Outcome>();
  for (const m of sentence.matchAll(/((?:H\d(?:, | and |,? and )?)+)\s*(?:are |is )?(supported|contradicted|inconclusive)/g)) {
    for (const h of m[1].matchAll(/H(\d)/g)) out.set(Number(h[1]), m[2] as Outcome);
  }
  return out;
}
