// Small pure helpers: relative links and number formats.
import { describe, expect, it } from 'vitest';
import { configSections, configValue, duration, durationExact, percent, points, seedList } from '../../../../site/lib/text/format.js';
import { fileHref, pageHref, rootOf } from '../../../../site/lib/text/links.js';

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

describe('run configuration and provenance', () => {
  it('lists every leaf of a configuration by section, in reading order, with exact values', () => {
    const sections = configSections({
      training: { seed: 0, iterations: 2000 },
      data: { dataset: 'fashion-mnist', classes: null },
      zeta: { nested: { deep: true }, empty: {} },
      optimizer: { name: 'adam', lr: 5e-4, epsilon: 1e-8 },
      regularization: { appliesTo: ['conv', 'gamma'], strength: 0.0005 },
      schedule: { milestones: [] },
      version: 3,
    });
    expect(sections.map((s) => s.name)).toEqual(['', 'data', 'optimizer', 'regularization', 'schedule', 'training', 'zeta']);
    expect(sections[0].rows).toEqual([{ key: 'version', value: '3' }]);
    expect(sections[1].rows).toEqual([
      { key: 'classes', value: 'null' },
      { key: 'dataset', value: 'fashion-mnist' },
    ]);
    expect(sections[2].rows).toEqual([
      { key: 'epsilon', value: '1e-8' },
      { key: 'lr', value: '0.0005' },
      { key: 'name', value: 'adam' },
    ]);
    expect(sections[3].rows[0]).toEqual({ key: 'appliesTo', value: '[conv, gamma]' });
    expect(sections[4].rows).toEqual([{ key: 'milestones', value: '[]' }]);
    expect(sections[6].rows).toEqual([
      { key: 'empty', value: '{}' },
      { key: 'nested.deep', value: 'true' },
    ]);
    expect(configValue([{ a: 1 }])).toBe('[{"a":1}]');
    expect(configValue('<b>')).toBe('<b>'); // text: the page escapes it
  });

  it('gives the exact seconds next to a rounded duration', () => {
    expect(durationExact(42.04)).toBe('42 s');
    expect(durationExact(1.25)).toBe('1.3 s');
    expect(durationExact(212.44)).toBe('3.5 min (212.4 s)');
    expect(durationExact(7560)).toBe('2.1 h (7,560 s)');
  });
});
