// A study as the analysis sees it: its runs joined to their factor values and grouped into
// cells (one configuration, several seeds). Pure: returns rows and numbers, never labels.
import type { RunRow, StudyRow } from '../data/schemas/datasets.js';

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
const MEASURES = {
  activation: (r: RunRow) => r.sparsityActivation,
  gamma: (r: RunRow) => r.sparsityGamma,
  accuracy: (r: RunRow) => r.testAccuracy,
} as const;
export type Measure = keyof typeof MEASURES;

/** The value of a factor for a member: the study's own record first, else the run's resolved configuration at that path. */
export function factorOf(member: { run: RunRow; factors: Record<string, FactorValue> }, path: string): FactorValue {
  if (path in member.factors) return member.factors[path];
  let value: unknown = member.run.config;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value === undefined || (value !== null && typeof value === 'object') ? null : (value as FactorValue);
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
  return members.filter((m) => m.run.status === 'complete' && MEASURES[measure](m.run) !== null);
}

export function valueOf(member: Member, measure: Measure): number {
  const v = MEASURES[measure](member.run);
  if (v === null) throw new Error(`run ${member.run.run} has no ${measure}: select members with measured() first`);
  return v;
}

/** The measure of each member, in order. */
export function valuesOf(members: readonly Member[], measure: Measure): number[] {
  return members.map((m) => valueOf(m, measure));
}

/** Groups members into cells by the given factors. */
export function cellsOf(members: readonly Member[], paths: readonly string[]): Cell[] {
  const cells = new Map<string, Cell>();
  for (const m of members) {
    const factors: Record<string, FactorValue> = {};
    for (const p of paths) factors[p] = factorOf(m, p);
    const key = JSON.stringify(paths.map((p) => factors[p] ?? null));
    let cell = cells.get(key);
    if (!cell) {
      cell = { key, factors, members: [] };
      cells.set(key, cell);
    }
    cell.members.push(m);
  }
  return [...cells.values()];
}

/** Distinct seeds, ascending. */
export function seedsOf(members: ReadonlyArray<{ seed: number }>): number[] {
  return [...new Set(members.map((m) => m.seed))].sort((a, b) => a - b);
}

/** Rows grouped by a key, groups in order of first appearance. */
export function groupBy<T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
