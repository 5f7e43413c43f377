// The compiled kernels (experiments/backend/native/): the committed binary is what kernels.c
// builds to, the module writes nothing but its outputs in the wasm backend's heap, and each kernel
// equals its JavaScript counterpart and the cpu backend to the bit, on zero, subnormal, NaN and
// infinite values and on sizes that are not a multiple of the SIMD width.
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { address, asWasm } from '../../../experiments/backend/heap.js';
import { nativeKernels, setNativeKernels, setReorderingKernels } from '../../../experiments/backend/native.js';
import { KERNELS_WASM_COMPILER } from '../../../experiments/backend/native/kernels-wasm.js';
import { flushInto, flushSubnormals, MIN_NORMAL_FLOAT32 } from '../../../experiments/backend/subnormals.js';
import { createRandom } from '../../../experiments/random.js';
import { batchNormTraining } from '../../../experiments/backend/batch-norm.js';
import { inferenceBlock } from '../../../experiments/backend/inference-block.js';
import { convSame } from '../../../experiments/backend/conv3x3-same.js';
import { expectClose, randomArray, runOn, setup } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });
beforeAll(setup);

const BUILD = fileURLToPath(new URL('../../../experiments/backend/native/build.sh', import.meta.url));

function localCompiler(): string | null {
  try {
    return execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return null;
  }
}

const compiler = localCompiler();

function heap(): Uint8Array {
  return (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
}

function bits(x: Float32Array): number[] {
  return Array.from(new Int32Array(x.buffer, x.byteOffset, x.length));
}

/** Values that stress the kernels: zeros of both signs, subnormals, the smallest normal, NaN, infinities, ordinary values. */
function edgeValues(n: number, seed: string): Float32Array {
  const random = createRandom(5, seed);
  const specials = [0, -0, 1e-40, -3e-42, 2 ** -149, MIN_NORMAL_FLOAT32, -MIN_NORMAL_FLOAT32, NaN, Infinity, -Infinity];
  return Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? specials[(i / 3) % specials.length] : random.normal()));
}

