// The WebGPU backend on a real (in CI: software) GPU against the cpu backend: training steps of
// the engine, the WGSL fused updates for every optimizer, and a whole run recorded by the
// experiment CLI; and, without any GPU, that every kernel a training step runs is registered for
// webgpu. The software GPU comes from pipeline/software-gpu.sh (npm test's setup installs it);
// where it is missing these tests say why they skip, and under CI they fail instead.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError, initBackend, type BackendInfo } from '../../../experiments/backend/resolve.js';
import { readAsync, readSync } from '../../../experiments/backend/readback.js';
import { registerWebgpuKernels, variablesPerDispatch } from '../../../experiments/backend/webgpu-kernels.js';
import { batchNormReluTraining, batchNormTraining } from '../../../experiments/backend/batch-norm.js';
import { profileDispatches } from '../../../experiments/backend/webgpu-profile.js';
import { OPTIMIZERS, REGULARIZATIONS, resolveConfig, type OptimizerName, type RunConfig } from '../../../experiments/config.js';
import { basicNetSpec, buildNetwork, disposeNetwork, initialWeights, readWeightsReads, trainables, type NetworkWeights } from '../../../experiments/model.js';
import { createOptimizer } from '../../../experiments/optimizers.js';
import { createRandom } from '../../../experiments/random.js';
import { gatherBatch, readSteps, trainStepTensors, type ImageBatchSource, type StepResult } from '../../../experiments/train.js';
import { runRecordSchema } from '../../../data/schemas/run-record.js';

vi.setConfig({ testTimeout: 600_000 });

/**
 * The tolerances, and why: the GPU sums convolutions and reductions in another order than the cpu
 * backend, so each float32 result may differ in its last bits (relative 6e-8); over a few steps
 * Adam turns a gradient's relative difference into at most the same relative difference of its
 * step. Losses agree to 1e-5 relative and weights to 1e-5 absolute after 4 steps (measured: losses
 * at most 1.0e-7 relative; weights 1.2e-7 with SGD and momentum, 5.3e-6 with Adam, the same
 * without the ReLU and optimizer fusions); a single fused update to 1e-6 relative (WGSL's sqrt
 * and division are not correctly rounded: a few ulp).
 */
const LOSS_TOLERANCE = 1e-5;
const WEIGHT_TOLERANCE = 1e-5;
const UPDATE_TOLERANCE = 1e-6;
/**
 * Batch norm's WGSL kernels sum each channel in another order (256 strided partial sums, then a
 * tree) than the cpu backend (average pooling per image, then a sum): sums of ~1,000 float32 terms
 * differ by a few ulp of the largest partial sum, and the input gradient is a difference of such
 * sums. Every output within 1e-5 of its tensor's largest magnitude (measured at ~1e-7).
 */
const BATCH_NORM_TOLERANCE = 1e-5;

let gpu: BackendInfo | null = null;
let skipReason = '';
try {
  gpu = await initBackend('webgpu');
} catch (error) {
  if (!(error instanceof BackendUnavailableError)) throw error;
  skipReason = `${error.message} [skipped: run bash pipeline/software-gpu.sh for the software GPU]`;
  if (process.env.CI) throw new Error(`CI must run the WebGPU tests, but ${error.message}`, { cause: error });
  console.warn(skipReason);
}
// Dawn keeps the process alive while a device exists.
afterAll(() => {
  if (gpu) tf.removeBackend('webgpu');
});

/** Random images in [0, 1) with labels, as the engine's batches are made. */
function randomImages(count: number, shape: [number, number, number], classes: number): ImageBatchSource {
  const random = createRandom(5, 'webgpu-images');
  const size = shape[0] * shape[1] * shape[2];
  return {
    images: Float32Array.from({ length: count * size }, () => random.next()),
    labels: Int32Array.from({ length: count }, () => random.int(classes)),
    count,
  };
}

