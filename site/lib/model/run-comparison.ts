// What the compare page needs of each run, taken from the run's page model (its figures' rows,
// per-layer table and pruning result) so no quantity is computed a second time. Build time.
import type { RunRow } from '../../../data/schemas/datasets.js';
import type { PackedValues } from '../../codec/packed-values.js';
import { runFigureId } from '../figures/figure-ids.js';
import { CRITERIA, type Figure } from '../figures/figure-model.js';
import { configSections } from '../text/format.js';
import { packValues, registrationScript } from '../figures/live-figure.js';
import { CURVE_SERIES } from '../figures/run-figures.js';
import { configPairs } from '../figures/run-names.js';
import type { RunPage } from './page-model.js';

/** The run as the compare page shows it: one file per run (compare/<run>.js), loaded on demand. */
export interface RunComparison {
  run: string;
  status: RunRow['status'];
  /** Every leaf of the resolved configuration as [dotted path, value as text], in the run page's order. */
  config: Array<[string, string]>;
  outcome: {
    sparsityActivation: number | null;
    sparsityGamma: number | null;
    testAccuracy: number | null;
    trainLoss: number | null;
    filters: number;
  };
  /** Training curves: one row per logged iteration and series (training loss, batch accuracy, test accuracy). */
  curves: Array<{ series: string; iteration: number; value: number }>;
  /** Network sparsity at each checkpoint by both criteria. */
  emergence: Array<{ criterion: string; iteration: number; sparsity: number }>;
  /** Final per-layer sparsity by both criteria (block = layer + 1). */
  layers: Array<{ criterion: string; block: number; sparsity: number }>;
  pruning: {
    removedFilters: number;
    filtersBefore: number;
    paramsBefore: number;
    paramsAfter: number;
    flopsBefore: number;
    flopsAfter: number;
    speedup: number;
    testAccuracyBefore: number;
    testAccuracyAfter: number;
  } | null;
}

/** The curves a comparison overlays: the run figure's series minus the regularization loss (one panel per series). */
export const COMPARED_CURVES = [CURVE_SERIES[0], CURVE_SERIES[2], CURVE_SERIES[3]] as const;

function figureRows(page: RunPage, id: string): Figure['rows'] {
  return page.figures.find((f) => f.id === id)?.rows ?? [];
}

export function runComparison(page: RunPage): RunComparison {
  const r = page.run;
  // The run figures' rows carry a column per series (curves) and per criterion (emergence).
  const curves = figureRows(page, runFigureId.curves).flatMap((row) =>
    COMPARED_CURVES.filter((series) => typeof row[series] === 'number').map((series) => ({
      series,
      iteration: Number(row.iteration),
      value: Number(row[series]),
    })),
  );
  const emergence = figureRows(page, runFigureId.emergence)
    .filter((row) => row.series === 'network')
    .flatMap((row) => CRITERIA.map((criterion) => ({ criterion, iteration: Number(row.iteration), sparsity: Number(row[criterion]) })));
  const layers = page.layers.flatMap((l) => [
    { criterion: CRITERIA[0], block: l.layer + 1, sparsity: l.sparsityActivation },
    { criterion: CRITERIA[1], block: l.layer + 1, sparsity: l.sparsityGamma },
  ]);
  const p = page.pruning;
  return {
    run: r.run,
    status: r.status,
    config: configPairs(configSections(r.config)),
    outcome: {
      sparsityActivation: r.sparsityActivation,
      sparsityGamma: r.sparsityGamma,
      testAccuracy: r.testAccuracy,
      trainLoss: r.trainLoss,
      filters: r.filters,
    },
    curves,
    emergence,
    layers,
    pruning: p
      ? {
          removedFilters: p.removedFilters,
          filtersBefore: p.filtersBefore,
          paramsBefore: p.paramsBefore,
          paramsAfter: p.paramsAfter,
          flopsBefore: p.flopsBefore,
          flopsAfter: p.flopsAfter,
          speedup: p.imagesPerSecondAfter / p.imagesPerSecondBefore,
          testAccuracyBefore: p.testAccuracyBefore,
          testAccuracyAfter: p.testAccuracyAfter,
        }
      : null,
  };
}

/** Name of the global the per-run scripts register into (a <script> loads from file:// where fetch cannot). */
const COMPARISON_GLOBAL = '__sparsityRuns';

/** The series of a comparison, by name: the ones the file carries packed as columns (field names once). */
export const COMPARED_SERIES = ['curves', 'emergence', 'layers'] as const;

/** The comparison as its file holds it: each series packed (client/packed-values.ts unpacks). */
export type PackedRunComparison = Omit<RunComparison, (typeof COMPARED_SERIES)[number]> & Record<(typeof COMPARED_SERIES)[number], PackedValues>;

export function packComparison(data: RunComparison): PackedRunComparison {
  return { ...data, curves: packValues(data.curves), emergence: packValues(data.emergence), layers: packValues(data.layers) };
}

/** The per-run file: a classic script that adds the run, its series packed, to the global registry. */
export function comparisonScript(data: RunComparison): string {
  return registrationScript(COMPARISON_GLOBAL, data.run, packComparison(data));
}
