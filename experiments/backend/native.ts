// The compiled kernels of native/kernels.c, instantiated on the wasm backend's own memory: they
// read and write tensors where the backend keeps them (pointers are heap offsets, heap.ts
// `address`), with no copies and no JavaScript loop.
import * as tf from '@tensorflow/tfjs-core';
import { KERNELS_WASM_BASE64 } from './native/kernels-wasm.js';
import { asWasm, type WasmBackendLike } from './heap.js';

type Ptr = number;

/** One update rule: (n, w, g, s0, s1, ow, os0, os1, reg, kreg, a, b, c, d, e, lr, corr, flush). */
export type NativeUpdate = (
  n: number,
  w: Ptr,
  g: Ptr,
  s0: Ptr,
  s1: Ptr,
  ow: Ptr,
  os0: Ptr,
  os1: Ptr,
  reg: number,
  kreg: number,
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  lr: number,
  corr: number,
  flush: number,
) => void;

export interface NativeKernels {
  update_sgd: NativeUpdate;
  update_momentum: NativeUpdate;
  update_adam: NativeUpdate;
  update_adamax: NativeUpdate;
  update_adagrad: NativeUpdate;
  update_adadelta: NativeUpdate;
  update_rmsprop: NativeUpdate;
  flush_subnormals(n: number, x: Ptr, out: Ptr): void;
  batch_norm_forward(x: Ptr, gamma: Ptr, beta: Ptr, M: number, C: number, eps: number, y: Ptr, mean: Ptr, variance: Ptr, invstd: Ptr, scratch: Ptr): void;
  batch_norm_backward(dy: Ptr, x: Ptr, gamma: Ptr, mean: Ptr, invstd: Ptr, M: number, C: number, dx: Ptr, dgamma: Ptr, dbeta: Ptr, scratch: Ptr): void;
  conv3x3_same_filter_grad_1ch(x: Ptr, dy: Ptr, dw: Ptr, N: number, H: number, W: number, Co: number, scratch: Ptr): void;
  max_pool_grad_tiled(x: Ptr, dy: Ptr, dx: Ptr, batch: number, H: number, W: number, C: number, OH: number, OW: number, fh: number, fw: number): void;
  channel_affine_forward(x: Ptr, k1: Ptr, k2: Ptr, M: number, C: number, out: Ptr): void;
  channel_affine_backward(x: Ptr, dy: Ptr, mean: Ptr, k1: Ptr, k2: Ptr, k3: Ptr, M: number, C: number, out: Ptr): void;
  centred_product(x: Ptr, dy: Ptr, mean: Ptr, M: number, C: number, out: Ptr): void;
  conv3x3_same_1ch(x: Ptr, k: Ptr, y: Ptr, N: number, H: number, W: number, Co: number): void;
  conv3x3_same(x: Ptr, w: Ptr, y: Ptr, N: number, H: number, W: number, Ci: number, Co: number): void;
  conv3x3_same_input_grad(dy: Ptr, w: Ptr, dx: Ptr, N: number, H: number, W: number, Ci: number, Co: number, scratch: Ptr): void;
  conv3x3_same_filter_grad(x: Ptr, dy: Ptr, dw: Ptr, N: number, H: number, W: number, Ci: number, Co: number): void;
  batch_norm_activation_inference(
    x: Ptr,
    mean: Ptr,
    variance: Ptr,
    gamma: Ptr,
    beta: Ptr,
    N: number,
    P: number,
    C: number,
    eps: number,
    leaky: number,
    slope: number,
    y: Ptr,
    active: Ptr,
    peak: Ptr,
    responses: Ptr,
    scratch: Ptr,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, NativeKernels>();
let disabled = false;

function compile(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const binary = atob(KERNELS_WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    // Synchronous: kernels run synchronously. Browsers allow it off the main thread (the lab's worker).
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

/**
 * The compiled kernels on this wasm backend's memory, or null where they cannot run: the
 * threaded build's shared memory, a runtime without wasm SIMD, or after `setNativeKernels(false)`.
 * Callers then take the JavaScript path, which gives the same results.
 */
export function nativeKernels(backend: WasmBackendLike): NativeKernels | null {
  if (disabled) return null;
  const memory = backend.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || !(memory.buffer instanceof ArrayBuffer)) return null;
  const cached = instances.get(memory);
  if (cached) return cached;
  const module = compile();
  if (!module) return null;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as NativeKernels;
  instances.set(memory, kernels);
  return kernels;
}

/** The compiled kernels of the current backend when TF.js runs on wasm and they can run there, else null. */
export function activeNativeKernels(): NativeKernels | null {
  return tf.getBackend() === 'wasm' ? nativeKernels(asWasm(tf.backend())) : null;
}

/** Turns the compiled kernels off (false) or on again, e.g. to time or test the JavaScript path beside them. */
export function setNativeKernels(enabled: boolean): void {
  disabled = !enabled;
}

/** Whether the compiled kernels are on (they still need a backend they can run on: `nativeKernels`). */
export function nativeKernelsEnabled(): boolean {
  return !disabled;
}

let reordering = false;

/**
 * The compiled batch norm and first-layer filter gradient sum in another order than the kernels
 * they replace (batch norm in float64), so a run with them differs from the records' engine to
 * float32 rounding, which training amplifies (same dead filters, loss curves apart by ~1 % in
 * 40-iteration means). They are off by default, so that the engine's numbers stay those of the
 * committed records (every other compiled kernel is exact); on (true) for speed where that
 * does not matter.
 */
export function setReorderingKernels(enabled: boolean): void {
  reordering = enabled;
}

export function reorderingKernelsEnabled(): boolean {
  return reordering;
}
