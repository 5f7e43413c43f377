// Parallel coordinates of the sweep: every run a line across its factors and outcomes. Pure:
// the build draws the SVG (shown without JavaScript) and the browser uses the same layout to
// turn a drag on an axis into a value range (site/client/explore.ts).

/** One run as the explore page plots it. */
export interface SweepRun {
  run: string;
  status: string;
  studies: string[];
  optimizer: string;
  regularization: string;
  strength: number;
  lr: number;
  batchSize: number;
  classes: number;
  activation: string;
  width: number;
  sparsityActivation: number | null;
  sparsityGamma: number | null;
  testAccuracy: number | null;
}

type NumericKey = 'strength' | 'lr' | 'batchSize' | 'classes' | 'width' | 'sparsityActivation' | 'sparsityGamma' | 'testAccuracy';
type CategoryKey = 'optimizer' | 'regularization' | 'activation';

export type Axis = { key: CategoryKey; label: string; kind: 'category' } | { key: NumericKey; label: string; kind: 'log' | 'linear' | 'share' };

/**
 * Factors first, then outcomes. Learning rate, strength, batch size and width span decades: log
 * axes. Strength is 0 without regularization, which a log axis cannot place: it gets its own
 * tick below the smallest positive value.
 */
export const SWEEP_AXES: readonly Axis[] = [
  { key: 'optimizer', label: 'optimizer', kind: 'category' },
  { key: 'regularization', label: 'regularization', kind: 'category' },
  { key: 'strength', label: 'strength', kind: 'log' },
  { key: 'lr', label: 'learning rate', kind: 'log' },
  { key: 'batchSize', label: 'batch', kind: 'log' },
  { key: 'classes', label: 'classes', kind: 'linear' },
  { key: 'activation', label: 'activation', kind: 'category' },
  { key: 'width', label: 'width', kind: 'log' },
  { key: 'sparsityActivation', label: 'sparsity (act.)', kind: 'share' },
  { key: 'sparsityGamma', label: 'sparsity (|γ|)', kind: 'share' },
  { key: 'testAccuracy', label: 'test acc.', kind: 'share' },
];

/** The chart's size in its own units; `left` is the least margin left of the first axis, which grows to hold that axis' longest label. */
export const LAYOUT = { width: 1300, height: 440, top: 56, bottom: 26, left: 40, right: 50 } as const;
/**
 * Text size in the chart's units (at most about 10.5 units a character: "momentum"): 115 units between axes hold a
 * 10-character label. The chart is drawn at least PHONE_MIN_WIDTH px wide (on a phone it scrolls
 * sideways), where 17 units are at least 11 px.
 */
export const PC_TEXT = { size: 17, labelSize: 17 } as const;
export const PHONE_MIN_WIDTH = 850;

/**
 * The phone's chart (below PHONE_MIN_WIDTH of room, explore.astro's CSS shows it instead): the axes
 * as rows, one under the other, each running left to right, and every run a line running
 * downwards through them. A value's place along an axis is the same coordinate as in the wide
 * chart (sweepScales' y, from `top` to `height - bottom`), turned to run from `left` (the foot) to
 * `width - right`, so a brush and its address mean the same runs in both. Its units are CSS px at
 * 350 px wide (a phone's column), so its 12-unit text is at least 11 px wherever it is drawn 321 px wide or more.
 */
export const NARROW = { width: 350, left: 14, right: 16, top: 26, text: 12, title: 14, row: 16, gap: 16 } as const;

/** The outcome lines are coloured by, and its colour ramp (viridis, its pale end left out as on the figures: figure-style.ts). */
export const COLOUR_BY = { key: 'sparsityActivation', label: 'sparsity (act.)' } as const;
const VIRIDIS = ['#440154', '#414487', '#2a788e', '#22a884', '#7ad151', '#d2e21b'] as const;

