// Training-speed benchmark (npm run bench; not a test): BasicNet width 16, batch 64, 28x28x1,
// Adam with L2. Prints images/s per backend and kernel path, our wasm kernels against the stock
// ones, each kernel's share of the step, two processes against one, and the checkpoint cost.
//   npm run bench -- [--json FILE] [--steps N] [--cpu-steps N] [--no-cpu] [--no-parallel]
import * as tf from '@tensorflow/tfjs-core';
import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError, Option as CommanderOption } from 'commander';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { initBackend, BackendUnavailableError, type BackendInfo } from './resolve.js';
import { registerWasmKernels, useStockWasmKernels } from './wasm-kernels.js';
import { resolveConfig, type RunConfig } from '../config.js';
import { basicNetSpec, blockSizes, buildNetwork, disposeNetwork, initialWeights, trainables, type Network } from '../model.js';
import { createOptimizer } from '../optimizers.js';
import { trainStep } from '../train.js';
import { createRandom } from '../random.js';

const BATCH = 64;
const SHAPE: [number, number, number] = [28, 28, 1];
const CLASSES = 10;

interface Options {
  json: string | null;
  steps: number;
  cpuSteps: number;
  stockSteps: number;
  cpu: boolean;
  parallel: boolean;
  child: boolean;
}

