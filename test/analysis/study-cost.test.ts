// The study's size and cost, by hand and against the figures the README quotes for data/full.
import { describe, expect, it } from 'vitest';
import { studyCost } from '../../analysis/study-cost.js';
import { hasFull, readFull, readme } from './committed.js';
import { run } from './rows.js';

describe('study cost', () => {
  it('sums worker time over every run and takes the median speed of the complete ones', () => {
    const c = studyCost([
      run({ wallSeconds: 100, imagesPerSecond: 300, backend: 'wasm', codeVersion: 'b' }),
      run({ wallSeconds: 50, imagesPerSecond: 200, backend: 'wasm', codeVersion: 'a' }),
      run({ wallSeconds: 10, imagesPerSecond: 5, backend: 'cpu', status: 'failed', codeVersion: 'a' }),
    ]);
    // median of 300 and 200 (the failed run's speed does not count)
    expect(c).toEqual({ runs: 3, complete: 2, workerSeconds: 160, medianImagesPerSecond: 250, backends: ['wasm', 'cpu'] });
    expect(studyCost([]).medianImagesPerSecond).toBeNull();
  });

  it.skipIf(!hasFull)('gives the runs, worker hours and images/s the README quotes for the full study', () => {
    const c = studyCost(readFull().runs.rows);
    const text = readme();
    const quoted = /holds the whole `full` scale: (\d+) runs .*?, ([\d.]+) h of worker time .*?~(\d+) training images\/s per worker/.exec(text);
    expect(quoted, 'README.md: "The published study" must quote runs, worker hours and images/s').not.toBeNull();
    const [, runs, hours, speed] = quoted!;
    expect(Number(runs)).toBe(c.runs);
    expect(hours).toBe((c.workerSeconds / 3600).toFixed(1));
    expect(Number(speed)).toBe(Math.round(c.medianImagesPerSecond!));
  });
});
