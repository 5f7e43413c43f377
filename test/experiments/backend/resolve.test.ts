// Backend resolution: the order of 'auto', forced choices, and the message when one is missing.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend, BackendUnavailableError } from '../../../experiments/backend/resolve.js';
import { WASM_KERNELS } from '../../../experiments/backend/wasm-kernels.js';

async function loads(pkg: string): Promise<boolean> {
  return import(pkg).then(
    () => true,
    () => false,
  );
}

// Installed and working (npm ci drops them where their libtensorflow download fails).
const hasTensorflow = (await loads('@tensorflow/tfjs-node-gpu')) || (await loads('@tensorflow/tfjs-node'));

describe('initBackend', () => {
  it.skipIf(hasTensorflow)('a forced tensorflow backend that is not installed fails saying what to install', async () => {
    const failure = initBackend('tensorflow');
    await expect(failure).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(initBackend('tensorflow')).rejects.toThrow(/@tensorflow\/tfjs-node.*npm/);
  });

  it.skipIf(hasTensorflow)('auto falls back to wasm (SIMD, with the project kernels) without tfjs-node', async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(info.kernels).toEqual([...WASM_KERNELS]);
    // No hardware GPU here: webgpu is skipped too (a software GPU is never taken by auto).
    expect(info.detail).toMatch(/skipped: backend 'webgpu' is unavailable, backend 'tensorflow' is unavailable/);
    expect(info.tfjsVersion).toBe(tf.version_core);
  });

  it.runIf(hasTensorflow)('auto picks tensorflow when tfjs-node is installed', async () => {
    expect((await initBackend('auto')).name).toBe('tensorflow');
  });

  it('forced cpu and wasm work and can be switched', async () => {
    expect((await initBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend('wasm')).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('gradients are registered (tfjs-core alone has none in Node)', async () => {
    await initBackend('wasm');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.relu(x)))(tf.tensor1d([-1, 2]));
    expect(Array.from(g.dataSync())).toEqual([0, 1]);
  });

  it('an unknown choice is rejected with the valid ones', async () => {
    await expect(initBackend('gpu' as never)).rejects.toThrow(/auto, webgpu, tensorflow, wasm, cpu/);
  });
});
