// Browser: brushing on the explore page's parallel coordinates. A drag along an axis keeps the
// runs whose value lies in the dragged range; the lines outside fade and the run table keeps the
// runs inside every range. Ranges are kept in the address in data values, so that a link keeps the
// same runs at any size and after the sweep grows: #brush=lr:0.001:0.01;optimizer:adam,rmsprop.
// By keyboard each axis is a slider: Up and Down (or Right and Left) move its range's lower end,
// with Shift its upper end, in steps of a twentieth of the axis; Escape clears it. On a phone the
// page draws the chart with its axes as rows (parallel-coordinates.ts sweepSvgNarrow): a drag
// across an axis brushes it, along the same coordinate, so both drawings show the same ranges.
import { LAYOUT, narrowLayout, narrowToAxis, narrowX, sweepScales, type AxisScale, type SweepRun } from '../lib/figures/parallel-coordinates.js';
import { readHashState, writeHashState } from './hash-state.js';

type Brushes = Map<string, [number, number]>;

/** The address' ranges (data values) as pixel ranges on the chart's axes; a range of an unknown axis or values none of which is on it is left out. */
export function parseBrushes(value: string | null, scales: readonly AxisScale[]): Brushes {
  const out: Brushes = new Map();
  for (const part of (value ?? '').split(';')) {
    const [key, ...rest] = part.split(':');
    const scale = scales.find((s) => s.axis.key === key);
    if (!scale || rest.length === 0) continue;
    const range: [number, number] = [Number(rest[0]), Number(rest[1])];
    if (scale.axis.kind !== 'category' && !range.every(Number.isFinite)) continue;
    const pixels = scale.toPixels(scale.axis.kind === 'category' ? { levels: rest.join(':').split(',').filter(Boolean) } : { range });
    if (pixels) out.set(key, pixels);
  }
  return out;
}

/** The pixel ranges as the address keeps them: data values (numbers to 3 digits, categories by name). */
export function formatBrushes(brushes: Brushes, scales: readonly AxisScale[]): string {
  return [...brushes]
    .flatMap(([key, [y0, y1]]) => {
      const scale = scales.find((s) => s.axis.key === key);
      if (!scale) return [];
      const v = scale.toValues(y0, y1);
      return 'levels' in v ? [`${key}:${v.levels.join(',')}`] : [`${key}:${v.range[0]}:${v.range[1]}`];
    })
    .join(';');
}

/** One drawing of the chart: the wide one (axes as columns) or the phone's (axes as rows), both brushed along the same coordinate. */
interface View {
  svg: SVGSVGElement;
  lines: Map<string, SVGPathElement>;
  /** The along-axis coordinate (sweepScales' y) of a pointer. */
  toAxis: (event: PointerEvent) => number;
  /** Draws an axis' range (null: none) on its brush rectangle. */
  drawBrush: (rect: SVGRectElement, range: [number, number] | null) => void;
}

/** A drawing's run lines by run id. */
const linesOf = (svg: SVGSVGElement) => new Map(Array.from(svg.querySelectorAll<SVGPathElement>('path[data-run]')).map((p) => [p.dataset.run!, p]));

function wideView(svg: SVGSVGElement): View {
  return {
    svg,
    lines: linesOf(svg),
    toAxis: (event) => {
      const box = svg.getBoundingClientRect();
      return (event.clientY - box.top) * (svg.viewBox.baseVal.height / box.height);
    },
    drawBrush: (rect, range) => {
      if (!range) return;
      rect.setAttribute('y', range[0].toFixed(1));
      rect.setAttribute('height', (range[1] - range[0]).toFixed(1));
    },
  };
}

function narrowView(svg: SVGSVGElement): View {
  return {
    svg,
    lines: linesOf(svg),
    toAxis: (event) => {
      const box = svg.getBoundingClientRect();
      return narrowToAxis((event.clientX - box.left) * (svg.viewBox.baseVal.width / box.width));
    },
    drawBrush: (rect, range) => {
      if (!range) return;
      const [a, b] = [narrowX(range[1]), narrowX(range[0])];
      rect.setAttribute('x', a.toFixed(1));
      rect.setAttribute('width', (b - a).toFixed(1));
    },
  };
}