/** The ramp's colour at t in [0, 1]. */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  const [a, b] = [rgb(VIRIDIS[i]), rgb(VIRIDIS[i + 1])];
  return `#${a
    .map((c, k) =>
      Math.round(c + (b[k] - c) * f)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** Roughly how wide `text` is drawn at `size` (DejaVu-like sans: m and w widest, i, l, t, r and f narrowest), erring wide. */
export function textWidth(text: string, size: number = PC_TEXT.size): number {
  const em = [...text].reduce((sum, c) => sum + (/[mwMW]/.test(c) ? 0.95 : /[iljtfr.,:|() ]/.test(c) ? 0.42 : 0.66), 0);
  return em * size;
}

/** An axis title in lines of at most 10 characters (side by side, long titles ran together); a longer word is hyphenated. */
export function labelLines(label: string): string[] {
  const words = label.split(' ').flatMap((w) => (w.length > 10 ? [`${w.slice(0, Math.ceil(w.length / 2))}-`, w.slice(Math.ceil(w.length / 2))] : [w]));
  const lines: string[] = [];
  for (const w of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && !last.endsWith('-') && last.length + 1 + w.length <= 10) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w);
  }
  return lines;
}

export interface AxisScale {
  axis: Axis;
  x: number;
  /** Pixel y of a run's value on this axis (null: the run has no value, e.g. a failed run's sparsity). */
  y: (run: SweepRun) => number | null;
  /** Ticks as [y, label]. */
  ticks: Array<[number, string]>;
  /** Whether a run's value lies between two pixel heights (in either order). */
  within: (run: SweepRun, y0: number, y1: number) => boolean;
  /** A pixel range as the data values inside it (kept in the address: a link means the same runs at any size): numbers as [low, high], categories as the levels inside. */
  toValues: (y0: number, y1: number) => { range: [number, number] } | { levels: string[] };
  /** Data values back to a pixel range (null when none of them is on this axis). */
  toPixels: (values: { range: [number, number] } | { levels: string[] }) => [number, number] | null;
}

const fmt = (v: number) => (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e5) ? v.toExponential().replace(/\.?0+e/, 'e') : String(v));

function categories(runs: readonly SweepRun[], key: CategoryKey): string[] {
  return [...new Set(runs.map((r) => r[key]))].sort();
}

/** The scales of every axis for these runs, laid out left to right. */
export function sweepScales(runs: readonly SweepRun[], axes: readonly Axis[] = SWEEP_AXES): AxisScale[] {
  const top = LAYOUT.top;
  const bottom = LAYOUT.height - LAYOUT.bottom;
  // The first axis' tick labels sit left of it: the margin holds the longest (clipped "adadelta" read "adelta").
  const first = axes[0];
  const firstLabels = first?.kind === 'category' ? categories(runs, first.key) : [];
  const left = Math.max(LAYOUT.left, 12 + Math.max(0, ...firstLabels.map((l) => textWidth(l))));
  const step = (LAYOUT.width - left - LAYOUT.right) / Math.max(1, axes.length - 1);
  return axes.map((axis, i) => {
    const x = left + i * step;
    const between = (y: number | null, y0: number, y1: number) => y !== null && y >= Math.min(y0, y1) - 0.5 && y <= Math.max(y0, y1) + 0.5;
    if (axis.kind === 'category') {
      const levels = categories(runs, axis.key);
      const at = (v: string) => (levels.length === 1 ? (top + bottom) / 2 : top + ((bottom - top) * levels.indexOf(v)) / (levels.length - 1));
      const y = (r: SweepRun) => at(r[axis.key]);
      const half = levels.length > 1 ? (bottom - top) / (levels.length - 1) / 2 : 10;
      return {
        axis,
        x,
        y,
        ticks: levels.map((l) => [at(l), l] as [number, string]),
        within: (r, y0, y1) => between(y(r), y0, y1),
        toValues: (y0, y1) => ({ levels: levels.filter((l) => between(at(l), y0, y1)) }),
        toPixels: (v) => {
          if (!('levels' in v)) return null;
          const ys = v.levels.filter((l) => levels.includes(l)).map(at);
          return ys.length ? [Math.min(...ys) - Math.min(half, 8), Math.max(...ys) + Math.min(half, 8)] : null;
        },
      };
    }
    const key = axis.key;
    const values = runs.map((r) => r[key]).filter((v): v is number => v !== null && Number.isFinite(v));
    let value: (v: number) => number;
    let invert: (y: number) => number;
    let ticks: Array<[number, string]>;
    if (axis.kind === 'share') {
      // A share on the range of its values, widened to whole steps of 5 or 10 % (all accuracies lie in 80-93 %: on 0-100 % their lines were one).
      const lo = values.length ? Math.min(...values) : 0;
      const hi = values.length ? Math.max(...values) : 1;
      const stepOf = hi - lo > 0.4 ? 0.1 : 0.05;
      const d0 = Math.max(0, Math.floor(lo / stepOf + 1e-9) * stepOf);
      const d1 = Math.min(1, Math.max(d0 + stepOf, Math.ceil(hi / stepOf - 1e-9) * stepOf));
      value = (v) => bottom - ((bottom - top) * (v - d0)) / (d1 - d0);
      invert = (y) => d0 + ((bottom - y) * (d1 - d0)) / (bottom - top);
      const count = Math.round((d1 - d0) / stepOf);
      const every = Math.ceil(count / 6);
      ticks = Array.from({ length: count + 1 }, (_, k) => d0 + k * stepOf)
        .filter((_, k) => k % every === 0 || k === count)
        .map((v) => [value(v), `${Math.round(v * 100)} %`]);
    } else if (axis.kind === 'log') {
      const positive = values.filter((v) => v > 0);
      const lo = positive.length ? Math.log10(Math.min(...positive)) : 0;
      const hi = positive.length ? Math.log10(Math.max(...positive)) : 1;
      const hasZero = values.some((v) => v <= 0);
      // Zero sits at the bottom, one slot below the log range.
      const logBottom = hasZero ? bottom - (bottom - top) * 0.12 : bottom;
      const span = hi - lo || 1;
      const log = (v: number) => (hi === lo ? (top + logBottom) / 2 : logBottom - ((logBottom - top) * (Math.log10(v) - lo)) / span);
      value = (v) => (v <= 0 ? bottom : log(v));
      invert = (y) => (y >= (bottom + logBottom) / 2 && hasZero ? 0 : 10 ** (hi === lo ? lo : lo + ((logBottom - y) * span) / (logBottom - top)));
      const distinct = [...new Set(values)].sort((a, b) => a - b);
      ticks = (distinct.length <= 8 ? distinct : distinct.filter((v) => v <= 0 || Number.isInteger(Math.log10(v)))).map((v) => [
        value(v),
        v <= 0 ? '0' : fmt(v),
      ]);
      if (ticks.length < 2 && distinct.length > 0) ticks = [distinct[0], distinct[distinct.length - 1]].map((v) => [value(v), v <= 0 ? '0' : fmt(v)]);
    } else {
      const lo = values.length ? Math.min(...values) : 0;
      const hi = values.length ? Math.max(...values) : 1;
      value = (v) => (hi === lo ? (top + bottom) / 2 : bottom - ((bottom - top) * (v - lo)) / (hi - lo));
      invert = (y) => (hi === lo ? lo : lo + ((bottom - y) * (hi - lo)) / (bottom - top));
      ticks = [...new Set(values)]
        .sort((a, b) => a - b)
        .slice(0, 10)
        .map((v) => [value(v), fmt(v)]);
    }
    const y = (r: SweepRun) => {
      const v = r[key];
      return v === null || !Number.isFinite(v) ? null : value(v);
    };
    const round = (v: number) => Number(v.toPrecision(3));
    return {
      axis,
      x,
      y,
      ticks,
      within: (r, y0, y1) => between(y(r), y0, y1),
      toValues: (y0, y1) => {
        const [a, b] = [invert(Math.max(y0, y1)), invert(Math.min(y0, y1))];
        return { range: [round(Math.min(a, b)), round(Math.max(a, b))] };
      },
      toPixels: (v) => {
        if (!('range' in v)) return null;
        const [a, b] = [value(v.range[0]), value(v.range[1])];
        return [Math.min(a, b), Math.max(a, b)];
      },
    };
  });
}

/** A run's line: moves to each axis where it has a value (a failed run's outcomes are left open). */
function runPath(run: SweepRun, scales: readonly AxisScale[]): string {
  const parts: string[] = [];
  let pen = false;
  for (const s of scales) {
    const y = s.y(run);
    if (y === null) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${s.x.toFixed(1)},${y.toFixed(1)}`);
    pen = true;
  }
  return parts.join('');
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Lines coloured by an outcome (COLOUR_BY) on the range of its values; a run without it (diverged, failed) none: grey and dashed. */
function lineColour(runs: readonly SweepRun[]): (r: SweepRun) => string | null {
  const outcomes = runs.map((r) => r[COLOUR_BY.key]).filter((v): v is number => v !== null && Number.isFinite(v));
  const [lo, hi] = [Math.min(...outcomes), Math.max(...outcomes)];
  return (r) => {
    const v = r[COLOUR_BY.key];
    return v === null || !Number.isFinite(v) ? null : viridis(hi > lo ? ((v - lo) / (hi - lo)) * 0.9 : 0.5);
  };
}

