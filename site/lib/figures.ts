// Data-to-figure transforms: each builder turns dataset rows into the rows a figure plots
// and its Vega-Lite spec, with caption and alt text. Pure (no rendering here).
import type { CurveRow, EmergenceRow, FilterRow, LayerRow, MechanismRow, PruningRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { EARLY_FRACTION, sparsity } from '../../experiments/definitions.js';
import { runFigureId, runRoute, studyFigureId, studyRoute } from './figure-ids.js';
import { percent, ratio, seedList } from './format.js';
import { factorOf, groupBy, measured, sortLevels, valueOf, type Member } from '../../analysis/cells.js';
import { deadByEarly, networkSparsityOverTime } from '../../analysis/time-series.js';
import { mean } from '../../analysis/statistics.js';
import { cellLabel, factorLabel, formatLevel } from './studies.js';

export type Row = Record<string, string | number | boolean | null>;
/** A Vega-Lite specification (kept loose: the compiler checks it, and tests compile every figure). */
export type VlSpec = Record<string, unknown>;

export interface Figure {
  id: string;
  /** Route of the page that shows it (its files sit in a folder of that name). */
  route: string;
  title: string;
  caption: string;
  alt: string;
  /** The rows plotted, exactly as embedded in the spec (also offered as CSV and JSON). */
  rows: Row[];
  spec: VlSpec;
  /** Runs behind the figure. */
  runs: string[];
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const CRITERIA = ['dead by activation', 'dead by |γ|'] as const;
const CRITERION_COLORS = ['#1f6fb2', '#d9822b'];
const FATE_COLORS = { died: '#c2410c', survived: '#1f6fb2' };

/** Shared look: system fonts, white background (figures sit on a light card in both themes). */
export const FIGURE_CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: '#d0d7de' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, gridColor: '#e5e7eb' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', direction: 'horizontal', columns: 4 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 13 },
};

function topLevel(rows: Row[], body: VlSpec): VlSpec {
  return { $schema: SCHEMA, data: { values: rows }, config: FIGURE_CONFIG, ...body };
}

/** A legend-bound point selection on `field`, and the opacity that follows it. */
function legendPick(field: string) {
  return {
    param: { name: 'pick', select: { type: 'point', fields: [field] }, bind: 'legend' },
    opacity: (on: number, off = 0.12) => ({ condition: { param: 'pick', value: on, empty: true }, value: off }),
  };
}

const pct = (title: string, extra: VlSpec = {}) => ({ type: 'quantitative', title, axis: { format: '.1~%' }, ...extra });
/** The same encoding without its scale: in a layered chart only one layer sets the scale. */
function noScale(y: VlSpec): VlSpec {
  const { scale: _scale, ...rest } = y;
  return rest;
}

/** A sparsity axis: from 0, and at least to 5 % so that an all-zero result still has a scale. */
const sparsityAxis = (title: string) => pct(title, { scale: { domain: { unionWith: [0, 0.05] } } });

// ---------------------------------------------------------------------------------------
// Study effect figures

export interface StudyAxes {
  /** Factor on the x axis (the study's first factor), or null when the study varies nothing. */
  x: string | null;
  /** Further factors, combined into one colour. */
  group: string[];
  levels: string[];
}

/**
 * The x axis is the study's varying factor with the most values (the earlier one on a tie);
 * the other varying factors are combined into one colour. Constant factors (e.g. the
 * dataset when every run uses Fashion-MNIST) are left out.
 */
export function studyAxes(study: StudyRow, members: readonly Member[]): StudyAxes {
  const varying = varyingFactors(study, members);
  const count = (f: string) => sortLevels(members.map((m) => factorOf(m, f))).length;
  const x = varying.reduce<string | null>((best, f) => (best === null || count(f) > count(best) ? f : best), null);
  const group = varying.filter((f) => f !== x);
  const levels = x ? sortLevels(members.map((m) => factorOf(m, x))).map(formatLevel) : [];
  return { x, group, levels };
}

export function varyingFactors(study: StudyRow, members: readonly Member[]): string[] {
  return study.factors.filter((f) => sortLevels(members.map((m) => factorOf(m, f))).length >= 2);
}

function groupLabel(m: Member, group: readonly string[]): string {
  return group.length ? cellLabel(Object.fromEntries(group.map((g) => [g, factorOf(m, g)])), group) : '';
}

/** Rows of the sparsity-by-factor figure: one per run and criterion. */
export function effectRows(study: StudyRow, members: readonly Member[]): Row[] {
  const axes = studyAxes(study, members);
  const rows: Row[] = [];
  for (const m of measured(members, 'activation')) {
    const base = {
      run: m.run.run,
      seed: m.seed,
      level: axes.x ? formatLevel(factorOf(m, axes.x)) : 'all',
      group: groupLabel(m, axes.group),
    };
    rows.push({ ...base, criterion: CRITERIA[0], sparsity: valueOf(m, 'activation') });
    if (m.run.sparsityGamma !== null) rows.push({ ...base, criterion: CRITERIA[1], sparsity: m.run.sparsityGamma });
  }
  return rows;
}

function seedsText(rows: readonly Row[]): string {
  const seeds = [...new Set(rows.map((r) => r.seed as number))];
  const runs = new Set(rows.map((r) => r.run)).size;
  return `${runs} run${runs === 1 ? '' : 's'}, seeds ${seedList(seeds)}`;
}

/** Highest and lowest mean of a measure over the cells of rows (for alt text). */
function extremes(rows: readonly Row[], value: string, label: (r: Row) => string): { hi: string; lo: string } | null {
  const cells = new Map<string, number[]>();
  for (const r of rows) {
    const k = label(r);
    const list = cells.get(k) ?? [];
    list.push(r[value] as number);
    cells.set(k, list);
  }
  if (cells.size === 0) return null;
  const means = [...cells.entries()].map(([k, v]) => ({ k, m: mean(v) })).sort((a, b) => b.m - a.m);
  const fmt = (x: { k: string; m: number }) => `${x.k} (${percent(x.m)})`;
  return { hi: fmt(means[0]), lo: fmt(means[means.length - 1]) };
}

/** The encodings shared by the seed-spread dot plots: x = level, colour (and offset) = group. */
function dotPlotEncodings(axes: StudyAxes, hasGroup: boolean) {
  const x = { field: 'level', type: 'ordinal', sort: axes.levels.length ? axes.levels : undefined, title: axes.x ? factorLabel(axes.x) : null, axis: { labelAngle: 0 } };
  const color = hasGroup
    ? { field: 'group', type: 'nominal', title: axes.group.map(factorLabel).join(' · ') }
    : { value: '#1f6fb2' };
  const offset = hasGroup ? { xOffset: { field: 'group', type: 'nominal' } } : {};
  return { x, color, offset };
}

/** Seeds as open dots, mean as a tick, mean ± sd as an error bar. */
/** Whether some cell (rows sharing the values of `keys`) has two or more seeds: only then is there a spread to draw. */
export function hasSpread(rows: readonly Row[], keys: readonly string[]): boolean {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const k = JSON.stringify(keys.map((key) => r[key]));
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.values()].some((n) => n >= 2);
}