export function initExplore(): void {
  const figure = document.querySelector<HTMLElement>('[data-explore]');
  if (!figure) return;
  const wide = figure.querySelector<SVGSVGElement>('svg.pc-wide');
  const narrow = figure.querySelector<SVGSVGElement>('svg.pc-narrow');
  const data = figure.querySelector('script.explore-runs');
  const table = document.querySelector<HTMLTableElement>('table[data-explore-table]');
  if (!wide || !data || !table) return;
  const runs = JSON.parse(data.textContent ?? '[]') as SweepRun[];
  const scales = sweepScales(runs);
  // The phone's drawing must be laid out from the same scales as the build's (a check that the page and this script agree).
  if (narrow && narrowLayout(scales).axes.length !== narrow.querySelectorAll('g[data-axis]').length) return;
  const views = [wideView(wide), ...(narrow ? [narrowView(narrow)] : [])];
  const rows = Array.from(table.tBodies[0].rows);
  const count = figure.querySelector<HTMLElement>('[data-explore-count]');
  const clear = figure.querySelector<HTMLButtonElement>('[data-explore-clear]');
  const compare = figure.querySelector<HTMLAnchorElement>('[data-explore-compare]');
  const compareBase = compare?.getAttribute('href') ?? 'compare.html';
  const brushes = parseBrushes(readHashState().get('brush'), scales);
  if (clear) clear.hidden = false;

  /** Each axis' slider state (aria-valuenow and -valuetext) from its range, kept current by apply(). */
  const describers: Array<() => void> = [];
  const apply = () => {
    const kept = new Set(runs.filter((r) => scales.every((s) => !brushes.has(s.axis.key) || s.within(r, ...brushes.get(s.axis.key)!))).map((r) => r.run));
    for (const view of views) for (const [run, line] of view.lines) line.classList.toggle('pc-out', !kept.has(run));
    for (const row of rows) row.hidden = !kept.has(row.dataset.run ?? '');
    for (const s of scales) {
      const range = brushes.get(s.axis.key) ?? null;
      for (const view of views) {
        const g = view.svg.querySelector<SVGGElement>(`g[data-axis="${s.axis.key}"]`);
        const rect = g?.querySelector<SVGRectElement>('rect.pc-brush');
        if (!g || !rect) continue;
        rect.toggleAttribute('hidden', !range);
        view.drawBrush(rect, range);
        if (range) g.dataset.brush = `${range[0].toFixed(1)}:${range[1].toFixed(1)}`;
        else delete g.dataset.brush;
      }
    }
    figure.dataset.kept = String(kept.size);
    if (count) count.textContent = brushes.size ? `${kept.size} of ${runs.length} runs inside every range` : `${runs.length} runs`;
    if (compare) {
      compare.hidden = !(brushes.size && kept.size >= 2);
      compare.href = `${compareBase}#runs=${[...kept].join(',')}`;
    }
    for (const describe of describers) describe();
  };
  const save = () => writeHashState({ brush: formatBrushes(brushes, scales) });

  // By keyboard each axis is a focusable slider (the chart becomes a group of them).
  const foot = LAYOUT.height - LAYOUT.bottom;
  const step = (foot - LAYOUT.top) / 20;
  for (const view of views) {
    view.svg.setAttribute('role', 'group');
    for (const s of scales) {
      const g = view.svg.querySelector<SVGGElement>(`g[data-axis="${s.axis.key}"]`);
      const hit = g?.querySelector<SVGRectElement>('rect.pc-hit');
      if (!g || !hit) continue;
      let start: number | null = null;
      let moved = false;
      hit.addEventListener('pointerdown', (event) => {
        start = view.toAxis(event);
        moved = false;
        hit.setPointerCapture(event.pointerId);
        event.preventDefault();
      });
      hit.addEventListener('pointermove', (event) => {
        if (start === null) return;
        const y = view.toAxis(event);
        if (Math.abs(y - start) < 3 && !moved) return;
        moved = true;
        brushes.set(s.axis.key, [Math.min(start, y), Math.max(start, y)]);
        apply();
      });
      const end = () => {
        if (start === null) return;
        if (!moved) brushes.delete(s.axis.key); // a click clears the axis
        start = null;
        apply();
        save();
      };
      hit.addEventListener('pointerup', end);
      // A touch the browser takes over (a scroll across the phone's axis) keeps what was dragged so far, and clears nothing.
      hit.addEventListener('pointercancel', () => {
        if (start !== null && moved) save();
        start = null;
      });
      // The keyboard's way to brush.
      hit.setAttribute('tabindex', '0');
      hit.setAttribute('role', 'slider');
      hit.setAttribute(
        'aria-label',
        `${s.axis.label}: the range kept (Up and Down, or Right and Left, move its lower end, with Shift its upper end; Escape clears it)`,
      );
      hit.setAttribute('aria-valuemin', '0');
      hit.setAttribute('aria-valuemax', '20');
      const describe = () => {
        const [y0, y1] = brushes.get(s.axis.key) ?? [LAYOUT.top, foot];
        const share = (y: number) => Math.round(Math.min(100, Math.max(0, ((foot - y) / (foot - LAYOUT.top)) * 100)));
        hit.setAttribute('aria-valuenow', String(Math.round(Math.max(0, foot - y1) / step)));
        hit.setAttribute('aria-valuetext', brushes.has(s.axis.key) ? `keeps ${share(y1)} % to ${share(y0)} % of the axis` : 'keeps the whole axis');
      };
      describers.push(describe);
      hit.addEventListener('keydown', (event) => {
        const [y0, y1] = brushes.get(s.axis.key) ?? [LAYOUT.top - 6, foot + 6];
        // Steps counted from the foot (lower end) and from the top (upper end); 0 is the axis' end.
        let lower = Math.max(0, Math.round((foot - y1) / step));
        let upper = Math.max(0, Math.round((y0 - LAYOUT.top) / step));
        const up = event.key === 'ArrowUp' || event.key === 'ArrowRight';
        const down = event.key === 'ArrowDown' || event.key === 'ArrowLeft';
        if (event.key === 'Escape') lower = upper = 0;
        else if (up || down) {
          const delta = up ? 1 : -1;
          if (event.shiftKey) upper = Math.min(20 - lower - 1, Math.max(0, upper - delta));
          else lower = Math.min(20 - upper - 1, Math.max(0, lower + delta));
        } else return;
        event.preventDefault();
        if (lower === 0 && upper === 0) brushes.delete(s.axis.key);
        else brushes.set(s.axis.key, [upper === 0 ? LAYOUT.top - 6 : LAYOUT.top + upper * step, lower === 0 ? foot + 6 : foot - lower * step]);
        apply();
        save();
      });
    }
  }
  clear?.addEventListener('click', () => {
    brushes.clear();
    apply();
    save();
  });
  apply();
}
