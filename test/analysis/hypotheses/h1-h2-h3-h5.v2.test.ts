// H1, H2, H3 and H5 (v2) on cells built by hand.
import { describe, expect, it } from 'vitest';
import { h1V2 } from '../../../analysis/hypotheses/h1.js';
import { h2V2 } from '../../../analysis/hypotheses/h2.js';
import { h3V2, type H3Run } from '../../../analysis/hypotheses/h3.js';
import { h5V2, type H5Run } from '../../../analysis/hypotheses/h5.js';
import { rangeShortfall, type RangeCell } from '../../../analysis/rules/lr-range.js';

const range = (optimizer: string, lrs: number[], sparsities: number[][]): RangeCell[] => lrs.map((lr, i) => ({ optimizer, lr, sparsities: sparsities[i] }));
const zeros = (optimizer: string, lrs = [1e-3, 3e-3, 1e-2]) =>
  range(
    optimizer,
    lrs,
    lrs.map(() => [0, 0]),
  );
const ALL = ['sgd', 'momentum', 'adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop'];

describe('learning-rate ranges', () => {
  it('need three rates over a tenfold span with two seeds each', () => {
    expect(rangeShortfall(zeros('adam'))).toBeNull();
    expect(rangeShortfall(zeros('adam', [1e-3, 2e-3]))).toBe('too-few-rates');
    expect(rangeShortfall(zeros('adam', [1e-3, 2e-3, 5e-3]))).toBe('too-narrow');
    expect(rangeShortfall(range('adam', [1e-3, 3e-3, 1e-2], [[0, 0], [0], [0, 0]]))).toBe('too-few-seeds');
  });
});

describe('H1 v2', () => {
  it('is supported when no optimizer reaches substantial sparsity at any rate', () => {
    expect(h1V2(ALL.flatMap((o) => zeros(o))).outcome).toBe('supported');
  });

  it('is contradicted by one optimizer substantial at one rate, and names it', () => {
    const cells = [
      ...ALL.filter((o) => o !== 'rmsprop').flatMap((o) => zeros(o)),
      ...range(
        'rmsprop',
        [1e-3, 3e-3, 1e-2],
        [
          [0, 0],
          [0.02, 0.03],
          [0.12, 0.11],
        ],
      ),
    ];
    const r = h1V2(cells);
    expect(r.outcome).toBe('contradicted');
    expect(r.effect).toMatchObject({ optimizer: 'rmsprop', lr: 1e-2 });
    expect(r.effect.largestMean).toBeCloseTo(0.115, 12);
  });

  it('is inconclusive when a cell straddles the line', () => {
    const cells = [
      ...ALL.filter((o) => o !== 'rmsprop').flatMap((o) => zeros(o)),
      ...range(
        'rmsprop',
        [1e-3, 3e-3, 1e-2],
        [
          [0, 0],
          [0, 0],
          [0.103, 0.091],
        ],
      ),
    ];
    expect(h1V2(cells).outcome).toBe('inconclusive');
  });
});

describe('H2 v2', () => {
  const reference = [
    ...zeros('sgd', [0.01, 0.03, 0.1]),
    ...range(
      'momentum',
      [3e-3, 0.01, 0.03],
      [
        [0, 0],
        [0.01, 0.02],
        [0, 0],
      ],
    ),
  ];
  it('takes the SGD family cell with the most sparsity as the reference', () => {
    const r = h2V2([
      ...reference,
      ...range(
        'adam',
        [3e-4, 1e-3, 3e-3],
        [
          [0.2, 0.21],
          [0.3, 0.31],
          [0.4, 0.41],
        ],
      ),
    ]);
    expect(r.effect.reference).toEqual({ optimizer: 'momentum', lr: 0.01, mean: 0.015 });
    expect(r.units.find((u) => u.key === 'adam')?.outcome).toBe('supports');
    expect(r.units.find((u) => u.key === 'adam')?.numbers.minMargin).toBeCloseTo(0.205 - 0.015, 12);
  });

  it('calls an optimizer that sparsifies only at some rates learning-rate dependent', () => {
    const r = h2V2([
      ...reference,
      ...range(
        'rmsprop',
        [1e-3, 3e-3, 1e-2],
        [
          [0, 0.01],
          [0.2, 0.25],
          [0.8, 0.84],
        ],
      ),
    ]);
    expect(r.units.find((u) => u.key === 'rmsprop')).toMatchObject({ outcome: 'unclear', note: 'depends-on-learning-rate' });
  });

  it('decides by majority and reports the median smallest margin of the deciding units', () => {
    const big = (o: string) =>
      range(
        o,
        [1e-3, 3e-3, 1e-2],
        [
          [0.3, 0.3],
          [0.3, 0.31],
          [0.35, 0.36],
        ],
      );
    const cells = [...reference, ...big('adam'), ...big('adamax'), ...big('rmsprop'), ...zeros('adagrad'), ...zeros('adadelta', [0.1, 0.3, 1])];
    const r = h2V2(cells);
    // Two contradict: a majority supports, but not without contradiction.
    expect(r.outcome).toBe('inconclusive');
    expect(r.effect.medianMinMargin).toBeCloseTo(0.3 - 0.015, 12);
    expect(h2V2([...reference, ...big('adam'), ...big('adamax'), ...big('rmsprop')]).outcome).toBe('supported');
  });

  it('has no reference until both SGD ranges are complete', () => {
    const r = h2V2([
      ...zeros('sgd'),
      ...range(
        'adam',
        [3e-4, 1e-3, 3e-3],
        [
          [0.2, 0.2],
          [0.3, 0.3],
          [0.4, 0.4],
        ],
      ),
    ]);
    expect(r).toMatchObject({ outcome: 'inconclusive', note: 'no-reference' });
  });
});

