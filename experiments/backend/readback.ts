// Reading tensors back to the host. A measurement is written once, as a generator that yields the
// tensors it needs and receives their values; readSync drives it with dataSync (wasm, cpu,
// tensorflow: the same reads as ever), readAsync with `await data()` (webgpu in Node, which cannot
// read synchronously: tfjs-backend-webgpu's readSync needs a browser's OffscreenCanvas).
import * as tf from '@tensorflow/tfjs-core';

export type Values = tf.TypedArray;
/** A computation that reads tensors: it yields them in groups and gets their values back in the same order. */
export type Reads<R> = Generator<tf.Tensor[], R, Values[]>;

export function readSync<R>(reads: Reads<R>): R {
  let step = reads.next();
  while (!step.done) step = reads.next(step.value.map((t) => t.dataSync() as Values));
  return step.value;
}

export async function readAsync<R>(reads: Reads<R>): Promise<R> {
  let step = reads.next();
  // The group's downloads are in flight together: one wait for the GPU, not one per tensor.
  while (!step.done) step = reads.next((await Promise.all(step.value.map((t) => t.data()))) as Values[]);
  return step.value;
}

/** Whether the current backend reads synchronously (all but webgpu). */
export function readsSynchronously(): boolean {
  return tf.getBackend() !== 'webgpu';
}

/** Runs `reads` synchronously where the backend can (so the wasm path is the sync one), else asynchronously. */
export function readBack<R>(reads: Reads<R>): Promise<R> {
  return readsSynchronously() ? Promise.resolve(readSync(reads)) : readAsync(reads);
}