/** Error bars (mean ± sd) only over cells with two or more seeds: one seed has no spread. */
function spreadOnly(groupby: string[]): VlSpec[] {
  return [{ joinaggregate: [{ op: 'count', as: 'seedCount' }], groupby }, { filter: 'datum.seedCount >= 2' }];
}

function seedSpreadLayers(rows: readonly Row[], valueField: string, y: VlSpec, axes: StudyAxes, hasGroup: boolean, tooltip: VlSpec[]): VlSpec[] {
  const { x, color, offset } = dotPlotEncodings(axes, hasGroup);
  const pick = hasGroup ? legendPick('group') : null;
  const opacity = (on: number) => (pick ? { opacity: pick.opacity(on) } : {});
  return [
    {
      ...(pick ? { params: [pick.param] } : {}),
      mark: { type: 'point', size: 42, strokeWidth: 1.3, filled: false },
      encoding: { x, ...offset, y: { field: valueField, ...y }, color, ...opacity(0.9), tooltip },
    },
    ...(hasSpread(rows, ['level', 'group', 'criterion'])
      ? [
          {
            transform: spreadOnly(['level', 'group', 'criterion'].filter((k) => rows.some((r) => k in r))),
            mark: { type: 'errorbar', extent: 'stdev', ticks: false, thickness: 1.5 },
            encoding: { x, ...offset, y: { field: valueField, ...noScale(y) }, color, ...opacity(1) },
          },
        ]
      : []),
    {
      mark: { type: 'tick', thickness: 3, size: 16 },
      encoding: {
        x,
        ...offset,
        y: { aggregate: 'mean', field: valueField, ...noScale(y) },
        color,
        ...opacity(1),
        tooltip: [{ aggregate: 'mean', field: valueField, title: 'mean', format: '.1%' }, { aggregate: 'stdev', field: valueField, title: 'sd', format: '.1%' }, { aggregate: 'count', title: 'seeds' }],
      },
    },
  ];
}

export function studyEffectFigure(study: StudyRow, members: readonly Member[]): Figure | null {
  const rows = effectRows(study, members);
  if (rows.length === 0) return null;
  const axes = studyAxes(study, members);
  const hasGroup = axes.group.length > 0;
  const tooltip = [
    { field: 'level', title: axes.x ? factorLabel(axes.x) : 'runs' },
    ...(hasGroup ? [{ field: 'group', title: axes.group.map(factorLabel).join(' · ') }] : []),
    { field: 'seed' },
    { field: 'sparsity', format: '.1%' },
    { field: 'run' },
  ];
  const width = Math.max(220, Math.min(420, axes.levels.length * (hasGroup ? 70 : 55)));
  const spec = topLevel(rows, {
    facet: { column: { field: 'criterion', type: 'nominal', title: null, sort: [...CRITERIA] } },
    spec: { width, height: 240, layer: seedSpreadLayers(rows, 'sparsity', sparsityAxis('network sparsity'), axes, hasGroup, tooltip) },
  });
  const ext = extremes(rows.filter((r) => r.criterion === CRITERIA[0]), 'sparsity', (r) => [r.level, r.group].filter(Boolean).join(' · '));
  const varied = [axes.x, ...axes.group].filter((f): f is string => f !== null).map(factorLabel).join(' and ') || 'configuration';
  return {
    id: studyFigureId.sparsity(study.study),
    route: studyRoute(study.study),
    title: `Network sparsity by ${varied}`,
    caption: `Share of dead filters in the whole network, by ${varied}, for both criteria (left: dead by activation, right: |γ| below the threshold). Each open dot is one seed; the short bar is the mean and the vertical line mean ± sd over seeds. ${seedsText(rows)}.`,
    alt: `Dot plot of network sparsity by ${varied} for both criteria.${ext ? ` By activation, the highest mean is ${ext.hi} and the lowest ${ext.lo}.` : ''}`,
    rows,
    spec,
    runs: [...new Set(rows.map((r) => r.run as string))].sort(),
  };
}