describe('H3 v2', () => {
  const sweep = (optimizer: string, kind: 'l2' | 'decoupled', values: Array<[number, number[]]>): H3Run[] =>
    values.flatMap(([strength, ss]) => ss.map((sparsity, i) => ({ run: `${optimizer}${strength}${i}`, optimizer, kind, lr: 1e-3, strength, sparsity })));
  it('supports a clear rise, needs three seeds, and gives the per-step shrink of decoupled decay', () => {
    const r = h3V2([
      ...sweep('adam', 'l2', [
        [1e-4, [0, 0, 0]],
        [5e-4, [0.1, 0.11, 0.12]],
        [2e-3, [0.25, 0.24, 0.26]],
      ]),
      ...sweep('adamw', 'decoupled', [
        [5e-4, [0, 0, 0]],
        [0.5, [0.01, 0, 0.02]],
      ]),
      ...sweep('momentum', 'l2', [
        [1e-4, [0, 0]],
        [2e-3, [0.1, 0.1]],
      ]),
    ]);
    const byKey = Object.fromEntries(r.units.map((u) => [u.key, u]));
    expect(byKey['adam l2 lr 0.001'].outcome).toBe('supports');
    expect(byKey['adamw decoupled lr 0.001'].outcome).toBe('contradicts');
    expect(byKey['adamw decoupled lr 0.001'].numbers.shrinkPerStep).toEqual([5e-7, 5e-4]);
    expect(byKey['momentum l2 lr 0.001']).toMatchObject({ outcome: 'insufficient', note: 'too-few-seeds' });
    expect(r.outcome).toBe('inconclusive');
  });
});

describe('H5 v2', () => {
  const arm = (images: number[], values: number[][]): H5Run[] =>
    [2, 5, 10].flatMap((classes, i) =>
      values[i].map((sparsity, s) => ({
        run: `${classes}-${s}`,
        dataset: 'fashion-mnist',
        classes,
        trainImages: images[i],
        iterations: 10000,
        batchSize: 32,
        sparsity,
      })),
    );
  it('decides only when every task has the same images and epochs', () => {
    const equal = h5V2(
      arm(
        [12000, 12000, 12000],
        [
          [0.4, 0.41, 0.42],
          [0.2, 0.21, 0.2],
          [0.1, 0.11, 0.12],
        ],
      ),
    );
    expect(equal.outcome).toBe('supported');
    expect(equal.units[0].numbers).toMatchObject({ trainImages: 12000, epochs: (10000 * 32) / 12000 });
    expect(equal.effect.difference).toBeCloseTo(0.41 - 0.11, 12);
    const unequal = h5V2(
      arm(
        [12000, 30000, 60000],
        [
          [0.4, 0.41, 0.42],
          [0.2, 0.21, 0.2],
          [0.1, 0.11, 0.12],
        ],
      ),
    );
    expect(unequal.units[0]).toMatchObject({ outcome: 'insufficient', note: 'unequal-size' });
    expect(unequal.outcome).toBe('inconclusive');
  });

  it('contradicts when the fewest-class task is not clearly above the most-class one', () => {
    expect(
      h5V2(
        arm(
          [12000, 12000, 12000],
          [
            [0.1, 0.11, 0.1],
            [0.1, 0.1, 0.1],
            [0.1, 0.1, 0.11],
          ],
        ),
      ).outcome,
    ).toBe('contradicted');
  });
});
