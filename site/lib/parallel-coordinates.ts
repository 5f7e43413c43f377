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

export const LAYOUT = { width: 980, height: 360, top: 34, bottom: 24, left: 40, right: 40 } as const;

export interface AxisScale {
  axis: Axis;
  x: number;
  /** Pixel y of a run's value on this axis (null: the run has no value, e.g. a failed run's sparsity). */
  y: (run: SweepRun) => number | null;
  /** Ticks as [y, label]. */
  ticks: Array<[number, string]>;
  /** Whether a run's value lies between two pixel heights (in either order). */
  within: (run: SweepRun, y0: number, y1: number) => boolean;
}

const fmt = (v: number) => (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e5) ? v.toExponential().replace(/\.?0+e/, 'e') : String(v));

function categories(runs: readonly SweepRun[], key: CategoryKey): string[] {
  return [...new Set(runs.map((r) => r[key]))].sort();
}

/** The scales of every axis for these runs, laid out left to right. */
export function sweepScales(runs: readonly SweepRun[], axes: readonly Axis[] = SWEEP_AXES): AxisScale[] {
  const top = LAYOUT.top;
  const bottom = LAYOUT.height - LAYOUT.bottom;
  const step = (LAYOUT.width - LAYOUT.left - LAYOUT.right) / Math.max(1, axes.length - 1);
  return axes.map((axis, i) => {
    const x = LAYOUT.left + i * step;
    const between = (y: number | null, y0: number, y1: number) => y !== null && y >= Math.min(y0, y1) - 0.5 && y <= Math.max(y0, y1) + 0.5;
    if (axis.kind === 'category') {
      const levels = categories(runs, axis.key);
      const at = (v: string) => (levels.length === 1 ? (top + bottom) / 2 : top + ((bottom - top) * levels.indexOf(v)) / (levels.length - 1));
      const y = (r: SweepRun) => at(r[axis.key]);
      return { axis, x, y, ticks: levels.map((l) => [at(l), l] as [number, string]), within: (r, y0, y1) => between(y(r), y0, y1) };
    }
    const key = axis.key;
    const values = runs.map((r) => r[key]).filter((v): v is number => v !== null && Number.isFinite(v));
    let value: (v: number) => number;
    let ticks: Array<[number, string]>;
    if (axis.kind === 'share') {
      value = (v) => bottom - (bottom - top) * v;
      ticks = [0, 0.25, 0.5, 0.75, 1].map((v) => [value(v), `${v * 100} %`]);
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
      ticks = [...new Set(values)]
        .sort((a, b) => a - b)
        .slice(0, 10)
        .map((v) => [value(v), fmt(v)]);
    }
    const y = (r: SweepRun) => {
      const v = r[key];
      return v === null || !Number.isFinite(v) ? null : value(v);
    };
    return { axis, x, y, ticks, within: (r, y0, y1) => between(y(r), y0, y1) };
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

/** The whole chart as SVG markup: a path per run (data-run, class by status), then the axes on top. */
export function sweepSvg(runs: readonly SweepRun[], scales: readonly AxisScale[] = sweepScales(runs)): string {
  const lines = runs
    .map(
      (r) =>
        `<path class="pc-line pc-${escape(r.status)}" data-run="${escape(r.run)}" d="${runPath(r, scales)}"><title>${escape(`${r.run} · ${r.optimizer} · ${r.status}`)}</title></path>`,
    )
    .join('');
  const axes = scales
    .map((s) => {
      const ticks = s.ticks
        .map(
          ([y, label]) =>
            `<line x1="${(s.x - 4).toFixed(1)}" x2="${s.x.toFixed(1)}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/><text x="${(s.x - 6).toFixed(1)}" y="${(y + 3.5).toFixed(1)}" text-anchor="end">${escape(label)}</text>`,
        )
        .join('');
      return (
        `<g class="pc-axis" data-axis="${s.axis.key}" data-kind="${s.axis.kind}">` +
        `<line class="pc-spine" x1="${s.x.toFixed(1)}" x2="${s.x.toFixed(1)}" y1="${LAYOUT.top}" y2="${LAYOUT.height - LAYOUT.bottom}"/>${ticks}` +
        `<text class="pc-label" x="${s.x.toFixed(1)}" y="${LAYOUT.top - 14}" text-anchor="middle">${escape(s.axis.label)}</text>` +
        `<rect class="pc-brush" hidden x="${(s.x - 8).toFixed(1)}" width="16" y="0" height="0"/>` +
        `<rect class="pc-hit" x="${(s.x - 14).toFixed(1)}" width="28" y="${LAYOUT.top - 6}" height="${LAYOUT.height - LAYOUT.top - LAYOUT.bottom + 12}"/>` +
        `</g>`
      );
    })
    .join('');
  return `<svg class="pc" viewBox="0 0 ${LAYOUT.width} ${LAYOUT.height}" width="${LAYOUT.width}" height="${LAYOUT.height}" role="img" aria-label="Parallel coordinates of ${runs.length} runs: factors, then sparsity by both criteria and test accuracy"><g class="pc-lines">${lines}</g>${axes}</svg>`;
}