/** A line's tooltip: the run, its optimizer and learning rate, its outcome and status. */
function lineTitle(r: SweepRun): string {
  const outcome = r[COLOUR_BY.key];
  return `${r.run.slice(0, 8)} · ${r.optimizer} · lr ${fmt(r.lr)} · ${COLOUR_BY.label} ${outcome === null ? 'n/a' : `${(outcome * 100).toFixed(1)} %`} · ${r.status}`;
}

/** A run's line in either drawing: its path `d`, class by status, data-run, its colour (none: grey and dashed by the CSS) and tooltip. */
function lineMarkup(r: SweepRun, colour: string | null, d: string): string {
  return `<path class="pc-line pc-${escape(r.status)}" data-run="${escape(r.run)}"${colour ? ` style="stroke:${colour}"` : ''} d="${d}"><title>${escape(lineTitle(r))}</title></path>`;
}

/** The whole chart as SVG markup: a path per run (data-run, class by status), then the axes on top. */
export function sweepSvg(runs: readonly SweepRun[], scales: readonly AxisScale[] = sweepScales(runs)): string {
  const colour = lineColour(runs);
  const lines = runs
    .map((r) => {
      return lineMarkup(r, colour(r), runPath(r, scales));
    })
    .join('');
  const axes = scales
    .map((s) => {
      const ticks = s.ticks
        .map(
          ([y, label]) =>
            `<line x1="${(s.x - 4).toFixed(1)}" x2="${s.x.toFixed(1)}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/><text x="${(s.x - 6).toFixed(1)}" y="${(y + 5).toFixed(1)}" text-anchor="end">${escape(label)}</text>`,
        )
        .join('');
      return (
        `<g class="pc-axis" data-axis="${s.axis.key}" data-kind="${s.axis.kind}">` +
        `<line class="pc-spine" x1="${s.x.toFixed(1)}" x2="${s.x.toFixed(1)}" y1="${LAYOUT.top}" y2="${LAYOUT.height - LAYOUT.bottom}"/>${ticks}` +
        `<text class="pc-label" x="${s.x.toFixed(1)}" y="${LAYOUT.top - 18 - (labelLines(s.axis.label).length - 1) * PC_TEXT.labelSize}" text-anchor="middle">${labelLines(
          s.axis.label,
        )
          .map((line, k) => `<tspan x="${s.x.toFixed(1)}"${k > 0 ? ` dy="${PC_TEXT.labelSize}"` : ''}>${escape(line)}</tspan>`)
          .join('')}</text>` +
        `<rect class="pc-brush" hidden x="${(s.x - 8).toFixed(1)}" width="16" y="0" height="0"/>` +
        `<rect class="pc-hit" x="${(s.x - 14).toFixed(1)}" width="28" y="${LAYOUT.top - 6}" height="${LAYOUT.height - LAYOUT.top - LAYOUT.bottom + 12}"/>` +
        `</g>`
      );
    })
    .join('');
  return `<svg class="pc pc-wide" viewBox="0 0 ${LAYOUT.width} ${LAYOUT.height}" width="${LAYOUT.width}" height="${LAYOUT.height}" role="img" aria-label="Parallel coordinates of ${runs.length} runs: factors, then sparsity by both criteria and test accuracy"><g class="pc-lines">${lines}</g>${axes}</svg>`;
}