export function studyAccuracyFigure(study: StudyRow, members: readonly Member[]): Figure | null {
  const axes = studyAxes(study, members);
  const rows: Row[] = measured(members, 'accuracy').map((m) => ({
    run: m.run.run,
    seed: m.seed,
    level: axes.x ? formatLevel(factorOf(m, axes.x)) : 'all',
    group: groupLabel(m, axes.group),
    testAccuracy: valueOf(m, 'accuracy'),
  }));
  if (rows.length === 0) return null;
  const hasGroup = axes.group.length > 0;
  const tooltip = [{ field: 'level', title: axes.x ? factorLabel(axes.x) : 'runs' }, ...(hasGroup ? [{ field: 'group' }] : []), { field: 'seed' }, { field: 'testAccuracy', title: 'test accuracy', format: '.2%' }, { field: 'run' }];
  const width = Math.max(220, Math.min(480, axes.levels.length * (hasGroup ? 70 : 55)));
  const spec = topLevel(rows, { width, height: 220, layer: seedSpreadLayers(rows, 'testAccuracy', pct('test accuracy', { scale: { zero: false }, axis: { format: '.1%' } }), axes, hasGroup, tooltip) });
  const varied = [axes.x, ...axes.group].filter((f): f is string => f !== null).map(factorLabel).join(' and ') || 'configuration';
  const ext = extremes(rows, 'testAccuracy', (r) => [r.level, r.group].filter(Boolean).join(' · '));
  return {
    id: studyFigureId.accuracy(study.study),
    route: studyRoute(study.study),
    title: `Test accuracy by ${varied}`,
    caption: `Test accuracy at the end of training, by ${varied}: open dots are seeds, short bars means, vertical lines mean ± sd. ${seedsText(rows)}.`,
    alt: `Dot plot of test accuracy by ${varied}.${ext ? ` Highest mean ${ext.hi}, lowest ${ext.lo}.` : ''}`,
    rows,
    spec,
    runs: [...new Set(rows.map((r) => r.run as string))].sort(),
  };
}

export function studyLayersFigure(study: StudyRow, members: readonly Member[], layers: readonly LayerRow[]): Figure | null {
  const axes = studyAxes(study, members);
  const byRun = new Map<string, Member>();
  for (const m of measured(members, 'activation')) byRun.set(m.run.run, m);
  const rows: Row[] = [];
  for (const l of layers) {
    const m = byRun.get(l.run);
    if (!m) continue;
    const level = axes.x ? formatLevel(factorOf(m, axes.x)) : 'all';
    const config = [level, groupLabel(m, axes.group)].filter(Boolean).join(' · ');
    rows.push({ run: l.run, seed: m.seed, config, block: l.layer + 1, filters: l.filters, deadByActivation: l.deadByActivation, deadByGamma: l.deadByGamma, sparsity: l.sparsityActivation });
  }
  if (rows.length === 0) return null;
  const configs = sortConfigs(rows.map((r) => r.config as string), axes.levels);
  const pick = legendPick('config');
  const x = { field: 'block', type: 'ordinal', title: 'block (conv layer)', axis: { labelAngle: 0 } };
  const color = { field: 'config', type: 'nominal', title: [axes.x, ...axes.group].filter((f): f is string => f !== null).map(factorLabel).join(' · ') || 'configuration', sort: configs };
  const y = sparsityAxis('layer sparsity (dead by activation)');
  const spec = topLevel(rows, {
    width: 560,
    height: 240,
    layer: [
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { aggregate: 'mean', field: 'sparsity', ...y }, color, opacity: pick.opacity(1, 0.08) } },
      {
        params: [pick.param],
        mark: { type: 'circle', size: 22 },
        encoding: {
          x,
          y: { field: 'sparsity', ...noScale(y) },
          color,
          opacity: pick.opacity(0.7, 0.05),
          tooltip: [{ field: 'config' }, { field: 'block' }, { field: 'seed' }, { field: 'deadByActivation', title: 'dead' }, { field: 'filters' }, { field: 'sparsity', format: '.1%' }],
        },
      },
    ],
  });
  return {
    id: studyFigureId.layers(study.study),
    route: studyRoute(study.study),
    title: 'Where the filters die: sparsity per layer',
    caption: `Share of dead filters (activation criterion) in each of the network's conv blocks. Lines join the means over seeds; dots are single seeds. Click a legend entry to pick one configuration. ${seedsText(rows)}.`,
    alt: `Line chart of per-layer sparsity across the ${new Set(rows.map((r) => r.block)).size} conv blocks, one line per configuration (${configs.length}).`,
    rows,
    spec,
    runs: [...new Set(rows.map((r) => r.run as string))].sort(),
  };
}

