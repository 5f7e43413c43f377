// Dying against surviving features on histories built by hand: who is compared, the AUC, power.
import { describe, expect, it } from 'vitest';
import { compareAll, compareFates, MIN_EFFECT } from '../../../analysis/exploratory/fate-comparison.js';
import { deathsOf, fateSamples, READINGS } from '../../../analysis/exploratory/fates.js';
import { detectableAucEffect } from '../../../analysis/exploratory/rank-statistics.js';
import { filterRow } from '../rows.js';
import { history } from './histories.js';

// Layer 0: filters 0-2 die at 2000, 3 died at 500, 4-6 survive. Lifetime sparseness at 1000: dying 0.1, 0.2, 0.3; survivors 0.4, 0.5, 0.6.
const diedAt = [2000, 2000, 2000, 500, null, null, null];
const lifetime = [0.1, 0.2, 0.3, null, 0.4, 0.5, 0.6];
const h = history('r0', 0, [0, 500, 1000, 2000], [() => lifetime.map((l, f) => ({ lifetime: l, gamma: 1 - f / 10 }))]);
const filters = diedAt.map((d, f) => filterRow('r0', { layer: 0, filter: f, diedAt: d }));
const deaths = deathsOf('r0', filters);

describe('fateSamples', () => {
  it('splits the features by fate and leaves out those already dead', () => {
    const s = fateSamples(h, deaths, 0, 1000, READINGS.lifetime);
    expect(s).toEqual({ dying: [0.1, 0.2, 0.3], surviving: [0.4, 0.5, 0.6], alreadyDead: 1, undefinedReading: 0 });
  });

  it('counts a feature as dying only while its death is still ahead', () => {
    expect(fateSamples(h, deaths, 0, 2000, READINGS.lifetime)).toMatchObject({ dying: [], alreadyDead: 4 });
  });

  it('leaves out a feature whose reading is undefined', () => {
    expect(fateSamples(h, deaths, 0, 0, READINGS.lifetime)).toMatchObject({ alreadyDead: 0, undefinedReading: 1 });
  });

  it('is null at a checkpoint the run does not have, and names a filter missing from the filters dataset', () => {
    expect(fateSamples(h, deaths, 0, 750, READINGS.lifetime)).toBeNull();
    expect(() => fateSamples(h, deathsOf('r0', filters.slice(1)), 0, 1000, READINGS.lifetime)).toThrow(/filter 0 is not in the filters dataset/);
  });
});

describe('compareFates', () => {
  it('gives AUC 0 when every dying feature is below every survivor, with medians and power', () => {
    const c = compareFates(h, deaths, 0, 1000, 'lifetime');
    expect(c).toMatchObject({ run: 'r0', seed: 0, layer: 0, iteration: 1000, dying: 3, surviving: 3, auc: 0, dyingMedian: 0.2, survivingMedian: 0.5 });
    expect(c?.detectable).toBeCloseTo(detectableAucEffect(3, 3), 12);
    expect(c?.powered).toBe((c?.detectable as number) <= MIN_EFFECT);
    expect(c?.powered).toBe(false);
    expect(c?.p).toBeGreaterThan(0);
  });

  it('reads |gamma| the same way', () => {
    // |gamma| = 1 - f/10: dying filters 0-2 have the larger gammas -> AUC 1.
    expect(compareFates(h, deaths, 0, 1000, 'absGamma')?.auc).toBe(1);
  });

  it('compareAll covers every layer at every checkpoint the run has', () => {
    expect(compareAll([{ history: h, deaths }], [500, 1000, 1234], 'lifetime').map((c) => c.iteration)).toEqual([500, 1000]);
  });
});
