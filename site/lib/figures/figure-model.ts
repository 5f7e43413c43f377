// The figure model the page families share: what a figure is (rows + Vega-Lite spec + caption
// and alt text), the common look, and the spec pieces every family builds from. Pure.
import type { TopLevelSpec } from 'vega-lite';
import type { ColorDef, Field, PositionFieldDef, StringFieldDef } from 'vega-lite/types_unstable/channeldef.js';
import type { Encoding } from 'vega-lite/types_unstable/encoding.js';
import type { SelectionParameter } from 'vega-lite/types_unstable/selection.js';
import type { LayerSpec, UnitSpec } from 'vega-lite/types_unstable/spec/index.js';
import type { Transform } from 'vega-lite/types_unstable/transform.js';
import type { DatasetName } from '../../../data/schemas/datasets.js';
import { FIGURE_CONFIG, type ColourField } from './figure-style.js';
import { seedList } from '../text/format.js';

export type Row = Record<string, string | number | boolean | null>;
/** A whole Vega-Lite specification, typed by vega-lite's own TopLevelSpec. */
export type VlSpec = TopLevelSpec;
/** vega-lite's type of a whole specification. */
export type VlTopLevel = TopLevelSpec;
/** Omit over each member of a union (TopLevelSpec is a union of unit, layer, facet and concat specs). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A specification's body: a whole one less what topLevel adds ($schema, the rows, the shared config). */
export type VlBody = OmitEach<TopLevelSpec, '$schema' | 'data' | 'config'>;
/** One view of a layer (a mark or a nested layer). */
export type LayerView = LayerSpec<Field> | UnitSpec<Field>;
/** A position channel on a field (x, y). */
export type PositionChannel = PositionFieldDef<Field>;
/** A colour channel (a field with a scale and a legend, or a value). */
export type ColourChannel = ColorDef<Field>;
/** One tooltip entry. */
export type TooltipField = StringFieldDef<Field>;
/** A numeric channel given by a value with a condition (opacity that follows a selection). */
export type NumericValueChannel = NonNullable<Encoding<Field>['opacity']>;
/** One encoding (x, y, color, tooltip, ...). */
export type VlEncoding = Encoding<Field>;
export type { ColourField, Field, SelectionParameter, Transform };

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
  /** When the figure draws a sample of its rows: the dataset holding all of them, linked beside it. */
  fullData?: DatasetName;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const CRITERIA = ['dead by activation', 'dead by |γ|'] as const;
export const CRITERION_COLOURS = ['#1f6fb2', '#d9822b'];
export const FATE_COLOURS = { died: '#c2410c', survived: '#1f6fb2' };

/** The shared look (figure-style.ts): system fonts, text at least 11 px; the dark theme's look is applied in the browser. */
export { FIGURE_CONFIG };

export function topLevel(rows: Row[], body: VlBody): VlSpec {
  return { $schema: SCHEMA, data: { values: rows }, config: FIGURE_CONFIG, ...body };
}

/** Categories vega's default palette tells apart; tableau20 tells apart twice as many. */
export const DISTINCT_COLOURS = { default: 10, wide: 20 } as const;

/** The colour scheme for `count` categories: vega's 10 colours (tableau10) up to 10, tableau20 past them. */
export function colourScheme(count: number): 'tableau10' | 'tableau20' {
  return count > DISTINCT_COLOURS.default ? 'tableau20' : 'tableau10';
}

/**
 * The signal of the compare page's charts (comparison-charts.ts) that holds their colour scheme:
 * the page sets it to colourScheme(number of runs) before drawing (site/client/compare.ts), so up
 * to DISTINCT_COLOURS.wide runs get colours of their own; past that, colours repeat and the legend
 * tells the runs apart.
 */
export const RUN_COLOUR_SIGNAL = 'runColours';

/**
 * A nominal colour encoding on `field` for `count` categories: vega's 10 colours up to 10,
 * tableau20 up to 20 (vega's default repeats from the 11th, so that with 14 groups "adadelta · l2"
 * and "rmsprop · l2" were the same blue), and a legend that names every category in full. Past
 * 20 categories no palette keeps them apart: split the figure instead (facets).
 */
export function nominalColour(field: string, title: string, count: number, extra: Partial<ColourField> = {}): ColourField {
  return {
    field,
    type: 'nominal',
    title,
    ...(count > DISTINCT_COLOURS.default ? { scale: { scheme: colourScheme(count) } } : {}),
    legend: { titleLimit: 600, labelLimit: 320, symbolLimit: Math.max(count, 1) },
    ...extra,
  };
}

/** A legend-bound point selection on `field`, and the opacity that follows it. */
export function legendPick(field: string): { param: SelectionParameter<'point'>; opacity: (on: number, off?: number) => NumericValueChannel } {
  return {
    param: { name: 'pick', select: { type: 'point', fields: [field] }, bind: 'legend' },
    opacity: (on: number, off = 0.12) => ({ condition: { param: 'pick', value: on, empty: true }, value: off }),
  };
}

export const pct = (title: string, extra: Partial<PositionChannel> = {}): PositionChannel => ({
  type: 'quantitative',
  title,
  axis: { format: '.1~%' },
  ...extra,
});
/** The same encoding without its scale: in a layered chart only one layer sets the scale. */
export function noScale(y: PositionChannel): PositionChannel {
  const { scale: _scale, ...rest } = y;
  return rest;
}

/** A sparsity axis: from 0, and at least to 5 % so that an all-zero result still has a scale. */
export const sparsityAxis = (title: string) => pct(title, { scale: { domain: { unionWith: [0, 0.05] } } });

/** "3 runs, seeds 0-2": the runs and seeds behind the rows (for captions). */
export function seedsText(rows: readonly Row[]): string {
  const seeds = [...new Set(rows.map((r) => r.seed as number))];
  const runs = new Set(rows.map((r) => r.run)).size;
  return `${runs} run${runs === 1 ? '' : 's'}, seeds ${seedList(seeds)}`;
}

/** Whether some cell (rows sharing the values of `keys`) has two or more seeds: only then is there a spread to draw. */
export function hasSpread(rows: readonly Row[], keys: readonly string[]): boolean {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const k = JSON.stringify(keys.map((key) => r[key]));
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.values()].some((n) => n >= 2);
}

/** The runs behind the rows, sorted. */
export function runsOf(rows: readonly Row[]): string[] {
  return [...new Set(rows.map((r) => r.run as string))].sort();
}
