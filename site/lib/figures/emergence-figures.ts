// Figures of the emergence study: sparsity and selectivity over training, the selectivity of
// the dying features before they died (H6), and the gradient mechanism. Pure.
import type { EmergenceRow, FilterRow, MechanismRow, StudyRow } from '../../../data/schemas/datasets.js';
import { EARLY_FRACTION } from '../../../data/definitions.js';
import { factorOf, groupBy, type Member } from '../../../analysis/cells.js';
import { deadByEarly, networkSparsityOverTime } from '../../../analysis/time-series.js';
import { studyFigureId, studyRoute } from './figure-ids.js';
import {
  CRITERIA,
  CRITERION_COLOURS,
  FATE_COLOURS,
  legendPick,
  noScale,
  runsOf,
  seedsText,
  sparsityAxis,
  topLevel,
  type Figure,
  type Row,
  type ColourField,
  type LayerView,
  type PositionChannel,
  type TooltipField,
  type Transform,
  type VlBody,
  type VlEncoding,
} from './figure-model.js';
import { MEASURE } from './figure-style.js';
import { percent } from '../text/format.js';
import { cellLabel } from '../model/studies.js';
import { H6_V2, h6Unit, type H6BlockNumbers } from '../../../analysis/hypotheses/h6.js';
import type { RuleUnit } from '../../../analysis/rules/result.js';

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
  const x: PositionChannel = { field: 'iteration', type: 'quantitative', title: 'iteration' };
  const y = sparsityAxis('network sparsity');
  const color: ColourField = { field: 'criterion', type: 'nominal', title: 'criterion', scale: { domain: [...CRITERIA], range: CRITERION_COLOURS } };
  const layer: LayerView[] = [
    {
      mark: { type: 'line', strokeWidth: 1, opacity: 0.45 },
      encoding: { x, y: { field: 'sparsity', ...y }, color, detail: { field: 'run' }, opacity: pick.opacity(0.45, 0.05) },
    },
    {
      params: [pick.param],
      mark: { type: 'line', strokeWidth: 2.5, point: { size: 20 } },
      encoding: {
        x,
        y: { aggregate: 'mean', field: 'sparsity', ...noScale(y) },
        color,
        opacity: pick.opacity(1, 0.1),
        tooltip: [
          { field: 'criterion' },
          { field: 'iteration' },
          { aggregate: 'mean', field: 'sparsity', title: 'mean sparsity', format: '.1%' },
          { aggregate: 'count', title: 'seeds' },
        ],
      },
    },
  ];
  const body: VlBody =
    configs.length > 1
      ? { facet: { column: { field: 'config', type: 'nominal', title: null } }, spec: { width: 300, height: 220, layer } }
      : { width: 460, height: 240, layer };
  return {
    id: studyFigureId.sparsityOverTime(study.study),
    route: studyRoute(study.study),
    title: 'Emergence: network sparsity during training',
    caption: `Share of dead filters at each checkpoint (probe subset of the training set), by both criteria. Thin lines are single seeds; thick lines their mean. ${seedsText(rows)}.`,
    alt: `Line chart of network sparsity over training iterations for both criteria${configs.length > 1 ? `, one panel per configuration (${configs.join(', ')})` : ''}.`,
    rows,
    spec: topLevel(rows, body),
    runs: runsOf(rows),
  };
}

/**
 * Small multiples, one per block: a measure's median over the block's features with its 10-90 %
 * band, one per run, and the share of the block's filters dead by activation (dashed).
 */