function sortConfigs(configs: string[], levels: readonly string[]): string[] {
  const unique = [...new Set(configs)];
  const rank = (c: string) => {
    const i = levels.indexOf(c.split(' · ')[0]);
    return i < 0 ? levels.length : i;
  };
  return unique.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

// ---------------------------------------------------------------------------------------
// Emergence and mechanism

function configOf(m: Member, study: StudyRow): string {
  return study.factors.length ? cellLabel(Object.fromEntries(study.factors.map((f) => [f, factorOf(m, f)])), study.factors) : 'all runs';
}

/** Network sparsity per run and checkpoint, both criteria. */
export function sparsityOverTimeRows(study: StudyRow, members: readonly Member[], emergence: readonly EmergenceRow[]): Row[] {
  const byRun = new Map(members.filter((m) => m.run.status === 'complete').map((m) => [m.run.run, m]));
  const rows: Row[] = [];
  for (const [run, rs] of groupBy(emergence, (e) => e.run)) {
    const m = byRun.get(run);
    if (!m) continue;
    for (const p of networkSparsityOverTime(rs)) {
      const base = { run: m.run.run, seed: m.seed, config: configOf(m, study), iteration: p.iteration };
      rows.push({ ...base, criterion: CRITERIA[0], sparsity: p.sparsity });
      rows.push({ ...base, criterion: CRITERIA[1], sparsity: p.sparsityGamma });
    }
  }
  return rows.sort((a, b) => String(a.run).localeCompare(String(b.run)) || (a.iteration as number) - (b.iteration as number));
}

export function sparsityOverTimeFigure(study: StudyRow, members: readonly Member[], emergence: readonly EmergenceRow[]): Figure | null {
  const rows = sparsityOverTimeRows(study, members, emergence);
  if (rows.length === 0) return null;
  const configs = [...new Set(rows.map((r) => r.config as string))];
  const pick = legendPick('criterion');
  const x = { field: 'iteration', type: 'quantitative', title: 'iteration' };
  const y = sparsityAxis('network sparsity');
  const color = { field: 'criterion', type: 'nominal', title: 'criterion', scale: { domain: [...CRITERIA], range: CRITERION_COLORS } };
  const layer = [
    { mark: { type: 'line', strokeWidth: 1, opacity: 0.45 }, encoding: { x, y: { field: 'sparsity', ...y }, color, detail: { field: 'run' }, opacity: pick.opacity(0.45, 0.05) } },
    {
      params: [pick.param],
      mark: { type: 'line', strokeWidth: 2.5, point: { size: 20 } },
      encoding: { x, y: { aggregate: 'mean', field: 'sparsity', ...noScale(y) }, color, opacity: pick.opacity(1, 0.1), tooltip: [{ field: 'criterion' }, { field: 'iteration' }, { aggregate: 'mean', field: 'sparsity', title: 'mean sparsity', format: '.1%' }, { aggregate: 'count', title: 'seeds' }] },
    },
  ];
  const body = configs.length > 1 ? { facet: { column: { field: 'config', type: 'nominal', title: null } }, spec: { width: 300, height: 220, layer } } : { width: 460, height: 240, layer };
  return {
    id: studyFigureId.sparsityOverTime(study.study),
    route: studyRoute(study.study),
    title: 'Emergence: network sparsity during training',
    caption: `Share of dead filters at each checkpoint (probe subset of the training set), by both criteria. Thin lines are single seeds; thick lines their mean. ${seedsText(rows)}.`,
    alt: `Line chart of network sparsity over training iterations for both criteria${configs.length > 1 ? `, one panel per configuration (${configs.join(', ')})` : ''}.`,
    rows,
    spec: topLevel(rows, body),
    runs: [...new Set(rows.map((r) => r.run as string))].sort(),
  };
}

export function selectivityOverTimeFigure(study: StudyRow, members: readonly Member[], emergence: readonly EmergenceRow[]): Figure | null {
  const byRun = new Map(members.filter((m) => m.run.status === 'complete').map((m) => [m.run.run, m]));
  const rows: Row[] = emergence
    .filter((e) => byRun.has(e.run))
    .map((e) => ({
      run: e.run,
      seed: byRun.get(e.run)!.seed,
      config: configOf(byRun.get(e.run)!, study),
      block: e.layer + 1,
      iteration: e.iteration,
      q10: e.selectivityQ10,
      median: e.selectivityMedian,
      q90: e.selectivityQ90,
      deadShare: e.filters > 0 ? e.deadByActivation / e.filters : 0,
    }));
  if (rows.length === 0) return null;
  const x = { field: 'iteration', type: 'quantitative', title: 'iteration' };
  const spec = topLevel(rows, {
    facet: { field: 'block', type: 'ordinal', title: null, header: { labelExpr: "'block ' + datum.value" } },
    columns: 4,
    spec: {
      width: 150,
      height: 110,
      layer: [
        { mark: { type: 'area', opacity: 0.12, color: '#1f6fb2' }, encoding: { x, y: { field: 'q10', type: 'quantitative', title: 'selectivity', scale: { domain: [0, 1] } }, y2: { field: 'q90' }, detail: { field: 'run' } } },
        {
          mark: { type: 'line', strokeWidth: 1.5, color: '#1f6fb2' },
          encoding: { x, y: { field: 'median', type: 'quantitative' }, detail: { field: 'run' }, tooltip: [{ field: 'block' }, { field: 'seed' }, { field: 'iteration' }, { field: 'q10', format: '.2f' }, { field: 'median', format: '.2f' }, { field: 'q90', format: '.2f' }, { field: 'deadShare', title: 'dead', format: '.0%' }] },
        },
        { mark: { type: 'line', strokeWidth: 1.5, strokeDash: [4, 3], color: '#c2410c' }, encoding: { x, y: { field: 'deadShare', type: 'quantitative' }, detail: { field: 'run' } } },
      ],
    },
  });
  return {
    id: studyFigureId.selectivityOverTime(study.study),
    route: studyRoute(study.study),
    title: 'Selectivity of the features during training, per block',
    caption: `Selectivity is the share of probe images on which a feature fires. Blue: median over the block's features with a band from the 10th to the 90th percentile, one per seed; dashed orange: share of the block's filters dead by activation. ${seedsText(rows)}.`,
    alt: `Small multiples, one per conv block, of feature selectivity (median and 10–90 % band) and the share of dead filters over training iterations.`,
    rows,
    spec,
    runs: [...new Set(rows.map((r) => r.run as string))].sort(),
  };
}

/** The two readings of the "selectivity before death" figure, top row first. */
export const SELECTIVITY_READINGS = [
  `at the early checkpoint (≥ ${percent(EARLY_FRACTION, 0)} of training): decides H6`,
  'shortly before death: secondary, low almost by construction for dying features',
] as const;

/** One row per feature and reading: early (left out when already dead there) and shortly before death. */
export function selectivityBeforeRows(study: StudyRow, members: readonly Member[], filters: readonly FilterRow[]): { rows: Row[]; alreadyDead: number } {
  const byRun = new Map(members.filter((m) => m.run.status === 'complete').map((m) => [m.run.run, m]));
  const rows: Row[] = [];
  let alreadyDead = 0;
  for (const f of filters) {
    const m = byRun.get(f.run);
    if (!m) continue;
    const base = {
      run: f.run,
      seed: m.seed,
      runLabel: `seed ${m.seed}${study.factors.length ? ` · ${configOf(m, study)}` : ''}`,
      block: f.layer + 1,
      filter: f.filter,
      fate: f.diedAt !== null ? 'died' : 'survived',
      diedAt: f.diedAt,
    };
    if (f.selectivityEarly !== null && f.selectivityEarlyAt !== null) {
      // As in the H6 rule: a feature dead by the early checkpoint has no early reading to compare.
      if (deadByEarly(f)) alreadyDead++;
      else rows.push({ ...base, reading: SELECTIVITY_READINGS[0], selectivity: f.selectivityEarly, measuredAt: f.selectivityEarlyAt });
    }
    if (f.selectivityBefore !== null) rows.push({ ...base, reading: SELECTIVITY_READINGS[1], selectivity: f.selectivityBefore, measuredAt: f.selectivityBeforeAt });
  }
  return { rows, alreadyDead };
}

export function selectivityBeforeFigure(study: StudyRow, members: readonly Member[], filters: readonly FilterRow[]): Figure | null {
  const { rows, alreadyDead } = selectivityBeforeRows(study, members, filters);
  if (rows.length === 0) return null;
  const x = { field: 'selectivity', type: 'quantitative', title: 'selectivity (share of probe images activating the feature)', scale: { domain: [0, 1] } };
  const y = { field: 'runLabel', type: 'nominal', title: null };
  const yOffset = { field: 'fate', sort: ['died', 'survived'] };
  const color = { field: 'fate', type: 'nominal', title: 'feature', scale: { domain: ['died', 'survived'], range: [FATE_COLORS.died, FATE_COLORS.survived] } };
  const pick = legendPick('fate');
  const quartiles = {
    aggregate: [{ op: 'q1', field: 'selectivity', as: 'q1' }, { op: 'q3', field: 'selectivity', as: 'q3' }, { op: 'median', field: 'selectivity', as: 'median' }, { op: 'count', as: 'n' }],
    groupby: ['reading', 'runLabel', 'fate'],
  };
  const spec = topLevel(rows, {
    facet: {
      row: { field: 'reading', type: 'nominal', title: null, sort: [...SELECTIVITY_READINGS], header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 600 } },
    },
    spec: {
      width: 460,
      height: { step: 34 },
      layer: [
        {
          params: [pick.param],
          mark: { type: 'tick', thickness: 1, size: 12 },
          encoding: {
            x,
            y,
            yOffset,
            color,
            opacity: pick.opacity(0.35, 0.04),
            tooltip: [{ field: 'reading' }, { field: 'fate' }, { field: 'block' }, { field: 'filter' }, { field: 'selectivity', format: '.2f' }, { field: 'measuredAt', title: 'read at iteration' }, { field: 'diedAt', title: 'died at iteration' }],
          },
        },
        {
          transform: [quartiles],
          mark: { type: 'bar', height: 5, cornerRadius: 2 },
          encoding: { x: { field: 'q1', type: 'quantitative' }, x2: { field: 'q3' }, y, yOffset, color, opacity: pick.opacity(0.9, 0.1) },
        },
        {
          transform: [quartiles],
          mark: { type: 'point', shape: 'diamond', filled: true, size: 70, color: 'black' },
          encoding: { x: { field: 'median', type: 'quantitative' }, y, yOffset, opacity: pick.opacity(1, 0.1), tooltip: [{ field: 'reading' }, { field: 'fate' }, { field: 'median', format: '.2f' }, { field: 'q1', format: '.2f' }, { field: 'q3', format: '.2f' }, { field: 'n', title: 'features' }] },
        },
      ],
    },
  });
  const early = rows.filter((r) => r.reading === SELECTIVITY_READINGS[0]);
  const earlyAt = [...new Set(early.map((r) => r.measuredAt as number))].sort((a, b) => a - b);
  const at = earlyAt.length === 0 ? '' : earlyAt.length === 1 ? ` (iteration ${earlyAt[0]})` : ` (iterations ${earlyAt[0]}–${earlyAt[earlyAt.length - 1]})`;
  const died = new Set(rows.filter((r) => r.fate === 'died').map((r) => `${r.run}:${r.block}:${r.filter}`)).size;
  const diedLater = early.filter((r) => r.fate === 'died').length;
  return {
    id: studyFigureId.selectivityBefore(study.study),
    route: studyRoute(study.study),
    title: 'Were the dying features selective before they died?',
    caption:
      `Each tick is one feature, orange if it died and blue if it survived; bars span the quartiles, black diamonds mark medians; one line per seed. ` +
      `Top row, which decides H6: selectivity at the run's early checkpoint, its first at or after ${percent(EARLY_FRACTION, 0)} of training${at}, before the deaths are under way; ` +
      `${diedLater} features that died later are compared with the survivors${alreadyDead > 0 ? `, and ${alreadyDead} already dead by then are left out` : ''}. ` +
      `Bottom row, secondary: selectivity shortly before death, at the last checkpoint before the feature died (survivors: before the run's median death). A dying feature's selectivity falls towards 0 as it dies, so this row is low for dying features almost by construction and does not show that they were selective first. ` +
      `${died} features died in total. ${seedsText(rows)}.`,
    alt: `Two strip plots, one above the other, comparing the selectivity of features that died with that of the survivors, one line per seed: at the early checkpoint (${diedLater} later deaths${alreadyDead > 0 ? `, ${alreadyDead} already dead left out` : ''}) and shortly before death (${died} deaths).`,
    rows,
    spec,
    runs: [...new Set(rows.map((r) => r.run as string))].sort(),
  };
}

