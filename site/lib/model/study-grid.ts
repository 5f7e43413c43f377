// The plan of each study as a grid: every configuration (a cell of its factors) with the state
// of its runs (complete, diverged, failed) and its seeds, plus the configurations that have no
// record yet (pending). Build time, from the studies dataset.
import type { RunRow, StudyRow } from '../../../data/schemas/datasets.js';
import { cellsOf, membersOf, seedsOf } from '../../../analysis/cells.js';
import { cellLabel, formatLevel } from './studies.js';

export type RunState = RunRow['status'] | 'pending';
export const RUN_STATES: readonly RunState[] = ['complete', 'diverged', 'failed', 'pending'];

export interface GridCell {
  label: string;
  levels: Record<string, string>;
  /** Runs of the cell by state; a failed run also counts as pending (it will be trained again). */
  states: Record<RunState, number>;
  /** Seeds of the cell's runs that have a record, ascending. */
  seeds: number[];
  runs: string[];
}

export interface StudyGrid {
  study: string;
  title: string;
  factors: string[];
  cells: GridCell[];
  /** Pending configurations without any record: the dataset names them by id only. */
  unrecorded: string[];
}

export function studyGrid(study: StudyRow, runsById: ReadonlyMap<string, RunRow>): StudyGrid {
  const members = membersOf(study, runsById);
  const pending = new Set(study.pending);
  const cells = cellsOf(members, study.factors).map((c): GridCell => {
    const states: Record<RunState, number> = { complete: 0, diverged: 0, failed: 0, pending: 0 };
    for (const m of c.members) {
      states[m.run.status]++;
      if (pending.has(m.run.run)) states.pending++;
    }
    return {
      label: cellLabel(c.factors, study.factors),
      levels: Object.fromEntries(study.factors.map((f) => [f, formatLevel(c.factors[f] ?? null)])),
      states,
      seeds: seedsOf(c.members),
      runs: c.members.map((m) => m.run.run),
    };
  });
  const recorded = new Set(members.map((m) => m.run.run));
  return {
    study: study.study,
    title: study.title,
    factors: study.factors,
    cells,
    unrecorded: study.pending.filter((id) => !recorded.has(id)),
  };
}

/** The state a cell reads as at a glance (its counts say the rest): any failed run, else any diverged, else complete. */
export function cellState(cell: GridCell): RunState {
  if (cell.states.failed > 0) return 'failed';
  if (cell.states.diverged > 0) return 'diverged';
  return 'complete';
}
