// The gradient kernels the wasm backend lacks or runs slowly, registered over the stock ones.
// Each is built from operations the wasm backend runs fast (XNNPACK convolution, transposes,
// pads), or, for memory-bound work, a plain loop over the wasm heap; each is exact against cpu.
// The network's 3x3 'same' convolutions run compiled where native.ts can (the same sums in the
// same order as the XNNPACK path beside them, so the same bits).
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { address, asWasm, f32 } from './heap.js';
import { nativeKernels, nativeKernelsEnabled, reorderingKernelsEnabled } from './native.js';

type Conv2DInfo = backend_util.Conv2DInfo;

function convInfo(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap, where: string): Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') throw new Error(`${where}: only NHWC is implemented for the wasm backend; use dataFormat 'NHWC'`);
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

/**
 * dW[kh,kw,ci,co] = sum over n,oh,ow of x[n, oh*s+kh-top, ow*s+kw-left, ci] * dy[n,oh,ow,co].
 * That is a convolution of x seen as Ci images of N channels ([Ci,H,W,N]) with dy as the filter
 * ([OH,OW,N,Co], dilated by the stride), giving [Ci,KH,KW,Co]: one XNNPACK convolution.
 */
function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info;
    const { strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    let xt = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
    // The rows the filter gradient reads run from -top to (OH-1)*sh + KH - 1 - top.
    const bottom = (OH - 1) * sh + KH - top - H;
    const right = (OW - 1) * sw + KW - left - W;
    if (bottom < 0 || right < 0) {
      xt = tf.slice(xt, [0, 0, 0, 0], [-1, H + Math.min(0, bottom), W + Math.min(0, right), -1]);
    }
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const pads: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [top, Math.max(0, bottom)],
      [left, Math.max(0, right)],
      [0, 0],
    ];
    const out = tf.conv2d(xt, filter, 1, pads, 'NHWC', [sh, sw]);
    return tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** Inserts stride-1 zeros after every row and column of dy (the transposed convolution's input). */
function dilate(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [n, oh, ow, c] = dy.shape;
  let d: tf.Tensor = dy;
  if (sw > 1) {
    d = tf.pad(tf.reshape(d, [n * oh, ow, 1, c]), [
      [0, 0],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
  }
  if (sh > 1) {
    d = tf.pad(tf.reshape(d, [n, oh, 1, ow * sw * c]), [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
    ]);
  }
  return tf.reshape(d, [n, oh * sh, ow * sw, c]);
}

/**
 * dx = the convolution of dy (zero-dilated by the stride) with the filter flipped in space and
 * with in/out channels swapped, padded so that the output has the input's size.
 */
function conv2dInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const { inHeight: H, inWidth: W, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    let d = sh > 1 || sw > 1 ? dilate(dy, sh, sw) : dy;
    // Padded, d must span H + KH - 1 rows, starting KH-1-top rows before its first row.
    let padTop = KH - 1 - top;
    let padLeft = KW - 1 - left;
    let startH = 0;
    let startW = 0;
    if (padTop < 0) {
      startH = -padTop;
      padTop = 0;
    }
    if (padLeft < 0) {
      startW = -padLeft;
      padLeft = 0;
    }
    const rows = Math.min(d.shape[1] - startH, H + KH - 1 - padTop);
    const cols = Math.min(d.shape[2] - startW, W + KW - 1 - padLeft);
    if (startH > 0 || startW > 0 || rows < d.shape[1] || cols < d.shape[2]) {
      d = tf.slice(d, [0, startH, startW, 0], [-1, rows, cols, -1]);
    }
    const padBottom = H + KH - 1 - padTop - rows;
    const padRight = W + KW - 1 - padLeft - cols;
    return tf.conv2d(d, flipped, 1, [
      [0, 0],
      [padTop, padBottom],
      [padLeft, padRight],
      [0, 0],
    ]);
  });
}

/**
 * The first layer's case, a 3x3 'same' filter over one input channel: a GEMM with 9 rows is a
 * poor fit for XNNPACK (2 GFLOP/s), so it runs compiled (native.ts) with the taps in registers.
 */
function firstLayerFilterGradient(backend: ReturnType<typeof asWasm>, x: tf.TensorInfo, dy: tf.TensorInfo, info: Conv2DInfo): tf.TensorInfo | null {
  // It sums the taps in another order than the stock kernel: only with the reordering kernels on (native.ts).
  const native = reorderingKernelsEnabled() ? nativeKernels(backend) : null;
  const { inChannels, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const same = padInfo.top === 1 && padInfo.left === 1 && padInfo.bottom === 1 && padInfo.right === 1;
  if (!native || inChannels !== 1 || filterHeight !== 3 || filterWidth !== 3 || strideHeight !== 1 || strideWidth !== 1) return null;
  if (dilationHeight !== 1 || dilationWidth !== 1 || !same || outChannels % 4 !== 0) return null;
  const out = backend.makeOutput([3, 3, 1, outChannels], 'float32');
  const scratch = backend.makeOutput([18 * outChannels], 'float32');
  native.conv3x3_same_filter_grad_1ch(
    address(backend, x),
    address(backend, dy),
    address(backend, out),
    info.batchSize,
    info.inHeight,
    info.inWidth,
    outChannels,
    address(backend, scratch),
  );
  backend.disposeData(scratch.dataId);
  return out;
}

/** Whether a convolution is the network's kind: 3x3, stride 1, no dilation, padded by 1 on every side ('same'). */
function sameThreeByThree(info: Conv2DInfo): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const padded = padInfo.top === 1 && padInfo.bottom === 1 && padInfo.left === 1 && padInfo.right === 1;
  return filterHeight === 3 && filterWidth === 3 && strideHeight === 1 && strideWidth === 1 && dilationHeight === 1 && dilationWidth === 1 && padded;
}

/**
 * The filter gradient of a 3x3 'same' convolution compiled (native/kernels.c
 * conv3x3_same_filter_grad): the products conv2dFilterGradient hands XNNPACK, added in its order,
 * so the result is the same to the bit, about twice as fast. Null where it does not apply.
 */
function compiledFilterGradient(backend: ReturnType<typeof asWasm>, x: tf.TensorInfo, dy: tf.TensorInfo, info: Conv2DInfo): tf.TensorInfo | null {
  const native = nativeKernels(backend);
  if (!native || !sameThreeByThree(info) || info.outChannels % 8 !== 0) return null;
  const { batchSize, inHeight, inWidth, inChannels, outChannels } = info;
  const out = backend.makeOutput([3, 3, inChannels, outChannels], 'float32');
  native.conv3x3_same_filter_grad(address(backend, x), address(backend, dy), address(backend, out), batchSize, inHeight, inWidth, inChannels, outChannels);
  return out;
}

/** The input gradient of a 3x3 'same' convolution compiled (conv3x3_same_input_grad), exact as above. Null where it does not apply. */
function compiledInputGradient(backend: ReturnType<typeof asWasm>, dy: tf.TensorInfo, filter: tf.TensorInfo, info: Conv2DInfo): tf.TensorInfo | null {
  const native = nativeKernels(backend);
  if (!native || !sameThreeByThree(info) || info.inChannels % 8 !== 0 || info.outChannels % 4 !== 0) return null;
  const { batchSize, inHeight, inWidth, inChannels, outChannels } = info;
  const out = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  const flipped = backend.makeOutput([9 * inChannels * outChannels], 'float32');
  native.conv3x3_same_input_grad(
    address(backend, dy),
    address(backend, filter),
    address(backend, out),
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outChannels,
    address(backend, flipped),
  );
  backend.disposeData(flipped.dataId);
  return out;
}

function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
  const attrs = args.attrs ?? {};
  const info = convInfo(x.shape, attrs.filterShape as number[], attrs, 'Conv2DBackpropFilter');
  const backend = asWasm(args.backend);
  return firstLayerFilterGradient(backend, x, dy, info) ?? compiledFilterGradient(backend, x, dy, info) ?? conv2dFilterGradient(x, dy, info);
}