describe('the compiled module', () => {
  it.skipIf(compiler !== KERNELS_WASM_COMPILER)(`is what kernels.c builds to (needs ${KERNELS_WASM_COMPILER})`, () => {
    expect(() => execFileSync('bash', [BUILD, '--check'], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });

  it('instantiates on the wasm backend memory', () => {
    tf.setBackend('wasm');
    expect(nativeKernels(asWasm(tf.backend()))).not.toBeNull();
  });

  it('writes nothing in the heap but its outputs', () => {
    tf.setBackend('wasm');
    const backend = asWasm(tf.backend());
    const native = nativeKernels(backend)!;
    for (const n of [1, 2, 3, 4, 5, 7, 9]) {
      const inputs = [0, 1, 2, 3].map((i) => tf.tensor1d(edgeValues(n, `in ${i} ${n}`)));
      const outputs = [0, 1, 2].map(() => tf.zeros([n]));
      const before = heap().slice();
      const at = (t: tf.Tensor) => address(backend, t as unknown as tf.TensorInfo);
      native.update_adam(
        n,
        at(inputs[0]),
        at(inputs[1]),
        at(inputs[2]),
        at(inputs[3]),
        at(outputs[0]),
        at(outputs[1]),
        at(outputs[2]),
        1,
        5e-4,
        0.9,
        0.1,
        0.999,
        0.001,
        1e-8,
        1e-3,
        0.5,
        1,
      );
      native.flush_subnormals(n, at(inputs[0]), at(outputs[0]));
      const after = heap();
      const written = outputs.map((t) => [at(t), at(t) + 4 * n] as const);
      let changedOutside = 0;
      for (let i = 0; i < before.length; i++) {
        if (before[i] !== after[i] && !written.some(([a, b]) => i >= a && i < b)) changedOutside++;
      }
      expect(changedOutside, `size ${n}: bytes changed outside the outputs`).toBe(0);
      tf.dispose([...inputs, ...outputs]);
    }
  });
});

describe('compiled subnormal flush', () => {
  for (const n of [1, 3, 4, 17, 1000]) {
    it(`equals the definition to the bit on ${n} values`, () => {
      tf.setBackend('wasm');
      const x = edgeValues(n, `flush ${n}`);
      const expected = new Float32Array(n);
      flushInto(x, expected);
      const t = tf.tensor1d(x);
      const y = flushSubnormals(t);
      expect(bits(y.dataSync() as Float32Array)).toEqual(bits(expected));
      tf.dispose([t, y]);
    });
  }
});

describe('compiled MaxPoolGrad (windows that tile the input)', () => {
  const shapes = [
    [2, 8, 8, 16],
    [3, 7, 5, 6],
    [1, 4, 6, 3],
    [2, 28, 28, 17],
  ];
  const gradOf = (x: tf.Tensor, mix: tf.Tensor) =>
    tf.grad((a: tf.Tensor) => {
      const pooled = tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid');
      return tf.sum(tf.mul(pooled, tf.slice(mix, [0, 0, 0, 0], pooled.shape)));
    })(x);
  const on = (backend: 'cpu' | 'wasm', x: Float32Array, mix: Float32Array, shape: number[], compiled = true) => {
    tf.setBackend(backend);
    setNativeKernels(compiled);
    try {
      return tf.tidy(() => gradOf(tf.tensor(x, shape), tf.tensor(mix, shape)).dataSync() as Float32Array);
    } finally {
      setNativeKernels(true);
    }
  };
  for (const shape of shapes) {
    for (const kind of ['normal', 'ties', 'zeros, subnormals and infinities'] as const) {
      it(`${shape.join('x')}, ${kind}: equals cpu and the JavaScript kernel to the bit`, () => {
        const size = shape.reduce((a, b) => a * b, 1);
        // After a ReLU: many exact zeros; ties pick the first maximum of the window.
        const x =
          kind === 'zeros, subnormals and infinities'
            ? Float32Array.from(edgeValues(size, `pool ${shape}`), (v) => (Number.isNaN(v) ? 0 : v))
            : randomArray(shape, `pool ${shape} ${kind}`, kind).values;
        const mix = randomArray(shape, `mix ${shape}`).values;
        const compiled = on('wasm', x, mix, shape);
        expect(bits(compiled)).toEqual(bits(on('cpu', x, mix, shape)));
        expect(bits(compiled)).toEqual(bits(on('wasm', x, mix, shape, false)));
      });
    }
  }
});

describe('compiled first-layer filter gradient (3x3, stride 1, same, one input channel)', () => {
  // A reordering kernel: off in the engine by default (native.ts), on for these tests.
  beforeAll(() => setReorderingKernels(true));
  afterAll(() => setReorderingKernels(false));
  const cases = [
    [6, 28, 28, 16],
    [2, 5, 7, 4],
    [3, 1, 6, 8],
    [2, 4, 1, 12],
    [1, 2, 2, 4],
  ];
  for (const [n, h, w, co] of cases) {
    for (const kind of ['normal', 'zeros and subnormals'] as const) {
      it(`${n}x${h}x${w}x1 -> ${co}, ${kind}: equals cpu (and the uncompiled kernel)`, () => {
        const x = randomArray([n, h, w, 1], `fg x ${n} ${h} ${w}`);
        if (kind !== 'normal') x.values.forEach((v, i) => (x.values[i] = i % 3 === 0 ? 0 : i % 3 === 1 ? v * 1e-39 : v));
        const dy = randomArray([n, h, w, co], `fg dy ${n} ${h} ${w} ${co}`);
        const grad = (xt: tf.Tensor, dyt: tf.Tensor) =>
          tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, {
            strides: 1,
            pad: 'same',
            dataFormat: 'NHWC',
            filterShape: [3, 3, 1, co],
          } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const expected = runOn('cpu', [x, dy], grad)[0];
        expectClose(runOn('wasm', [x, dy], grad)[0], expected, 'compiled filter gradient');
        setNativeKernels(false);
        try {
          expectClose(runOn('wasm', [x, dy], grad)[0], expected, 'uncompiled filter gradient');
        } finally {
          setNativeKernels(true);
        }
      });
    }
  }
});

describe('compiled batch norm (training mode)', () => {
  beforeAll(() => setReorderingKernels(true));
  afterAll(() => setReorderingKernels(false));
  const shapes = [
    [2, 7, 5, 3],
    [4, 6, 6, 16],
    [1, 3, 3, 5],
  ];
  const EPS = 1e-5;
  const bnAndGrads = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, mix: tf.Tensor) => {
    const bn = batchNormTraining(x as tf.Tensor4D, gamma as tf.Tensor1D, beta as tf.Tensor1D, EPS);
    const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, EPS).y, mix)),
    )([x, gamma, beta]);
    return [bn.y, bn.mean, bn.variance, ...grads];
  };
  for (const shape of shapes) {
    it(`${shape.join('x')} with a constant channel, a subnormal channel and zeros: equals cpu`, () => {
      const c = shape[3];
      const x = randomArray(shape, `bn edge ${shape}`);
      // Channel 0 constant (variance 0), channel 1 subnormal, every 7th value 0.
      x.values.forEach((v, i) => (x.values[i] = i % c === 0 ? 2.5 : i % c === 1 ? v * 1e-39 : i % 7 === 0 ? 0 : v));
      const gamma = randomArray([c], `bn edge gamma ${shape}`);
      gamma.values[c - 1] = 0;
      const inputs = [x, gamma, randomArray([c], `bn edge beta ${shape}`), randomArray(shape, `bn edge mix ${shape}`)];
      const expected = runOn('cpu', inputs, bnAndGrads);
      const actual = runOn('wasm', inputs, bnAndGrads);
      expected.forEach((e, i) => expectClose(actual[i], e, `output ${i}`));
    });
  }

  it('leaves no tensor or wasm buffer behind', () => {
    tf.setBackend('wasm');
    const x = tf.randomNormal([4, 6, 6, 8]);
    const g = tf.ones([8]);
    const b = tf.zeros([8]);
    const once = () =>
      tf.tidy(() =>
        tf.grads((a: tf.Tensor) =>
          batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, EPS)
            .y.square()
            .sum(),
        )([x]),
      );
    tf.dispose(once());
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    for (let i = 0; i < 5; i++) tf.dispose(once());
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    tf.dispose([x, g, b]);
  });
});

