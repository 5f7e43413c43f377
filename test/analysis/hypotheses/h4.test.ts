// H4 on hand-built batch-size and learning-rate studies: both factors must change sparsity.
import { describe, expect, it } from 'vitest';
import { h4V1 } from '../../../analysis/hypotheses/h4.js';
import { contextOf, type Context } from '../../../analysis/rules/v1-context.js';
import { flat, input, run, study } from '../rows.js';

const h4 = (ctx: Context) => flat(h4V1(ctx));

function studies(batch: Record<number, number[]>, lr: Record<number, number[]>) {
  const b = Object.entries(batch).flatMap(([size, xs]) => xs.map((x, seed) => run({ batchSize: Number(size), seed, sparsityActivation: x })));
  const l = Object.entries(lr).flatMap(([rate, xs]) => xs.map((x, seed) => run({ lr: Number(rate), seed, sparsityActivation: x })));
  return input({
    runs: [...b, ...l],
    studies: [
      study('batch-size', [4], ['training.batchSize'], b, (r) => ({ 'training.batchSize': r.batchSize })),
      study('learning-rate', [4], ['optimizer.lr'], l, (r) => ({ 'optimizer.lr': r.lr })),
    ],
  });
}

describe('H4', () => {
  it('is supported when some pair of levels of each factor differs clearly', () => {
    const v = h4(contextOf(studies({ 32: [0.1, 0.11], 64: [0.12, 0.13], 256: [0.3, 0.31] }, { 1e-4: [0.2, 0.21], 1e-3: [0.02, 0.03] })));
    expect(v.units.map((u) => [u.factor, u.outcome])).toEqual([
      ['training.batchSize', 'supports'],
      ['optimizer.lr', 'supports'],
    ]);
    expect(v.outcome).toBe('supported');
    // largest difference of batch size: 32 -> 256, 0.305 - 0.105 = 0.2; of lr: -0.18; the effect is the larger in size
    expect(v.units[0].pair).toEqual([32, 256]);
    expect(v.effect.value).toBeCloseTo(0.2, 12);
    expect(v.figure).toEqual({ study: 'batch-size', figure: 'sparsity' });
  });
  it('is contradicted when one factor changes nothing (a universal claim)', () => {
    const v = h4(contextOf(studies({ 32: [0.1, 0.11], 256: [0.3, 0.31] }, { 1e-4: [0.1, 0.11], 1e-3: [0.11, 0.12] })));
    expect(v.units.map((u) => u.outcome)).toEqual(['supports', 'contradicts']);
    expect(v.outcome).toBe('contradicted');
  });
  it('is missing when no study varies either factor', () => {
    expect(h4(contextOf(input({}))).missing).toBe(true);
  });
});