function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
  const attrs = args.attrs ?? {};
  const info = convInfo(attrs.inputShape as number[], filter.shape, attrs, 'Conv2DBackpropInput');
  return compiledInputGradient(asWasm(args.backend), dy, filter, info) ?? conv2dInputGradient(dy, filter, info);
}

/**
 * Max-pool gradient: each output's gradient goes to the first maximum of its window (row-major),
 * as the cpu backend does. Windows that tile the input run compiled (native.ts), others as a
 * loop over the heap: the stock wasm kernel is ~20x slower.
 */
function maxPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.Tensor4D; input: tf.Tensor4D };
  const { filterSize, strides, pad, dimRoundingMode } = (args.attrs ?? {}) as unknown as tf.MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape, filterSize, strides, 1, pad, dimRoundingMode);
  const backend = asWasm(args.backend);
  const out = backend.makeOutput(input.shape, 'float32');
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const tiled = sh === fh && sw === fw && top === 0 && left === 0 && OH * fh <= H && OW * fw <= W;
  const native = nativeKernels(backend);
  if (tiled && native) {
    native.max_pool_grad_tiled(address(backend, input), address(backend, dy), address(backend, out), batchSize, H, W, C, OH, OW, fh, fw);
    return out;
  }
  const dx = f32(backend, out);
  const x = f32(backend, input);
  const g = f32(backend, dy);
  dx.fill(0);
  if (tiled) {
    nonOverlappingMaxPoolGrad(x, g, dx, batchSize, H, W, C, OH, OW, fh, fw);
    return out;
  }
  const maxValue = new Float32Array(C);
  const maxIndex = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < OH; yr++) {
      const r0 = yr * sh - top;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(H, r0 + fh);
      for (let yc = 0; yc < OW; yc++) {
        const c0 = yc * sw - left;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(W, c0 + fw);
        maxValue.fill(Number.NEGATIVE_INFINITY);
        maxIndex.fill(-1);
        for (let r = rMin; r < rMax; r++) {
          for (let c = cMin; c < cMax; c++) {
            const base = ((b * H + r) * W + c) * C;
            for (let d = 0; d < C; d++) {
              const v = x[base + d];
              if (v > maxValue[d]) {
                maxValue[d] = v;
                maxIndex[d] = base + d;
              }
            }
          }
        }
        const gBase = ((b * OH + yr) * OW + yc) * C;
        for (let d = 0; d < C; d++) {
          const at = maxIndex[d];
          if (at >= 0) dx[at] += g[gBase + d];
        }
      }
    }
  }
  return out;
}