const SHAPE: [number, number, number] = [28, 28, 1];
const CONFIG = resolveConfig({
  optimizer: { name: 'adam', lr: 1e-3 },
  regularization: { kind: 'l2', strength: 5e-4 },
  model: { width: 4 },
  training: { batchSize: 16, iterations: 4 },
});

/**
 * A small Fashion-MNIST-format folder (random pixels, 128 training and 64 test images): a run's
 * final measurement covers the whole test set, which takes minutes at 10,000 images on a software GPU.
 */
function writeSmallIdx(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const random = createRandom(9, 'webgpu-idx');
  const header = (magic: number, dims: number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
    return b;
  };
  for (const [prefix, n] of [
    ['train', 128],
    ['t10k', 64],
  ] as const) {
    const pixels = Buffer.from(Uint8Array.from({ length: n * 28 * 28 }, () => random.int(256)));
    const labels = Buffer.from(Uint8Array.from({ length: n }, (_, i) => i % 10));
    writeFileSync(path.join(dir, `${prefix}-images-idx3-ubyte`), Buffer.concat([header(0x803, [n, 28, 28]), pixels]));
    writeFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`), Buffer.concat([header(0x801, [n]), labels]));
  }
}

/** Trains STEPS steps from the same weights and batches on `backend`; returns the losses and the weights after. */
async function trainOn(backend: 'cpu' | 'webgpu', steps: number, config = CONFIG): Promise<{ results: StepResult[]; weights: NetworkWeights; fused: boolean }> {
  await tf.setBackend(backend);
  const spec = basicNetSpec(config, SHAPE, 10);
  const net = buildNetwork(spec, initialWeights(spec, createRandom(1, 'init'), config.model.init));
  const optimizer = createOptimizer(config, trainables(net));
  const source = randomImages(steps * 16, SHAPE, 10);
  const pending = [];
  for (let s = 0; s < steps; s++) {
    const { x, y } = gatherBatch(
      source,
      Uint32Array.from({ length: 16 }, (_, i) => s * 16 + i),
      SHAPE,
      10,
    );
    pending.push(trainStepTensors(net, optimizer, x, y, config.optimizer.lr));
    tf.dispose([x, y]);
  }
  // One read for all steps, as the run loop does on webgpu.
  const read = backend === 'cpu' ? readSync : readAsync;
  const results = await read(readSteps(pending));
  const weights = await read(readWeightsReads(net));
  const fused = optimizer.fusedUpdates;
  optimizer.dispose();
  disposeNetwork(net);
  return { results, weights, fused };
}

function largestDifference(a: NetworkWeights, b: NetworkWeights): number {
  let worst = 0;
  for (const key of Object.keys(a) as Array<keyof NetworkWeights>) {
    const xs = ([] as Float32Array[]).concat(a[key]);
    const ys = ([] as Float32Array[]).concat(b[key]);
    xs.forEach((x, i) => x.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - ys[i][j])))));
  }
  return worst;
}

describe.skipIf(!gpu)(`webgpu on ${gpu?.adapter?.description ?? 'no adapter'}${skipReason}`, () => {
  // Adam + L2 (the study's main configuration), and SGD and momentum with L2 on the convolutions.
  const trainings = [
    { name: 'adam', config: CONFIG },
    ...(['sgd', 'momentum'] as const).map((name) => ({
      name,
      config: resolveConfig({
        optimizer: { name, lr: 0.05 },
        regularization: { kind: 'l2', strength: 5e-4, appliesTo: ['conv'] },
        model: { width: 4 },
        training: { batchSize: 16, iterations: 4 },
      }),
    })),
  ];

  it.each(trainings)(
    'trains the engine a few steps with $name as the cpu backend does (fused batch norm and ReLU, grouped WGSL update)',
    async ({ config }) => {
      const cpu = await trainOn('cpu', 4, config);
      const webgpu = await trainOn('webgpu', 4, config);
      expect(webgpu.fused).toBe(true);
      webgpu.results.forEach((r, i) => {
        expect(Math.abs(r.loss - cpu.results[i].loss) / cpu.results[i].loss).toBeLessThan(LOSS_TOLERANCE);
        expect(r.correct).toBe(cpu.results[i].correct);
      });
      expect(largestDifference(webgpu.weights, cpu.weights)).toBeLessThan(WEIGHT_TOLERANCE);
    },
  );

  /** Values as a dying filter sees them: mostly normal, some zero, some subnormal or about to be. */
  const values = (seed: string, scale: number, size = 1000) => {
    const random = createRandom(7, seed);
    return Float32Array.from({ length: size }, (_, i) =>
      i % 10 === 0 ? 0 : i % 10 === 1 ? 3e-40 * (random.normal() > 0 ? 1 : -1) : i % 10 === 2 ? random.normal() * 1e-36 : random.normal() * scale,
    );
  };
  const configFor = (name: OptimizerName, kind: (typeof REGULARIZATIONS)[number]): RunConfig =>
    resolveConfig({
      optimizer: { name, ...(name === 'rmsprop' ? { momentum: 0.9 } : {}) },
      regularization: { kind, strength: kind === 'none' ? 0 : 5e-3, appliesTo: ['conv'] },
    });
  const combinations = OPTIMIZERS.flatMap((name) =>
    REGULARIZATIONS.filter((kind) => (name === 'adamw' ? kind === 'decoupled' : !(name === 'adam' && kind === 'decoupled'))).map((kind) => ({ name, kind })),
  );

  it.each(combinations)("the WGSL fused update of $name with $kind regularization gives the cpu kernel's numbers, flushed", async ({ name, kind }) => {
    const config = configFor(name, kind);
    const stepOn = async (backend: 'cpu' | 'webgpu') => {
      await tf.setBackend(backend);
      const w = tf.variable(tf.tensor1d(values('w', 0.5)), true, `w-${backend}-${name}-${kind}`);
      const optimizer = createOptimizer(config, [{ variable: w, group: 'conv' }], { fusedUpdates: true });
      for (let step = 0; step < 5; step++) {
        const g = tf.tensor1d(values(`g${step}`, 0.05));
        optimizer.apply({ [w.name]: g }, config.optimizer.lr);
        g.dispose();
      }
      const out = [w, ...optimizer.slots.values()];
      const read = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
      optimizer.dispose();
      w.dispose();
      return read;
    };
    const cpu = await stepOn('cpu');
    const webgpu = await stepOn('webgpu');
    webgpu.forEach((tensor, t) =>
      tensor.forEach((v, i) => {
        const expected = cpu[t][i];
        expect(Math.abs(v - expected), `tensor ${t} element ${i}: ${v} vs ${expected}`).toBeLessThanOrEqual(UPDATE_TOLERANCE * Math.abs(expected));
        // The flush: nothing subnormal is left.
        expect(v === 0 || Math.abs(v) >= 1.1754943508222875e-38).toBe(true);
      }),
    );
  });

  it.each([
    { name: 'sgd', kind: 'l2' },
    { name: 'momentum', kind: 'l2' },
    { name: 'adam', kind: 'l2' },
    { name: 'adamw', kind: 'decoupled' },
  ] as const)('updates several variables of $name with $kind in one grouped kernel call, as the cpu kernel does each', async ({ name, kind }) => {
    const config = configFor(name, kind);
    // Sizes of a block's kernel, gamma, beta and the head; only the 'conv' group is regularized.
    const sizes = [144, 4, 4, 40, 10, 288, 8];
    const groups = ['conv', 'gamma', 'beta', 'head', 'head', 'conv', 'gamma'] as const;
    const stepOn = async (backend: 'cpu' | 'webgpu') => {
      await tf.setBackend(backend);
      const ws = sizes.map((n, j) => tf.variable(tf.tensor1d(values(`w${j}`, 0.5, n)), true, `group-${backend}-${name}-${j}`));
      const optimizer = createOptimizer(
        config,
        ws.map((variable, j) => ({ variable, group: groups[j] })),
        { fusedUpdates: true },
      );
      const apply = (step: number) => {
        const gs = sizes.map((n, j) => tf.tensor1d(values(`g${step}-${j}`, 0.05, n)));
        optimizer.apply(Object.fromEntries(ws.map((w, j) => [w.name, gs[j]])), config.optimizer.lr);
        tf.dispose(gs);
      };
      for (let step = 0; step < 4; step++) apply(step);
      const profile = backend === 'webgpu' ? (await profileDispatches(() => apply(4))).profile : null;
      if (backend === 'cpu') apply(4);
      const out = [...ws, ...optimizer.slots.values()];
      const read = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
      optimizer.dispose();
      tf.dispose(ws);
      return { read, profile };
    };
    const cpu = await stepOn('cpu');
    const webgpu = await stepOn('webgpu');
    webgpu.read.forEach((tensor, t) =>
      tensor.forEach((v, i) => {
        const expected = cpu.read[t][i];
        expect(Math.abs(v - expected), `tensor ${t} element ${i}: ${v} vs ${expected}`).toBeLessThanOrEqual(UPDATE_TOLERANCE * Math.abs(expected));
        expect(v === 0 || Math.abs(v) >= 1.1754943508222875e-38).toBe(true);
      }),
    );
    // One kernel call a step; as many variables a dispatch as the device binds.
    const limit = (tf.findBackend('webgpu') as unknown as { device: GPUDevice }).device.limits.maxStorageBuffersPerShaderStage;
    const per = variablesPerDispatch(name, limit);
    expect(webgpu.profile!.kernels).toEqual([{ kernel: 'FusedOptimizerUpdateGroup', calls: 1, dispatches: Math.ceil(sizes.length / per) }]);
    expect(per).toBeGreaterThan(1);
  });

  it("computes batch norm in training mode (values, batch statistics, gradients) with the WGSL kernels as the cpu backend's ops do", async () => {
    const random = createRandom(3, 'webgpu-bn');
    const shape: [number, number, number, number] = [8, 6, 6, 5];
    const size = shape.reduce((a, b) => a * b, 1);
    // Channels with a large mean and small spread (where one-pass variance would fail), and a dying one (gamma 0).
    const xs = Float32Array.from({ length: size }, (_, i) => 3 * (i % 5) + random.normal() * (0.2 + (i % 5)));
    const dys = Float32Array.from({ length: size }, () => random.normal());
    const gammas = Float32Array.from([1.5, -0.7, 0, 1e-3, 2]);
    const betas = Float32Array.from([0.1, -0.2, 0.3, 0, -1]);
    const on = async (backend: 'cpu' | 'webgpu') => {
      await tf.setBackend(backend);
      const [x, dy] = [xs, dys].map((v) => tf.tensor4d(v, shape));
      const [gamma, beta] = [gammas, betas].map((v) => tf.tensor1d(v));
      const forward = batchNormTraining(x as tf.Tensor4D, gamma, beta, 1e-5);
      const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5).y, dy)),
      )([x, gamma, beta]);
      const out = [forward.y, forward.mean, forward.variance, ...grads];
      const values = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose([x, dy, gamma, beta, ...out]);
      return values;
    };
    const cpu = await on('cpu');
    const { result: webgpu, profile } = await (async () => {
      await tf.setBackend('webgpu');
      return profileDispatches(() => on('webgpu'));
    })();
    ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'].forEach((name, t) => {
      const scale = Math.max(...cpu[t].map(Math.abs));
      webgpu[t].forEach((v, i) => expect(Math.abs(v - cpu[t][i]), `${name}[${i}]: ${v} vs ${cpu[t][i]}`).toBeLessThanOrEqual(BATCH_NORM_TOLERANCE * scale));
    });
    // Two dispatches a direction: the forward ran twice (once under tf.grads), the backward once.
    const kernel = (name: string) => profile.kernels.find((k) => k.kernel === name);
    expect(kernel('ProjectBatchNormTraining')).toMatchObject({ calls: 2, dispatches: 4 });
    expect(kernel('ProjectBatchNormTrainingGrad')).toMatchObject({ calls: 1, dispatches: 2 });
    expect(kernel('AvgPool')).toBeUndefined();
  });

  it('computes batch norm with the ReLU in its kernels (values, batch statistics, gradients) as the cpu backend does batch norm, then tf.relu', async () => {
    const random = createRandom(4, 'webgpu-bn-relu');
    const shape: [number, number, number, number] = [8, 6, 6, 5];
    const size = shape.reduce((a, b) => a * b, 1);
    const xs = Float32Array.from({ length: size }, (_, i) => 3 * (i % 5) + random.normal() * (0.2 + (i % 5)));
    const dys = Float32Array.from({ length: size }, () => random.normal());
    // Channels that are mostly on, mostly off, dead (gamma 0: every output 0, so no gradient to x) and mixed.
    const gammas = Float32Array.from([1.5, -0.7, 0, 1e-3, 2]);
    const betas = Float32Array.from([0.1, -0.2, 0.3, 0, -1]);
    const on = async (backend: 'cpu' | 'webgpu') => {
      await tf.setBackend(backend);
      const [x, dy] = [xs, dys].map((v) => tf.tensor4d(v, shape));
      const [gamma, beta] = [gammas, betas].map((v) => tf.tensor1d(v));
      const forward = batchNormReluTraining(x as tf.Tensor4D, gamma, beta, 1e-5);
      const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(batchNormReluTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5).y, dy)),
      )([x, gamma, beta]);
      const out = [forward.y, forward.mean, forward.variance, ...grads];
      const values = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose([x, dy, gamma, beta, ...out]);
      return values;
    };
    const cpu = await on('cpu');
    const { result: webgpu, profile } = await (async () => {
      await tf.setBackend('webgpu');
      return profileDispatches(() => on('webgpu'));
    })();
    ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'].forEach((name, t) => {
      const scale = Math.max(...cpu[t].map(Math.abs));
      webgpu[t].forEach((v, i) => expect(Math.abs(v - cpu[t][i]), `${name}[${i}]: ${v} vs ${cpu[t][i]}`).toBeLessThanOrEqual(BATCH_NORM_TOLERANCE * scale));
    });
    // Some outputs are cut to 0 and some pass: the mask matters.
    expect(cpu[0].some((v) => v === 0) && cpu[0].some((v) => v > 0)).toBe(true);
    expect(webgpu[0].every((v) => v >= 0)).toBe(true);
    const kernel = (name: string) => profile.kernels.find((k) => k.kernel === name);
    expect(kernel('ProjectBatchNormReluTraining')).toMatchObject({ calls: 2, dispatches: 4 });
    expect(kernel('ProjectBatchNormReluTrainingGrad')).toMatchObject({ calls: 1, dispatches: 2 });
    for (const name of ['Relu', 'Step', 'ProjectBatchNormTraining', 'ProjectBatchNormTrainingGrad']) expect(kernel(name)).toBeUndefined();
  });

  it('profiles the kernel calls and dispatches of a training step', async () => {
    await tf.setBackend('webgpu');
    const spec = basicNetSpec(CONFIG, SHAPE, 10);
    const net = buildNetwork(spec, initialWeights(spec, createRandom(1, 'init'), CONFIG.model.init));
    const optimizer = createOptimizer(CONFIG, trainables(net));
    const { x, y } = gatherBatch(
      randomImages(16, SHAPE, 10),
      Uint32Array.from({ length: 16 }, (_, i) => i),
      SHAPE,
      10,
    );
    const variables = trainables(net).length;
    const { profile } = await profileDispatches(() => readAsync(readSteps([trainStepTensors(net, optimizer, x, y, 1e-3)])));
    tf.dispose([x, y]);
    optimizer.dispose();
    disposeNetwork(net);
    const kernel = (name: string) => profile.kernels.find((k) => k.kernel === name);
    const blocks = spec.filters.length;
    expect(kernel('Conv2D')).toMatchObject({ calls: blocks, dispatches: blocks });
    // Every variable in one kernel call, as many a dispatch as the device binds (adam: 7 buffers each).
    const limit = (tf.backend() as unknown as { device: GPUDevice }).device.limits.maxStorageBuffersPerShaderStage;
    expect(kernel('FusedOptimizerUpdateGroup')).toMatchObject({ calls: 1, dispatches: Math.ceil(variables / variablesPerDispatch('adam', limit)) });
    expect(kernel('FusedOptimizerUpdate')).toBeUndefined();
    // Conv-BN-ReLU: the ReLU inside batch norm's kernels, forward and backward.
    expect(kernel('ProjectBatchNormReluTraining')).toMatchObject({ calls: blocks, dispatches: 2 * blocks });
    expect(kernel('ProjectBatchNormReluTrainingGrad')).toMatchObject({ calls: blocks, dispatches: 2 * blocks });
    for (const name of ['Relu', 'Step', 'ProjectBatchNormTraining']) expect(kernel(name)).toBeUndefined();
    expect(kernel('ProjectRunningStatistics')).toMatchObject({ calls: blocks, dispatches: blocks });
    expect(profile.outside).toBe(0);
    expect(profile.dispatches).toBe(profile.kernels.reduce((n, k) => n + k.dispatches, 0));
    // Views and reshapes record no dispatch.
    expect(kernel('Reshape')?.dispatches ?? 0).toBe(0);
  });

  it('records a whole short run with the experiment CLI on --backend webgpu', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'webgpu-run-'));
    try {
      const out = path.join(dir, 'run.json');
      writeSmallIdx(path.join(dir, 'data'));
      const args = [
        '--import',
        'tsx',
        'experiments/cli.ts',
        '--backend',
        'webgpu',
        '--out',
        out,
        '--progress',
        'none',
        '--no-snapshot',
        '--data-dir',
        path.join(dir, 'data'),
      ];
      args.push('--model-width', '2', '--training-iterations', '6', '--training-batch-size', '16', '--data-probe-size', '32');
      args.push('--measure-checkpoint-every', '3', '--measure-log-every', '2');
      await promisify(execFile)(process.execPath, args, { cwd: path.resolve(import.meta.dirname, '../../..'), timeout: 580_000 });
      const record = runRecordSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
      expect(record.status).toBe('complete');
      expect(record.provenance.backend).toBe('webgpu');
      expect(record.provenance.backendDetail).toContain(gpu!.adapter!.description);
      expect(record.curve.map((c) => c.iteration)).toEqual([2, 4, 6]);
      expect(record.checkpoints.map((c) => c.iteration)).toEqual([0, 3, 6]);
      expect(record.final?.images).toBe(128);
      expect(record.pruning?.testAccuracy.after).toBe(record.pruning?.testAccuracy.before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the kernels of a training step', () => {
  it("are all registered for webgpu (tfjs-backend-webgpu and this project's)", async () => {
    registerWebgpuKernels();
    await tf.setBackend('cpu');
    const spec = basicNetSpec(CONFIG, SHAPE, 10);
    const net = buildNetwork(spec, initialWeights(spec, createRandom(1, 'init'), CONFIG.model.init));
    const optimizer = createOptimizer(CONFIG, trainables(net), { fusedUpdates: true });
    const { x, y } = gatherBatch(
      randomImages(16, SHAPE, 10),
      Uint32Array.from({ length: 16 }, (_, i) => i),
      SHAPE,
      10,
    );
    const profile = await tf.profile(() => {
      const step = trainStepTensors(net, optimizer, x, y, 1e-3);
      tf.dispose([step.loss, step.correct]);
    });
    // The profile also names composite ops (tf.customGrad's); the kernels are what cpu registers.
    const used = [...new Set(profile.kernelNames)].filter((name) => tf.getKernel(name, 'cpu')).sort();
    expect(used).toContain('Conv2DBackpropFilter');
    expect(used).toContain('FusedOptimizerUpdate');
    expect(used.filter((name) => !tf.getKernel(name, 'webgpu'))).toEqual([]);
    tf.dispose([x, y]);
    optimizer.dispose();
    disposeNetwork(net);
  });
});