/** At most this many feature-checkpoints are drawn in the mechanism scatter. */
export const MECHANISM_POINTS = 1200;

export function mechanismRows(members: readonly Member[], mechanism: readonly MechanismRow[], filters: readonly FilterRow[]): { rows: Row[]; total: number } {
  const seedOf = new Map(members.filter((m) => m.run.status === 'complete').map((m) => [m.run.run, m.seed]));
  const dies = new Set(filters.filter((f) => f.diedAt !== null).map((f) => `${f.run}:${f.layer}:${f.filter}`));
  const eligible = mechanism.filter((r) => seedOf.has(r.run) && !r.deadByActivation && r.dataGradGamma > 0 && r.regGradGamma > 0);
  const stride = Math.max(1, Math.ceil(eligible.length / MECHANISM_POINTS));
  const rows: Row[] = [];
  for (let i = 0; i < eligible.length; i += stride) {
    const r = eligible[i];
    rows.push({
      run: r.run,
      seed: seedOf.get(r.run)!,
      iteration: r.iteration,
      block: r.layer + 1,
      filter: r.filter,
      fate: dies.has(`${r.run}:${r.layer}:${r.filter}`) ? 'dies later' : 'survives',
      selectivity: r.selectivity,
      gamma: r.gamma,
      ratioGamma: r.regGradGamma / r.dataGradGamma,
      ratioKernel: r.dataGradKernel > 0 ? r.regGradKernel / r.dataGradKernel : null,
    });
  }
  return { rows, total: eligible.length };
}

