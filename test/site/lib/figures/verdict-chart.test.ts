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