/** Along-axis coordinate (sweepScales' y) to the phone chart's x: the axis' foot at the left. */
export function narrowX(y: number): number {
  const top = LAYOUT.top;
  const foot = LAYOUT.height - LAYOUT.bottom;
  return NARROW.left + ((foot - y) / (foot - top)) * (NARROW.width - NARROW.left - NARROW.right);
}

/** The phone chart's x back to the along-axis coordinate (for a drag). */
export function narrowToAxis(x: number): number {
  const top = LAYOUT.top;
  const foot = LAYOUT.height - LAYOUT.bottom;
  return foot - ((x - NARROW.left) / (NARROW.width - NARROW.left - NARROW.right)) * (foot - top);
}

/** One axis of the phone chart: where its line is drawn and its tick labels, each on the first row below the line where it overlaps none. */
export interface NarrowAxis {
  scale: AxisScale;
  /** The axis line's y. */
  y: number;
  ticks: Array<{ x: number; label: string; row: number; anchor: 'start' | 'middle' | 'end' }>;
}

/** The phone chart's axes, top to bottom, and its height. */
export function narrowLayout(scales: readonly AxisScale[]): { axes: NarrowAxis[]; height: number } {
  let y = NARROW.top;
  const axes = scales.map((scale) => {
    const rows: Array<Array<[number, number]>> = [];
    const ticks = scale.ticks.map(([at, label]) => {
      const x = narrowX(at);
      const w = textWidth(label, NARROW.text);
      // Labels at an end run inwards, so that none leaves the drawing.
      const anchor: 'start' | 'middle' | 'end' = x - w / 2 < 2 ? 'start' : x + w / 2 > NARROW.width - 2 ? 'end' : 'middle';
      const [from, to] = anchor === 'start' ? [x, x + w] : anchor === 'end' ? [x - w, x] : [x - w / 2, x + w / 2];
      let row = 0;
      while ((rows[row] ?? []).some(([a, b]) => from < b + 6 && a < to + 6)) row++;
      (rows[row] ??= []).push([from, to]);
      return { x, label, row, anchor };
    });
    const axis: NarrowAxis = { scale, y, ticks };
    y += 6 + Math.max(1, rows.length) * NARROW.row + NARROW.gap + NARROW.title;
    return axis;
  });
  return { axes, height: y - NARROW.title - NARROW.gap + 8 };
}