export function mechanismFigure(study: StudyRow, members: readonly Member[], mechanism: readonly MechanismRow[], filters: readonly FilterRow[]): Figure | null {
  const { rows, total } = mechanismRows(members, mechanism, filters);
  if (rows.length === 0) return null;
  const pick = legendPick('fate');
  const spec = topLevel(rows, {
    width: 460,
    height: 280,
    layer: [
      {
        params: [pick.param],
        mark: { type: 'circle', size: 16 },
        encoding: {
          x: { field: 'selectivity', type: 'quantitative', title: 'selectivity at the checkpoint', scale: { domain: [0, 1] } },
          y: { field: 'ratioGamma', type: 'quantitative', title: ['regularization ÷ data-loss', 'gradient on γ (log)'], scale: { type: 'log' } },
          color: { field: 'fate', type: 'nominal', title: 'feature', scale: { domain: ['dies later', 'survives'], range: [FATE_COLORS.died, FATE_COLORS.survived] } },
          opacity: pick.opacity(0.55, 0.04),
          tooltip: [{ field: 'fate' }, { field: 'seed' }, { field: 'iteration' }, { field: 'block' }, { field: 'filter' }, { field: 'selectivity', format: '.2f' }, { field: 'ratioGamma', title: 'ratio on γ', format: '.3g' }, { field: 'ratioKernel', title: 'ratio on kernel', format: '.3g' }],
        },
      },
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { field: 'one', type: 'quantitative' } } },
    ],
  });
  return {
    id: studyFigureId.mechanism(study.study),
    route: studyRoute(study.study),
    title: 'Mechanism: regularization versus data-loss gradient on each feature',
    caption: `Each dot is one live feature at one checkpoint: the ratio of the regularization gradient to the data-loss gradient reaching its BN scale γ, against its selectivity. Above the dashed line regularization dominates. Orange: features that die later. ${rows.length < total ? `A deterministic sample of ${rows.length} of ${total} feature-checkpoints (every ${Math.ceil(total / rows.length)}th). ` : ''}${seedsText(rows)}.`,
    alt: `Scatter plot, log scale, of the regularization-to-data gradient ratio on γ against selectivity for ${rows.length} feature-checkpoints, coloured by whether the feature dies later.`,
    rows,
    spec,
    runs: [...new Set(rows.map((r) => r.run as string))].sort(),
  };
}

