// The study-v2 verdicts from the datasets: each rule's input read off the rows of its deciding
// studies (data/rule-changes.json names them), then the rule. Numbers only.
import type { EmergenceRow, FilterRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { decidingStudies } from '../studies.js';
import { h1V2 } from '../hypotheses/h1.js';
import { h2V2 } from '../hypotheses/h2.js';
import { h3V2, type H3Run } from '../hypotheses/h3.js';
import { h5V2, type H5Run } from '../hypotheses/h5.js';
import { h6V2, type H6Run } from '../hypotheses/h6.js';
import { h7V2, type H7Run } from '../hypotheses/h7.js';
import type { RangeCell } from '../rules/lr-range.js';
import { networkSparsityOverTime } from '../time-series.js';

export interface V2Input {
  runs: readonly RunRow[];
  studies: readonly StudyRow[];
  filters: readonly FilterRow[];
  emergence: readonly EmergenceRow[];
}

/** The studies whose records decide each v2 rule, as data/rule-changes.json lists them (one list). */
export const V2_STUDIES: Readonly<Record<1 | 2 | 3 | 5 | 6 | 7, readonly string[]>> = {
  1: decidingStudies(1, 2),
  2: decidingStudies(2, 2),
  3: decidingStudies(3, 2),
  5: decidingStudies(5, 2),
  6: decidingStudies(6, 2),
  7: decidingStudies(7, 2),
};

/** Complete runs of the named studies, each once. */
export function completeRuns(input: V2Input, studies: readonly string[]): RunRow[] {
  const ids = new Set(input.studies.filter((s) => studies.includes(s.study)).flatMap((s) => s.members.map((m) => m.run)));
  return input.runs.filter((r) => ids.has(r.run) && r.status === 'complete' && r.sparsityActivation !== null);
}

/** Learning-rate cells of one regularization kind: one per (optimizer, lr), a sparsity per seed. */
function rangeCells(runs: readonly RunRow[], kind: 'l2' | 'none'): RangeCell[] {
  const cells = new Map<string, { optimizer: string; lr: number; sparsities: number[]; runs: string[] }>();
  for (const r of runs.filter((x) => x.regularization === kind)) {
    const key = `${r.optimizer} ${r.lr}`;
    const cell = cells.get(key) ?? { optimizer: r.optimizer, lr: r.lr, sparsities: [], runs: [] };
    cell.sparsities.push(r.sparsityActivation as number);
    cell.runs.push(r.run);
    cells.set(key, cell);
  }
  return [...cells.values()];
}

export function v2Verdicts(input: V2Input) {
  const lrRuns = completeRuns(input, V2_STUDIES[1]);
  const strengthRuns: H3Run[] = completeRuns(input, V2_STUDIES[3])
    .filter((r) => r.regularization === 'l2' || r.regularization === 'decoupled')
    .map((r) => ({
      run: r.run,
      optimizer: r.optimizer,
      kind: r.regularization as 'l2' | 'decoupled',
      lr: r.lr,
      strength: r.strength,
      sparsity: r.sparsityActivation as number,
    }));
  const taskRuns: H5Run[] = completeRuns(input, V2_STUDIES[5]).map((r) => ({
    run: r.run,
    dataset: r.dataset,
    classes: r.classes,
    trainImages: r.trainImages,
    iterations: r.iterations,
    batchSize: r.batchSize,
    sparsity: r.sparsityActivation as number,
  }));
  const emergenceRuns = completeRuns(input, V2_STUDIES[6]);
  const h6Runs: H6Run[] = emergenceRuns.map((r) => ({
    run: r.run,
    seed: r.seed,
    features: input.filters
      .filter((f) => f.run === r.run)
      .map((f) => ({ layer: f.layer, earlyLifetime: f.lifetimeSparsenessEarly ?? null, earlyAt: f.selectivityEarlyAt, diedAt: f.diedAt })),
  }));
  const h7Runs: H7Run[] = emergenceRuns.map((r) => ({
    run: r.run,
    seed: r.seed,
    iterations: r.iterations,
    series: networkSparsityOverTime(input.emergence.filter((e) => e.run === r.run)),
  }));
  return {
    1: h1V2(rangeCells(lrRuns, 'none')),
    2: h2V2(rangeCells(lrRuns, 'l2')),
    3: h3V2(strengthRuns),
    5: h5V2(taskRuns),
    6: h6V2(h6Runs),
    7: h7V2(h7Runs),
  };
}
