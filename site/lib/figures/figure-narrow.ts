// A figure's phone variant, written once for every figure: the same Vega-Lite spec with its facets
// and side-by-side views wrapped to one column, its plots narrowed to a phone's width, long axis
// titles broken into lines and legends in two columns, so that at 390 px the figure fits its
// container at its drawn size (text at least 11 px) instead of being scaled down to 4 px text.
// The build draws it beside the wide picture (render.ts renderNarrow) and the page serves it with
// <picture><source media=NARROW.media>; the browser draws it live on a phone (client/figures.ts).
// Pure, no Node imports.
import type { VlSpec } from './figure-model.js';

/** A part of a specification as the walk below reads it: a plain JSON object. */
type Json = Record<string, unknown>;

/**
 * The phone layout: below `media` the narrow variant is shown; a drawing at most `maxWidth` CSS px
 * wide fits the figure's box at 390 px (the page's and the box's padding taken off) at its drawn
 * size; plots start `plotWidth` wide, and a drawing still wider than `maxWidth` is drawn again with
 * its plots narrower by the excess (render.ts). Axis titles past `titleChars` characters break
 * into lines; legends take `legendColumns` columns of labels at most `legendLabelLimit` px.
 */
export const NARROW = {
  media: '(max-width: 40rem)',
  maxWidth: 350,
  plotWidth: 250,
  minPlotWidth: 120,
  titleChars: 34,
  legendColumns: 2,
  legendLabelLimit: 140,
} as const;

