// Each optimizer's first steps against its closed-form update, written out here independently.
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { resolveConfig, OPTIMIZERS, type RunConfig, type OptimizerName } from '../../experiments/config.js';
import { createOptimizer } from '../../experiments/optimizers.js';

const W0 = [0.5, -1.0, 2.0];
const GRADS = [
  [0.1, -0.2, 0.3],
  [0.05, 0.4, -0.1],
  [-0.3, 0.1, 0.2],
];

type Vec = number[];
const map = (a: Vec, f: (x: number, i: number) => number) => a.map(f);

/** PyTorch's update rules, element-wise in plain numbers. */
function reference(cfg: RunConfig, steps: Vec[]): Vec {
  const h = cfg.optimizer;
  const { kind, strength } = cfg.regularization;
  let w = [...W0];
  let s1 = W0.map(() => (h.name === 'adagrad' ? (h.initialAccumulator ?? 0) : 0));
  let s2 = W0.map(() => 0);
  steps.forEach((g0, k) => {
    const t = k + 1;
    const lr = h.lr;
    const g = kind === 'l2' ? map(g0, (x, i) => x + strength * w[i]) : g0;
    if (kind === 'decoupled') w = map(w, (x) => x * (1 - lr * strength));
    switch (h.name) {
      case 'sgd':
        w = map(w, (x, i) => x - lr * g[i]);
        break;
      case 'momentum':
        s1 = map(s1, (v, i) => h.momentum! * v + g[i]);
        w = map(w, (x, i) => x - lr * s1[i]);
        break;
      case 'adam':
      case 'adamw': {
        s1 = map(s1, (m, i) => h.beta1! * m + (1 - h.beta1!) * g[i]);
        s2 = map(s2, (v, i) => h.beta2! * v + (1 - h.beta2!) * g[i] ** 2);
        const mhat = map(s1, (m) => m / (1 - h.beta1! ** t));
        const vhat = map(s2, (v) => v / (1 - h.beta2! ** t));
        w = map(w, (x, i) => x - (lr * mhat[i]) / (Math.sqrt(vhat[i]) + h.epsilon!));
        break;
      }
      case 'adamax':
        s1 = map(s1, (m, i) => h.beta1! * m + (1 - h.beta1!) * g[i]);
        s2 = map(s2, (u, i) => Math.max(h.beta2! * u, Math.abs(g[i]) + h.epsilon!));
        w = map(w, (x, i) => x - (lr / (1 - h.beta1! ** t)) * (s1[i] / s2[i]));
        break;
      case 'adagrad':
        s1 = map(s1, (a, i) => a + g[i] ** 2);
        w = map(w, (x, i) => x - (lr * g[i]) / (Math.sqrt(s1[i]) + h.epsilon!));
        break;
      case 'adadelta': {
        s1 = map(s1, (v, i) => h.rho! * v + (1 - h.rho!) * g[i] ** 2);
        const d = map(g, (gi, i) => (Math.sqrt(s2[i] + h.epsilon!) / Math.sqrt(s1[i] + h.epsilon!)) * gi);
        s2 = map(s2, (u, i) => h.rho! * u + (1 - h.rho!) * d[i] ** 2);
        w = map(w, (x, i) => x - lr * d[i]);
        break;
      }
      case 'rmsprop':
        s1 = map(s1, (v, i) => h.rho! * v + (1 - h.rho!) * g[i] ** 2);
        w = map(w, (x, i) => x - (lr * g[i]) / (Math.sqrt(s1[i]) + h.epsilon!));
        break;
    }
  });
  return w;
}

function runOptimizer(cfg: RunConfig, steps: Vec[], fusedUpdates = false): Vec {
  const variable = tf.variable(tf.tensor1d(W0), true, `w-${Math.random()}`);
  const opt = createOptimizer(cfg, [{ variable, group: 'conv' }], { fusedUpdates });
  expect(opt.fusedUpdates).toBe(fusedUpdates);
  for (const g of steps) {
    const grad = tf.tensor1d(g);
    opt.apply({ [variable.name]: grad }, cfg.optimizer.lr);
    grad.dispose();
  }
  const out = Array.from(variable.dataSync());
  opt.dispose();
  variable.dispose();
  return out;
}

function configFor(name: OptimizerName, kind: 'none' | 'l2' | 'decoupled'): RunConfig {
  return resolveConfig({ optimizer: { name }, regularization: { kind, strength: 0.01 } });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('optimizers follow their closed-form updates', () => {
  const cases: Array<[OptimizerName, 'none' | 'l2' | 'decoupled']> = [];
  for (const name of OPTIMIZERS) {
    if (name === 'adamw') cases.push([name, 'decoupled']);
    else if (name === 'adam') cases.push([name, 'none'], [name, 'l2']);
    else cases.push([name, 'none'], [name, 'l2'], [name, 'decoupled']);
  }
  it.each(cases.flatMap(([name, kind]) => [[name, kind, 'op by op'] as const, [name, kind, 'fused'] as const]))(
    '%s with %s regularization, three steps, %s',
    (name, kind, path) => {
      const cfg = configFor(name, kind);
      const got = runOptimizer(cfg, GRADS, path === 'fused');
      const want = reference(cfg, GRADS);
      got.forEach((x, i) => expect(x).toBeCloseTo(want[i], 5));
      // The parameters moved: no case is trivially equal to the start.
      expect(got.some((x, i) => Math.abs(x - W0[i]) > 1e-4)).toBe(true);
    },
  );

  it('SGD first step is exactly w - lr * (g + lambda w) under L2', () => {
    const cfg = resolveConfig({ optimizer: { name: 'sgd', lr: 0.1 }, regularization: { kind: 'l2', strength: 0.5 } });
    const got = runOptimizer(cfg, [GRADS[0]]);
    // Worked by hand: 0.5 - 0.1*(0.1 + 0.25) = 0.465; -1 - 0.1*(-0.2 - 0.5) = -0.93; 2 - 0.1*(0.3 + 1) = 1.87
    expect(got[0]).toBeCloseTo(0.465, 6);
    expect(got[1]).toBeCloseTo(-0.93, 6);
    expect(got[2]).toBeCloseTo(1.87, 6);
  });

  it('regularization only touches the configured parameter groups', () => {
    const cfg = resolveConfig({ optimizer: { name: 'sgd', lr: 0.1 }, regularization: { kind: 'l2', strength: 0.5, appliesTo: ['gamma'] } });
    const conv = tf.variable(tf.tensor1d([1]), true, 'only-conv');
    const gamma = tf.variable(tf.tensor1d([1]), true, 'only-gamma');
    const opt = createOptimizer(cfg, [
      { variable: conv, group: 'conv' },
      { variable: gamma, group: 'gamma' },
    ]);
    const zero = tf.tensor1d([0]);
    opt.apply({ 'only-conv': zero, 'only-gamma': zero }, 0.1);
    expect(conv.dataSync()[0]).toBeCloseTo(1, 7);
    expect(gamma.dataSync()[0]).toBeCloseTo(0.95, 6);
    tf.dispose([conv, gamma, zero]);
    opt.dispose();
  });
});
