import { describe, expect, it } from 'vitest';
import { epochs, trainingLengths } from '../../analysis/training-length.js';

describe('epochs', () => {
  it('is iterations x batch size / training images', () => {
    // The main configuration: 10,000 iterations of 32 over 60,000 images = 320,000 / 60,000.
    expect(epochs({ trainImages: 60000, iterations: 10000, batchSize: 32 })).toBeCloseTo(16 / 3, 12);
    // The equal-size task arm: the same iterations over 12,000 images, five times the passes.
    expect(epochs({ trainImages: 12000, iterations: 10000, batchSize: 32 })).toBeCloseTo(80 / 3, 12);
    expect(epochs({ trainImages: 100, iterations: 3, batchSize: 50 })).toBe(1.5);
  });
});

describe('trainingLengths', () => {
  it('groups runs by images, iterations and batch, most images first, and counts them', () => {
    const out = trainingLengths([
      { trainImages: 12000, iterations: 10000, batchSize: 32 },
      { trainImages: 60000, iterations: 10000, batchSize: 32 },
      { trainImages: 12000, iterations: 10000, batchSize: 32 },
      { trainImages: 60000, iterations: 10000, batchSize: 64 },
    ]);
    expect(out.map((t) => [t.trainImages, t.batchSize, t.runs])).toEqual([
      [60000, 64, 1],
      [60000, 32, 1],
      [12000, 32, 2],
    ]);
    expect(out[0].epochs).toBeCloseTo(32 / 3, 12);
  });

  it('gives one length for runs that all train alike, and none for no runs', () => {
    const same = { trainImages: 60000, iterations: 30000, batchSize: 32 };
    expect(trainingLengths([same, { ...same }, { ...same }])).toEqual([{ ...same, epochs: 16, runs: 3 }]);
    expect(trainingLengths([])).toEqual([]);
  });
});
