// H1 by criterion: every dead filter labelled by how it died (gamma collapse, negative-beta ReLU
// death, other; experiments/definitions.ts), counted per run, and the runs without
// regularization read by both criteria. Pure.
import type { FilterRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { groupBy, type FactorValue } from '../cells.js';
import { median, type Summary } from '../statistics.js';
import { deathMechanism, type DeathMechanism, type Thresholds } from '../../data/definitions.js';
import { perCell, summaryOf } from './cell-summary.js';

export interface MechanismCount {
  run: string;
  seed: number;
  filters: number;
  deadByActivation: number;
  deadByGamma: number;
  /** Dead filters (by either criterion) by mechanism. */
  mechanisms: Record<DeathMechanism, number>;
  /** Median |gamma| and beta of the negative-beta deaths (null when there are none). */
  negativeBetaGamma: number | null;
  negativeBetaBeta: number | null;
}

export function mechanismCount(run: RunRow, filters: readonly FilterRow[], thresholds: Thresholds): MechanismCount {
  const mechanisms: Record<DeathMechanism, number> = { 'gamma-collapse': 0, 'negative-beta': 0, other: 0 };
  const negative: FilterRow[] = [];
  for (const f of filters) {
    const m = deathMechanism(f, thresholds);
    if (m === null) continue;
    mechanisms[m]++;
    if (m === 'negative-beta') negative.push(f);
  }
  return {
    run: run.run,
    seed: run.seed,
    filters: filters.length,
    deadByActivation: filters.filter((f) => f.deadByActivation).length,
    deadByGamma: filters.filter((f) => f.deadByGamma).length,
    mechanisms,
    negativeBetaGamma: negative.length ? median(negative.map((f) => Math.abs(f.gamma))) : null,
    negativeBetaBeta: negative.length ? median(negative.map((f) => f.beta)) : null,
  };
}

export interface CriterionCell {
  study: string;
  factors: Record<string, FactorValue>;
  seeds: Array<{ run: string; seed: number } & MechanismCount>;
  sparsityActivation: Summary | null;
  sparsityGamma: Summary | null;
}

/** Per cell of the given studies, restricted to runs without regularization. */
export function unregularizedCells(
  studies: readonly StudyRow[],
  runs: readonly RunRow[],
  filters: readonly FilterRow[],
  thresholds: Thresholds,
): CriterionCell[] {
  const runsById = new Map(runs.filter((r) => r.regularization === 'none').map((r) => [r.run, r]));
  const filtersByRun = groupBy(filters, (f) => f.run);
  return studies
    .flatMap((s) => perCell(s, runsById, (m) => mechanismCount(m.run, filtersByRun.get(m.run.run) ?? [], thresholds)))
    .map((c) => ({
      ...c,
      sparsityActivation: summaryOf(c.seeds.map((s) => s.deadByActivation / s.filters)),
      sparsityGamma: summaryOf(c.seeds.map((s) => s.deadByGamma / s.filters)),
    }));
}

export interface UnregularizedTotals {
  runs: number;
  /** Runs with at least one filter dead by gamma, and by activation. */
  withGammaDead: number;
  withActivationDead: number;
  mechanisms: Record<DeathMechanism, number>;
}

/** Over every distinct complete run without regularization. */
export function unregularizedTotals(runs: readonly RunRow[], filters: readonly FilterRow[], thresholds: Thresholds): UnregularizedTotals {
  const filtersByRun = groupBy(filters, (f) => f.run);
  const counts = runs
    .filter((r) => r.regularization === 'none' && r.status === 'complete')
    .map((r) => mechanismCount(r, filtersByRun.get(r.run) ?? [], thresholds));
  const mechanisms: Record<DeathMechanism, number> = { 'gamma-collapse': 0, 'negative-beta': 0, other: 0 };
  for (const c of counts) for (const k of Object.keys(mechanisms) as DeathMechanism[]) mechanisms[k] += c.mechanisms[k];
  return {
    runs: counts.length,
    withGammaDead: counts.filter((c) => c.deadByGamma > 0).length,
    withActivationDead: counts.filter((c) => c.deadByActivation > 0).length,
    mechanisms,
  };
}
