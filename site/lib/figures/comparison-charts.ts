// The compare page's charts as Vega-Lite templates over a named data set "rows", compiled to
// Vega at build time; the browser inserts the rows of the chosen runs (site/client/compare.ts).
import { COMPARED_CURVES } from '../model/run-comparison.js';
import {
  colourScheme,
  CRITERIA,
  DISTINCT_COLOURS,
  FIGURE_CONFIG,
  RUN_COLOUR_SIGNAL,
  type ColourField,
  type PositionChannel,
  type VlBody,
  type VlSpec,
} from './figure-model.js';
import { NARROW, narrowSpec } from './figure-narrow.js';
import { compile } from '../render/render.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** Runs are told apart by colour, in the scheme the page sets for their number. */
/** Runs in the order of the page's columns (each row's `order`), not alphabetically. */
const RUN_ORDER = { field: 'order', op: 'min' } as const;
const runColour: ColourField = {
  field: 'run',
  type: 'nominal',
  title: 'run',
  sort: RUN_ORDER,
  scale: { scheme: { expr: RUN_COLOUR_SIGNAL } },
  legend: { symbolLimit: DISTINCT_COLOURS.wide * 2 },
};
const pct = (title: string): Omit<PositionChannel, 'field'> => ({
  type: 'quantitative',
  title,
  axis: { format: '.1~%' },
  scale: { domain: { unionWith: [0, 0.05] } },
});

const template = (body: VlBody): VlSpec => ({
  $schema: SCHEMA,
  data: { name: 'rows' },
  config: FIGURE_CONFIG,
  params: [{ name: RUN_COLOUR_SIGNAL, value: colourScheme(1) }],
  ...body,
});

export const COMPARISON_CHARTS = {
  curves: {
    title: 'Training curves, overlaid',
    caption: 'Training loss and batch accuracy as logged, test accuracy at the checkpoints; one colour per run (colours repeat past 20 runs).',
    spec: template({
      facet: { column: { field: 'series', type: 'nominal', title: null, sort: [...COMPARED_CURVES] } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 240,
        height: 180,
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: {
          x: { field: 'iteration', type: 'quantitative' },
          y: { field: 'value', type: 'quantitative', title: null },
          color: runColour,
          tooltip: [{ field: 'run' }, { field: 'series' }, { field: 'iteration' }, { field: 'value', format: '.4g' }],
        },
      },
    }),
  },
  layers: {
    title: 'Sparsity per layer, both criteria',
    caption:
      'Share of dead filters in each conv block at the end of training; left by activation, right by |γ|; bars side by side, one colour per run (colours repeat past 20 runs).',
    spec: template({
      facet: { column: { field: 'criterion', type: 'nominal', title: null, sort: [...CRITERIA] } },
      spec: {
        width: 260,
        height: 180,
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'block', type: 'ordinal', title: 'block (conv layer)', axis: { labelAngle: 0 } },
          xOffset: { field: 'run', sort: RUN_ORDER },
          y: { field: 'sparsity', ...pct('layer sparsity') },
          color: runColour,
          tooltip: [{ field: 'run' }, { field: 'block' }, { field: 'criterion' }, { field: 'sparsity', format: '.1%' }],
        },
      },
    }),
  },
  emergence: {
    title: 'Emergence: network sparsity at each checkpoint',
    caption:
      "Share of the network's filters dead at each checkpoint (probe subset); left by activation, right by |γ|; one colour per run (colours repeat past 20 runs).",
    spec: template({
      facet: { column: { field: 'criterion', type: 'nominal', title: null, sort: [...CRITERIA] } },
      spec: {
        width: 260,
        height: 180,
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: {
          x: { field: 'iteration', type: 'quantitative' },
          y: { field: 'sparsity', ...pct('network sparsity') },
          color: runColour,
          tooltip: [{ field: 'run' }, { field: 'criterion' }, { field: 'iteration' }, { field: 'sparsity', format: '.1%' }],
        },
      },
    }),
  },
} as const;

export type ComparisonChart = keyof typeof COMPARISON_CHARTS;

/** The compiled Vega specs the page embeds, wide and for a phone (figure-narrow.ts); a warning here is a bug in the template. */
export function compiledComparisonCharts(): Record<ComparisonChart, { wide: object; narrow: object }> {
  const out = {} as Record<ComparisonChart, { wide: object; narrow: object }>;
  const compiled = (name: string, spec: VlSpec) => {
    const { vega, warnings } = compile(spec);
    if (warnings.length > 0) throw new Error(`compare chart "${name}" (site/lib/figures/comparison-charts.ts) compiles with warnings: ${warnings.join('; ')}`);
    return vega;
  };
  for (const [name, chart] of Object.entries(COMPARISON_CHARTS) as Array<[ComparisonChart, (typeof COMPARISON_CHARTS)[ComparisonChart]]>) {
    out[name] = { wide: compiled(name, chart.spec), narrow: compiled(name, narrowSpec(chart.spec, NARROW.plotWidth - 20)) };
  }
  return out;
}
