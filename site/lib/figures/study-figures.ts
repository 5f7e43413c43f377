// Figures of a study page: network sparsity, test accuracy and per-layer sparsity by the
// study's factors, seeds as dots with their mean and spread. Pure (no rendering here).
import type { LayerRow, StudyRow } from '../../../data/schemas/datasets.js';
import { factorOf, measured, sortLevels, valueOf, type Member } from '../../../analysis/cells.js';
import { mean } from '../../../analysis/statistics.js';
import { runRoute, studyFigureId, studyRoute } from './figure-ids.js';
import { pageHref } from '../text/links.js';
import {
  CRITERIA,
  hasSpread,
  legendPick,
  nominalColour,
  noScale,
  pct,
  runsOf,
  seedsText,
  sparsityAxis,
  topLevel,
  type Figure,
  type PositionChannel,
  type Row,
  type TooltipField,
  type LayerView,
  type Transform,
  type VlEncoding,
} from './figure-model.js';
import { optimizerColour, orderedColour, regularizationDash, regularizationShape } from './figure-style.js';
import { percent } from '../text/format.js';
import { cellLabel, factorLabel, formatLevel } from '../model/studies.js';

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

const OPTIMIZER = 'optimizer.name';
const REGULARIZATION = 'regularization.kind';

/** The optimizer and regularization of a member as fields of its rows, when the study varies them (the site's colour and shape: figure-style.ts). */
function styleFields(m: Member, axes: StudyAxes): Row {
  const varying = [axes.x, ...axes.group];
  return {
    ...(varying.includes(OPTIMIZER) ? { optimizer: String(factorOf(m, OPTIMIZER)) } : {}),
    ...(varying.includes(REGULARIZATION) ? { regularization: String(factorOf(m, REGULARIZATION)) } : {}),
  };
}

/** Where a mark of a study figure leads: its run's page (the vega `href` channel opens it on a click). */
function runHref(study: StudyRow, run: string): string {
  return pageHref(studyRoute(study.study), runRoute(run));
}

/** Whether the x factor's levels are numbers (an ordered factor: a sequential palette). */
function orderedX(rows: readonly Row[], axes: StudyAxes, members: readonly Member[]): boolean {
  return axes.x !== null && rows.length > 0 && members.every((m) => typeof factorOf(m, axes.x as string) === 'number');
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
      ...styleFields(m, axes),
      href: runHref(study, m.run.run),
    };
    rows.push({ ...base, criterion: CRITERIA[0], sparsity: valueOf(m, 'activation') });
    if (m.run.sparsityGamma !== null) rows.push({ ...base, criterion: CRITERIA[1], sparsity: m.run.sparsityGamma });
  }
  return rows;
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

/**
 * The encodings shared by the seed-spread dot plots: x = level, offset = group; colour is the
 * optimizer's wherever the study varies the optimizer, shape the regularization's, and the one
 * accent colour otherwise (figure-style.ts).
 */
function dotPlotEncodings(rows: readonly Row[], axes: StudyAxes, hasGroup: boolean, groupCount: number) {
  const x: PositionChannel = {
    field: 'level',
    type: 'ordinal',
    sort: axes.levels.length ? axes.levels : undefined,
    title: axes.x ? factorLabel(axes.x) : null,
    axis: { labelAngle: 0 },
  };
  const byOptimizer = rows.some((r) => 'optimizer' in r);
  const color = byOptimizer
    ? optimizerColour(
        'optimizer',
        rows.map((r) => r.optimizer),
      )
    : hasGroup
      ? nominalColour('group', axes.group.map(factorLabel).join(' · '), groupCount)
      : { value: '#1f6fb2' };
  const shape = rows.some((r) => 'regularization' in r)
    ? {
        shape: regularizationShape(
          'regularization',
          rows.map((r) => r.regularization),
        ),
      }
    : {};
  const offset: Pick<VlEncoding, 'xOffset'> = hasGroup ? { xOffset: { field: 'group', type: 'nominal' } } : {};
  const pickField = byOptimizer ? 'optimizer' : hasGroup ? 'group' : null;
  return { x, color, shape, offset, pickField };
}

/** Error bars (mean ± sd) only over cells with two or more seeds: one seed has no spread. */
function spreadOnly(groupby: string[]): Transform[] {
  return [{ joinaggregate: [{ op: 'count', as: 'seedCount' }], groupby }, { filter: 'datum.seedCount >= 2' }];
}

