// A verdict as a small figure (site/lib/figures/verdict-chart.ts): units against the rule's band where
// each has a value, else by outcome; a unit naming its runs links to their comparison.
import { describe, expect, it } from 'vitest';
import { VERDICT_CHART, verdictChartSvg } from '../../../../site/lib/figures/verdict-chart.js';
import type { Unit, Verdict } from '../../../../site/lib/verdicts/verdict-display.js';

function verdict(units: Unit[], band?: Verdict['band']): Verdict {
  return {
    hypothesis: 6,
    statement: 's',
    outcome: 'inconclusive',
    reason: 'r',
    effect: { label: 'e', value: null, text: 'n/a' },
    seeds: [0],
    minSeeds: 1,
    runs: [],
    studies: [],
    figure: null,
    units,
    pending: 0,
    ...(band ? { band } : {}),
  };
}
const href = (runs: readonly string[]) => `compare.html#runs=${runs.join(',')}`;
const cx = (svg: string) => [...svg.matchAll(/<circle class="vchart-unit unit-(\w+)" cx="([\d.]+)"/g)].map((m) => ({ outcome: m[1], x: Number(m[2]) }));

describe('the verdict chart', () => {
  const band = { label: 'gap', supports: 0.1, contradicts: 0.02, format: 'number' as const };

  it('places each unit on the value axis against the thresholds, and links a unit with runs to their comparison', () => {
    const svg = verdictChartSvg(
      verdict(
        [
          { label: 'a', outcome: 'supports', detail: '', value: 0.2, runs: ['r1', 'r2'] },
          { label: 'b', outcome: 'contradicts', detail: '', value: -0.1 },
          { label: 'c', outcome: 'unclear', detail: '', value: 0.05 },
        ],
        band,
      ),
      href,
    )!;
    const dots = cx(svg);
    expect(dots.map((d) => d.outcome).sort()).toEqual(['contradicts', 'supports', 'unclear']);
    const x = Object.fromEntries(dots.map((d) => [d.outcome, d.x]));
    const band0 = Number(/class="vchart-band" x="([\d.]+)" y="4" width="([\d.]+)"/.exec(svg)![1]);
    const band1 = band0 + Number(/class="vchart-band" x="[\d.]+" y="4" width="([\d.]+)"/.exec(svg)![1]);
    expect(x.contradicts).toBeLessThan(band0);
    expect(x.unclear).toBeGreaterThan(band0);
    expect(x.unclear).toBeLessThan(band1);
    expect(x.supports).toBeGreaterThan(band1);
    for (const d of dots) expect(d.x).toBeLessThanOrEqual(VERDICT_CHART.width);
    expect(svg).toContain('<a href="compare.html#runs=r1,r2"');
    expect(svg.match(/<a /g)).toHaveLength(1);
  });

  it("draws one line where the rule has one threshold, with the side that supports named, and a unit's range as a whisker around its dot", () => {
    const line = { label: 'margin', supports: 0.1, contradicts: 0.1, format: 'points' as const, supportsAbove: true };
    const svg = verdictChartSvg(
      verdict(
        [
          { label: 'a', outcome: 'supports', detail: '', value: 0.3, range: [0.3, 0.5] },
          { label: 'b', outcome: 'contradicts', detail: '', value: 0, range: [0, 0.02] },
          { label: 'c', outcome: 'unclear', detail: '', value: 0, range: [0, 0.4] },
        ],
        line,
      ),
      href,
    )!;
    expect(svg).not.toContain('vchart-band');
    const at = Number(/class="vchart-threshold" data-threshold="0.1" x1="([\d.]+)"/.exec(svg)![1]);
    const x = Object.fromEntries(cx(svg).map((d) => [d.outcome, d.x]));
    expect(x.supports).toBeGreaterThan(at);
    expect(x.contradicts).toBeLessThan(at);
    expect(svg).toContain('contradicts ←');
    expect(svg).toContain('→ supports');
    // Whiskers: the unclear unit's crosses the line, the contradicting one's stays short of it.
    const whiskers = [...svg.matchAll(/class="vchart-range" x1="([\d.]+)" x2="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(whiskers).toHaveLength(3);
    expect(whiskers.some(([a, b]) => a < at && b > at)).toBe(true);
    expect(whiskers.some(([, b]) => b < at)).toBe(true);
    // The line sits well inside the drawing, so the words either side of it fit.
    expect(at).toBeGreaterThan(0.3 * VERDICT_CHART.width - 1);
    expect(at).toBeLessThan(0.7 * VERDICT_CHART.width + 1);
  });

  it('shows units by outcome where they carry no value, and nothing without units', () => {
    const svg = verdictChartSvg(
      verdict([
        { label: 'a', outcome: 'unclear', detail: '' },
        { label: 'b', outcome: 'supports', detail: '' },
      ]),
      href,
    )!;
    expect([...svg.matchAll(/<rect class="vchart-unit unit-(\w+)"/g)].map((m) => m[1])).toEqual(['supports', 'unclear']);
    expect(svg).toContain('1 supports · 1 unclear');
    expect(verdictChartSvg(verdict([]), href)).toBeNull();
  });
});
