// Shared by the backend tests: run the same computation on cpu and on wasm (with this
// project's kernels) from plain arrays, and compare to a relative tolerance.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { initBackend } from '../../../experiments/backend/resolve.js';
import { createRandom } from '../../../experiments/random.js';

export const RELATIVE_TOLERANCE = 1e-4;

let ready: Promise<void> | null = null;

/** Initialises wasm (registering our kernels) once; the cpu backend is always registered. */
export function setup(): Promise<void> {
  ready ??= initBackend('wasm').then(() => undefined);
  return ready;
}

export interface Plain {
  values: Float32Array;
  shape: number[];
}

export function randomArray(shape: number[], seed: string, kind: 'normal' | 'ties' = 'normal'): Plain {
  const random = createRandom(1, seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    // 'ties': small integers, half of them zero (as after a ReLU), so that windows tie.
    values[i] = kind === 'normal' ? random.normal() : Math.max(0, random.int(5) - 2);
  }
  return { values, shape };
}

/** Runs f on a backend with fresh tensors made from the plain inputs; returns plain outputs. */
export function runOn(backend: 'cpu' | 'wasm', inputs: Plain[], f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Plain[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((p) => tf.tensor(p.values, p.shape));
    const out = f(...xs);
    const list = Array.isArray(out) ? out : [out];
    return list.map((t) => ({ values: t.dataSync() as Float32Array, shape: t.shape }));
  });
}

/** Every element within rel * (|expected| + max|expected|): relative to the tensor's scale. */
export function expectClose(actual: Plain, expected: Plain, what: string, rel = RELATIVE_TOLERANCE): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  let scale = 0;
  for (const v of expected.values) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.values.length; i++) {
    const err = Math.abs(actual.values[i] - expected.values[i]) / (Math.abs(expected.values[i]) + scale + 1e-30);
    if (!(err <= worst)) {
      worst = err;
      worstAt = i;
    }
  }
  expect(worst, `${what}: worst relative error at ${worstAt} (${actual.values[worstAt]} vs ${expected.values[worstAt]})`).toBeLessThanOrEqual(rel);
}

/** The same computation on cpu and wasm, compared output by output. */
export function expectSameOnBoth(inputs: Plain[], f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], what: string, rel?: number): void {
  const expected = runOn('cpu', inputs, f);
  const actual = runOn('wasm', inputs, f);
  expected.forEach((e, i) => expectClose(actual[i], e, `${what} [output ${i}]`, rel));
}