describe('compiled batch norm in inference mode with the activation and the feature statistics', () => {
  // The stock wasm kernels (FusedBatchNorm, Relu or LeakyRelu, Max, Mean) are the reference: the
  // compiled pass must give their values to the bit, so checkpoint measurements do not move.
  const shapes = [
    [3, 5, 7, 6],
    [2, 4, 4, 16],
    [4, 1, 1, 3],
  ];
  const activations = [
    { bnEpsilon: 1e-5, activation: 'relu', leakySlope: 0.01 },
    { bnEpsilon: 1e-3, activation: 'leaky-relu', leakySlope: 0.1 },
  ] as const;
  const withStock = <T>(f: () => T): T => {
    setNativeKernels(false);
    try {
      return f();
    } finally {
      setNativeKernels(true);
    }
  };
  for (const shape of shapes) {
    for (const spec of activations) {
      it(`${shape.join('x')}, ${spec.activation}, with zeros, subnormals, a dead and a constant channel: equals the stock kernels to the bit`, () => {
        tf.setBackend('wasm');
        const c = shape[3];
        const x = randomArray(shape, `inference ${shape} ${spec.activation}`);
        x.values.forEach((v, i) => (x.values[i] = i % c === 0 ? 2.5 : i % c === 1 ? v * 1e-39 : i % 11 === 0 ? 0 : i % 13 === 0 ? -0 : v));
        const mean = randomArray([c], `inference mean ${shape}`);
        const variance = randomArray([c], `inference variance ${shape}`);
        variance.values.forEach((v, i) => (variance.values[i] = i === 0 ? 0 : i === 1 ? 1e-40 : v * v));
        const gamma = randomArray([c], `inference gamma ${shape}`);
        gamma.values[c - 1] = 0;
        const beta = randomArray([c], `inference beta ${shape}`);
        beta.values[c - 1] = -1;
        const run = (measured: boolean) =>
          tf.tidy(() => {
            const [xs, m, v, g, b] = [x, mean, variance, gamma, beta].map((p) => tf.tensor(p.values, p.shape));
            const out = inferenceBlock(
              xs as tf.Tensor4D,
              { runningMean: m as tf.Tensor1D, runningVariance: v as tf.Tensor1D, gamma: g as tf.Tensor1D, beta: b as tf.Tensor1D },
              spec,
              measured,
            );
            const s = out.statistics;
            return [out.y, ...(s ? [s.active, s.peak, s.responses] : [])].map((t) => t.dataSync() as Float32Array);
          });
        const expected = withStock(() => run(true));
        const actual = run(true);
        expect(actual.length).toBe(4);
        ['y', 'active', 'peak', 'responses'].forEach((what, i) => expect(bits(actual[i]), what).toEqual(bits(expected[i])));
        expect(bits(run(false)[0]), 'y without statistics').toEqual(bits(expected[0]));
        // The measured values are what they mean: the dead channel (gamma 0, beta -1) is never active.
        expect(actual[1][c - 1]).toBe(0);
        expect(Math.max(...actual[1])).toBeGreaterThan(0);
      });
    }
  }

  it('leaves no tensor or wasm buffer behind', () => {
    tf.setBackend('wasm');
    const x = tf.randomNormal([4, 6, 6, 8]) as tf.Tensor4D;
    const params = {
      runningMean: tf.zeros([8]) as tf.Tensor1D,
      runningVariance: tf.ones([8]) as tf.Tensor1D,
      gamma: tf.ones([8]) as tf.Tensor1D,
      beta: tf.zeros([8]) as tf.Tensor1D,
    };
    const once = () => tf.tidy(() => inferenceBlock(x, params, activations[0], true).statistics!.responses.sum());
    tf.dispose(once());
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    for (let i = 0; i < 5; i++) tf.dispose(once());
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    tf.dispose([x, ...Object.values(params)]);
  });
});