// ---------------------------------------------------------------------------------------
// Pruning

export function pruningRows(members: readonly Member[], pruning: readonly PruningRow[]): Row[] {
  const seedOf = new Map(members.filter((m) => m.run.status === 'complete').map((m) => [m.run.run, m.seed]));
  const rows: Row[] = [];
  for (const p of pruning) {
    const seed = seedOf.get(p.run);
    if (seed === undefined) continue;
    const add = (metric: string, before: number, after: number) => rows.push({ run: p.run, seed, metric, before, after, ratio: before > 0 ? after / before : null, removed: p.removedFilters });
    add('parameters', p.paramsBefore, p.paramsAfter);
    add('FLOPs', p.flopsBefore, p.flopsAfter);
    add('images/s (measured)', p.imagesPerSecondBefore, p.imagesPerSecondAfter);
    add('test accuracy', p.testAccuracyBefore, p.testAccuracyAfter);
  }
  return rows;
}

export function pruningFigure(study: StudyRow, members: readonly Member[], pruning: readonly PruningRow[]): Figure | null {
  const rows = pruningRows(members, pruning);
  if (rows.length === 0) return null;
  const metrics = ['parameters', 'FLOPs', 'images/s (measured)', 'test accuracy'];
  const x = { field: 'metric', type: 'nominal', sort: metrics, title: null, axis: { labelAngle: 0 } };
  const y = { type: 'quantitative', title: 'after / before pruning', scale: { zero: true } };
  const speedups = rows.filter((r) => r.metric === 'images/s (measured)').map((r) => r.ratio as number);
  const spec = topLevel(rows, {
    width: 420,
    height: 240,
    layer: [
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { field: 'one', type: 'quantitative' } } },
      { mark: { type: 'bar', opacity: 0.25, color: '#1f6fb2', width: { band: 0.6 } }, encoding: { x, y: { aggregate: 'mean', field: 'ratio', ...y } } },
      ...(hasSpread(rows, ['metric']) ? [{ mark: { type: 'errorbar', extent: 'stdev', color: '#1f6fb2' }, encoding: { x, y: { field: 'ratio', ...y } } }] : []),
      {
        mark: { type: 'circle', size: 40, color: '#1f6fb2' },
        encoding: { x, y: { field: 'ratio', ...y }, tooltip: [{ field: 'metric' }, { field: 'seed' }, { field: 'before', format: ',.4~g' }, { field: 'after', format: ',.4~g' }, { field: 'ratio', format: '.3f' }, { field: 'removed', title: 'filters removed' }, { field: 'run' }] },
      },
    ],
  });
  return {
    id: studyFigureId.pruning(study.study),
    route: studyRoute(study.study),
    title: 'Removing the dead filters: cost and accuracy after / before',
    caption: `After / before ratios when the dead-by-activation filters and the matching input channels of the next layer are removed. Bars are means, error bars mean ± sd, dots single seeds; below 1 is smaller (parameters, FLOPs), above 1 faster (images/s); test accuracy should stay at 1. ${seedsText(rows)}.`,
    alt: `Bar and dot chart of after-to-before ratios of parameters, FLOPs, measured images per second and test accuracy; mean measured speed-up ${speedups.length ? ratio(mean(speedups)) : 'n/a'}.`,
    rows,
    spec,
    runs: [...new Set(rows.map((r) => r.run as string))].sort(),
  };
}

