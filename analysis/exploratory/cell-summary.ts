// A study's cells with each seed's value of a per-run quantity, summarised over the seeds. Pure.
import type { RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { cellsOf, membersOf, type FactorValue, type Member } from '../cells.js';
import { summarise, type Summary } from '../statistics.js';

export interface SeedValue {
  run: string;
  seed: number;
  value: number | null;
}

export interface CellValues<T> {
  study: string;
  factors: Record<string, FactorValue>;
  seeds: Array<{ run: string; seed: number } & T>;
}

/** Every cell of a study (complete runs only), with `per` computed for each seed's run. */
export function perCell<T>(study: StudyRow, runsById: ReadonlyMap<string, RunRow>, per: (m: Member) => T): Array<CellValues<T>> {
  const members = membersOf(study, runsById).filter((m) => m.run.status === 'complete');
  return cellsOf(members, study.factors).map((c) => ({
    study: study.study,
    factors: c.factors,
    seeds: [...c.members].sort((a, b) => a.seed - b.seed).map((m) => ({ run: m.run.run, seed: m.seed, ...per(m) })),
  }));
}

/** Summary of the non-null values (null when there are none). */
export function summaryOf(values: ReadonlyArray<number | null>): Summary | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return xs.length ? summarise(xs) : null;
}
