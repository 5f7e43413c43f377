// The first layer's convolution: 3x3, stride 1, 'same', over a 1-channel input. XNNPACK's
// indirect GEMM is a poor fit for one input channel (it spends its time on 9 pointers per output
// pixel), so on wasm it runs compiled (native/kernels.c, conv3x3_same_1ch), adding the taps in
// XNNPACK's order: the output equals tf.conv2d's to the bit. Its gradients are the same kernels
// tf.conv2d's are (Conv2DBackpropFilter and Conv2DBackpropInput), asked for only where needed.
import * as tf from '@tensorflow/tfjs-core';
import { address, asWasm } from './heap.js';
import { activeNativeKernels, nativeKernels } from './native.js';

export const FIRST_LAYER_CONV_KERNEL = 'ProjectConv3x3SameOneChannel';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

const ATTRS = { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };

function wasmConv({ inputs, backend: b }: KernelArgs): tf.TensorInfo {
  const backend = asWasm(b);
  const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const [n, h, w] = x.shape;
  const co = filter.shape[3];
  const y = backend.makeOutput([n, h, w, co], 'float32');
  nativeKernels(backend)!.conv3x3_same_1ch(address(backend, x), address(backend, filter), address(backend, y), n, h, w, co);
  return y;
}

let registered = false;

function compiledHere(): boolean {
  if (!activeNativeKernels()) return false;
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: FIRST_LAYER_CONV_KERNEL, backendName: 'wasm', kernelFunc: wasmConv as unknown as tf.KernelFunc });
    tf.registerGradient({
      kernelName: FIRST_LAYER_CONV_KERNEL,
      inputsToSave: ['x', 'filter'],
      gradFunc: (dy, saved) => {
        const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
        return {
          x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dy as tf.Tensor, filter }, { ...ATTRS, inputShape: x.shape } as never) as tf.Tensor,
          filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy as tf.Tensor }, { ...ATTRS, filterShape: filter.shape } as never) as tf.Tensor,
        };
      },
    });
  }
  return true;
}

/** tf.conv2d(x, filter, 1, 'same'), compiled on wasm when x has one channel and the filter is 3x3 with a multiple of 4 outputs. */
export function convSame(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  if (kh === 3 && kw === 3 && ci === 1 && x.shape[3] === 1 && co % 4 === 0 && compiledHere()) {
    return tf.engine().runKernel(FIRST_LAYER_CONV_KERNEL, { x, filter }) as tf.Tensor4D;
  }
  return tf.conv2d(x, filter, 1, 'same');
}
