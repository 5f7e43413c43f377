// Flush-to-zero for the training state: WebAssembly has no FTZ/DAZ mode, and its arithmetic on
// subnormal floats is ~100x slower, so the engine zeroes subnormal values itself after each update.
import * as tf from '@tensorflow/tfjs-core';
import { address, asWasm, f32 } from './heap.js';
import { nativeKernels } from './native.js';

export const FLUSH_KERNEL = 'FlushSubnormals';

/** The smallest positive normal float32 (2^-126); a nonzero float32 below it in magnitude is subnormal. */
export const MIN_NORMAL_FLOAT32 = 1.1754943508222875e-38;

/**
 * Writes `x` into `out` with every subnormal value replaced by +0. A float32 is subnormal when
 * its exponent bits are all zero and its mantissa is not; testing the bits keeps this one integer
 * pass with no float arithmetic on the slow values. Returns how many values were flushed.
 */
export function flushInto(x: Float32Array, out: Float32Array): number {
  const xi = new Int32Array(x.buffer, x.byteOffset, x.length);
  const oi = new Int32Array(out.buffer, out.byteOffset, out.length);
  let flushed = 0;
  for (let i = 0; i < xi.length; i++) {
    const bits = xi[i];
    if ((bits & 0x7f800000) === 0 && (bits & 0x007fffff) !== 0) {
      oi[i] = 0;
      flushed++;
    } else {
      oi[i] = bits;
    }
  }
  return flushed;
}

/** Number of subnormal values in `x` (for tests, snapshots and the benchmark). */
export function countSubnormals(x: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v !== 0 && v < MIN_NORMAL_FLOAT32) n++;
  }
  return n;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function wasmFlush(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const backend = asWasm(args.backend);
  const x = args.inputs.x as tf.TensorInfo;
  const out = backend.makeOutput([...x.shape], 'float32');
  const native = nativeKernels(backend);
  if (native) {
    native.flush_subnormals(
      x.shape.reduce((a, b) => a * b, 1),
      address(backend, x),
      address(backend, out),
    );
    return out;
  }
  // Views only after the last allocation: makeOutput may grow (and move) the heap.
  flushInto(f32(backend, x), f32(backend, out));
  return out;
}

function cpuFlush(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const backend = args.backend as CpuBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  const values = backend.data.get(x.dataId).values;
  const out = new Float32Array(values.length);
  flushInto(values, out);
  return backend.makeTensorInfo([...x.shape], 'float32', out);
}

let registered = false;

/** Registers the flush kernel for the wasm and cpu backends (idempotent). */
export function registerFlushKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: FLUSH_KERNEL, backendName: 'wasm', kernelFunc: wasmFlush as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: FLUSH_KERNEL, backendName: 'cpu', kernelFunc: cpuFlush as unknown as tf.KernelFunc });
}

/**
 * `x` with its subnormal values replaced by 0. On wasm and cpu one pass of the kernel above; on
 * other backends (tfjs-node, which may run with the CPU's own FTZ mode, or a GPU) the same result
 * from ops. Only for float32 state that is not differentiated through.
 */
export function flushSubnormals<T extends tf.Tensor>(x: T): T {
  registerFlushKernels();
  if (tf.getKernel(FLUSH_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(FLUSH_KERNEL, { x }) as T;
  }
  return tf.tidy(() => tf.where(tf.less(tf.abs(x), MIN_NORMAL_FLOAT32), tf.zerosLike(x), x) as T);
}
