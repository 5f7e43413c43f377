// H6 and H7 (v2) on runs built by hand: who is compared, saturation, plateaus.
import { describe, expect, it } from 'vitest';
import { h6V2, h6Unit, H6_V2, type H6Feature, type H6Run } from '../../../analysis/hypotheses/h6.js';
import { h7V2, h7Unit, H7_V2, type H7Run } from '../../../analysis/hypotheses/h7.js';

/** A block of a run: dying features with early lifetime sparseness `dying`, survivors with `alive`. */
function block(layer: number, dying: number[], alive: number[], extra: H6Feature[] = []): H6Feature[] {
  return [
    ...dying.map((s) => ({ layer, earlyLifetime: s, earlyAt: 3000, diedAt: 9000 })),
    ...alive.map((s) => ({ layer, earlyLifetime: s, earlyAt: 3000, diedAt: null })),
    ...extra,
  ];
}

const run = (seed: number, features: H6Feature[]): H6Run => ({ run: `r${seed}`, seed, features });

describe('H6 v2', () => {
  it('compares the dying features with the survivors of their own block', () => {
    // Block 5: dying medians 0.6, survivors 0.3 -> gap 0.3 (supports). Block 0: nobody dies.
    const r = run(0, [...block(5, [0.5, 0.6, 0.7], [0.2, 0.3, 0.4, 0.35]), ...block(0, [], [0.1, 0.2, 0.3])]);
    const u5 = h6Unit(r, 5);
    expect(u5.outcome).toBe('supports');
    expect(u5.numbers.gap).toBeCloseTo(0.6 - 0.325, 12);
    expect(h6Unit(r, 0)).toMatchObject({ outcome: 'insufficient', note: 'too-few-dying' });
  });

  it('leaves out features dead by the early checkpoint and those with no response', () => {
    const r = run(
      0,
      block(
        5,
        [0.5, 0.6, 0.7],
        [0.2, 0.3, 0.4],
        [
          { layer: 5, earlyLifetime: null, earlyAt: 3000, diedAt: 2000 },
          { layer: 5, earlyLifetime: null, earlyAt: 3000, diedAt: 9000 },
        ],
      ),
    );
    const u = h6Unit(r, 5);
    expect(u.numbers).toMatchObject({ dying: 3, survivors: 3, alreadyDead: 1, noResponse: 1 });
  });

  it('calls a gap below the contradiction margin a contradiction, and one in between unclear', () => {
    expect(h6Unit(run(0, block(5, [0.3, 0.31, 0.32], [0.3, 0.1, 0.5])), 5).outcome).toBe('contradicts');
    expect(h6Unit(run(0, block(5, [0.37, 0.38, 0.39], [0.3, 0.1, 0.5])), 5).outcome).toBe('unclear');
  });

  it('does not decide on a saturated block', () => {
    // Every feature reads almost exactly 1.0, as v1's active share did.
    const u = h6Unit(run(0, block(5, [1, 1, 0.999], [1, 0.995, 1, 1])), 5);
    expect(u).toMatchObject({ outcome: 'insufficient', note: 'saturated' });
  });

  it('needs at least three runs in a block; then the block majority decides', () => {
    const supporting = (seed: number) => run(seed, block(5, [0.5, 0.6, 0.7], [0.2, 0.3, 0.4]));
    expect(h6V2([supporting(0), supporting(1)])).toMatchObject({ outcome: 'inconclusive', note: 'no-deciding-block' });
    const result = h6V2([supporting(0), supporting(1), supporting(2)]);
    expect(result.outcome).toBe('supported');
    expect(result.effect.meanGap).toBeCloseTo(0.3, 12);
    expect(H6_V2.minRuns).toBe(3);
    const contradicting = (seed: number) => run(seed, block(5, [0.2, 0.3, 0.25], [0.2, 0.3, 0.4]));
    expect(h6V2([contradicting(0), contradicting(1), contradicting(2)]).outcome).toBe('contradicted');
    // Two blocks that disagree: inconclusive.
    const mixed = (seed: number) => run(seed, [...block(5, [0.5, 0.6, 0.7], [0.2, 0.3, 0.4]), ...block(4, [0.2, 0.3, 0.25], [0.2, 0.3, 0.4])]);
    expect(h6V2([mixed(0), mixed(1), mixed(2)]).outcome).toBe('inconclusive');
  });
});

const series = (values: Array<[number, number]>) => values.map(([iteration, sparsity]) => ({ iteration, sparsity }));

describe('H7 v2', () => {
  it('supports an early rise that levels off and persists', () => {
    const r: H7Run = {
      run: 'a',
      seed: 0,
      iterations: 30000,
      series: series([
        [0, 0],
        [3000, 0.06],
        [6000, 0.1],
        [24000, 0.115],
        [27000, 0.12],
        [30000, 0.12],
      ]),
    };
    const u = h7Unit(r);
    expect(u.numbers.halfAt).toBeCloseTo(3000 / 30000, 12);
    expect(u.numbers.plateau).toBe(true);
    expect(u.numbers.persists).toBe(true);
    expect(u.outcome).toBe('supports');
  });

  it('leaves "persists" undecided for a run still rising at its end', () => {
    const r: H7Run = {
      run: 'b',
      seed: 0,
      iterations: 30000,
      series: series([
        [0, 0],
        [3000, 0.08],
        [24000, 0.1],
        [27000, 0.13],
        [30000, 0.16],
      ]),
    };
    const u = h7Unit(r);
    expect(u.numbers.halfAt).toBeCloseTo(0.1, 12);
    expect(u.numbers.plateau).toBe(false);
    expect(u.numbers.persists).toBeNull();
    expect(u).toMatchObject({ outcome: 'unclear', note: 'still-moving' });
  });

  it('contradicts a late emergence and a plateau far below the peak', () => {
    const late: H7Run = {
      run: 'c',
      seed: 0,
      iterations: 30000,
      series: series([
        [0, 0],
        [15000, 0.01],
        [20000, 0.1],
        [24000, 0.12],
        [30000, 0.12],
      ]),
    };
    expect(h7Unit(late).outcome).toBe('contradicts');
    const lost: H7Run = {
      run: 'd',
      seed: 0,
      iterations: 30000,
      series: series([
        [0, 0],
        [3000, 0.3],
        [6000, 0.4],
        [24000, 0.1],
        [27000, 0.1],
        [30000, 0.1],
      ]),
    };
    expect(h7Unit(lost).numbers.persists).toBe(false);
    expect(h7Unit(lost).outcome).toBe('contradicts');
  });

  it('needs final sparsity and three runs', () => {
    const flat: H7Run = {
      run: 'e',
      seed: 0,
      iterations: 100,
      series: series([
        [0, 0],
        [100, 0.01],
      ]),
    };
    expect(h7Unit(flat)).toMatchObject({ outcome: 'insufficient', note: 'too-little-sparsity' });
    const ok = (seed: number): H7Run => ({
      run: `s${seed}`,
      seed,
      iterations: 100,
      series: series([
        [0, 0],
        [10, 0.2],
        [80, 0.2],
        [90, 0.2],
        [100, 0.2],
      ]),
    });
    expect(h7V2([ok(0), ok(1)]).outcome).toBe('inconclusive');
    expect(h7V2([ok(0), ok(1), ok(2)]).outcome).toBe('supported');
    expect(H7_V2.plateauTolerance).toBe(0.01);
  });
});
