// Direct access to tensors that live in the wasm backend's heap, for the few kernels written
// as plain loops (memory-bound work where a loop beats a chain of wasm ops).
import * as tf from '@tensorflow/tfjs-core';

/** The parts of the wasm backend these kernels use (it is not exported with types). */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  /** The Emscripten module; `asm.memory` is the heap's WebAssembly.Memory. */
  wasm: { asm?: { memory?: unknown } };
}

export function asWasm(backend: unknown): WasmBackendLike {
  return backend as WasmBackendLike;
}

/** A float32 view of a tensor's heap memory. Take views only after the last allocation. */
export function f32(backend: WasmBackendLike, info: tf.TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** A float32 tensor's byte offset in the heap (what the compiled kernels of native.ts take as a pointer). */
export function address(backend: WasmBackendLike, info: tf.TensorInfo): number {
  if (info.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  const entry = backend.dataIdMap.get(info.dataId);
  if (!entry) throw new Error('the tensor is not on the wasm backend (was it disposed?)');
  return entry.memoryOffset;
}