/** Seeds as open dots, mean as a tick, mean ± sd as an error bar. */
function seedSpreadLayers(
  rows: readonly Row[],
  valueField: string,
  y: PositionChannel,
  axes: StudyAxes,
  hasGroup: boolean,
  tooltip: TooltipField[],
): LayerView[] {
  const { x, color, shape, offset, pickField } = dotPlotEncodings(rows, axes, hasGroup, new Set(rows.map((r) => r.group)).size);
  const pick = pickField ? legendPick(pickField) : null;
  const opacity = (on: number) => (pick ? { opacity: pick.opacity(on) } : {});
  return [
    {
      ...(pick ? { params: [pick.param] } : {}),
      mark: { type: 'point', size: 42, strokeWidth: 1.3, filled: false, cursor: 'pointer' },
      encoding: { x, ...offset, y: { field: valueField, ...y }, color, ...shape, ...opacity(0.9), tooltip, href: { field: 'href' } },
    },
    ...(hasSpread(rows, ['level', 'group', 'criterion'])
      ? [
          {
            transform: spreadOnly(['level', 'group', 'criterion'].filter((k) => rows.some((r) => k in r))),
            mark: { type: 'errorbar', extent: 'stdev', ticks: false, thickness: 1.5 },
            encoding: { x, ...offset, y: { field: valueField, ...noScale(y) }, color, ...opacity(1) },
          } satisfies LayerView,
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
        tooltip: [
          { aggregate: 'mean', field: valueField, title: 'mean', format: '.1%' },
          { aggregate: 'stdev', field: valueField, title: 'sd', format: '.1%' },
          { aggregate: 'count', title: 'seeds' },
        ],
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
  const ext = extremes(
    rows.filter((r) => r.criterion === CRITERIA[0]),
    'sparsity',
    (r) => [r.level, r.group].filter(Boolean).join(' · '),
  );
  const varied =
    [axes.x, ...axes.group]
      .filter((f): f is string => f !== null)
      .map(factorLabel)
      .join(' and ') || 'configuration';
  return {
    id: studyFigureId.sparsity(study.study),
    route: studyRoute(study.study),
    title: `Network sparsity by ${varied}`,
    caption: `Share of dead filters in the whole network, by ${varied}, for both criteria (left: dead by activation, right: |γ| below the threshold). Each open dot is one seed; the short bar is the mean and the vertical line mean ± sd over seeds. ${seedsText(rows)}.`,
    alt: `Dot plot of network sparsity by ${varied} for both criteria.${ext ? ` By activation, the highest mean is ${ext.hi} and the lowest ${ext.lo}.` : ''}`,
    rows,
    spec,
    runs: runsOf(rows),
  };
}

export function studyAccuracyFigure(study: StudyRow, members: readonly Member[]): Figure | null {
  const axes = studyAxes(study, members);
  const rows: Row[] = measured(members, 'accuracy').map((m) => ({
    run: m.run.run,
    seed: m.seed,
    level: axes.x ? formatLevel(factorOf(m, axes.x)) : 'all',
    group: groupLabel(m, axes.group),
    ...styleFields(m, axes),
    href: runHref(study, m.run.run),
    testAccuracy: valueOf(m, 'accuracy'),
  }));
  if (rows.length === 0) return null;
  const hasGroup = axes.group.length > 0;
  const tooltip = [
    { field: 'level', title: axes.x ? factorLabel(axes.x) : 'runs' },
    ...(hasGroup ? [{ field: 'group' }] : []),
    { field: 'seed' },
    { field: 'testAccuracy', title: 'test accuracy', format: '.2%' },
    { field: 'run' },
  ];
  const width = Math.max(220, Math.min(480, axes.levels.length * (hasGroup ? 70 : 55)));
  const spec = topLevel(rows, {
    width,
    height: 220,
    layer: seedSpreadLayers(rows, 'testAccuracy', pct('test accuracy', { scale: { zero: false }, axis: { format: '.1%' } }), axes, hasGroup, tooltip),
  });
  const varied =
    [axes.x, ...axes.group]
      .filter((f): f is string => f !== null)
      .map(factorLabel)
      .join(' and ') || 'configuration';
  const ext = extremes(rows, 'testAccuracy', (r) => [r.level, r.group].filter(Boolean).join(' · '));
  return {
    id: studyFigureId.accuracy(study.study),
    route: studyRoute(study.study),
    title: `Test accuracy by ${varied}`,
    caption: `Test accuracy at the end of training, by ${varied}: open dots are seeds, short bars means, vertical lines mean ± sd. ${seedsText(rows)}.`,
    alt: `Dot plot of test accuracy by ${varied}.${ext ? ` Highest mean ${ext.hi}, lowest ${ext.lo}.` : ''}`,
    rows,
    spec,
    runs: runsOf(rows),
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
    const group = groupLabel(m, axes.group);
    const config = [level, group].filter(Boolean).join(' · ');
    rows.push({
      run: l.run,
      seed: m.seed,
      config,
      level,
      group,
      ...styleFields(m, axes),
      block: l.layer + 1,
      filters: l.filters,
      deadByActivation: l.deadByActivation,
      deadByGamma: l.deadByGamma,
      sparsity: l.sparsityActivation,
    });
  }
  if (rows.length === 0) return null;
  const configs = sortConfigs(
    rows.map((r) => r.config as string),
    axes.levels,
  );
  const groups = [...new Set(rows.map((r) => r.group as string))].sort();
  const levels = axes.levels.filter((l) => rows.some((r) => r.level === l));
  const groupTitle = axes.group.map(factorLabel).join(' · ');
  const xTitle = axes.x ? factorLabel(axes.x) : 'configuration';
  const varying = [axes.x, ...axes.group].filter((f): f is string => f !== null);
  // Optimizer (and regularization) alone: one line per configuration, coloured by its optimizer, dashed by its regularization.
  const byOptimizer = varying.includes(OPTIMIZER) && varying.every((f) => f === OPTIMIZER || f === REGULARIZATION);
  // Other factors beside a group: one panel per group, coloured by the x factor's level (a sequential palette when ordered).
  const paneled = !byOptimizer && groups.length > 1;
  const ordered = orderedX(rows, axes, members);
  const colourField = byOptimizer ? 'optimizer' : 'level';
  const pick = legendPick(colourField);
  const x: PositionChannel = { field: 'block', type: 'ordinal', title: 'block (conv layer)', axis: { labelAngle: 0 } };
  const color = byOptimizer
    ? optimizerColour(
        'optimizer',
        rows.map((r) => r.optimizer),
      )
    : ordered
      ? orderedColour('level', xTitle, levels)
      : nominalColour('level', xTitle, levels.length, { sort: levels });
  const dash =
    byOptimizer && rows.some((r) => 'regularization' in r)
      ? {
          strokeDash: regularizationDash(
            'regularization',
            rows.map((r) => r.regularization),
          ),
        }
      : {};
  const detail: Pick<VlEncoding, 'detail'> = { detail: { field: 'config', type: 'nominal' } };
  // A panel is 140 px tall: its axis title must fit (the caption names the criterion).
  const y = sparsityAxis(paneled ? 'dead by activation' : 'layer sparsity (dead by activation)');
  const layer: LayerView[] = [
    {
      mark: { type: 'line', strokeWidth: 2 },
      encoding: { x, y: { aggregate: 'mean', field: 'sparsity', ...y }, color, ...dash, ...detail, opacity: pick.opacity(1, 0.08) },
    },
    {
      params: [pick.param],
      mark: { type: 'circle', size: 22 },
      encoding: {
        x,
        y: { field: 'sparsity', ...noScale(y) },
        color,
        opacity: pick.opacity(0.7, 0.05),
        tooltip: [
          { field: 'config' },
          { field: 'block' },
          { field: 'seed' },
          { field: 'deadByActivation', title: 'dead' },
          { field: 'filters' },
          { field: 'sparsity', format: '.1%' },
        ],
      },
    },
  ];
  const spec = paneled
    ? topLevel(rows, {
        facet: { field: 'group', type: 'nominal', title: groupTitle, sort: groups },
        columns: 4,
        spec: { width: 170, height: 140, layer },
      })
    : topLevel(rows, { width: 560, height: 240, layer });
  const blocks = new Set(rows.map((r) => r.block)).size;
  const lineKind = byOptimizer
    ? `one colour per optimizer${dash.strokeDash ? ', one dash per regularization (L2 solid, none dashed)' : ''}`
    : `one colour per ${xTitle}`;
  return {
    id: studyFigureId.layers(study.study),
    route: studyRoute(study.study),
    title: 'Where the filters die: sparsity per layer',
    caption: paneled
      ? `Share of dead filters (activation criterion) in each of the network's conv blocks, one panel per ${groupTitle}, ${lineKind}. Lines join the means over seeds; dots are single seeds. Click a legend entry to pick one ${xTitle}. ${seedsText(rows)}.`
      : `Share of dead filters (activation criterion) in each of the network's conv blocks, ${lineKind}. Lines join the means over seeds; dots are single seeds. Click a legend entry to pick one. ${seedsText(rows)}.`,
    alt: paneled
      ? `Line charts of per-layer sparsity across the ${blocks} conv blocks, one panel per ${groupTitle} (${groups.length}), one line per ${xTitle}.`
      : `Line chart of per-layer sparsity across the ${blocks} conv blocks, one line per configuration (${configs.length}).`,
    rows,
    spec,
    runs: runsOf(rows),
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
