// The network's convolutions: 3x3, stride 1, 'same'. On wasm they run compiled (native/kernels.c),
// adding the products in XNNPACK's order, so that the output equals tf.conv2d's to the bit: over
// a 1-channel input (the first layer) conv3x3_same_1ch, which loads each pixel's 9 inputs once for
// all output channels where XNNPACK's indirect GEMM spends its time on 9 pointers per output
// pixel; over more channels conv3x3_same, tap by tap for the whole batch with that tap's weights
// in cache. Their gradients are the same kernels tf.conv2d's are (Conv2DBackpropFilter and
// Conv2DBackpropInput, wasm-kernels.ts), asked for only where needed.
import * as tf from '@tensorflow/tfjs-core';
import { address, asWasm } from './heap.js';
import { activeNativeKernels, nativeKernels } from './native.js';

export const CONV3X3_SAME_KERNEL = 'ProjectConv3x3Same';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

const ATTRS = { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };

/** Whether the compiled kernels take a 3x3 filter with these channels (else tf.conv2d runs). */
export function compiledConvShape(ci: number, co: number): boolean {
  return ci === 1 ? co % 4 === 0 : ci % 4 === 0 && co % 8 === 0;
}

function wasmConv({ inputs, backend: b }: KernelArgs): tf.TensorInfo {
  const backend = asWasm(b);
  const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const [n, h, w, ci] = x.shape;
  const co = filter.shape[3];
  const y = backend.makeOutput([n, h, w, co], 'float32');
  const kernels = nativeKernels(backend)!;
  if (ci === 1) kernels.conv3x3_same_1ch(address(backend, x), address(backend, filter), address(backend, y), n, h, w, co);
  else kernels.conv3x3_same(address(backend, x), address(backend, filter), address(backend, y), n, h, w, ci, co);
  return y;
}

let registered = false;

function compiledHere(): boolean {
  if (!activeNativeKernels()) return false;
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: CONV3X3_SAME_KERNEL, backendName: 'wasm', kernelFunc: wasmConv as unknown as tf.KernelFunc });
    tf.registerGradient({
      kernelName: CONV3X3_SAME_KERNEL,
      inputsToSave: ['x', 'filter'],
      gradFunc: (dy, saved) => {
        const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
        return {
          x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dy as tf.Tensor, filter }, { ...ATTRS, inputShape: x.shape } as never) as tf.Tensor,
          filter: () =>
            tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy as tf.Tensor }, { ...ATTRS, filterShape: filter.shape } as never) as tf.Tensor,
        };
      },
    });
  }
  return true;
}

/** tf.conv2d(x, filter, 1, 'same'), compiled on wasm for a 3x3 filter whose channels `compiledConvShape` takes. */
export function convSame(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  if (kh === 3 && kw === 3 && x.shape[3] === ci && compiledConvShape(ci, co) && compiledHere()) {
    return tf.engine().runKernel(CONV3X3_SAME_KERNEL, { x, filter }) as tf.Tensor4D;
  }
  return tf.conv2d(x, filter, 1, 'same');
}