/** Windows that tile the input (stride = window, no padding): no per-window bookkeeping. */
function nonOverlappingMaxPoolGrad(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  batchSize: number,
  H: number,
  W: number,
  C: number,
  OH: number,
  OW: number,
  fh: number,
  fw: number,
): void {
  const rowStride = W * C;
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < OH; yr++) {
      for (let yc = 0; yc < OW; yc++) {
        const corner = ((b * H + yr * fh) * W + yc * fw) * C;
        const gBase = ((b * OH + yr) * OW + yc) * C;
        for (let d = 0; d < C; d++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = 0; r < fh; r++) {
            const rowBase = corner + r * rowStride + d;
            for (let c = 0; c < fw; c++) {
              const v = x[rowBase + c * C];
              if (v > best) {
                best = v;
                at = rowBase + c * C;
              }
            }
          }
          if (at >= 0) dx[at] = g[gBase + d];
        }
      }
    }
  }
}

/**
 * Identity (tf.clone, and the engine's copy of every tensor a gradient saves: ~80 per BasicNet
 * step) shares the input's buffer, as the cpu backend and the wasm Reshape do, instead of copying
 * it: tensors are immutable and no kernel writes into its inputs. With the compiled kernels turned
 * off (native.ts) it copies, as the stock kernel does.
 */
function identity(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const backend = asWasm(args.backend);
  if (x.dtype !== 'string' && nativeKernelsEnabled()) {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }
  const stockIdentity = stock.get('Identity');
  if (!stockIdentity) throw new Error('the stock wasm Identity kernel was not registered before ours');
  return stockIdentity.kernelFunc(args as Parameters<KernelFunc>[0]) as tf.TensorInfo;
}

/** Kernels this module registers for the wasm backend, in registration order. */
export const WASM_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Identity'] as const;

type KernelFunc = tf.KernelConfig['kernelFunc'];
const ours: Array<[string, KernelFunc]> = [
  ['Conv2DBackpropFilter', conv2DBackpropFilter as unknown as KernelFunc],
  ['Conv2DBackpropInput', conv2DBackpropInput as unknown as KernelFunc],
  ['MaxPoolGrad', maxPoolGrad as unknown as KernelFunc],
  ['Identity', identity as unknown as KernelFunc],
];

/** The stock kernels we replaced, to restore them (the benchmark compares both). */
const stock = new Map<string, tf.KernelConfig>();

/** Registers this project's kernels on the wasm backend (idempotent). Returns their names. */
export function registerWasmKernels(): string[] {
  for (const [kernelName, kernelFunc] of ours) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing?.kernelFunc === kernelFunc) continue;
    if (existing) {
      if (!stock.has(kernelName) && existing.kernelFunc !== conv3dFilterStandIn) stock.set(kernelName, existing);
      tf.unregisterKernel(kernelName, 'wasm');
    }
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  return [...WASM_KERNELS];
}

/** The missing 2D filter gradient from the stock Conv3D one, on a depth-1 volume. */
const conv3dFilterStandIn = (({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }) => {
  const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
  const { strides, pad, filterShape } = (attrs ?? {}) as unknown as tf.Conv2DBackpropFilterAttrs;
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  return tf.tidy(() => {
    const x5 = tf.reshape(x, [x.shape[0], 1, ...x.shape.slice(1)]);
    const dy5 = tf.reshape(dy, [dy.shape[0], 1, ...dy.shape.slice(1)]);
    const dw = tf.engine().runKernel(
      'Conv3DBackpropFilterV2',
      { x: x5, dy: dy5 },
      {
        strides: [1, 1, sh, sw, 1],
        pad,
        filterShape: [1, ...filterShape],
      },
    ) as tf.Tensor;
    return tf.reshape(dw, filterShape);
  });
}) as unknown as KernelFunc;

/**
 * Puts the stock wasm kernels back (for comparison only), with the Conv3D stand-in for the
 * filter gradient that stock wasm lacks.
 */
export function useStockWasmKernels(): void {
  for (const [kernelName] of ours) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    const original = stock.get(kernelName);
    if (original) {
      tf.registerKernel(original);
      // Ours replaced it before the backend started, so its setup (binding the C++ function) never ran.
      const backend = tf.findBackend('wasm');
      if (backend && original.setupFunc) original.setupFunc(backend);
    }
  }
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv3dFilterStandIn });
}