// ---------------------------------------------------------------------------------------
// Figures of one run

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
      color: { field: 'criterion', type: 'nominal', title: 'criterion', scale: { domain: [...CRITERIA], range: CRITERION_COLORS } },
      opacity: pick.opacity(1, 0.15),
      tooltip: [{ field: 'block' }, { field: 'criterion' }, { field: 'dead' }, { field: 'filters' }, { field: 'sparsity', format: '.1%' }],
    },
  });
  const worst = [...mine].sort((a, b) => b.sparsityActivation - a.sparsityActivation)[0];
  return {
    id: runFigureId.layers,
    route: runRoute(run.run),
    title: 'Sparsity per layer, both criteria',
    caption: 'Share of dead filters in each conv block at the end of training, measured on the full training set: dead by activation (zero output for every image) and dead by |γ| below the threshold.',
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
  const rows: Row[] = [];
  for (const e of mine) {
    rows.push({ iteration: e.iteration, series: `block ${e.layer + 1}`, criterion: CRITERIA[0], sparsity: sparsity(e.deadByActivation, e.filters) });
    rows.push({ iteration: e.iteration, series: `block ${e.layer + 1}`, criterion: CRITERIA[1], sparsity: sparsity(e.deadByGamma, e.filters) });
  }
  const network = networkSparsityOverTime(mine);
  for (const p of network) {
    rows.push({ iteration: p.iteration, series: 'network', criterion: CRITERIA[0], sparsity: p.sparsity });
    rows.push({ iteration: p.iteration, series: 'network', criterion: CRITERIA[1], sparsity: p.sparsityGamma });
  }
  rows.sort((a, b) => (a.iteration as number) - (b.iteration as number));
  const series = [...new Set(rows.map((r) => r.series as string))].sort((a, b) => (a === 'network' ? -1 : b === 'network' ? 1 : a.localeCompare(b, 'en', { numeric: true })));
  const pick = legendPick('series');
  const spec = topLevel(rows, {
    facet: { column: { field: 'criterion', type: 'nominal', title: null, sort: [...CRITERIA] } },
    spec: {
      width: 260,
      height: 200,
      params: [pick.param],
      mark: { type: 'line' },
      encoding: {
        x: { field: 'iteration', type: 'quantitative' },
        y: { field: 'sparsity', ...sparsityAxis('sparsity') },
        color: { field: 'series', type: 'nominal', title: null, sort: series, scale: { range: ['#111827', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'] } },
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
  const rows: Row[] = mine.map((f) => ({ block: f.layer + 1, filter: f.filter, status: filterStatus(f), selectivity: f.selectivity, selectivityEarly: f.selectivityEarly, selectivityBefore: f.selectivityBefore, diedAt: f.diedAt }));
  const pick = legendPick('status');
  const spec = topLevel(rows, {
    width: 440,
    height: { step: 26 },
    params: [pick.param],
    mark: { type: 'tick', thickness: 1.5, size: 18 },
    encoding: {
      x: { field: 'selectivity', type: 'quantitative', title: 'selectivity (share of training images activating the feature)', scale: { domain: [0, 1] } },
      y: { field: 'block', type: 'ordinal', title: 'block' },
      color: { field: 'status', type: 'nominal', title: null, scale: STATUS },
      opacity: pick.opacity(0.6, 0.04),
      tooltip: [{ field: 'block' }, { field: 'filter' }, { field: 'status' }, { field: 'selectivity', format: '.3f' }, { field: 'selectivityEarly', title: 'selectivity early', format: '.3f' }, { field: 'selectivityBefore', title: 'selectivity shortly before death', format: '.3f' }, { field: 'diedAt', title: 'died at iteration' }],
    },
  });
  const dead = mine.filter((f) => f.deadByActivation).length;
  return {
    id: runFigureId.selectivity,
    route: runRoute(run.run),
    title: 'Selectivity of every feature at the end',
    caption: 'Each tick is one feature (filter) of a block: the share of the training images for which it is active, at the end of training. Dead features sit at 0. Click a legend entry to pick one status.',
    alt: `Strip plot of the final selectivity of ${mine.length} features across the blocks; ${dead} are dead by activation.`,
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
  const rows: Row[] = mine.map((f) => ({ block: f.layer + 1, filter: f.filter, status: filterStatus(f), gamma: f.gamma, absGamma: Math.max(Math.abs(f.gamma), GAMMA_FLOOR), beta: f.beta }));
  const pick = legendPick('status');
  const spec = topLevel(rows, {
    width: 440,
    height: { step: 26 },
    layer: [
      {
        params: [pick.param],
        mark: { type: 'tick', thickness: 1.5, size: 18 },
        encoding: {
          x: { field: 'absGamma', type: 'quantitative', title: '|γ| (BN scale, log)', scale: { type: 'log' } },
          y: { field: 'block', type: 'ordinal', title: 'block' },
          color: { field: 'status', type: 'nominal', title: null, scale: STATUS },
          opacity: pick.opacity(0.6, 0.04),
          tooltip: [{ field: 'block' }, { field: 'filter' }, { field: 'status' }, { field: 'gamma', title: 'γ', format: '.3g' }, { field: 'beta', title: 'β', format: '.3g' }],
        },
      },
      { data: { values: [{ threshold: gammaThreshold }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { x: { field: 'threshold', type: 'quantitative' } } },
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

export function runCurvesFigure(run: RunRow, curves: readonly CurveRow[], emergence: readonly EmergenceRow[]): Figure | null {
  const mine = curves.filter((c) => c.run === run.run).sort((a, b) => a.iteration - b.iteration);
  if (mine.length === 0) return null;
  const rows: Row[] = [];
  for (const c of mine) {
    rows.push({ iteration: c.iteration, panel: 'loss', series: 'training loss', value: c.loss });
    rows.push({ iteration: c.iteration, panel: 'loss', series: 'regularization loss', value: c.regLoss });
    rows.push({ iteration: c.iteration, panel: 'accuracy', series: 'training accuracy (batch)', value: c.accuracy });
  }
  const tests = new Map<number, number>();
  for (const e of emergence) if (e.run === run.run && e.testAccuracy !== null) tests.set(e.iteration, e.testAccuracy);
  for (const [iteration, value] of [...tests].sort((a, b) => a[0] - b[0])) rows.push({ iteration, panel: 'accuracy', series: 'test accuracy (checkpoint)', value });
  const pick = legendPick('series');
  const spec = topLevel(rows, {
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
        color: { field: 'series', type: 'nominal', title: null },
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
    caption: `Training loss, regularization loss and batch accuracy logged during training${tests.size ? ', with test accuracy at the checkpoints' : ''}.`,
    alt: `Line charts of loss and accuracy over ${last.iteration} iterations; last logged training loss ${last.loss.toFixed(3)}.`,
    rows,
    spec,
    runs: [run.run],
  };
}
