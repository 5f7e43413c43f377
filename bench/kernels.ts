// Kernel benchmarks (npm run bench:kernels; npm run bench prints them too): each kernel's share of
// the wasm training step, and our compiled convolution and gradient kernels against the same
// without them and against the stock wasm ones, on the shapes of BasicNet's step.
import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { initBackend } from '../experiments/backend/resolve.js';
import { registerWasmKernels, useStockWasmKernels } from '../experiments/backend/wasm-kernels.js';
import { setNativeKernels } from '../experiments/backend/native.js';
import { convSame } from '../experiments/backend/conv3x3-same.js';
import { basicNetSpec, blockSizes } from '../experiments/model.js';
import { BATCH, benchConfig, CLASSES, fmt, makeTrainer, printTable, SHAPE, timeSteps } from './engine-variants.js';

/** Milliseconds per step spent in each top-level kernel (nested kernel calls count to their caller). */
export function kernelShares(steps: number): { stepMs: number; kernels: Array<{ kernel: string; ms: number; share: number }> } {
  const backendName = tf.getBackend();
  const originals = tf.getKernelsForBackend(backendName);
  const times = new Map<string, number>();
  let depth = 0;
  let counting = false;
  for (const k of originals) {
    const inner = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, backendName);
    tf.registerKernel({
      ...k,
      kernelFunc: ((args: Parameters<typeof inner>[0]) => {
        if (depth > 0 || !counting) return inner(args);
        depth++;
        const t = performance.now();
        try {
          return inner(args);
        } finally {
          depth--;
          times.set(k.kernelName, (times.get(k.kernelName) ?? 0) + performance.now() - t);
        }
      }) as typeof inner,
    });
  }
  const trainer = makeTrainer();
  let stepMs: number;
  try {
    for (let i = 0; i < 2; i++) trainer.step();
    counting = true;
    stepMs = timeSteps(trainer, 0, steps).stepMs;
    counting = false;
  } finally {
    trainer.dispose();
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, backendName);
      tf.registerKernel(k);
    }
  }
  const kernels = [...times.entries()].map(([kernel, ms]) => ({ kernel, ms: ms / steps, share: ms / steps / stepMs })).sort((a, b) => b.ms - a.ms);
  return { stepMs, kernels };
}

export interface KernelComparison {
  kernel: string;
  shape: string;
  /** The compiled kernels (the default engine). */
  oursMs: number;
  /** The same kernels without the compiled ones (setNativeKernels(false)): XNNPACK convolutions, transposes and loops. */
  opsMs: number;
  stockMs: number;
  /** Against the stock kernels. */
  speedup: number;
  /** Against the op path: the compiled convolutions add the same products in the same order (same bits). */
  speedupOverOps: number;
}

/** Our convolution and gradient kernels against the same without the compiled ones and against the stock wasm ones, on the shapes of BasicNet's step. */
export function compareKernels(): KernelComparison[] {
  const spec = basicNetSpec(benchConfig(), SHAPE, CLASSES);
  const sizes = blockSizes(spec);
  type Job = { kernel: string; shape: string; run: () => tf.Tensor; dispose: () => void };
  const jobs: Job[] = [];
  let inC = SHAPE[2];
  spec.filters.forEach((outC, i) => {
    const [h, w] = sizes[i];
    const x = tf.randomNormal([BATCH, h, w, inC]);
    const dy = tf.randomNormal([BATCH, h, w, outC]);
    const filter = tf.randomNormal([3, 3, inC, outC]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined } as const;
    const shape = `${BATCH}x${h}x${w}x${inC}->${outC}`;
    const dispose = () => tf.dispose([x, dy, filter]);
    jobs.push({
      kernel: 'Conv2DBackpropFilter',
      shape,
      run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      dispose,
    });
    jobs.push({
      kernel: i === 0 ? 'Conv2D (first layer)' : 'Conv2D',
      shape,
      run: () => convSame(x as tf.Tensor4D, filter as tf.Tensor4D),
      dispose: () => undefined,
    });
    if (i > 0) {
      jobs.push({
        kernel: 'Conv2DBackpropInput',
        shape,
        run: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        dispose: () => undefined,
      });
    }
    if (spec.poolAfter.includes(i)) {
      const pooledShape = [BATCH, Math.floor(h / 2), Math.floor(w / 2), outC];
      const input = tf.relu(tf.randomNormal([BATCH, h, w, outC]));
      const output = tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid');
      const pdy = tf.randomNormal(pooledShape);
      jobs.push({
        kernel: 'MaxPoolGrad',
        shape: `${BATCH}x${h}x${w}x${outC}`,
        run: () => tf.engine().runKernel('MaxPoolGrad', { dy: pdy, input, output }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor,
        dispose: () => tf.dispose([input, output, pdy]),
      });
    }
    inC = outC;
  });
  const time = (job: Job, reps: number) => {
    tf.dispose(job.run());
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) tf.dispose(job.run());
    return (performance.now() - t0) / reps;
  };
  const ours = jobs.map((j) => time(j, 10));
  setNativeKernels(false);
  const ops = jobs.map((j) => time(j, 10));
  setNativeKernels(true);
  useStockWasmKernels();
  // Without the compiled kernels too: the first layer's convolution is then tf.conv2d (XNNPACK).
  setNativeKernels(false);
  const stock = jobs.map((j) => time(j, 2));
  setNativeKernels(true);
  registerWasmKernels();
  const seen = new Set<() => void>();
  for (const j of jobs) {
    if (seen.has(j.dispose)) continue;
    seen.add(j.dispose);
    j.dispose();
  }
  return jobs.map((j, i) => ({
    kernel: j.kernel,
    shape: j.shape,
    oursMs: ours[i],
    opsMs: ops[i],
    stockMs: stock[i],
    speedup: stock[i] / ours[i],
    speedupOverOps: ops[i] / ours[i],
  }));
}

/** The two kernel tables, as npm run bench prints them. */
export function printKernels(comparisons: readonly KernelComparison[], shares: ReturnType<typeof kernelShares>): void {
  console.log(
    `\nwasm, our kernels (compiled) vs the same without the compiled ones (XNNPACK convolutions, transposes, loops) vs stock (ms per call, same shapes)\n`,
  );
  printTable([
    ['kernel', 'shape', 'ours', 'without compiled', 'stock', 'vs without', 'vs stock'],
    ...comparisons.map((c) => [c.kernel, c.shape, fmt(c.oursMs, 2), fmt(c.opsMs, 2), fmt(c.stockMs, 1), `${fmt(c.speedupOverOps, 2)}x`, `${fmt(c.speedup)}x`]),
  ]);
  console.log(`\nshare of the wasm step per kernel (batch ${BATCH}, top-level kernels; step ${fmt(shares.stepMs)} ms with timers)\n`);
  printTable([
    ['kernel', 'ms/step', 'share'],
    ...shares.kernels.filter((k) => k.share >= 0.003).map((k) => [k.kernel, fmt(k.ms, 2), `${fmt(100 * k.share)}%`]),
    [
      '(outside kernels)',
      fmt(shares.stepMs - shares.kernels.reduce((a, k) => a + k.ms, 0), 2),
      `${fmt(100 * (1 - shares.kernels.reduce((a, k) => a + k.share, 0)))}%`,
    ],
  ]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await initBackend('wasm');
  const shares = kernelShares(12);
  printKernels(compareKernels(), shares);
}
