// A study as the site sees it: its runs joined to their factor values and grouped into
// cells (one configuration, several seeds). Pure: used by figures, tables and verdicts.
import type { RunRow, StudyRow } from '../../data/schemas/datasets.js';

export type FactorValue = string | number | boolean | null;

export interface Member {
  run: RunRow;
  seed: number;
  factors: Record<string, FactorValue>;
}

/** One configuration of a study: the runs that differ only by seed. */
export interface Cell {
  key: string;
  factors: Record<string, FactorValue>;
  members: Member[];
}

/** What a cell is measured by. Sparsity is the network's (summed over its conv layers). */
export const MEASURES = {
  activation: { label: 'sparsity (dead by activation)', short: 'activation', of: (r: RunRow) => r.sparsityActivation },
  gamma: { label: 'sparsity (dead by |γ|)', short: 'gamma', of: (r: RunRow) => r.sparsityGamma },
  accuracy: { label: 'test accuracy', short: 'accuracy', of: (r: RunRow) => r.testAccuracy },
} as const;
export type Measure = keyof typeof MEASURES;

/** Run fields that mirror configuration paths, for studies whose members omit a factor. */
const RUN_FIELDS: Record<string, keyof RunRow> = {
  'optimizer.name': 'optimizer',
  'optimizer.lr': 'lr',
  'regularization.kind': 'regularization',
  'regularization.strength': 'strength',
  'training.batchSize': 'batchSize',
  'training.iterations': 'iterations',
  'training.seed': 'seed',
  'data.classes': 'classes',
  'data.dataset': 'dataset',
  'data.trainSubset': 'trainImages',
  'model.activation': 'activation',
  'model.width': 'width',
  'model.arch': 'arch',
};

const LABELS: Record<string, string> = {
  'optimizer.name': 'optimizer',
  'optimizer.lr': 'learning rate',
  'regularization.kind': 'regularization',
  'regularization.strength': 'regularization strength',
  'training.batchSize': 'mini-batch size',
  'training.iterations': 'iterations',
  'data.classes': 'classes',
  'data.dataset': 'dataset',
  'model.activation': 'activation',
  'model.width': 'width',
};

/** A reader's name for a configuration path. */
export function factorLabel(path: string): string {
  return LABELS[path] ?? path.split('.').pop() ?? path;
}

/** The value of a factor for a member: the study's own record first, else the run's field. */
export function factorOf(member: { run: RunRow; factors: Record<string, FactorValue> }, path: string): FactorValue {
  if (path in member.factors) return member.factors[path];
  const field = RUN_FIELDS[path];
  return field ? (member.run[field] as FactorValue) : null;
}

export function formatLevel(value: FactorValue): string {
  if (value === null) return '(none)';
  if (typeof value === 'number') {
    if (value !== 0 && (Math.abs(value) < 1e-2 || Math.abs(value) >= 1e5)) return value.toExponential().replace('e-', 'e−');
    return String(value);
  }
  return String(value);
}

/** Levels in reading order: numbers ascending, other values in order of appearance. */
export function sortLevels(values: readonly FactorValue[]): FactorValue[] {
  const unique: FactorValue[] = [];
  for (const v of values) if (!unique.some((u) => u === v)) unique.push(v);
  if (unique.every((v) => typeof v === 'number')) return [...unique].sort((a, b) => (a as number) - (b as number));
  return unique;
}

/** Every member of a study with its run; members whose run is not in the runs dataset are dropped. */
export function membersOf(study: StudyRow, runsById: ReadonlyMap<string, RunRow>): Member[] {
  const out: Member[] = [];
  for (const m of study.members) {
    const run = runsById.get(m.run);
    if (run) out.push({ run, seed: m.seed, factors: m.factors });
  }
  return out;
}

/** Members whose run completed and has a value for the measure. */
export function measured(members: readonly Member[], measure: Measure): Member[] {
  return members.filter((m) => m.run.status === 'complete' && MEASURES[measure].of(m.run) !== null);
}

export function valueOf(member: Member, measure: Measure): number {
  const v = MEASURES[measure].of(member.run);
  if (v === null) throw new Error(`run ${member.run.run} has no ${measure}`);
  return v;
}

function keyOf(factors: Record<string, FactorValue>, paths: readonly string[]): string {
  return JSON.stringify(paths.map((p) => factors[p] ?? null));
}

/** Groups members into cells by the given factors (all the study's factors by default). */
export function cellsOf(members: readonly Member[], paths: readonly string[]): Cell[] {
  const cells = new Map<string, Cell>();
  for (const m of members) {
    const factors: Record<string, FactorValue> = {};
    for (const p of paths) factors[p] = factorOf(m, p);
    const key = keyOf(factors, paths);
    let cell = cells.get(key);
    if (!cell) {
      cell = { key, factors, members: [] };
      cells.set(key, cell);
    }
    cell.members.push(m);
  }
  return [...cells.values()];
}

/** A short label for a cell, e.g. "adam · l2". */
export function cellLabel(factors: Record<string, FactorValue>, paths: readonly string[]): string {
  return paths.map((p) => formatLevel(factors[p] ?? null)).join(' · ') || 'all runs';
}

/** Distinct seeds, ascending. */
export function seedsOf(members: ReadonlyArray<{ seed: number }>): number[] {
  return [...new Set(members.map((m) => m.seed))].sort((a, b) => a - b);
}