function parseArgs(argv: string[]): Options {
  const count = (flag: string) => (raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} needs a positive integer`);
    return n;
  };
  const program = new Command('bench')
    .description(
      'Training speed of BasicNet (width 16, batch 64, 28x28x1, Adam with L2): images/s per backend and kernel path, ' +
        'our wasm kernels against the stock ones, each kernel\'s share of the step, two processes against one, and the checkpoint cost.',
    )
    .option('--json <file>', 'also write the results as JSON (one object per backend and path)')
    .option('--steps <n>', 'timed training steps per wasm path', count('--steps'), 30)
    .option('--cpu-steps <n>', 'timed steps on the (very slow) cpu backend', count('--cpu-steps'), 1)
    .option('--stock-steps <n>', 'timed steps with the stock wasm kernels', count('--stock-steps'), 3)
    .option('--no-cpu', 'skip the cpu backend')
    .option('--no-parallel', 'skip the two-process measurement')
    .addOption(new CommanderOption('--child').hideHelp())
    .parse(argv, { from: 'user' });
  const o = program.opts<{ json?: string; steps: number; cpuSteps: number; stockSteps: number; cpu: boolean; parallel: boolean; child?: boolean }>();
  return { json: o.json ?? null, steps: o.steps, cpuSteps: o.cpuSteps, stockSteps: o.stockSteps, cpu: o.cpu, parallel: o.parallel, child: o.child ?? false };
}

export interface SpeedResult {
  backend: string;
  path: string;
  imagesPerSecond: number;
  stepMs: number;
  steps: number;
  detail?: string;
  [extra: string]: unknown;
}

function benchConfig(): RunConfig {
  return resolveConfig({
    model: { width: 16 },
    optimizer: { name: 'adam' },
    regularization: { kind: 'l2', strength: 5e-4 },
    training: { batchSize: BATCH },
  });
}

interface Trainer {
  net: Network;
  step(): void;
  dispose(): void;
}

/** The project's training step on one fixed random batch (speed does not depend on the values). */
function makeTrainer(): Trainer {
  const config = benchConfig();
  const spec = basicNetSpec(config, SHAPE, CLASSES);
  const net = buildNetwork(spec, initialWeights(spec, createRandom(0, 'bench')));
  const optimizer = createOptimizer(config, trainables(net));
  const x = tf.randomNormal([BATCH, ...SHAPE], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniformInt([BATCH], 0, CLASSES, 2), CLASSES), 'float32')) as tf.Tensor2D;
  return {
    net,
    step: () => void trainStep(net, optimizer, x, y, 1e-3),
    dispose: () => {
      optimizer.dispose();
      disposeNetwork(net);
      tf.dispose([x, y]);
    },
  };
}

function timeSteps(trainer: Trainer, warmup: number, steps: number): { stepMs: number; imagesPerSecond: number } {
  for (let i = 0; i < warmup; i++) trainer.step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.step();
  const stepMs = (performance.now() - t0) / steps;
  return { stepMs, imagesPerSecond: (BATCH * 1000) / stepMs };
}

function trainingSpeed(backend: string, path: string, warmup: number, steps: number, detail?: string): SpeedResult {
  const trainer = makeTrainer();
  try {
    return { backend, path, steps, detail, ...timeSteps(trainer, warmup, steps) };
  } finally {
    trainer.dispose();
  }
}

/** Milliseconds per step spent in each top-level kernel (nested kernel calls count to their caller). */
function kernelShares(steps: number): { stepMs: number; kernels: Array<{ kernel: string; ms: number; share: number }> } {
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
  const kernels = [...times.entries()]
    .map(([kernel, ms]) => ({ kernel, ms: ms / steps, share: ms / steps / stepMs }))
    .sort((a, b) => b.ms - a.ms);
  return { stepMs, kernels };
}

interface KernelComparison {
  kernel: string;
  shape: string;
  oursMs: number;
  stockMs: number;
  speedup: number;
}

/** Our gradient kernels against the stock wasm ones, on the shapes of BasicNet's step. */
function compareKernels(): KernelComparison[] {
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
  useStockWasmKernels();
  const stock = jobs.map((j) => time(j, 2));
  registerWasmKernels();
  const seen = new Set<() => void>();
  for (const j of jobs) if (!seen.has(j.dispose)) (seen.add(j.dispose), j.dispose());
  return jobs.map((j, i) => ({ kernel: j.kernel, shape: j.shape, oursMs: ours[i], stockMs: stock[i], speedup: stock[i] / ours[i] }));
}

/** Cost of one checkpoint's measurements (probe sparsity/selectivity and test accuracy) vs training. */
async function checkpointCost(stepMs: number): Promise<Record<string, unknown> | null> {
  let measure: typeof import('../measure.js');
  try {
    measure = await import('../measure.js');
  } catch {
    return null;
  }
  const config = benchConfig();
  const probeSize = config.data.probeSize;
  const random = createRandom(3, 'bench-probe');
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const source = {
    images: Float32Array.from({ length: probeSize * size }, () => random.next()),
    labels: Int32Array.from({ length: probeSize }, () => random.int(CLASSES)),
    count: probeSize,
  };
  const trainer = makeTrainer();
  try {
    measure.evaluate(trainer.net, source, { filters: true });
    const t0 = performance.now();
    measure.evaluate(trainer.net, source, { filters: true });
    if (config.measure.testAtCheckpoints) measure.evaluate(trainer.net, source, { filters: false });
    const checkpointMs = performance.now() - t0;
    const trainingMs = config.measure.checkpointEvery * stepMs;
    return {
      probeImages: probeSize,
      testAtCheckpoints: config.measure.testAtCheckpoints,
      checkpointEvery: config.measure.checkpointEvery,
      checkpointMs,
      trainingMsBetweenCheckpoints: trainingMs,
      relativeCost: checkpointMs / trainingMs,
    };
  } finally {
    trainer.dispose();
  }
}

/** Runs `count` copies of this script's child mode at once; returns their images/s. */
function runChildren(count: number, steps: number): Promise<number[]> {
  const script = fileURLToPath(import.meta.url);
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, script, '--child', '--steps', String(steps)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => {
        const line = out.trim().split('\n').pop() ?? '';
        try {
          if (code !== 0) throw new Error(`exit code ${code}`);
          resolve((JSON.parse(line) as SpeedResult).imagesPerSecond);
        } catch (error) {
          reject(new Error(`benchmark child failed (${(error as Error).message}): ${out.slice(-500)}`));
        }
      });
    });
  return Promise.all(Array.from({ length: count }, one));
}

function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  // tfjs greets Node users on stdout when the cpu backend starts; keep the table clean.
  const log = console.log;
  console.log = (...a: unknown[]) => {
    if (!String(a[0]).includes('TensorFlow.js in Node.js')) log(...a);
  };
  try {
    return await f();
  } finally {
    console.log = log;
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.child) {
    const info = await initBackend('wasm');
    console.log(JSON.stringify(trainingSpeed(info.name, 'project kernels (child process)', 3, o.steps)));
    return;
  }
  const results: SpeedResult[] = [];
  const notes: string[] = [];

  // tensorflow, when installed.
  try {
    const info = await initBackend('tensorflow');
    results.push(trainingSpeed('tensorflow', info.package, 3, o.steps, info.detail));
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    notes.push(`tensorflow: not installed here (${error.message.split('. ')[0]})`);
  }

  // wasm with our kernels, its kernel shares, and the stock kernels.
  const wasmInfo: BackendInfo = await initBackend('wasm');
  const ours = trainingSpeed('wasm', 'project kernels', 3, o.steps, wasmInfo.detail);
  results.push(ours);
  const shares = kernelShares(Math.max(5, Math.floor(o.steps / 2)));
  const comparisons = compareKernels();
  useStockWasmKernels();
  const stock = trainingSpeed('wasm', 'stock kernels (Conv3D filter-gradient stand-in)', 1, o.stockSteps);
  registerWasmKernels();
  results.push(stock);

  if (o.cpu) {
    await quietly(() => initBackend('cpu'));
    results.push(await quietly(async () => trainingSpeed('cpu', 'stock', 0, o.cpuSteps, 'first steps only: too slow to time more')));
    await initBackend('wasm');
  }

  let parallel: Record<string, unknown> | null = null;
  if (o.parallel) {
    const [alone] = await runChildren(1, o.steps);
    const together = await runChildren(2, o.steps);
    const total = together.reduce((a, b) => a + b, 0);
    parallel = { cores: os.cpus().length, oneProcess: alone, twoProcesses: together, total, ratio: total / alone };
    results.push({ backend: 'wasm', path: 'one process (child)', imagesPerSecond: alone, stepMs: (BATCH * 1000) / alone, steps: o.steps });
    results.push({ backend: 'wasm', path: 'two processes at once (total)', imagesPerSecond: total, stepMs: (BATCH * 1000) / total, steps: o.steps, perProcess: together });
  }

  const checkpoint = await checkpointCost(ours.stepMs);

  console.log(`\nBasicNet width 16, batch ${BATCH}, ${SHAPE.join('x')}, Adam + L2 on ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores), node ${process.version}\n`);
  printTable([
    ['backend', 'path', 'img/s', 'ms/step', 'steps', 'vs wasm ours'],
    ...results.map((r) => [r.backend, r.path, fmt(r.imagesPerSecond), fmt(r.stepMs), String(r.steps), fmt(r.imagesPerSecond / ours.imagesPerSecond, 3)]),
  ]);
  console.log(`\nwasm, our kernels vs stock (ms per call, same shapes)\n`);
  printTable([
    ['kernel', 'shape', 'ours', 'stock', 'speed-up'],
    ...comparisons.map((c) => [c.kernel, c.shape, fmt(c.oursMs, 2), fmt(c.stockMs, 1), `${fmt(c.speedup)}x`]),
  ]);
  console.log(`\nshare of the wasm step per kernel (top-level kernels; step ${fmt(shares.stepMs)} ms with timers)\n`);
  printTable([
    ['kernel', 'ms/step', 'share'],
    ...shares.kernels.filter((k) => k.share >= 0.003).map((k) => [k.kernel, fmt(k.ms, 2), `${fmt(100 * k.share)}%`]),
    ['(outside kernels)', fmt(shares.stepMs - shares.kernels.reduce((a, k) => a + k.ms, 0), 2), `${fmt(100 * (1 - shares.kernels.reduce((a, k) => a + k.share, 0)))}%`],
  ]);
  if (parallel) {
    console.log(`\ntwo processes at once: ${(parallel.twoProcesses as number[]).map((v) => fmt(v)).join(' + ')} = ${fmt(parallel.total as number)} img/s vs ${fmt(parallel.oneProcess as number)} alone: ${fmt(parallel.ratio as number, 2)}x`);
  }
  if (checkpoint) {
    console.log(
      `\ncheckpoint measurements: ${fmt(checkpoint.checkpointMs as number, 0)} ms per checkpoint (probe ${checkpoint.probeImages} images with filters` +
        `${checkpoint.testAtCheckpoints ? ` + test probe` : ''}) vs ${fmt((checkpoint.trainingMsBetweenCheckpoints as number) / 1000, 1)} s of training` +
        ` between checkpoints (every ${checkpoint.checkpointEvery}): ${fmt(100 * (checkpoint.relativeCost as number))}%`,
    );
  }
  for (const n of notes) console.log(`note: ${n}`);

  if (o.json) {
    const report = {
      benchmark: { model: 'basicnet', width: 16, batch: BATCH, input: SHAPE, optimizer: 'adam', regularization: 'l2 5e-4' },
      machine: { cpu: os.cpus()[0]?.model ?? null, cores: os.cpus().length, node: process.version, tfjs: tf.version_core },
      results,
      kernelComparisons: comparisons,
      kernelShares: shares,
      parallel,
      checkpoint,
      notes,
    };
    writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n');
    console.log(`\nwrote ${o.json}`);
  }
}

await main();
