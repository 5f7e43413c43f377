// The decay budget and the death mechanism (experiments/definitions.ts) on configurations and
// filters written by hand.
import { describe, expect, it } from 'vitest';
import { decayBudget, deathMechanism, eFoldsToCollapse, type DecayBudgetConfig } from '../../../data/definitions.js';

function config(
  optimizer: DecayBudgetConfig['optimizer'],
  kind: DecayBudgetConfig['regularization']['kind'],
  strength: number,
  iterations = 10_000,
  appliesTo = ['conv', 'gamma', 'beta', 'head'],
): DecayBudgetConfig {
  return { optimizer, regularization: { kind, strength, appliesTo }, schedule: { kind: 'constant', milestones: [], factor: 0.1 }, training: { iterations } };
}

describe('decayBudget', () => {
  it('is lr x strength x T for SGD with L2: 0.1 x 5e-4 x 10,000 = 0.5', () => {
    expect(decayBudget(config({ name: 'sgd', lr: 0.1 }, 'l2', 5e-4)).eFolds).toBeCloseTo(0.5, 12);
  });

  it('divides by 1 - momentum: 0.03 x 5e-4 x 10,000 / 0.1 = 1.5', () => {
    expect(decayBudget(config({ name: 'momentum', lr: 0.03, momentum: 0.9 }, 'l2', 5e-4)).eFolds).toBeCloseTo(1.5, 12);
  });

  it('is the per-step shrink lr x strength x T for decoupled decay, whatever the optimizer: 1e-3 x 0.5 x 10,000 = 5', () => {
    expect(decayBudget(config({ name: 'adamw', lr: 1e-3 }, 'decoupled', 0.5)).eFolds).toBeCloseTo(5, 12);
    expect(decayBudget(config({ name: 'momentum', lr: 1e-3, momentum: 0.9 }, 'decoupled', 0.5)).eFolds).toBeCloseTo(5, 12);
  });

  it('is not defined for an adaptive optimizer with L2: null with the reason', () => {
    for (const name of ['adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop']) {
      const b = decayBudget(config({ name, lr: 1e-3 }, 'l2', 5e-4));
      expect(b.eFolds).toBeNull();
      expect(b.reason).toMatch(name);
    }
  });

  it('is 0 without regularization, at strength 0, and when gamma is not regularized', () => {
    expect(decayBudget(config({ name: 'sgd', lr: 0.1 }, 'none', 5e-4)).eFolds).toBe(0);
    expect(decayBudget(config({ name: 'sgd', lr: 0.1 }, 'l2', 0)).eFolds).toBe(0);
    expect(decayBudget(config({ name: 'sgd', lr: 0.1 }, 'l2', 5e-4, 10_000, ['conv', 'head'])).eFolds).toBe(0);
  });

  it('sums the rate of a step schedule: 100 steps at 0.1 then 100 at 0.01, strength 1e-2', () => {
    const c = { ...config({ name: 'sgd', lr: 0.1 }, 'l2', 1e-2, 200), schedule: { kind: 'step' as const, milestones: [100], factor: 0.1 } };
    expect(decayBudget(c).eFolds).toBeCloseTo((100 * 0.1 + 100 * 0.01) * 1e-2, 12);
  });

  it('asks for a resolved learning rate', () => {
    expect(() => decayBudget(config({ name: 'sgd' }, 'l2', 5e-4))).toThrow(/resolved/);
  });

  it('is compared with ln(1000) = 6.9 e-folds, what takes gamma from 1 to 1e-3', () => {
    expect(eFoldsToCollapse()).toBeCloseTo(Math.log(1000), 12);
    expect(eFoldsToCollapse({ gamma: 1e-2, activation: 1e-12 })).toBeCloseTo(Math.log(100), 12);
  });
});

describe('deathMechanism', () => {
  it('labels a filter dead by gamma as a gamma collapse, whatever its beta and activation', () => {
    expect(deathMechanism({ gamma: 5e-4, beta: -0.3, deadByActivation: true })).toBe('gamma-collapse');
    expect(deathMechanism({ gamma: -5e-4, beta: 0.1, deadByActivation: false })).toBe('gamma-collapse');
  });

  it('labels a filter dead by activation with a live gamma by the sign of its beta', () => {
    expect(deathMechanism({ gamma: 0.15, beta: -0.8, deadByActivation: true })).toBe('negative-beta');
    expect(deathMechanism({ gamma: 0.15, beta: 0.2, deadByActivation: true })).toBe('other');
  });

  it('gives no label to a filter alive by both criteria', () => {
    expect(deathMechanism({ gamma: 0.15, beta: -0.8, deadByActivation: false })).toBeNull();
  });
});
