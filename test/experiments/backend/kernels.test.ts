// The wasm kernels registered by experiments/backend against the cpu backend, on random shapes.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { WASM_KERNELS } from '../../../experiments/backend/wasm-kernels.js';
import { expectSameOnBoth, randomArray, setup } from './helpers.js';

// The cpu reference is slow on the larger shapes: on 2 cores shared with a training sweep and
// the rest of the suite, the 8x14x14x32 -> 64 filter gradient once took 69 s (5 December).
vi.setConfig({ testTimeout: 300_000 });
beforeAll(setup);

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  filter: [number, number];
  stride: number | [number, number];
  pad: 'same' | 'valid';
}

const CASES: ConvCase[] = [
  { batch: 2, height: 7, width: 5, inChannels: 3, outChannels: 4, filter: [3, 3], stride: 1, pad: 'same' },
  { batch: 1, height: 7, width: 5, inChannels: 1, outChannels: 1, filter: [3, 3], stride: 1, pad: 'valid' },
  { batch: 3, height: 7, width: 5, inChannels: 5, outChannels: 6, filter: [3, 3], stride: 2, pad: 'same' },
  { batch: 4, height: 9, width: 8, inChannels: 2, outChannels: 3, filter: [3, 3], stride: 2, pad: 'valid' },
  { batch: 2, height: 8, width: 8, inChannels: 4, outChannels: 2, filter: [2, 2], stride: 2, pad: 'same' },
  { batch: 5, height: 6, width: 11, inChannels: 7, outChannels: 5, filter: [5, 3], stride: [2, 1], pad: 'same' },
  { batch: 2, height: 10, width: 7, inChannels: 3, outChannels: 8, filter: [1, 1], stride: 1, pad: 'valid' },
  { batch: 3, height: 5, width: 5, inChannels: 6, outChannels: 4, filter: [4, 4], stride: 3, pad: 'same' },
  { batch: 8, height: 14, width: 14, inChannels: 32, outChannels: 64, filter: [3, 3], stride: 1, pad: 'same' },
  { batch: 2, height: 7, width: 7, inChannels: 128, outChannels: 128, filter: [3, 3], stride: 1, pad: 'same' },
  { batch: 1, height: 3, width: 3, inChannels: 128, outChannels: 16, filter: [3, 3], stride: 2, pad: 'valid' },
  { batch: 6, height: 28, width: 28, inChannels: 1, outChannels: 16, filter: [3, 3], stride: 1, pad: 'same' },
];

function describeCase(c: ConvCase): string {
  return `${c.batch}x${c.height}x${c.width}x${c.inChannels} -> ${c.outChannels}, filter ${c.filter.join('x')}, stride ${c.stride}, ${c.pad}`;
}

function outShape(c: ConvCase): number[] {
  const [sh, sw] = typeof c.stride === 'number' ? [c.stride, c.stride] : c.stride;
  const oh = c.pad === 'same' ? Math.ceil(c.height / sh) : Math.ceil((c.height - c.filter[0] + 1) / sh);
  const ow = c.pad === 'same' ? Math.ceil(c.width / sw) : Math.ceil((c.width - c.filter[1] + 1) / sw);
  return [c.batch, oh, ow, c.outChannels];
}

describe('wasm kernel registration', () => {
  it('registers every project kernel on the wasm backend', () => {
    for (const name of WASM_KERNELS) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });
});

describe('Conv2DBackpropFilter and Conv2DBackpropInput on wasm equal cpu', () => {
  for (const c of CASES) {
    const filterShape = [...c.filter, c.inChannels, c.outChannels];
    const inputShape = [c.batch, c.height, c.width, c.inChannels];
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };

    it(`filter gradient: ${describeCase(c)}`, () => {
      const x = randomArray(inputShape, `x ${describeCase(c)}`);
      const dy = randomArray(outShape(c), `dy ${describeCase(c)}`);
      expectSameOnBoth(
        [x, dy],
        (xt, dyt) => tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...attrs, filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        'Conv2DBackpropFilter',
      );
    });

    it(`input gradient: ${describeCase(c)}`, () => {
      const w = randomArray(filterShape, `w ${describeCase(c)}`);
      const dy = randomArray(outShape(c), `dy ${describeCase(c)}`);
      expectSameOnBoth(
        [dy, w],
        (dyt, wt) => tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt, filter: wt }, { ...attrs, inputShape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        'Conv2DBackpropInput',
      );
    });

    it(`tf.grad through conv2d: ${describeCase(c)}`, () => {
      const x = randomArray(inputShape, `gx ${describeCase(c)}`);
      const w = randomArray(filterShape, `gw ${describeCase(c)}`);
      const weights = randomArray(outShape(c), `weights ${describeCase(c)}`);
      expectSameOnBoth(
        [x, w, weights],
        (xt, wt, mix) => {
          const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), mix));
          return tf.grads(loss)([xt, wt]);
        },
        'grad of conv2d',
      );
    });
  }
});

describe('MaxPoolGrad on wasm equals cpu', () => {
  const pools: Array<{ shape: number[]; size: number; stride: number; pad: 'same' | 'valid' }> = [
    { shape: [2, 8, 8, 3], size: 2, stride: 2, pad: 'valid' },
    { shape: [3, 7, 5, 4], size: 2, stride: 2, pad: 'valid' },
    { shape: [2, 7, 5, 6], size: 3, stride: 2, pad: 'same' },
    { shape: [1, 9, 9, 128], size: 3, stride: 1, pad: 'same' },
  ];
  for (const p of pools) {
    for (const kind of ['normal', 'ties'] as const) {
      it(`${p.shape.join('x')} window ${p.size} stride ${p.stride} ${p.pad}, ${kind} values`, () => {
        const x = randomArray(p.shape, `pool ${p.shape} ${kind}`, kind);
        const weights = randomArray(p.shape, `pool weights ${p.shape}`);
        expectSameOnBoth(
          [x, weights],
          (xt, mix) => {
            const grad = tf.grad((a: tf.Tensor) => {
              const pooled = tf.maxPool(a as tf.Tensor4D, p.size, p.stride, p.pad);
              return tf.sum(tf.mul(pooled, tf.slice(mix, [0, 0, 0, 0], pooled.shape)));
            });
            return grad(xt);
          },
          'MaxPoolGrad',
        );
      });
    }
  }
});
