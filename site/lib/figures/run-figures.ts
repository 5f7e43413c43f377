// Figures of a run page: per-layer sparsity, emergence over checkpoints, selectivity and |γ|
// of every filter, training curves. Pure.
import type { CurveRow, EmergenceRow, FilterRow, LayerRow, RunRow } from '../../../data/schemas/datasets.js';
import { sparsity } from '../../../data/definitions.js';
import { networkSparsityOverTime } from '../../../analysis/time-series.js';
import { runFigureId, runRoute } from './figure-ids.js';
import { CRITERIA, CRITERION_COLOURS, legendPick, sparsityAxis, topLevel, type Figure, type Row } from './figure-model.js';
import { MEASURE } from './figure-style.js';
import { percent } from '../text/format.js';

export function runLayersFigure(run: RunRow, layers: readonly LayerRow[]): Figure | null {
  const mine = layers.filter((l) => l.run === run.run).sort((a, b) => a.layer - b.layer);
  if (mine.length === 0) return null;
  const rows: Row[] = mine.flatMap((l) => [
    { block: l.layer + 1, filters: l.filters, criterion: CRITERIA[0], dead: l.deadByActivation, sparsity: l.sparsityActivation },
    { block: l.layer + 1, filters: l.filters, criterion: CRITERIA[1], dead: l.deadByGamma, sparsity: l.sparsityGamma },
  ]);
  const pick = legendPick('criterion');
  const spec = topLevel(rows, {
    width: 420,
    height: 220,
    params: [pick.param],
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'block', type: 'ordinal', title: 'block (conv layer)', axis: { labelAngle: 0 } },
      xOffset: { field: 'criterion', sort: [...CRITERIA] },
      y: { field: 'sparsity', ...sparsityAxis('layer sparsity') },
      color: { field: 'criterion', type: 'nominal', title: 'criterion', scale: { domain: [...CRITERIA], range: CRITERION_COLOURS } },
      opacity: pick.opacity(1, 0.15),
      tooltip: [{ field: 'block' }, { field: 'criterion' }, { field: 'dead' }, { field: 'filters' }, { field: 'sparsity', format: '.1%' }],
    },
  });
  const worst = [...mine].sort((a, b) => b.sparsityActivation - a.sparsityActivation)[0];
  return {
    id: runFigureId.layers,
    route: runRoute(run.run),
    title: 'Sparsity per layer, both criteria',
    caption:
      'Share of dead filters in each conv block at the end of training, measured on the full training set: dead by activation (zero output for every image) and dead by |γ| below the threshold.',
    alt: `Grouped bar chart of per-layer sparsity by both criteria; the sparsest block is block ${worst.layer + 1} with ${percent(worst.sparsityActivation)} dead by activation.`,
    rows,
    spec,
    runs: [run.run],
  };
}

