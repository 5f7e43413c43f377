// The per-cell findings on studies built by hand: equal samples, criteria with mechanisms,
// decay budgets next to sparsity, width.
import { describe, expect, it } from 'vitest';
import { budgetCells, familySplit } from '../../../analysis/exploratory/budgets.js';
import { unregularizedCells, unregularizedTotals } from '../../../analysis/exploratory/criteria.js';
import { equalSamples } from '../../../analysis/exploratory/equal-samples.js';
import { widthCells } from '../../../analysis/exploratory/width.js';
import { DEFAULT_THRESHOLDS } from '../../../data/definitions.js';
import { emergenceRow, filterRow, run, study } from '../rows.js';

describe('equalSamples', () => {
  it('reads each batch size at the end and at the iteration where it has seen as many samples as the smallest batch', () => {
    // Batch 16 to 2000 iterations: 32,000 samples, which batch 32 reaches at 1000. Sparsity = iteration / 10,000 of 100 filters.
    const small = run({ batchSize: 16, iterations: 2000 });
    const large = run({ batchSize: 32, iterations: 2000 });
    const s = study('batch-size', [4], ['training.batchSize'], [small, large], (r) => ({ 'training.batchSize': r.batchSize }));
    const emergence = [small, large].flatMap((r) => [0, 500, 1000, 1500, 2000].map((t) => emergenceRow(r.run, t, 0, 100, t / 100)));
    const e = equalSamples(s, [small, large], emergence);
    expect(e).toMatchObject({ iterations: 2000, samples: 32_000 });
    expect(e?.cells.map((c) => [c.batchSize, c.atEqualIterations?.mean, c.atEqualSamples?.mean, c.seeds[0].equalSamplesIteration])).toEqual([
      [16, 0.2, 0.2, 2000],
      [32, 0.2, 0.1, 1000],
    ]);
    expect(e?.curves.find((p) => p.batchSize === 32 && p.iteration === 1000)?.samples).toBe(32_000);
  });
});

describe('criteria', () => {
  it('labels every dead filter of the unregularized runs and reads both criteria', () => {
    const none = run({ regularization: 'none', strength: 0, optimizer: 'rmsprop', lr: 0.01 });
    const l2 = run({ optimizer: 'rmsprop', lr: 0.01 });
    const filters = [
      filterRow(none.run, { filter: 0, gamma: 0.15, beta: -0.8, deadByActivation: true }),
      filterRow(none.run, { filter: 1, gamma: 0.13, beta: -0.6, deadByActivation: true }),
      filterRow(none.run, { filter: 2, gamma: 0.9, beta: 0.1 }),
      filterRow(none.run, { filter: 3, gamma: 0.2, beta: 0.3, deadByActivation: true }),
      filterRow(l2.run, { filter: 0, gamma: 1e-5, beta: -0.1, deadByGamma: true, deadByActivation: true }),
    ];
    const s = study('optimizer', [1], ['optimizer.name', 'regularization.kind'], [none, l2], (r) => ({
      'optimizer.name': r.optimizer,
      'regularization.kind': r.regularization,
    }));
    const [cell] = unregularizedCells([s], [none, l2], filters, DEFAULT_THRESHOLDS);
    expect(cell.seeds[0]).toMatchObject({ filters: 4, deadByActivation: 3, deadByGamma: 0, mechanisms: { 'gamma-collapse': 0, 'negative-beta': 2, other: 1 } });
    expect(cell.seeds[0].negativeBetaGamma).toBeCloseTo(0.14, 12);
    expect(cell.seeds[0].negativeBetaBeta).toBeCloseTo(-0.7, 12);
    expect(cell.sparsityActivation?.mean).toBeCloseTo(3 / 4, 12);
    expect(unregularizedTotals([none, l2], filters, DEFAULT_THRESHOLDS)).toEqual({
      runs: 1,
      withGammaDead: 0,
      withActivationDead: 1,
      mechanisms: { 'gamma-collapse': 0, 'negative-beta': 2, other: 1 },
    });
  });
});

describe('budgetCells', () => {
  it('puts each cell’s decay budget next to its sparsity, null with the reason for adaptive L2', () => {
    const sgd = run({ optimizer: 'sgd', lr: 0.1, iterations: 10_000, sparsityActivation: 0, sparsityGamma: 0 });
    const adam = run({ optimizer: 'adam', lr: 1e-3, iterations: 10_000, sparsityActivation: 0.1, sparsityGamma: 0.08 });
    const s = study('optimizer', [2], ['optimizer.name'], [sgd, adam], (r) => ({ 'optimizer.name': r.optimizer }));
    const [a, b] = budgetCells([s], [sgd, adam], [], DEFAULT_THRESHOLDS);
    expect(a).toMatchObject({ optimizer: 'sgd', canCollapse: false, reason: null });
    expect(a.eFolds).toBeCloseTo(0.1 * 5e-4 * 10_000, 12);
    expect(b).toMatchObject({ optimizer: 'adam', eFolds: null, canCollapse: null });
    expect(b.reason).toMatch(/does not apply/);
    expect(b.sparsityGamma?.mean).toBe(0.08);
  });

  it('splits the optimizers by whether any of their runs has a dead filter', () => {
    const rs = [
      run({ optimizer: 'adagrad', deadByActivation: 0 }),
      run({ optimizer: 'adagrad', deadByActivation: 0 }),
      run({ optimizer: 'adam', deadByActivation: 4, deadByGamma: 3 }),
    ];
    expect(familySplit(rs)).toEqual([
      { optimizer: 'adagrad', regularization: 'l2', runs: 2, withDeadByActivation: 0, withDeadByGamma: 0 },
      { optimizer: 'adam', regularization: 'l2', runs: 1, withDeadByActivation: 1, withDeadByGamma: 1 },
    ]);
  });
});

describe('widthCells', () => {
  it('summarises each width over its seeds, widths ascending', () => {
    const rs = [
      run({ width: 16, seed: 0, sparsityActivation: 0.1 }),
      run({ width: 8, seed: 0, sparsityActivation: 0 }),
      run({ width: 16, seed: 1, sparsityActivation: 0.12 }),
    ];
    const s = study('width', [], ['model.width'], rs, (r) => ({ 'model.width': r.width }));
    const cells = widthCells(s, rs);
    expect(cells.map((c) => c.width)).toEqual([8, 16]);
    expect(cells[1].sparsityActivation?.mean).toBeCloseTo(0.11, 12);
    expect(cells[1].seeds.map((x) => x.seed)).toEqual([0, 1]);
  });
});