/** The phone chart as SVG markup: the same runs, classes and data attributes as sweepSvg's, the axes as rows. */
export function sweepSvgNarrow(runs: readonly SweepRun[], scales: readonly AxisScale[] = sweepScales(runs)): string {
  const { axes, height } = narrowLayout(scales);
  const colour = lineColour(runs);
  const lines = runs
    .map((r) => {
      const parts: string[] = [];
      let pen = false;
      for (const a of axes) {
        const at = a.scale.y(r);
        if (at === null) {
          pen = false;
          continue;
        }
        parts.push(`${pen ? 'L' : 'M'}${narrowX(at).toFixed(1)},${a.y.toFixed(1)}`);
        pen = true;
      }
      return lineMarkup(r, colour(r), parts.join(''));
    })
    .join('');
  const [x0, x1] = [NARROW.left, NARROW.width - NARROW.right];
  const drawn = axes
    .map(({ scale: s, y, ticks }) => {
      const marks = ticks
        .map(
          (t) =>
            `<line x1="${t.x.toFixed(1)}" x2="${t.x.toFixed(1)}" y1="${y.toFixed(1)}" y2="${(y + 4).toFixed(1)}"/>` +
            `<text x="${t.x.toFixed(1)}" y="${(y + 4 + (t.row + 1) * NARROW.row - 3).toFixed(1)}" text-anchor="${t.anchor}">${escape(t.label)}</text>`,
        )
        .join('');
      return (
        `<g class="pc-axis" data-axis="${s.axis.key}" data-kind="${s.axis.kind}" data-y="${y.toFixed(1)}">` +
        `<line class="pc-spine" x1="${x0}" x2="${x1}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/>${marks}` +
        `<text class="pc-label" x="${x0}" y="${(y - 7).toFixed(1)}">${escape(s.axis.label)}</text>` +
        `<rect class="pc-brush" hidden y="${(y - 7).toFixed(1)}" height="14" x="0" width="0"/>` +
        `<rect class="pc-hit" x="${x0 - 8}" width="${x1 - x0 + 16}" y="${(y - 12).toFixed(1)}" height="24"/>` +
        `</g>`
      );
    })
    .join('');
  return `<svg class="pc pc-narrow" viewBox="0 0 ${NARROW.width} ${height.toFixed(0)}" width="${NARROW.width}" height="${height.toFixed(0)}" role="img" aria-label="Parallel coordinates of ${runs.length} runs, the axes as rows: factors, then sparsity by both criteria and test accuracy"><g class="pc-lines">${lines}</g>${drawn}</svg>`;
}
