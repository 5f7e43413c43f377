// What a study is: a question, the hypotheses it tests, the config paths it varies, and the run
// configurations (with seeds) it needs at each scale. Pure data: no training, no file access.
import type { RunConfigInput } from '../config.js';
import type { Scale } from '../../data/schemas/datasets.js';

/** What the user's machine has, which some studies need (CIFAR only from a user-given folder). */
export interface StudyContext {
  cifar: boolean;
}

export interface Study {
  /** Short id, used by `--study` and in dataset rows. */
  name: string;
  title: string;
  question: string;
  /** Hypothesis numbers of the brief (data/hypotheses.ts) this study tests. */
  hypotheses: number[];
  /** Dotted config paths the study varies, e.g. "optimizer.name". */
  factors: string[];
  /** The run configurations (input form, seeds included) for a scale. */
  configs(scale: Scale, context: StudyContext): RunConfigInput[];
}

/** A partial configuration: any subset of the input's fields, nested. */
export type ConfigPatch = { [Section in keyof RunConfigInput]?: Partial<NonNullable<RunConfigInput[Section]>> };

/** `base` with the sections of each patch merged over it (fields of a section replace the base's). */
export function withPatch(base: RunConfigInput, ...patches: ConfigPatch[]): RunConfigInput {
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const patch of patches) {
    for (const [section, fields] of Object.entries(patch)) {
      if (fields === undefined) continue;
      const current = out[section];
      out[section] =
        current && typeof current === 'object' && !Array.isArray(current)
          ? { ...(current as Record<string, unknown>), ...structuredClone(fields) }
          : structuredClone(fields);
    }
  }
  return out as RunConfigInput;
}

/** One configuration per (cell, seed), seed-major: every cell of a study at seed 0 comes first, so a partial sweep covers every cell. */
export function crossSeeds(cells: RunConfigInput[], seeds: readonly number[]): RunConfigInput[] {
  const out: RunConfigInput[] = [];
  for (const seed of seeds) {
    for (const cell of cells) out.push(withPatch(cell, { training: { ...cell.training, seed } }));
  }
  return out;
}

/** The value at a dotted path of a (resolved) configuration, or null when a section lacks it. */
export function valueAt(config: unknown, path: string): string | number | boolean | null {
  let value: unknown = config;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/** `base` with its optimizer replaced by `optimizer` (hyperparameters not given take that optimizer's defaults). */
export function withOptimizer(base: RunConfigInput, optimizer: NonNullable<RunConfigInput['optimizer']>): RunConfigInput {
  return { ...structuredClone(base), optimizer: { ...optimizer } };
}
