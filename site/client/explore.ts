// Browser: brushing on the explore page's parallel coordinates. A drag along an axis keeps the
// runs whose value lies in the dragged range; the lines outside fade and the run table keeps the
// runs inside every range. Ranges are kept in the address in data values, so that a link keeps the
// same runs at any size and after the sweep grows: #brush=lr:0.001:0.01;optimizer:adam,rmsprop.
import { sweepScales, type AxisScale, type SweepRun } from '../lib/parallel-coordinates.js';
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

export function initExplore(): void {
  const figure = document.querySelector<HTMLElement>('[data-explore]');
  if (!figure) return;
  const svg = figure.querySelector<SVGSVGElement>('svg.pc');
  const data = figure.querySelector('script.explore-runs');
  const table = document.querySelector<HTMLTableElement>('table[data-explore-table]');
  if (!svg || !data || !table) return;
  const runs = JSON.parse(data.textContent ?? '[]') as SweepRun[];
  const scales = sweepScales(runs);
  const lines = new Map(Array.from(svg.querySelectorAll<SVGPathElement>('path[data-run]')).map((p) => [p.dataset.run!, p]));
  const rows = Array.from(table.tBodies[0].rows);
  const count = figure.querySelector<HTMLElement>('[data-explore-count]');
  const clear = figure.querySelector<HTMLButtonElement>('[data-explore-clear]');
  const compare = figure.querySelector<HTMLAnchorElement>('[data-explore-compare]');
  const compareBase = compare?.getAttribute('href') ?? 'compare.html';
  const brushes = parseBrushes(readHashState().get('brush'), scales);
  if (clear) clear.hidden = false;

  const apply = () => {
    const kept = new Set(runs.filter((r) => scales.every((s) => !brushes.has(s.axis.key) || s.within(r, ...brushes.get(s.axis.key)!))).map((r) => r.run));
    for (const [run, line] of lines) line.classList.toggle('pc-out', !kept.has(run));
    for (const row of rows) row.hidden = !kept.has(row.dataset.run ?? '');
    for (const s of scales) {
      const g = svg.querySelector<SVGGElement>(`g[data-axis="${s.axis.key}"]`);
      const rect = g?.querySelector<SVGRectElement>('rect.pc-brush');
      const range = brushes.get(s.axis.key);
      if (!g || !rect) continue;
      rect.toggleAttribute('hidden', !range);
      if (range) {
        rect.setAttribute('y', range[0].toFixed(1));
        rect.setAttribute('height', (range[1] - range[0]).toFixed(1));
        g.dataset.brush = `${range[0].toFixed(1)}:${range[1].toFixed(1)}`;
      } else delete g.dataset.brush;
    }
    figure.dataset.kept = String(kept.size);
    if (count) count.textContent = brushes.size ? `${kept.size} of ${runs.length} runs inside every range` : `${runs.length} runs`;
    if (compare) {
      compare.hidden = !(brushes.size && kept.size >= 2);
      compare.href = `${compareBase}#runs=${[...kept].join(',')}`;
    }
  };
  const save = () => writeHashState({ brush: formatBrushes(brushes, scales) });

  /** Pointer position in chart pixels (the SVG scales with the page). */
  const toChart = (event: PointerEvent) => {
    const box = svg.getBoundingClientRect();
    const view = svg.viewBox.baseVal;
    return (event.clientY - box.top) * (view.height / box.height);
  };

  for (const s of scales) {
    const g = svg.querySelector<SVGGElement>(`g[data-axis="${s.axis.key}"]`);
    const hit = g?.querySelector<SVGRectElement>('rect.pc-hit');
    if (!g || !hit) continue;
    let start: number | null = null;
    let moved = false;
    hit.addEventListener('pointerdown', (event) => {
      start = toChart(event);
      moved = false;
      hit.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    hit.addEventListener('pointermove', (event) => {
      if (start === null) return;
      const y = toChart(event);
      if (Math.abs(y - start) < 3 && !moved) return;
      moved = true;
      brushes.set(s.axis.key, [Math.min(start, y), Math.max(start, y)]);
      apply();
    });
    hit.addEventListener('pointerup', () => {
      if (start === null) return;
      if (!moved) brushes.delete(s.axis.key); // a click clears the axis
      start = null;
      apply();
      save();
    });
  }
  clear?.addEventListener('click', () => {
    brushes.clear();
    apply();
    save();
  });
  apply();
}
