// Members, cells and levels of a study on hand-built rows.
import { describe, expect, it } from 'vitest';
import { cellsOf, factorOf, groupBy, measured, membersOf, seedsOf, sortLevels, valuesOf } from '../../analysis/cells.js';
import { run, study } from './rows.js';

describe('cells', () => {
  const runs = [
    run({ optimizer: 'adam', seed: 0, sparsityActivation: 0.3 }),
    run({ optimizer: 'adam', seed: 1, sparsityActivation: 0.4 }),
    run({ optimizer: 'sgd', seed: 0, sparsityActivation: 0 }),
    run({ optimizer: 'sgd', seed: 1, sparsityActivation: null, status: 'diverged' }),
  ];
  const s = study('optimizer', [1], ['optimizer.name'], runs, (r) => ({ 'optimizer.name': r.optimizer }));
  const members = membersOf(s, new Map(runs.map((r) => [r.run, r])));

  it('joins members to their runs and drops runs that are not in the dataset', () => {
    expect(members).toHaveLength(4);
    expect(membersOf(s, new Map(runs.slice(0, 1).map((r) => [r.run, r])))).toHaveLength(1);
  });
  it('keeps only complete runs with the measure', () => {
    expect(valuesOf(measured(members, 'activation'), 'activation')).toEqual([0.3, 0.4, 0]);
  });
  it('groups members into cells by their factor values, in order of appearance', () => {
    const cells = cellsOf(members, ['optimizer.name']);
    expect(cells.map((c) => [c.factors['optimizer.name'], c.members.length])).toEqual([
      ['adam', 2],
      ['sgd', 2],
    ]);
    expect(cellsOf(members, []).map((c) => c.members.length)).toEqual([4]);
  });
  it("falls back to the run's resolved configuration when the study's record lacks a factor", () => {
    expect(factorOf(members[0], 'training.batchSize')).toBe(32);
    // the configured value (all images), not the dataset's count of them
    expect(factorOf(members[0], 'data.trainSubset')).toBeNull();
    expect(factorOf(members[0], 'no.such.path')).toBeNull();
    // a section is not a factor value
    expect(factorOf(members[0], 'training')).toBeNull();
  });
  it('orders numeric levels ascending, other levels as they appear, without duplicates', () => {
    expect(sortLevels([5e-4, 1e-4, 2e-3, 1e-4])).toEqual([1e-4, 5e-4, 2e-3]);
    expect(sortLevels(['sgd', 'adam', 'sgd'])).toEqual(['sgd', 'adam']);
    expect(seedsOf([{ seed: 2 }, { seed: 0 }, { seed: 2 }])).toEqual([0, 2]);
    expect([...groupBy([1, 2, 3, 4], (x) => x % 2).entries()]).toEqual([
      [1, [1, 3]],
      [0, [2, 4]],
    ]);
  });
});
