// A verdict as a small figure (issue 38, "verdicts as figures"): its units against the rule's
// threshold band where the rule reads one number per unit (a dot per unit on the value axis, the
// band where a unit is unclear shaded, the support and contradict thresholds marked), else its
// units as a row of marks by outcome. Each mark names its unit and, where the unit names its runs,
// links to a compare view of them. Drawn at build time as SVG whose colours come from the page's
// CSS (site.css .vchart), so it follows the theme and needs no script. Pure.
import type { ThresholdBand, Unit, Verdict } from '../verdicts/verdict-display.js';

/** The chart's size in CSS px: at most a phone's width; text at 12 px. */
export const VERDICT_CHART = { width: 340, left: 8, right: 8, dot: 6, text: 12 } as const;

const ORDER: readonly Unit['outcome'][] = ['supports', 'contradicts', 'unclear', 'insufficient'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A value as the band writes it. */
export function formatValue(x: number, format: ThresholdBand['format']): string {
  if (format === 'share') return `${Number((x * 100).toFixed(1))} %`;
  if (format === 'points') return `${x > 0 ? '+' : ''}${Number((x * 100).toFixed(1))} pts`;
  return String(Number(x.toPrecision(3)));
}

/** A unit's mark (an SVG element `tag` with `attrs`) holding its name, linked to a comparison of its runs where it names them. */
function mark(unit: Unit, tag: 'circle' | 'rect', attrs: string, compareHref: (runs: readonly string[]) => string): string {
  const body = `<${tag} class="vchart-unit unit-${unit.outcome}" ${attrs}><title>${escape(`${unit.label}: ${unit.outcome}. ${unit.detail}`)}</title></${tag}>`;
  const runs = unit.runs ?? [];
  return runs.length > 0 ? `<a href="${escape(compareHref(runs))}" data-unit-runs="${escape(runs.join(','))}">${body}</a>` : body;
}

/** Where a band chart's value axis starts and ends and where each unit's dot sits (rows stacked upwards where dots or whiskers would overlap). */
function bandLayout(band: ThresholdBand, units: ReadonlyArray<Unit & { value: number }>) {
  const { width, left, right, dot } = VERDICT_CHART;
  const values = [...units.flatMap((u) => [u.value, ...(u.range ?? [])]), band.supports, band.contradicts];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  lo -= pad;
  hi += pad;
  // One line: kept between 30 and 70 % of the width, so that the words on either side of it fit.
  if (band.supports === band.contradicts) {
    const t = band.supports;
    if (t - lo < 0.3 * (hi - lo)) lo = t - (0.3 / 0.7) * (hi - t);
    else if (hi - t < 0.3 * (hi - lo)) hi = t + (0.3 / 0.7) * (t - lo);
  }
  const x = (value: number) => left + ((value - lo) / (hi - lo)) * (width - left - right);
  const placed: Array<{ from: number; to: number; row: number }> = [];
  const dots = units
    .slice()
    .sort((a, b) => a.value - b.value)
    .map((u) => {
      const cx = x(u.value);
      const [from, to] = u.range ? [x(u.range[0]), x(u.range[1])] : [cx, cx];
      const span = { from: Math.min(from, cx) - dot * 0.8, to: Math.max(to, cx) + dot * 0.8 };
      let row = 0;
      while (placed.some((p) => p.row === row && p.from < span.to && span.from < p.to)) row++;
      placed.push({ ...span, row });
      return { unit: u, cx, from, to, row };
    });
  const rows = Math.max(1, ...dots.map((d) => d.row + 1));
  const axisY = 12 + rows * (dot + 2);
  return { x, dots, axisY, height: axisY + 36 };
}

/** Units against the band: the value axis spans the values and both thresholds, the unclear zone between the thresholds shaded (one line where they are one). */
function bandChart(v: Verdict, band: ThresholdBand, units: Array<Unit & { value: number }>, compareHref: (runs: readonly string[]) => string): string {
  const { width, left, right, dot, text } = VERDICT_CHART;
  const { x, dots, axisY } = bandLayout(band, units);
  const marks = dots.map(({ unit, cx, from, to, row }) => {
    const cy = axisY - 8 - row * (dot + 2);
    const whisker = unit.range ? `<line class="vchart-range" x1="${from.toFixed(1)}" x2="${to.toFixed(1)}" y1="${cy.toFixed(1)}" y2="${cy.toFixed(1)}"/>` : '';
    return whisker + mark(unit, 'circle', `cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${dot / 2 + 1}" data-value="${unit.value}"`, compareHref);
  });
  // Each threshold's label on a line of its own under the axis, running inwards from its mark, so
  // that neither leaves the drawing nor covers the other when the thresholds are close or at an end.
  const tick = (value: number, label: string, line: number) => {
    const at = x(value);
    const anchor = at > width / 2 ? 'end' : 'start';
    return (
      `<line class="vchart-threshold" data-threshold="${value}" x1="${at.toFixed(1)}" x2="${at.toFixed(1)}" y1="4" y2="${axisY + 3 + line * 14}"/>` +
      `<text class="vchart-text" x="${(at + (anchor === 'start' ? 3 : -3)).toFixed(1)}" y="${axisY + 16 + line * 14}" text-anchor="${anchor}" font-size="${text}">${escape(label)}</text>`
    );
  };
  let thresholds: string;
  if (band.supports === band.contradicts) {
    // One line: its value under it, the side that supports and the side that contradicts either side of it.
    const at = x(band.supports);
    const [leftWord, rightWord] = band.supportsAbove ? ['contradicts', 'supports'] : ['supports', 'contradicts'];
    thresholds =
      `<line class="vchart-threshold" data-threshold="${band.supports}" x1="${at.toFixed(1)}" x2="${at.toFixed(1)}" y1="4" y2="${axisY + 30}"/>` +
      `<text class="vchart-text" x="${at.toFixed(1)}" y="${axisY + 16}" text-anchor="middle" font-size="${text}">${escape(formatValue(band.supports, band.format))}</text>` +
      `<text class="vchart-text" x="${(at - 4).toFixed(1)}" y="${axisY + 30}" text-anchor="end" font-size="${text}">${leftWord} ←</text>` +
      `<text class="vchart-text" x="${(at + 4).toFixed(1)}" y="${axisY + 30}" text-anchor="start" font-size="${text}">→ ${rightWord}</text>`;
  } else {
    const [b0, b1] = [x(band.supports), x(band.contradicts)].sort((a, b) => a - b);
    thresholds =
      `<rect class="vchart-band" x="${b0.toFixed(1)}" y="4" width="${(b1 - b0).toFixed(1)}" height="${axisY - 4}"/>` +
      tick(band.supports, `supports ${formatValue(band.supports, band.format)}`, 0) +
      tick(band.contradicts, `contradicts ${formatValue(band.contradicts, band.format)}`, 1);
  }
  return (
    `<line class="vchart-axis" x1="${left}" x2="${width - right}" y1="${axisY}" y2="${axisY}"/>` +
    thresholds +
    marks.join('') +
    `<desc>${escape(`${v.units.length} units of H${v.hypothesis} on ${band.label}`)}</desc>`
  );
}

/** The squares' side and how many fit a row, for `count` units. */
function tallyLayout(count: number): { size: number; perRow: number; rows: number } {
  const size = Math.max(10, Math.min(16, Math.floor((VERDICT_CHART.width - 16) / Math.max(1, count)) - 2));
  const perRow = Math.floor(VERDICT_CHART.width / (size + 2));
  return { size, perRow, rows: Math.ceil(count / perRow) };
}

/** Units as a row of squares by outcome (supports, contradicts, unclear, insufficient), where the rule reads no single number. */
function tallyChart(units: readonly Unit[], compareHref: (runs: readonly string[]) => string): string {
  const { text } = VERDICT_CHART;
  const { size, perRow } = tallyLayout(units.length);
  const sorted = units.slice().sort((a, b) => ORDER.indexOf(a.outcome) - ORDER.indexOf(b.outcome));
  const squares = sorted.map((u, i) => {
    const col = i % perRow;
    const row = Math.floor(i / perRow);
    return mark(u, 'rect', `x="${col * (size + 2)}" y="${4 + row * (size + 2)}" width="${size}" height="${size}" rx="2"`, compareHref);
  });
  const rows = Math.ceil(sorted.length / perRow);
  const counts = ORDER.map((o) => [o, units.filter((u) => u.outcome === o).length] as const)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${o}`)
    .join(' · ');
  return `${squares.join('')}<text class="vchart-text" x="0" y="${8 + rows * (size + 2) + text}" font-size="${text}">${escape(counts)}</text>`;
}

/**
 * The verdict's figure as SVG markup, or null when it has no units. With the rule's band and a
 * value on every deciding unit, the units on the value axis; else the units by outcome.
 */
export function verdictChartSvg(v: Verdict, compareHref: (runs: readonly string[]) => string): string | null {
  if (v.units.length === 0) return null;
  const valued = v.units.filter((u): u is Unit & { value: number } => typeof u.value === 'number' && Number.isFinite(u.value));
  const band = v.band && valued.length > 0 ? v.band : null;
  const body = band ? bandChart(v, band, valued, compareHref) : tallyChart(v.units, compareHref);
  const { size, rows } = tallyLayout(v.units.length);
  const height = band ? bandLayout(band, valued).height : 8 + rows * (size + 2) + VERDICT_CHART.text + 6;
  const label = !band
    ? `H${v.hypothesis}: ${v.units.length} units by outcome`
    : band.supports === band.contradicts
      ? `H${v.hypothesis}: ${valued.length} units on ${band.label}; a unit supports only ${band.supportsAbove ? 'at or above' : 'below'} ${formatValue(band.supports, band.format)}, contradicts only ${band.supportsAbove ? 'below' : 'at or above'} it`
      : `H${v.hypothesis}: ${valued.length} units on ${band.label}; a unit supports at ${formatValue(band.supports, band.format)}, contradicts at ${formatValue(band.contradicts, band.format)}`;
  // With links (units naming their runs) a group, whose links a screen reader reaches; else one image.
  const role = v.units.some((u) => (u.runs ?? []).length > 0) ? 'group' : 'img';
  return `<svg class="vchart" viewBox="0 0 ${VERDICT_CHART.width} ${height}" width="${VERDICT_CHART.width}" height="${height}" role="${role}" aria-label="${escape(label)}">${body}</svg>`;
}
