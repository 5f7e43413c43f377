// Small pure helpers: relative links, number formats, statistics.
import { describe, expect, it } from 'vitest';
import { duration, percent, points, seedList } from '../../site/lib/format.js';
import { fileHref, pageHref, rootOf } from '../../site/lib/links.js';
import { mean, median, quantile, sd } from '../../site/lib/stats.js';

describe('relative links', () => {
  it('climbs back to the root from nested pages', () => {
    expect(rootOf('index')).toBe('./');
    expect(rootOf('runs/abc')).toBe('../');
    expect(pageHref('runs/abc', 'studies/optimizer', 'h2')).toBe('../studies/optimizer.html#h2');
    expect(pageHref('index', 'runs')).toBe('./runs.html');
    expect(fileHref('studies/x', 'assets/site.css')).toBe('../assets/site.css');
  });
});

describe('formats', () => {
  it('prints shares, differences, durations and seed lists', () => {
    expect(percent(0.3125)).toBe('31.3 %');
    expect(percent(null)).toBe('n/a');
    expect(points(-0.052)).toBe('−5.2 pts');
    expect(duration(42)).toBe('42 s');
    expect(duration(7200 * 3)).toBe('6.0 h');
    expect(seedList([2, 0, 1, 5, 7, 8])).toBe('0–2, 5, 7, 8');
  });
});

describe('statistics', () => {
  it('computes mean, sample sd and quantiles on a hand-worked sample', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, sample sd sqrt(32/7)
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(sd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(median([3, 1, 2])).toBe(2);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(sd([1])).toBe(0);
  });
});
