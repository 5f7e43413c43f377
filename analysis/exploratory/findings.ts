// Every exploratory finding of the v2 data in one object: what the site's exploratory page
// shows. These were found after looking at the data; they decide nothing. Pure.
import type { EmergenceRow, FilterRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { eFoldsToCollapse, type Thresholds } from '../../data/definitions.js';
import { groupBy } from '../cells.js';
import { budgetCells, familySplit, type BudgetCell, type FamilySplit } from './budgets.js';
import { unregularizedCells, unregularizedTotals, type CriterionCell, type UnregularizedTotals } from './criteria.js';
import {
  blockPlateaus,
  emergenceLaw,
  recoveries,
  ONSET_LEVEL,
  PLATEAU_TOLERANCE,
  type BlockPlateau,
  type EmergenceLaw,
  type Recovery,
} from './emergence-law.js';
import { equalSamples, type EqualSamples } from './equal-samples.js';
import { compareAll, MIN_EFFECT, type FateComparison } from './fate-comparison.js';
import { deathsOf, type RunHistory } from './fates.js';
import { selectivityGradient, smallestGamma, summariseFalls, FALL_FLOOR, type GammaFallSummary, type SelectivityGradient } from './mechanism.js';
import { onsetRates, type CellOnsetRate } from './onset-rate.js';
import { PERMUTATIONS, POWER } from './rank-statistics.js';
import { widthCells, type WidthCell } from './width.js';
import { decayBudget } from '../../data/definitions.js';
import { V3_ONLY_STUDIES } from '../studies.js';

/** The study whose long, densely measured runs the H6, mechanism and emergence-law findings read. */
export const LONG_STUDY = 'emergence-long';
/** Early checkpoints, read before most deaths (the first at 4,500 in block 6). */
export const EARLY_CHECKPOINTS = [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000] as const;
/** Near death: block 6's deaths are half done here. */
export const NEAR_DEATH = 10_000;
/** The data-loss gradient is compared at these checkpoints. */
export const GRADIENT_CHECKPOINTS = [500, 3000] as const;
/** A |gamma| comparison has separated the fates at the first checkpoint from which its p stays below this. */
export const SEPARATION_P = 0.01;
/** Studies that decide H1 and H2 (budgets and criteria), and H3. */
export const TABLE_STUDIES = ['optimizer', 'lr-range'] as const;
export const STRENGTH_STUDIES = ['strength', 'decoupled-strength'] as const;

export interface ExploratoryInput {
  runs: readonly RunRow[];
  studies: readonly StudyRow[];
  filters: readonly FilterRow[];
  emergence: readonly EmergenceRow[];
  /** The run records of historiesNeeded(runs, studies). */
  histories: readonly RunHistory[];
  thresholds: Thresholds;
}

/** Runs of the SGD family trained with L2, whose smallest final gamma is set against its decay budget. */
function sgdL2Runs(runs: readonly RunRow[]): RunRow[] {
  return runs.filter((r) => r.status === 'complete' && (r.optimizer === 'sgd' || r.optimizer === 'momentum') && r.regularization === 'l2');
}

/** Ids of the run records the findings read per checkpoint: the long study's runs and the SGD family with L2. */
export function historiesNeeded(runs: readonly RunRow[], studies: readonly StudyRow[]): string[] {
  const long = studies.find((s) => s.study === LONG_STUDY)?.members.map((m) => m.run) ?? [];
  return [...new Set([...long, ...sgdL2Runs(runs).map((r) => r.run)])].sort();
}

export interface Separation {
  run: string;
  seed: number;
  layer: number;
  /** First checkpoint (of 0 and the early ones) from which the |gamma| AUC's p stays below SEPARATION_P; null: never. */
  from: number | null;
}

export interface ExploratoryFindings {
  constants: {
    longStudy: string;
    earlyCheckpoints: readonly number[];
    nearDeath: number;
    gradientCheckpoints: readonly number[];
    permutations: number;
    alpha: number;
    power: number;
    minEffect: number;
    separationP: number;
    onsetLevel: number;
    plateauTolerance: number;
    fallFloor: number;
    eFoldsToCollapse: number;
  };
  h6: {
    /** Lifetime sparseness, dying against surviving, every block, seed and early checkpoint. */
    early: FateComparison[];
    /** Blocks (layer indices) powered in every run at every early checkpoint. */
    poweredBlocks: number[];
    nearDeath: FateComparison[];
    /** |gamma|, dying against surviving, at 0, the early checkpoints and near death. */
    gamma: FateComparison[];
    separation: Separation[];
  };
  gradient: {
    kernel: FateComparison[];
    selectivity: SelectivityGradient[];
    adamFalls: GammaFallSummary[];
    sgd: Array<{
      run: string;
      optimizer: string;
      lr: number;
      strength: number;
      seed: number;
      eFolds: number | null;
      smallestGamma: number | null;
      pureDecayFloor: number | null;
    }>;
  };
  emergence: {
    cells: CellOnsetRate[];
    laws: EmergenceLaw[];
    plateaus: BlockPlateau[];
    recoveries: Recovery[];
  };
  batch: EqualSamples | null;
  criteria: { cells: CriterionCell[]; totals: UnregularizedTotals };
  budgets: { cells: BudgetCell[]; families: FamilySplit[] };
  width: WidthCell[];
}

function separations(gamma: readonly FateComparison[]): Separation[] {
  return [...groupBy(gamma, (c) => `${c.run}/${c.layer}`).values()].map((cs) => {
    const early = cs.filter((c) => c.iteration <= EARLY_CHECKPOINTS[EARLY_CHECKPOINTS.length - 1]).sort((a, b) => a.iteration - b.iteration);
    let from: number | null = null;
    for (const c of early) {
      const separated = c.p !== null && c.p < SEPARATION_P;
      if (separated && from === null) from = c.iteration;
      if (!separated) from = null;
    }
    return { run: cs[0].run, seed: cs[0].seed, layer: cs[0].layer, from };
  });
}

/**
 * The v1 and v2 data only: study v3's runs are decided by rules fixed before them (analysis/v3), so
 * what was found by looking is never read from them, and this file does not move as they land.
 */
export function beforeStudyV3(input: ExploratoryInput): ExploratoryInput {
  const studies = input.studies.filter((s) => !V3_ONLY_STUDIES.includes(s.study));
  const ids = new Set(studies.flatMap((s) => s.members.map((m) => m.run)));
  return {
    ...input,
    studies,
    runs: input.runs.filter((r) => ids.has(r.run)),
    filters: input.filters.filter((f) => ids.has(f.run)),
    emergence: input.emergence.filter((e) => ids.has(e.run)),
    histories: input.histories.filter((h) => ids.has(h.id)),
  };
}

export function exploratoryFindings(all: ExploratoryInput): ExploratoryFindings {
  const input = beforeStudyV3(all);
  const study = (name: string) => input.studies.find((s) => s.study === name);
  const long = study(LONG_STUDY);
  const longIds = new Set(long?.members.map((m) => m.run) ?? []);
  const histories = new Map(input.histories.map((h) => [h.id, h]));
  const missing = historiesNeeded(input.runs, input.studies).filter((id) => !histories.has(id));
  if (missing.length)
    throw new Error(
      `exploratory findings need the run records ${missing.join(', ')}: they are missing from data/<scale>/runs; restore them (git checkout) or rerun them`,
    );
  const longRuns = [...longIds].map((id) => histories.get(id) as RunHistory).sort((a, b) => a.config.training.seed - b.config.training.seed);
  const withDeaths = longRuns.map((history) => ({ history, deaths: deathsOf(history.id, input.filters) }));

  const early = compareAll(withDeaths, EARLY_CHECKPOINTS, 'lifetime');
  const layers = [...new Set(early.map((c) => c.layer))].sort((a, b) => a - b);
  const poweredBlocks = layers.filter((l) => early.filter((c) => c.layer === l).every((c) => c.powered));
  const gamma = compareAll(withDeaths, [0, ...EARLY_CHECKPOINTS, NEAR_DEATH], 'absGamma');

  const emergenceByRun = groupBy(input.emergence, (e) => e.run);
  const batchStudy = study('batch-size');
  const widthStudy = study('width');
  const pick = (names: readonly string[]) => names.map(study).filter((s): s is StudyRow => s !== undefined);

  return {
    constants: {
      longStudy: LONG_STUDY,
      earlyCheckpoints: EARLY_CHECKPOINTS,
      nearDeath: NEAR_DEATH,
      gradientCheckpoints: GRADIENT_CHECKPOINTS,
      permutations: PERMUTATIONS,
      alpha: POWER.alpha,
      power: POWER.power,
      minEffect: MIN_EFFECT,
      separationP: SEPARATION_P,
      onsetLevel: ONSET_LEVEL,
      plateauTolerance: PLATEAU_TOLERANCE,
      fallFloor: FALL_FLOOR,
      eFoldsToCollapse: eFoldsToCollapse(input.thresholds),
    },
    h6: { early, poweredBlocks, nearDeath: compareAll(withDeaths, [NEAR_DEATH], 'lifetime'), gamma, separation: separations(gamma) },
    gradient: {
      kernel: compareAll(withDeaths, GRADIENT_CHECKPOINTS, 'dataGradKernel'),
      selectivity: longRuns.flatMap((h) => GRADIENT_CHECKPOINTS.flatMap((it) => selectivityGradient(h, it))),
      adamFalls: longRuns.map(summariseFalls),
      sgd: sgdL2Runs(input.runs).map((r) => {
        const eFolds = decayBudget(r.config).eFolds;
        return {
          run: r.run,
          optimizer: r.optimizer,
          lr: r.lr,
          strength: r.strength,
          seed: r.seed,
          eFolds,
          smallestGamma: smallestGamma(histories.get(r.run) as RunHistory),
          pureDecayFloor: eFolds === null ? null : Math.exp(-eFolds),
        };
      }),
    },
    emergence: {
      cells: onsetRates(input.studies, input.runs, input.emergence),
      laws: longRuns.map((h) => emergenceLaw(h.id, emergenceByRun.get(h.id) ?? [])).filter((l): l is EmergenceLaw => l !== null),
      plateaus: longRuns.flatMap((h) => blockPlateaus(h.id, emergenceByRun.get(h.id) ?? [])),
      recoveries: longRuns.map(recoveries),
    },
    batch: batchStudy ? equalSamples(batchStudy, input.runs, input.emergence) : null,
    criteria: {
      cells: unregularizedCells(pick(TABLE_STUDIES), input.runs, input.filters, input.thresholds),
      totals: unregularizedTotals(input.runs, input.filters, input.thresholds),
    },
    budgets: {
      cells: budgetCells(pick([...TABLE_STUDIES, ...STRENGTH_STUDIES]), input.runs, input.filters, input.thresholds),
      families: familySplit(input.runs),
    },
    width: widthStudy ? widthCells(widthStudy, input.runs) : [],
  };
}