/** A title (or each line of one) broken into lines of at most `chars` characters at spaces (Vega-Lite draws a string[] title as lines). */
export function breakTitle(title: string | readonly string[], chars: number = NARROW.titleChars): string | string[] {
  if (Array.isArray(title)) return title.flatMap((line: string) => breakTitle(line, chars));
  if (typeof title !== 'string' || title.length <= chars) return title as string;
  const lines: string[] = [];
  let line = '';
  for (const word of title.split(' ')) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A legend definition with at most NARROW.legendColumns columns of labels at most NARROW.legendLabelLimit px. */
function narrowLegend(legend: unknown, labels: readonly unknown[]): unknown {
  if (legend === null || legend === false) return legend;
  const out: Json = isObject(legend) ? { ...legend } : {};
  // As many columns as the longest label allows (6.5 px a character, 30 px for the symbol and the gap), labels never cut.
  const longest = Math.max(0, ...labels.map((l) => String(l).length * 6.5 + 30));
  const columns = labels.length === 0 ? NARROW.legendColumns : Math.max(1, Math.min(NARROW.legendColumns, Math.floor((NARROW.maxWidth - 20) / longest)));
  const chosen = typeof out.columns === 'number' ? Math.min(out.columns, columns) : columns;
  out.columns = chosen;
  out.labelLimit = labels.length === 0 ? NARROW.legendLabelLimit : Math.floor((NARROW.maxWidth - 20) / chosen) - 30;
  if (typeof out.title === 'string' || Array.isArray(out.title)) out.title = breakTitle(out.title as string);
  if (out.orient === 'right' || out.orient === 'left') {
    out.orient = 'bottom';
    out.direction = 'horizontal';
  }
  return out;
}

/** Roughly how wide a discrete axis' labels are side by side, in px at 11 px (7 px a character, 10 px between labels: an estimate on the safe side). */
function labelsWidth(labels: readonly unknown[]): number {
  return labels.reduce<number>((sum, l) => sum + String(l).length * 7 + 10, 0);
}

/** What a narrowing reads of the figure: its rows (to size discrete axes' labels) and its plots' width. */
interface Context {
  rows: readonly Record<string, unknown>[];
  plotWidth: number;
}

/** One channel's definition narrowed: its title (and its axis' and legend's) broken into lines, its legend in fewer columns; a discrete x axis whose labels do not fit side by side turns them. */
function narrowChannel(def: unknown, ctx: Context, channel = ''): unknown {
  if (Array.isArray(def)) return def; // tooltips
  if (!isObject(def)) return def;
  const out: Json = { ...def };
  if (channel === 'x' && (out.type === 'nominal' || out.type === 'ordinal') && typeof out.field === 'string' && out.axis !== null) {
    const field = out.field;
    const labels = Array.isArray(out.sort) ? out.sort : [...new Set(ctx.rows.map((r) => r[field]))];
    if (labelsWidth(labels) > ctx.plotWidth) out.axis = { ...(isObject(out.axis) ? out.axis : {}), labelAngle: -45 };
  }
  if (typeof out.title === 'string' || Array.isArray(out.title)) out.title = breakTitle(out.title as string);
  if (isObject(out.axis) && (typeof out.axis.title === 'string' || Array.isArray(out.axis.title)))
    out.axis = { ...out.axis, title: breakTitle(out.axis.title as string) };
  if (['color', 'fill', 'stroke', 'shape', 'strokeDash', 'size', 'opacity'].includes(channel)) {
    const field = typeof out.field === 'string' ? out.field : null;
    const domain = isObject(out.scale) && Array.isArray(out.scale.domain) ? out.scale.domain : null;
    const labels = domain ?? (Array.isArray(out.sort) ? out.sort : field ? [...new Set(ctx.rows.map((r) => r[field]).filter((v) => v !== undefined))] : []);
    out.legend = narrowLegend(out.legend, out.type === 'quantitative' ? [] : labels);
  }
  if (isObject(out.condition)) out.condition = narrowChannel(out.condition, ctx, channel);
  return out;
}

function narrowEncoding(encoding: unknown, ctx: Context): unknown {
  if (!isObject(encoding)) return encoding;
  return Object.fromEntries(Object.entries(encoding).map(([channel, def]) => [channel, channel === 'tooltip' ? def : narrowChannel(def, ctx, channel)]));
}

/**
 * A facet definition of one field (a former row or column) as a wrapped facet's: its header label
 * on top, in lines as wide as the plot (a Vega expression breaks it at spaces), so that a long
 * label neither widens the figure nor is cut.
 */
function wrappedFacet(def: Json, plotWidth: number): Json {
  const header = isObject(def.header) ? def.header : {};
  const { labelAngle: _angle, labelOrient: _orient, labelLimit: _limit, ...rest } = header;
  const chars = Math.max(12, Math.floor(plotWidth / 7.5));
  const label = typeof rest.labelExpr === 'string' ? `(${rest.labelExpr})` : 'datum.label';
  return {
    ...def,
    header: {
      ...rest,
      labelAngle: 0,
      labelOrient: 'top',
      labelExpr: `split(trim(replace(${label} + '', regexp('(.{1,${chars}})(\\\\s+|$)', 'g'), '$1\\n')), '\\n')`,
    },
  };
}

/** A view (or composition) narrowed, its plots `plotWidth` wide at most. */
function narrowView(view: Json, ctx: Context): Json {
  const { plotWidth } = ctx;
  const out: Json = { ...view };
  if (typeof out.width === 'number') out.width = Math.min(out.width, plotWidth);
  if (out.encoding) out.encoding = narrowEncoding(out.encoding, ctx);
  if (Array.isArray(out.layer)) out.layer = out.layer.map((v: Json) => narrowView(v, ctx));
  if (isObject(out.facet) && out.spec !== undefined) {
    const facet = out.facet;
    if (typeof facet.field === 'string') {
      out.facet = wrappedFacet(facet, plotWidth);
      out.columns = 1;
    } else if (isObject(facet.column) !== isObject(facet.row)) {
      out.facet = wrappedFacet((facet.column ?? facet.row) as Json, plotWidth);
      out.columns = 1;
    }
    out.spec = narrowView(out.spec as Json, ctx);
  } else if (isObject(out.facet)) {
    // A facet channel in the encoding style: the same, one level down.
    out.facet = narrowChannel(out.facet, ctx);
  }
  if (isObject(out.encoding)) {
    const enc = out.encoding;
    if (isObject(enc.facet)) out.columns = 1;
    if (isObject(enc.column) && !isObject(enc.row)) {
      const { column, ...rest } = enc;
      out.encoding = { ...rest, facet: wrappedFacet(column as Json, plotWidth) };
      out.columns = 1;
    }
  }
  if (Array.isArray(out.hconcat)) {
    out.vconcat = out.hconcat.map((v: Json) => narrowView(v, ctx));
    delete out.hconcat;
  }
  if (Array.isArray(out.vconcat)) out.vconcat = out.vconcat.map((v: Json) => narrowView(v, ctx));
  if (Array.isArray(out.concat)) {
    out.concat = out.concat.map((v: Json) => narrowView(v, ctx));
    out.columns = 1;
  }
  if (Array.isArray(out.repeat) || isObject(out.repeat)) {
    if (isObject(out.repeat) && Array.isArray(out.repeat.column) && !out.repeat.row) out.repeat = out.repeat.column;
    out.columns = 1;
    if (isObject(out.spec)) out.spec = narrowView(out.spec, ctx);
  }
  return out;
}

/** The figures' config on a phone: legends in fewer, narrower columns, long titles cut at the drawing's width. */
function narrowConfig(config: unknown): Json {
  const base = isObject(config) ? config : {};
  const legend = isObject(base.legend) ? base.legend : {};
  const axis = isObject(base.axis) ? base.axis : {};
  return {
    ...base,
    // Legends one under the other (side by side they were wider than a phone).
    legend: {
      ...legend,
      columns: NARROW.legendColumns,
      labelLimit: NARROW.legendLabelLimit,
      titleLimit: NARROW.maxWidth,
      layout: { bottom: { anchor: 'start', direction: 'vertical' }, top: { anchor: 'start', direction: 'vertical' } },
    },
    axis: { ...axis, titleLimit: NARROW.maxWidth - 20 },
    header: { ...(isObject(base.header) ? base.header : {}), labelLimit: NARROW.maxWidth - 20 },
  };
}

/** The phone variant of a figure's Vega-Lite spec (NARROW), its plots `plotWidth` wide at most. */
export function narrowSpec(spec: VlSpec, plotWidth: number = NARROW.plotWidth): VlSpec {
  const whole: Json = { ...spec };
  const values = isObject(whole.data) && Array.isArray(whole.data.values) ? (whole.data.values as Record<string, unknown>[]) : [];
  return asSpec({
    ...narrowView(whole, { rows: values, plotWidth: Math.max(NARROW.minPlotWidth, Math.round(plotWidth)) }),
    config: narrowConfig(whole.config),
  });
}

/**
 * The narrowed walk's result as vega-lite's type (the one cast of the site's figures): narrowView
 * rewrites each view into a view of the same kind or a kind it may become (hconcat into vconcat,
 * a row or column facet into a wrapped facet, its width and titles changed), which a walk over
 * plain objects cannot show the compiler; the tests compile every narrowed figure with vega-lite.
 */
function asSpec(narrowed: Json): VlSpec {
  return narrowed as unknown as VlSpec;
}
