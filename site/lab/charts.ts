// The lab's live charts, drawn as plain SVG: they redraw several times a second while a run
// trains, which the site's Vega figures (built for static data) are not made for.

const NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const fmt = (v: number) => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2));

export interface Series {
  label: string;
  points: Array<[number, number]>;
  className: string;
}

/** Lines over a shared x axis (iterations). */
export function drawLines(
  svg: SVGSVGElement,
  series: Series[],
  opts: {
    xMax: number;
    yLabel: string;
    yMin?: number;
    yMax?: number;
    /** A fixed floor for the top of the y axis, so that a few points do not fill it. */ yMaxAtLeast?: number;
    /** A vertical mark (the preset's expected first death). */ marker?: { x: number; label: string };
  },
): void {
  const W = 360;
  const H = 190;
  // The top margin holds the y axis title above the highest tick; the right one, the last x tick.
  const m = { l: 44, r: 16, t: 24, b: 30 };
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const yMin = opts.yMin ?? (ys.length ? Math.min(...ys) : 0);
  const yMax = opts.yMax ?? Math.max(opts.yMaxAtLeast ?? 0, ys.length ? Math.max(...ys) : 1);
  const span = yMax - yMin || 1;
  const x = (v: number) => m.l + (v / (opts.xMax || 1)) * (W - m.l - m.r);
  const y = (v: number) => H - m.b - ((v - yMin) / span) * (H - m.t - m.b);
  svg.append(
    el('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, class: 'axis' }),
    el('line', { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, class: 'axis' }),
  );
  for (const v of [yMin, yMin + span / 2, yMax]) svg.append(el('text', { x: m.l - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, fmt(v)));
  const xTicks = [0, Math.round(opts.xMax / 2), opts.xMax];
  xTicks.forEach((v, i) =>
    svg.append(
      el('text', { x: x(v), y: H - m.b + 14, 'text-anchor': i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle', class: 'tick' }, String(v)),
    ),
  );
  svg.append(el('text', { x: (m.l + W - m.r) / 2, y: H - 2, 'text-anchor': 'middle', class: 'label' }, 'iteration'));
  svg.append(el('text', { x: 4, y: 12, class: 'label' }, opts.yLabel));
  if (opts.marker && opts.marker.x <= opts.xMax) {
    const mx = x(opts.marker.x);
    svg.append(
      el('line', { x1: mx, y1: m.t, x2: mx, y2: H - m.b, class: 'marker' }),
      el('text', { x: mx + 3, y: m.t + 10, class: 'marker-label' }, opts.marker.label),
    );
  }
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    svg.append(
      el('polyline', { points: s.points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' '), class: `series ${s.className}`, fill: 'none' }),
    );
    svg.append(el('text', { x: W - m.r - 4, y: m.t + 24 + 13 * i, 'text-anchor': 'end', class: `legend ${s.className}` }, s.label));
  });
}

export interface Strip {
  label: string;
  /** One value per filter; null (undefined) values are drawn at the bottom edge. */
  values: Array<number | null>;
  /** Filters to mark as dead. */
  dead: Set<number>;
}

/** One row of dots per layer: each filter's value on a shared axis, dead filters marked. */
export function drawStrips(svg: SVGSVGElement, strips: Strip[], opts: { min: number; max: number; ticks: Array<[number, string]>; axisLabel: string }): void {
  const W = 360;
  const rowH = 22;
  const m = { l: 56, r: 8, t: 6, b: 30 };
  const H = m.t + rowH * strips.length + m.b;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const x = (v: number) => m.l + ((Math.min(opts.max, Math.max(opts.min, v)) - opts.min) / (opts.max - opts.min)) * (W - m.l - m.r);
  strips.forEach((s, row) => {
    const cy = m.t + rowH * row + rowH / 2;
    svg.append(el('text', { x: m.l - 6, y: cy + 4, 'text-anchor': 'end', class: 'tick' }, s.label));
    svg.append(el('line', { x1: m.l, y1: cy, x2: W - m.r, y2: cy, class: 'grid' }));
    s.values.forEach((v, i) => {
      const dead = s.dead.has(i);
      svg.append(
        el('circle', {
          cx: v === null ? m.l : x(v).toFixed(1),
          cy: (cy + ((i % 5) - 2) * 2).toFixed(1),
          r: dead ? 2.6 : 1.8,
          class: dead ? 'dot dead' : v === null ? 'dot none' : 'dot',
        }),
      );
    });
  });
  const base = m.t + rowH * strips.length;
  svg.append(el('line', { x1: m.l, y1: base, x2: W - m.r, y2: base, class: 'axis' }));
  for (const [v, label] of opts.ticks) svg.append(el('text', { x: x(v), y: base + 13, 'text-anchor': 'middle', class: 'tick' }, label));
  svg.append(el('text', { x: W - m.r, y: H - 3, 'text-anchor': 'end', class: 'label' }, opts.axisLabel));
}