function blockQuantilesOverTime(rows: Row[], measure: string, extraTooltip: TooltipField[]): Figure['spec'] {
  const x: PositionChannel = { field: 'iteration', type: 'quantitative', title: 'iteration' };
  return topLevel(rows, {
    facet: { field: 'block', type: 'ordinal', title: null, header: { labelExpr: "'block ' + datum.value" } },
    columns: 4,
    spec: {
      width: 150,
      height: 110,
      layer: [
        {
          mark: { type: 'area', opacity: 0.12, color: '#1f6fb2' },
          encoding: { x, y: { field: 'q10', type: 'quantitative', title: measure, scale: { domain: [0, 1] } }, y2: { field: 'q90' }, detail: { field: 'run' } },
        },
        {
          mark: { type: 'line', strokeWidth: 1.5, color: '#1f6fb2' },
          encoding: {
            x,
            y: { field: 'median', type: 'quantitative' },
            detail: { field: 'run' },
            tooltip: [
              { field: 'block' },
              { field: 'seed' },
              { field: 'iteration' },
              { field: 'q10', format: '.2f' },
              { field: 'median', format: '.2f' },
              { field: 'q90', format: '.2f' },
              ...extraTooltip,
              { field: 'deadShare', title: 'dead', format: '.0%' },
            ],
          },
        },
        {
          mark: { type: 'line', strokeWidth: 1.5, strokeDash: [4, 3], color: '#c2410c' },
          encoding: { x, y: { field: 'deadShare', type: 'quantitative' }, detail: { field: 'run' } },
        },
      ],
    },
  });
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
  const spec = blockQuantilesOverTime(rows, MEASURE.activeShareAxis, []);
  return {
    id: studyFigureId.selectivityOverTime(study.study),
    route: studyRoute(study.study),
    title: 'Active share of the features during training, per block',
    caption: `The active share is the share of probe images on which a feature fires (1 = every image: the least selective; it saturates near 1, so it cannot tell selective features apart). Blue: median over the block's features with a band from the 10th to the 90th percentile, one per seed; dashed orange: share of the block's filters dead by activation. ${seedsText(rows)}.`,
    alt: `Small multiples, one per conv block, of the features' active share (median and 10–90 % band) and the share of dead filters over training iterations.`,
    rows,
    spec,
    runs: runsOf(rows),
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
    if (f.selectivityBefore !== null)
      rows.push({ ...base, reading: SELECTIVITY_READINGS[1], selectivity: f.selectivityBefore, measuredAt: f.selectivityBeforeAt });
  }
  return { rows, alreadyDead };
}

/**
 * A strip plot of one reading per feature, features that died against survivors, one line per
 * run: a tick per feature, the quartiles as a bar and the median as a diamond, per facet cell.
 */
function fateStripLayers(o: { x: PositionChannel & { field: string }; facet: string; format: string; tooltip: TooltipField[] }): LayerView[] {
  const { x } = o;
  const y: PositionChannel = { field: 'runLabel', type: 'nominal', title: null };
  const yOffset: VlEncoding['yOffset'] = { field: 'fate', sort: ['died', 'survived'] };
  const color: ColourField = {
    field: 'fate',
    type: 'nominal',
    title: 'feature',
    scale: { domain: ['died', 'survived'], range: [FATE_COLOURS.died, FATE_COLOURS.survived] },
  };
  const pick = legendPick('fate');
  const quartiles: Transform = {
    aggregate: [
      { op: 'q1', field: x.field, as: 'q1' },
      { op: 'q3', field: x.field, as: 'q3' },
      { op: 'median', field: x.field, as: 'median' },
      { op: 'count', as: 'n' },
    ],
    groupby: [o.facet, 'runLabel', 'fate'],
  };
  return [
    {
      params: [pick.param],
      mark: { type: 'tick', thickness: 1, size: 12 },
      encoding: { x, y, yOffset, color, opacity: pick.opacity(0.35, 0.04), tooltip: o.tooltip },
    },
    {
      transform: [quartiles],
      mark: { type: 'bar', height: 5, cornerRadius: 2 },
      encoding: { x: { field: 'q1', type: 'quantitative' }, x2: { field: 'q3' }, y, yOffset, color, opacity: pick.opacity(0.9, 0.1) },
    },
    {
      transform: [quartiles],
      mark: { type: 'point', shape: 'diamond', filled: true, size: 70, color: 'black' },
      encoding: {
        x: { field: 'median', type: 'quantitative' },
        y,
        yOffset,
        opacity: pick.opacity(1, 0.1),
        tooltip: [
          { field: o.facet },
          { field: 'fate' },
          { field: 'median', format: o.format },
          { field: 'q1', format: o.format },
          { field: 'q3', format: o.format },
          { field: 'n', title: 'features' },
        ],
      },
    },
  ];
}