export function runEmergenceFigure(run: RunRow, emergence: readonly EmergenceRow[]): Figure | null {
  const mine = emergence.filter((e) => e.run === run.run);
  const iterations = new Set(mine.map((e) => e.iteration));
  if (iterations.size < 2) return null;
  // One row per checkpoint and series with a column per criterion (the spec folds them), so the
  // CSV and the live figure's data carry each iteration and series name once, not once per criterion.
  const rows: Row[] = mine.map((e) => ({
    iteration: e.iteration,
    series: `block ${e.layer + 1}`,
    [CRITERIA[0]]: sparsity(e.deadByActivation, e.filters),
    [CRITERIA[1]]: sparsity(e.deadByGamma, e.filters),
  }));
  const network = networkSparsityOverTime(mine);
  for (const p of network) rows.push({ iteration: p.iteration, series: 'network', [CRITERIA[0]]: p.sparsity, [CRITERIA[1]]: p.sparsityGamma });
  rows.sort((a, b) => (a.iteration as number) - (b.iteration as number));
  const series = [...new Set(rows.map((r) => r.series as string))].sort((a, b) =>
    a === 'network' ? -1 : b === 'network' ? 1 : a.localeCompare(b, 'en', { numeric: true }),
  );
  const pick = legendPick('series');
  const spec = topLevel(rows, {
    transform: [{ fold: [...CRITERIA], as: ['criterion', 'sparsity'] }],
    facet: { column: { field: 'criterion', type: 'nominal', title: null, sort: [...CRITERIA] } },
    spec: {
      width: 260,
      height: 200,
      params: [pick.param],
      mark: { type: 'line' },
      encoding: {
        x: { field: 'iteration', type: 'quantitative' },
        y: { field: 'sparsity', ...sparsityAxis('sparsity') },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          sort: series,
          scale: { range: ['#111827', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'] },
        },
        strokeWidth: { condition: { test: "datum.series === 'network'", value: 3 }, value: 1.5 },
        opacity: pick.opacity(1, 0.08),
        tooltip: [{ field: 'series' }, { field: 'criterion' }, { field: 'iteration' }, { field: 'sparsity', format: '.1%' }],
      },
    },
  });
  return {
    id: runFigureId.emergence,
    route: runRoute(run.run),
    title: 'Emergence: sparsity at each checkpoint',
    caption: `Share of dead filters per block and for the whole network (black) at each of the ${iterations.size} checkpoints, measured on the probe subset; left by activation, right by |γ|. Click a legend entry to follow one block.`,
    alt: `Line charts of per-block and network sparsity over ${iterations.size} checkpoints for both criteria; final network sparsity ${percent(network[network.length - 1].sparsity)} by activation.`,
    rows,
    spec,
    runs: [run.run],
  };
}

function filterStatus(f: FilterRow): string {
  if (f.deadByActivation && f.deadByGamma) return 'dead (both)';
  if (f.deadByActivation) return 'dead by activation only';
  if (f.deadByGamma) return 'dead by |γ| only';
  return 'alive';
}
const STATUS = { domain: ['alive', 'dead (both)', 'dead by activation only', 'dead by |γ| only'], range: ['#1f6fb2', '#c2410c', '#e3a008', '#7c3aed'] };

export function runSelectivityFigure(run: RunRow, filters: readonly FilterRow[]): Figure | null {
  const mine = filters.filter((f) => f.run === run.run);
  if (mine.length === 0) return null;
  const rows: Row[] = mine.map((f) => ({
    block: f.layer + 1,
    filter: f.filter,
    status: filterStatus(f),
    selectivity: f.selectivity,
    selectivityEarly: f.selectivityEarly,
    selectivityBefore: f.selectivityBefore,
    diedAt: f.diedAt,
  }));
  const pick = legendPick('status');
  const spec = topLevel(rows, {
    width: 440,
    height: { step: 26 },
    params: [pick.param],
    mark: { type: 'tick', thickness: 1.5, size: 18 },
    encoding: {
      x: { field: 'selectivity', type: 'quantitative', title: MEASURE.activeShareAxis, scale: { domain: [0, 1] } },
      y: { field: 'block', type: 'ordinal', title: 'block' },
      color: { field: 'status', type: 'nominal', title: null, scale: STATUS },
      opacity: pick.opacity(0.6, 0.04),
      tooltip: [
        { field: 'block' },
        { field: 'filter' },
        { field: 'status' },
        { field: 'selectivity', title: MEASURE.activeShare, format: '.3f' },
        { field: 'selectivityEarly', title: `${MEASURE.activeShare} early`, format: '.3f' },
        { field: 'selectivityBefore', title: `${MEASURE.activeShare} shortly before death`, format: '.3f' },
        { field: 'diedAt', title: 'died at iteration' },
      ],
    },
  });
  const dead = mine.filter((f) => f.deadByActivation).length;
  return {
    id: runFigureId.selectivity,
    route: runRoute(run.run),
    title: 'Active share of every feature at the end',
    caption:
      'Each tick is one feature (filter) of a block: its active share, the share of the training images for which it is active, at the end of training (1 = every image: the least selective; a saturated measure, kept as v1 defined it). Dead features sit at 0. Click a legend entry to pick one status.',
    alt: `Strip plot of the final active share of ${mine.length} features across the blocks; ${dead} are dead by activation.`,
    rows,
    spec,
    runs: [run.run],
  };
}

/** |γ| below this is drawn at it, so that a log axis can show exact zeros. */
export const GAMMA_FLOOR = 1e-7;

export function runGammaFigure(run: RunRow, filters: readonly FilterRow[], gammaThreshold: number): Figure | null {
  const mine = filters.filter((f) => f.run === run.run);
  if (mine.length === 0) return null;
  const rows: Row[] = mine.map((f) => ({ block: f.layer + 1, filter: f.filter, status: filterStatus(f), gamma: f.gamma, beta: f.beta }));
  const pick = legendPick('status');
  const spec = topLevel(rows, {
    width: 440,
    height: { step: 26 },
    layer: [
      {
        // |γ| is computed from γ in the spec, not carried as a second column of the data.
        transform: [{ calculate: `max(abs(datum.gamma), ${GAMMA_FLOOR})`, as: 'absGamma' }],
        params: [pick.param],
        mark: { type: 'tick', thickness: 1.5, size: 18 },
        encoding: {
          x: { field: 'absGamma', type: 'quantitative', title: '|γ| (BN scale, log)', scale: { type: 'log' } },
          y: { field: 'block', type: 'ordinal', title: 'block' },
          color: { field: 'status', type: 'nominal', title: null, scale: STATUS },
          opacity: pick.opacity(0.6, 0.04),
          tooltip: [
            { field: 'block' },
            { field: 'filter' },
            { field: 'status' },
            { field: 'gamma', title: 'γ', format: '.3g' },
            { field: 'beta', title: 'β', format: '.3g' },
          ],
        },
      },
      {
        data: { values: [{ threshold: gammaThreshold }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
        encoding: { x: { field: 'threshold', type: 'quantitative' } },
      },
    ],
  });
  const dead = mine.filter((f) => f.deadByGamma).length;
  return {
    id: runFigureId.gamma,
    route: runRoute(run.run),
    title: 'Distribution of |γ|, the BN scale of each filter',
    caption: `Each tick is one filter's |γ| at the end of training, on a log axis; the dashed line is the dead-by-γ threshold (${gammaThreshold}). Values below ${GAMMA_FLOOR} are drawn at ${GAMMA_FLOOR}.`,
    alt: `Strip plot of |γ| for ${mine.length} filters on a log scale; ${dead} are below the threshold ${gammaThreshold}.`,
    rows,
    spec,
    runs: [run.run],
  };
}

/** The series of a run's training-curves figure, each a column of its rows; the last only at checkpoints. */
export const CURVE_SERIES = ['training loss', 'regularization loss', 'training accuracy (batch)', 'test accuracy (checkpoint)'] as const;

export function runCurvesFigure(run: RunRow, curves: readonly CurveRow[], emergence: readonly EmergenceRow[]): Figure | null {
  const mine = curves.filter((c) => c.run === run.run).sort((a, b) => a.iteration - b.iteration);
  if (mine.length === 0) return null;
  // One row per logged iteration with a column per series (the spec folds them); test accuracy
  // is known only at checkpoints, which get rows of their own where no curve was logged. A run
  // without checkpoints has no test-accuracy column; the spec (one for every run page) folds all
  // four series and drops the missing values.
  const tests = emergence.filter((e) => e.run === run.run && e.testAccuracy !== null);
  const columns = tests.length ? CURVE_SERIES : CURVE_SERIES.slice(0, 3);
  const byIteration = new Map<number, Row>();
  const at = (iteration: number): Row => {
    let row = byIteration.get(iteration);
    if (!row) byIteration.set(iteration, (row = { iteration, ...Object.fromEntries(columns.map((s) => [s, null])) }));
    return row;
  };
  for (const c of mine) Object.assign(at(c.iteration), { [CURVE_SERIES[0]]: c.loss, [CURVE_SERIES[1]]: c.regLoss, [CURVE_SERIES[2]]: c.accuracy });
  for (const e of tests) at(e.iteration)[CURVE_SERIES[3]] = e.testAccuracy;
  const rows = [...byIteration.values()].sort((a, b) => (a.iteration as number) - (b.iteration as number));
  const pick = legendPick('series');
  const spec = topLevel(rows, {
    transform: [
      { fold: [...CURVE_SERIES], as: ['series', 'value'] },
      { filter: 'isValid(datum.value)' },
      { calculate: "indexof(datum.series, 'accuracy') >= 0 ? 'accuracy' : 'loss'", as: 'panel' },
    ],
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: ['loss', 'accuracy'] } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: 200,
      params: [pick.param],
      mark: { type: 'line', strokeWidth: 1.8, point: { size: 10 } },
      encoding: {
        x: { field: 'iteration', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'series', type: 'nominal', title: null, legend: { columns: 2 } },
        opacity: pick.opacity(1, 0.1),
        tooltip: [{ field: 'series' }, { field: 'iteration' }, { field: 'value', format: '.4g' }],
      },
    },
  });
  const last = mine[mine.length - 1];
  return {
    id: runFigureId.curves,
    route: runRoute(run.run),
    title: 'Training curves',
    caption: `Training loss, regularization loss and batch accuracy logged during training${tests.length ? ', with test accuracy at the checkpoints' : ''}.`,
    alt: `Line charts of loss and accuracy over ${last.iteration} iterations; last logged training loss ${last.loss.toFixed(3)}.`,
    rows,
    spec,
    runs: [run.run],
  };
}
