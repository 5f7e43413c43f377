// The flush-to-zero of the training state: the kernel on wasm and cpu against the definition,
// and an optimizer step that leaves no subnormal parameter or slot behind.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { countSubnormals, flushInto, flushSubnormals, MIN_NORMAL_FLOAT32 } from '../../../experiments/backend/subnormals.js';
import { resolveConfig } from '../../../experiments/config.js';
import { createOptimizer } from '../../../experiments/optimizers.js';
import { setup } from './helpers.js';

beforeAll(setup);

// Float32 values around the subnormal range: the smallest normal, the largest and smallest
// subnormal, their negatives, zeros of both signs, ordinary values, infinities and NaN.
const LARGEST_SUBNORMAL = Math.fround(MIN_NORMAL_FLOAT32 - 2 ** -149);
const CASES = Float32Array.from([
  MIN_NORMAL_FLOAT32,
  -MIN_NORMAL_FLOAT32,
  LARGEST_SUBNORMAL,
  -LARGEST_SUBNORMAL,
  2 ** -149,
  -(2 ** -149),
  1e-40,
  -3e-42,
  0,
  -0,
  1,
  -2.5,
  1e-30,
  3.4e38,
  Infinity,
  -Infinity,
  NaN,
]);
const SUBNORMAL_AT = new Set([2, 3, 4, 5, 6, 7]);

describe('flushing subnormal values', () => {
  it('zeroes exactly the subnormal values and keeps every other bit pattern', () => {
    const out = new Float32Array(CASES.length);
    expect(flushInto(CASES, out)).toBe(SUBNORMAL_AT.size);
    CASES.forEach((v, i) => {
      if (SUBNORMAL_AT.has(i)) expect(out[i], `value ${v}`).toBe(0);
      else expect(Object.is(out[i], v) || (Number.isNaN(v) && Number.isNaN(out[i])), `value ${v} kept`).toBe(true);
    });
    expect(countSubnormals(CASES)).toBe(SUBNORMAL_AT.size);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives the same result as the definition on ${backend}`, () => {
      tf.setBackend(backend);
      const expected = new Float32Array(CASES.length);
      flushInto(CASES, expected);
      const x = tf.tensor2d(CASES, [1, CASES.length]);
      const y = flushSubnormals(x);
      const got = y.dataSync();
      expect(y.shape).toEqual([1, CASES.length]);
      expect(Array.from(got).map(String)).toEqual(Array.from(expected).map(String));
      // The input is untouched (the kernel writes a new tensor).
      expect(countSubnormals(x.dataSync())).toBe(SUBNORMAL_AT.size);
      tf.dispose([x, y]);
    });
  }

  it('leaves no subnormal parameter or optimizer slot after an Adam + L2 step, and some without the flush', () => {
    tf.setBackend('wasm');
    const config = resolveConfig({ optimizer: { name: 'adam', lr: 1e-3 }, regularization: { kind: 'l2', strength: 5e-4 } });
    const run = (flush: boolean) => {
      // Half the parameter is subnormal with a subnormal gradient: as for a dying filter.
      const variable = tf.variable(tf.tensor1d([0.5, -0.25, 1e-40, -2e-41]));
      const opt = createOptimizer(config, [{ variable, group: 'conv' }], { flushSubnormals: flush });
      const g = tf.tensor1d([0.1, -0.2, 1e-41, 3e-42]);
      opt.apply({ [variable.name]: g }, 1e-3);
      const sub = countSubnormals(variable.dataSync()) + [...opt.slots.values()].reduce((n, s) => n + countSubnormals(s.dataSync()), 0);
      const normal = Array.from(variable.dataSync()).slice(0, 2);
      opt.dispose();
      tf.dispose([variable, g]);
      return { sub, normal };
    };
    const flushed = run(true);
    const kept = run(false);
    expect(flushed.sub).toBe(0);
    expect(kept.sub).toBeGreaterThan(0);
    // The normal values take the same step either way.
    expect(flushed.normal).toEqual(kept.normal);
  });
});
