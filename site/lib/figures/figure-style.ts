// The site's visual language, written once: one colour per optimizer on every figure,
// regularization as shape and dash, sequential schemes for ordered factors on log axes, and the
// look of a figure in the light and the dark theme. Every figure builder takes its colours from
// here; the browser (client/figures.ts) takes the dark look from here too. Pure, no Node imports.
import type { Config } from 'vega-lite';
import type { Field, MarkPropFieldDef } from 'vega-lite/types_unstable/channeldef.js';
import type { Encoding } from 'vega-lite/types_unstable/encoding.js';
import type { StandardType } from 'vega-lite/types_unstable/type.js';
import { OPTIMIZERS, REGULARIZATIONS, type OptimizerName } from '../../../data/schemas/run-config.js';

/**
 * One colour per optimizer (Okabe-Ito's colour-blind-safe hues, black and yellow left out: they
 * vanish on one of the two themes). The SGD family in greys and blues, the adaptive ones warm.
 */
export const OPTIMIZER_COLOURS: Readonly<Record<OptimizerName, string>> = {
  sgd: '#8a8f98',
  momentum: '#56b4e9',
  adam: '#009e73',
  adamw: '#0072b2',
  adamax: '#e69f00',
  adagrad: '#cc79a7',
  adadelta: '#a6761d',
  rmsprop: '#d55e00',
};

export const isOptimizer = (x: unknown): x is OptimizerName => typeof x === 'string' && (OPTIMIZERS as readonly string[]).includes(x);

/** Regularization as the shape of a point and the dash of a line: colour stays the optimizer's. */
export const REGULARIZATION_SHAPES: Readonly<Record<(typeof REGULARIZATIONS)[number], string>> = { none: 'circle', l2: 'square', decoupled: 'triangle-up' };
export const REGULARIZATION_DASHES: Readonly<Record<(typeof REGULARIZATIONS)[number], number[]>> = { none: [4, 3], l2: [], decoupled: [1, 2] };

/** Ordered factors (learning rate, strength, batch size, classes): a sequential scheme, its pale end left out so that every level shows on a light page. */
export const SEQUENTIAL_SCHEME = { name: 'viridis', extent: [0, 0.88] } as const;

/** A colour (or other mark property) channel on a field, with its scale and legend: vega-lite's field form of ColorDef. */
export type ColourField = MarkPropFieldDef<Field, StandardType>;

/** The optimizers among `values`, in the site's one order (data/schemas/run-config.ts OPTIMIZERS). */
export function optimizerDomain(values: readonly unknown[]): OptimizerName[] {
  const present = new Set(values.filter(isOptimizer));
  return OPTIMIZERS.filter((o) => present.has(o));
}

/** A colour encoding on an optimizer field: the site's palette, in the site's order, a legend naming each. */
export function optimizerColour(field: string, values: readonly unknown[], extra: Partial<ColourField> = {}): ColourField {
  const domain = optimizerDomain(values);
  return {
    field,
    type: 'nominal' as const,
    title: 'optimizer',
    scale: { domain, range: domain.map((o) => OPTIMIZER_COLOURS[o]) },
    legend: { labelLimit: 200, titleLimit: 600, symbolLimit: domain.length },
    ...extra,
  };
}

/** A shape encoding on a regularization field (none: circle, L2: square, decoupled: triangle). */
export function regularizationShape(field: string, values: readonly unknown[]): NonNullable<Encoding<Field>['shape']> {
  const domain = REGULARIZATIONS.filter((r) => values.includes(r));
  return { field, type: 'nominal' as const, title: 'regularization', scale: { domain, range: domain.map((r) => REGULARIZATION_SHAPES[r]) } };
}

/** A dash encoding on a regularization field (L2 solid, none dashed, decoupled dotted). */
export function regularizationDash(field: string, values: readonly unknown[]): NonNullable<Encoding<Field>['strokeDash']> {
  const domain = REGULARIZATIONS.filter((r) => values.includes(r));
  return { field, type: 'nominal' as const, title: 'regularization', scale: { domain, range: domain.map((r) => REGULARIZATION_DASHES[r]) } };
}

/** A colour encoding for an ordered factor shown as categories (learning rates, strengths): the sequential scheme, levels in order. */
export function orderedColour(field: string, title: string, levels: readonly string[], extra: Record<string, unknown> = {}) {
  return {
    field,
    type: 'ordinal' as const,
    title,
    sort: [...levels],
    scale: { domain: [...levels], scheme: SEQUENTIAL_SCHEME },
    legend: { labelLimit: 200, titleLimit: 600, symbolLimit: levels.length },
    ...extra,
  };
}

/**
 * The two selectivity readings, each named with its direction on every axis (one vocabulary): the
 * active share saturates and its 1 is the least selective feature; lifetime sparseness's 1 is the most.
 */
export const MEASURE = {
  activeShare: 'active share',
  activeShareAxis: 'active share (1 = fires on every image, least selective)',
  lifetime: 'lifetime sparseness',
  lifetimeAxis: 'lifetime sparseness (1 = answers one image, most selective)',
} as const;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** The figures' look in the light theme: system fonts, text at least 11 px, a white background. */
export const FIGURE_CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: '#d0d7de' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, gridColor: '#e5e7eb', labelLimit: 180, titleLimit: 600 },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', direction: 'horizontal', columns: 4, labelLimit: 320 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 13 },
} satisfies Config;

export { DARK, DARK_VEGA_CONFIG, mergeConfig } from './figure-theme.js';