export function selectivityBeforeFigure(study: StudyRow, members: readonly Member[], filters: readonly FilterRow[]): Figure | null {
  const { rows, alreadyDead } = selectivityBeforeRows(study, members, filters);
  if (rows.length === 0) return null;
  const x: PositionChannel & { field: string } = { field: 'selectivity', type: 'quantitative', title: MEASURE.activeShareAxis, scale: { domain: [0, 1] } };
  const spec = topLevel(rows, {
    facet: {
      row: {
        field: 'reading',
        type: 'nominal',
        title: null,
        sort: [...SELECTIVITY_READINGS],
        header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 600 },
      },
    },
    spec: {
      width: 460,
      height: { step: 34 },
      layer: [
        ...fateStripLayers({
          x,
          facet: 'reading',
          format: '.2f',
          tooltip: [
            { field: 'reading' },
            { field: 'fate' },
            { field: 'block' },
            { field: 'filter' },
            { field: 'selectivity', title: MEASURE.activeShare, format: '.2f' },
            { field: 'measuredAt', title: 'read at iteration' },
            { field: 'diedAt', title: 'died at iteration' },
          ],
        }),
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
    runs: runsOf(rows),
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
          x: { field: 'selectivity', type: 'quantitative', title: [MEASURE.activeShareAxis, 'at the checkpoint'], scale: { domain: [0, 1] } },
          y: { field: 'ratioGamma', type: 'quantitative', title: ['regularization ÷ data-loss', 'gradient on γ (log)'], scale: { type: 'log' } },
          color: {
            field: 'fate',
            type: 'nominal',
            title: 'feature',
            scale: { domain: ['dies later', 'survives'], range: [FATE_COLOURS.died, FATE_COLOURS.survived] },
          },
          opacity: pick.opacity(0.55, 0.04),
          tooltip: [
            { field: 'fate' },
            { field: 'seed' },
            { field: 'iteration' },
            { field: 'block' },
            { field: 'filter' },
            { field: 'selectivity', title: MEASURE.activeShare, format: '.2f' },
            { field: 'ratioGamma', title: 'ratio on γ', format: '.3g' },
            { field: 'ratioKernel', title: 'ratio on kernel', format: '.3g' },
          ],
        },
      },
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { field: 'one', type: 'quantitative' } } },
    ],
  });
  return {
    id: studyFigureId.mechanism(study.study),
    route: studyRoute(study.study),
    title: 'Mechanism: regularization versus data-loss gradient on each feature',
    caption: `Each dot is one live feature at one checkpoint: the ratio of the regularization gradient to the data-loss gradient reaching its BN scale γ, against its active share (1 = fires on every probe image). Above the dashed line regularization dominates. Orange: features that die later. ${rows.length < total ? `A deterministic sample of ${rows.length} of ${total} feature-checkpoints (every ${Math.ceil(total / rows.length)}th). ` : ''}${seedsText(rows)}.`,
    alt: `Scatter plot, log scale, of the regularization-to-data gradient ratio on γ against the active share for ${rows.length} feature-checkpoints, coloured by whether the feature dies later.`,
    rows,
    spec,
    runs: runsOf(rows),
    ...(rows.length < total ? { fullData: 'mechanism' as const } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// Study v2: the lifetime sparseness (experiments/definitions.ts), in the runs that measured it.

/** Whether any of these filter rows carries the lifetime sparseness (records from study v2 on). */
export function measuresLifetime(filters: readonly FilterRow[]): boolean {
  return filters.some((f) => f.lifetimeSparsenessEarly !== undefined);
}

export function lifetimeOverTimeFigure(study: StudyRow, members: readonly Member[], emergence: readonly EmergenceRow[]): Figure | null {
  const byRun = new Map(members.filter((m) => m.run.status === 'complete').map((m) => [m.run.run, m]));
  const rows: Row[] = emergence
    .filter((e) => byRun.has(e.run) && e.lifetimeMedian !== undefined)
    .map((e) => ({
      run: e.run,
      seed: byRun.get(e.run)!.seed,
      block: e.layer + 1,
      iteration: e.iteration,
      q10: e.lifetimeQ10 ?? null,
      median: e.lifetimeMedian ?? null,
      q90: e.lifetimeQ90 ?? null,
      noResponse: e.lifetimeUndefined ?? 0,
      deadShare: e.filters > 0 ? e.deadByActivation / e.filters : 0,
    }));
  if (rows.length === 0) return null;
  const spec = blockQuantilesOverTime(rows, MEASURE.lifetimeAxis, [{ field: 'noResponse', title: 'no response' }]);
  return {
    id: studyFigureId.lifetimeOverTime(study.study),
    route: studyRoute(study.study),
    title: 'Lifetime sparseness of the features during training, per block',
    caption:
      `Lifetime sparseness of a feature over the probe images (0: it responds alike to every image, 1: to a single one; features with no response are left out and counted in the tooltip). ` +
      `Blue: median over the block's features with a band from the 10th to the 90th percentile, one per seed; dashed orange: share of the block's filters dead by activation. ${seedsText(rows)}.`,
    alt: "Small multiples, one per conv block, of the features' lifetime sparseness (median and 10–90 % band) and the share of dead filters over training iterations.",
    rows,
    spec,
    runs: runsOf(rows),
  };
}

/** The H6 (v2) reading of one feature: its early lifetime sparseness, with its fate. */
export function lifetimeBeforeRows(members: readonly Member[], filters: readonly FilterRow[]): { rows: Row[]; units: Array<RuleUnit<H6BlockNumbers>> } {
  const complete = members.filter((m) => m.run.status === 'complete');
  const rows: Row[] = [];
  const units: Array<RuleUnit<H6BlockNumbers>> = [];
  const byRun = groupBy(
    filters.filter((f) => f.lifetimeSparsenessEarly !== undefined),
    (f) => f.run,
  );
  for (const m of complete) {
    const own = byRun.get(m.run.run) ?? [];
    if (own.length === 0) continue;
    // The rule's own reading of each block (dying, survivors, saturation), so the figure shows what decides.
    const layers = [...new Set(own.map((f) => f.layer))].sort((a, b) => a - b);
    const run = {
      run: m.run.run,
      seed: m.seed,
      features: own.map((f) => ({ layer: f.layer, earlyLifetime: f.lifetimeSparsenessEarly ?? null, earlyAt: f.selectivityEarlyAt, diedAt: f.diedAt })),
    };
    const byLayer = new Map(layers.map((l) => [l, h6Unit(run, l)]));
    units.push(...byLayer.values());
    for (const f of own) {
      if (deadByEarly(f) || f.lifetimeSparsenessEarly === null || f.lifetimeSparsenessEarly === undefined) continue;
      const unit = byLayer.get(f.layer)!;
      rows.push({
        run: m.run.run,
        seed: m.seed,
        runLabel: `seed ${m.seed}`,
        block: f.layer + 1,
        filter: f.filter,
        fate: f.diedAt !== null ? 'died' : 'survived',
        lifetime: f.lifetimeSparsenessEarly,
        measuredAt: f.selectivityEarlyAt,
        diedAt: f.diedAt,
        unit: unit.outcome === 'insufficient' ? `not compared: ${unit.note}` : unit.outcome,
      });
    }
  }
  return { rows, units };
}

/**
 * The figure H6 (v2) is decided on: in each block where features die, the early lifetime sparseness
 * of those that die later against the survivors, one line per seed, with the bands near 0 and 1
 * inside which a block counts as saturated.
 */
export function lifetimeBeforeFigure(study: StudyRow, members: readonly Member[], filters: readonly FilterRow[]): Figure | null {
  const { rows: all, units } = lifetimeBeforeRows(members, filters);
  const dyingBlocks = new Set(all.filter((r) => r.fate === 'died').map((r) => r.block as number));
  const rows = all.filter((r) => dyingBlocks.has(r.block as number));
  if (rows.length === 0) return null;
  const m = H6_V2.saturatedMargin;
  const x: PositionChannel & { field: string } = {
    field: 'lifetime',
    type: 'quantitative',
    title: [MEASURE.lifetimeAxis, 'at the early checkpoint'],
    scale: { domain: [0, 1] },
  };
  // One band per facet cell (not one per row): aggregate to the block first.
  const band = (from: number, to: number): LayerView => ({
    transform: [{ aggregate: [{ op: 'count', as: 'features' }], groupby: ['block'] }],
    mark: { type: 'rect', color: '#9ca3af', opacity: 0.25 },
    encoding: { x: { datum: from, type: 'quantitative' }, x2: { datum: to } },
  });
  const spec = topLevel(rows, {
    facet: {
      row: {
        field: 'block',
        type: 'ordinal',
        title: null,
        header: { labelExpr: "'block ' + datum.value", labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 600 },
      },
    },
    spec: {
      width: 460,
      height: { step: 34 },
      layer: [
        band(0, m),
        band(1 - m, 1),
        ...fateStripLayers({
          x,
          facet: 'block',
          format: '.3f',
          tooltip: [
            { field: 'fate' },
            { field: 'block' },
            { field: 'filter' },
            { field: 'lifetime', title: 'lifetime sparseness', format: '.3f' },
            { field: 'measuredAt', title: 'read at iteration' },
            { field: 'diedAt', title: 'died at iteration' },
            { field: 'unit', title: 'this block of this run' },
          ],
        }),
      ],
    },
  });
  const blockText = [...dyingBlocks]
    .sort((a, b) => a - b)
    .map((block) => {
      const here = units.filter((u) => u.numbers.layer === block - 1);
      const compared = here.filter((u) => u.note !== 'too-few-dying' && u.note !== 'too-few-survivors' && u.note !== 'no-early-checkpoint');
      const saturated = here.filter((u) => u.note === 'saturated').length;
      const near = compared.map((u) => Math.max(u.numbers.nearZero ?? 0, u.numbers.nearOne ?? 0));
      const nearText = near.length ? `; at most ${percent(Math.max(...near), 0)} of its compared features within ${m} of an end in any run` : '';
      return `block ${block}: ${compared.length} of ${here.length} runs with enough dying and surviving features${saturated ? `, ${saturated} of them saturated` : ''}${nearText}`;
    })
    .join('; ');
  const alreadyDead = units.reduce((s, u) => s + u.numbers.alreadyDead, 0);
  const noResponse = units.reduce((s, u) => s + u.numbers.noResponse, 0);
  return {
    id: studyFigureId.lifetimeBefore(study.study),
    route: studyRoute(study.study),
    title: 'Were the dying features selective early? The reading H6 is decided on',
    caption:
      `Each tick is one feature of a block in which features died, orange if it died later and blue if it survived; bars span the quartiles, black diamonds mark medians; one line per seed. ` +
      `x: its lifetime sparseness on the probe at the run's early checkpoint (the first at or after ${percent(EARLY_FRACTION, 0)} of training). ` +
      `The grey bands are the ${m} nearest each end: a block of a run in which ${percent(H6_V2.saturatedShare, 0)} or more of the compared features fall in one band is saturated and does not decide (v1's active share was, at 1). ` +
      `A block of a run is compared with at least ${H6_V2.minDying} dying and ${H6_V2.minSurvivors} surviving features, and decides with at least ${H6_V2.minRuns} such runs. ${blockText}. ` +
      `${alreadyDead > 0 ? `${alreadyDead} features already dead at the early checkpoint and ` : ''}${noResponse > 0 ? `${noResponse} with no response there are left out. ` : alreadyDead > 0 ? 'are left out. ' : ''}${seedsText(rows)}.`,
    alt: `Strip plots, one per block in which features died (${[...dyingBlocks].sort((a, b) => a - b).join(', ')}), of the early lifetime sparseness of the features that died later and of the survivors, one line per seed, with the saturation bands near 0 and 1 shaded.`,
    rows,
    spec,
    runs: runsOf(rows),
  };
}