describe('compiled first-layer convolution (3x3, stride 1, same, one input channel)', () => {
  // tf.conv2d on the stock wasm kernel (XNNPACK) is the reference, forward and gradients, to the bit.
  const shapes: Array<[number, number, number, number]> = [
    [5, 28, 28, 16],
    [3, 5, 1, 8],
    [2, 1, 6, 4],
    [1, 2, 2, 12],
  ];
  for (const shape of shapes) {
    it(`${shape.slice(0, 3).join('x')}x1 -> ${shape[3]}, with zeros and subnormals: output and gradients equal tf.conv2d's to the bit`, () => {
      tf.setBackend('wasm');
      const [n, h, w, co] = shape;
      const x = randomArray([n, h, w, 1], `first conv x ${shape}`);
      x.values.forEach((v, i) => (x.values[i] = i % 5 === 0 ? 0 : i % 7 === 0 ? v * 1e-39 : v));
      const k = randomArray([3, 3, 1, co], `first conv k ${shape}`);
      const mix = randomArray([n, h, w, co], `first conv mix ${shape}`);
      const run = (conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) =>
        tf.tidy(() => {
          const [xs, ks, m] = [x, k, mix].map((p) => tf.tensor4d(p.values, p.shape as [number, number, number, number]));
          const y = conv(xs, ks);
          const [dx, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), m)))([xs, ks]);
          return [y, dx, dk].map((t) => t.dataSync() as Float32Array);
        });
      const expected = run((a, b) => tf.conv2d(a, b, 1, 'same'));
      const actual = run(convSame);
      ['y', 'dx', 'dfilter'].forEach((what, i) => expect(bits(actual[i]), what).toEqual(bits(expected[i])));
      expect(actual[0].some((v) => v !== 0)).toBe(true);
    });
  }
});

