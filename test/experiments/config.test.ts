// Configuration: defaults, per-optimizer hyperparameters, errors that name the field, hashing.
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, ConfigError, OPTIMIZER_DEFAULTS, configHash, learningRateAt, resolveConfig } from '../../experiments/config.js';

describe('run configuration', () => {
  it('fills every default and keeps only the optimizer’s own hyperparameters', () => {
    const c = resolveConfig({ optimizer: { name: 'adadelta' } });
    expect(c.optimizer).toEqual({ name: 'adadelta', lr: 1.0, rho: 0.9, epsilon: 1e-6 });
    expect(c.regularization).toEqual({ kind: 'l2', strength: 5e-4, appliesTo: ['conv', 'gamma', 'beta', 'head'] });
    expect(c.thresholds).toEqual({ gamma: 1e-3, activation: 1e-12 });
  });

  it('names the bad field and the allowed values', () => {
    try {
      resolveConfig({ model: { activation: 'tanh' } }, 'study.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0].path).toBe('model.activation');
      expect((error as Error).message).toContain('study.json');
      expect((error as Error).message).toContain('"relu", "leaky-relu"');
    }
  });

  it('rejects hyperparameters the optimizer does not use, and unknown fields', () => {
    expect(() => resolveConfig({ optimizer: { name: 'sgd', beta1: 0.9 } })).toThrow(/sgd does not use beta1/);
    expect(() => resolveConfig({ training: { epochs: 3 } })).toThrow(/training: unknown field\(s\) epochs/);
  });

  it('gives AdamW one name: Adam with decoupled decay', () => {
    expect(() => resolveConfig({ optimizer: { name: 'adamw' }, regularization: { kind: 'l2' } })).toThrow(/adamw is Adam with decoupled/);
    expect(() => resolveConfig({ optimizer: { name: 'adam' }, regularization: { kind: 'decoupled' } })).toThrow(/use optimizer.name "adamw"/);
    expect(resolveConfig({ optimizer: { name: 'adamw' }, regularization: { kind: 'decoupled' } }).optimizer.name).toBe('adamw');
  });

  it('hashes equal configurations equally, whatever the key order or spelled-out defaults', () => {
    const a = resolveConfig({ optimizer: { name: 'adam' }, training: { seed: 1 } });
    const b = resolveConfig({ training: { seed: 1, batchSize: 64 }, optimizer: { lr: 1e-3, name: 'adam' } });
    const c = resolveConfig({ optimizer: { name: 'adam' }, training: { seed: 2 } });
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(a)).not.toBe(configHash(c));
  });

  it('steps the learning rate at the milestones', () => {
    const c = resolveConfig({ optimizer: { name: 'sgd', lr: 0.1 }, schedule: { kind: 'step', milestones: [10, 20], factor: 0.5 } });
    expect([0, 9, 10, 19, 20, 100].map((i) => learningRateAt(c, i))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    expect(() => resolveConfig({ schedule: { kind: 'step' } })).toThrow(/milestone/);
  });

  it('lists every field of the configuration as a CLI field, read off the schema', () => {
    const leaves = (node: unknown, prefix: string): string[] =>
      node && typeof node === 'object' && !Array.isArray(node)
        ? Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k))
        : [prefix];
    const paths = new Set(CONFIG_FIELDS.map((f) => f.path));
    // Every resolved field of every optimizer has a CLI field...
    for (const name of Object.keys(OPTIMIZER_DEFAULTS)) {
      const kind = name === 'adamw' ? 'decoupled' : 'l2';
      for (const leaf of leaves(resolveConfig({ optimizer: { name }, regularization: { kind } }), '')) expect(paths).toContain(leaf);
    }
    // ...and every CLI field is a real one with the right kind.
    const byPath = new Map(CONFIG_FIELDS.map((f) => [f.path, f]));
    expect(byPath.get('optimizer.name')?.values).toContain('rmsprop');
    expect(byPath.get('regularization.appliesTo')).toMatchObject({ kind: 'list', values: ['conv', 'gamma', 'beta', 'head'] });
    expect(byPath.get('measure.prune')?.kind).toBe('boolean');
    expect(byPath.get('training.iterations')?.kind).toBe('number');
  });
});