describe('compiled 3x3 same convolutions over many channels: forward, input and filter gradients', () => {
  // The XNNPACK path (setNativeKernels(false): the stock Conv2D, and wasm-kernels.ts's transposed
  // convolutions for the gradients) is the reference, to the bit. Batches that are not a multiple of
  // the 4-image tile, maps of 1 to 7 pixels a side, input channels not a multiple of 4 (the filter
  // gradient's one-at-a-time rest); zeros of both signs and subnormal inputs.
  const shapes: Array<{ shape: [number, number, number, number, number]; compiled: boolean }> = [
    { shape: [5, 7, 6, 8, 16], compiled: true },
    { shape: [4, 3, 3, 16, 8], compiled: true },
    { shape: [2, 1, 5, 8, 24], compiled: true },
    { shape: [1, 4, 4, 24, 32], compiled: true },
    // Batches over several chunks of images (kernels.c CONV_CHUNK) and their rest.
    { shape: [13, 3, 2, 8, 8], compiled: true },
    // Input channels 12 (input gradient on XNNPACK) and 3 (forward on XNNPACK, filter gradient compiled one channel at a time).
    { shape: [3, 2, 1, 12, 8], compiled: false },
    { shape: [6, 5, 5, 3, 8], compiled: false },
  ];
  for (const { shape, compiled } of shapes) {
    const [n, h, w, ci, co] = shape;
    it(`${n}x${h}x${w}x${ci} -> ${co}: output and both gradients equal the XNNPACK path's to the bit${compiled ? ', with no XNNPACK convolution run' : ''}`, async () => {
      tf.setBackend('wasm');
      const x = randomArray([n, h, w, ci], `conv x ${shape}`);
      x.values.forEach((v, i) => (x.values[i] = i % 5 === 0 ? 0 : i % 11 === 0 ? -0 : i % 7 === 0 ? v * 1e-39 : v));
      const k = randomArray([3, 3, ci, co], `conv k ${shape}`);
      const mix = randomArray([n, h, w, co], `conv mix ${shape}`);
      mix.values.forEach((v, i) => (mix.values[i] = i % 4 === 0 ? 0 : v));
      const run = () =>
        tf.tidy(() => {
          const [xs, ks, m] = [x, k, mix].map((p) => tf.tensor4d(p.values, p.shape as [number, number, number, number]));
          const y = convSame(xs, ks);
          const [dx, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(convSame(a as tf.Tensor4D, b as tf.Tensor4D), m)))([xs, ks]);
          return [y, dx, dk];
        });
      setNativeKernels(false);
      let expected: Float32Array[];
      try {
        expected = run().map((t) => t.dataSync() as Float32Array);
      } finally {
        setNativeKernels(true);
      }
      let outputs: tf.Tensor[] = [];
      const profile = await tf.profile(() => (outputs = run()));
      const actual = outputs.map((t) => t.dataSync() as Float32Array);
      tf.dispose(outputs);
      ['y', 'dx', 'dfilter'].forEach((what, i) => expect(bits(actual[i]), what).toEqual(bits(expected[i])));
      expect(actual.every((a) => a.some((v) => v !== 0))).toBe(true);
      if (compiled) {
        expect(profile.kernelNames).toContain('ProjectConv3x3Same');
        expect(profile.kernelNames).not.toContain('Conv2D');
      }
    });
  }
});

describe('batch norm in training mode with the exact kernels (the default): compiled element passes', () => {
  // The op-by-op path (setNativeKernels(false)) is the reference, to the bit: values, batch
  // statistics and the gradients to x, gamma and beta.
  const shapes: Array<[number, number, number, number]> = [
    [2, 7, 5, 3],
    [4, 6, 6, 16],
    [3, 3, 3, 6],
  ];
  for (const shape of shapes) {
    it(`${shape.join('x')} with a constant channel, a subnormal channel and zeros: equals the op-by-op path to the bit`, () => {
      tf.setBackend('wasm');
      const c = shape[3];
      const x = randomArray(shape, `exact bn ${shape}`);
      x.values.forEach((v, i) => (x.values[i] = i % c === 0 ? 2.5 : i % c === 1 ? v * 1e-39 : i % 7 === 0 ? 0 : v));
      const gamma = randomArray([c], `exact bn gamma ${shape}`);
      gamma.values[c - 1] = 0;
      const beta = randomArray([c], `exact bn beta ${shape}`);
      const mix = randomArray(shape, `exact bn mix ${shape}`);
      const run = () =>
        tf.tidy(() => {
          const [xs, g, b, m] = [x, gamma, beta, mix].map((p) => tf.tensor(p.values, p.shape));
          const bn = batchNormTraining(xs as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
          const grads = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
            tf.sum(tf.mul(batchNormTraining(a as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5).y, m)),
          )([xs, g, b]);
          return [bn.y, bn.mean, bn.variance, ...grads].map((t) => t.dataSync() as Float32Array);
        });
      setNativeKernels(false);
      let expected: Float32Array[];
      try {
        expected = run();
      } finally {
        setNativeKernels(true);
      }
      const actual = run();
      ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'].forEach((what, i) => expect(bits(actual[i]), what).toEqual(bits(expected[i])));
    });
  }
});
