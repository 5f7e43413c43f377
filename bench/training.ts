// Training-speed benchmark (npm run bench; not a test): BasicNet width 16, 28x28x1. Prints images/s
// of a fresh and of a dying network (the state of a real run trained without the subnormal flush,
// bench/dying-state.ts) at batch 32 and 64 for three engines, all in one run and interleaved
// (A B C A B C ...) so that a busy machine slows them alike: before the flush (op-by-op update,
// JavaScript kernels), the previous engine (the same + the flush) and the current one (compiled
// wasm kernels: fused update, batch norm, first-layer filter gradient, MaxPoolGrad; + the flush).
// Then per backend and kernel path, our wasm kernels against the stock ones, each kernel's share
// of the step, two processes against one, and the checkpoint cost as a share of a full-scale run.
//   npm run bench -- [--json FILE] [--steps N] [--checkpoint-rounds N] [--checkpoint-only] [--cpu-steps N] [--no-cpu] [--no-parallel] [--no-dying]
import * as tf from '@tensorflow/tfjs-core';
import { spawn } from 'node:child_process';
import { Command, Option as CommanderOption } from 'commander';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { initBackend, BackendUnavailableError, type BackendInfo } from '../experiments/backend/resolve.js';
import { registerWasmKernels, useStockWasmKernels } from '../experiments/backend/wasm-kernels.js';
import { setNativeKernels, setReorderingKernels } from '../experiments/backend/native.js';
import { convSame } from '../experiments/backend/conv3x3-same.js';
import { resolveConfig, type RunConfig } from '../experiments/config.js';
import { basicNetSpec, blockSizes, initialWeights, type Network } from '../experiments/model.js';
import type { Optimizer } from '../experiments/optimizers.js';
import { Trainer as EngineTrainer } from '../experiments/stepper.js';
import { createRandom } from '../experiments/random.js';
import { PROTOCOLS } from '../experiments/studies/protocol.js';
import { positiveInteger } from './positive-integer.js';
import { dyingRunConfig, readDyingState, restoreDyingState, subnormalCounts, type DyingState } from './dying-state.js';

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
  dying: boolean;
  rounds: number;
  checkpointRounds: number;
  checkpointOnly: boolean;
  child: boolean;
}

function parseArgs(argv: string[]): Options {
  const program = new Command('bench')
    .description(
      'Training speed of BasicNet (width 16, 28x28x1): a fresh and a dying network (a real run\'s state with subnormal ' +
        'parameters and slots) at batch 32 and 64 for the engine before the flush, the previous engine (op-by-op update and ' +
        'JavaScript kernels, with the flush) and the current one (compiled wasm kernels, with the flush), timed interleaved in ' +
        'one run, with their ratios; then images/s per backend and kernel path, our wasm kernels against the stock ones, each ' +
        'kernel\'s share of the step, two processes against one, and the checkpoint cost as a share of a full-scale run.',
    )
    .option('--json <file>', 'also write the results as JSON (one object per backend and path)')
    .option('--steps <n>', 'timed training steps per wasm path', positiveInteger, 24)
    .option('--rounds <n>', 'the fresh/dying grid is timed in this many interleaved rounds (the machine may be busy)', positiveInteger, 8)
    .option('--cpu-steps <n>', 'timed steps on the (very slow) cpu backend', positiveInteger, 1)
    .option('--stock-steps <n>', 'timed steps with the stock wasm kernels', positiveInteger, 3)
    .option('--checkpoint-rounds <n>', 'the checkpoint measurements are timed in this many alternating rounds (compiled, stock)', positiveInteger, 3)
    .option('--checkpoint-only', 'time only the checkpoint measurements (and the batch-32 step they are a share of)')
    .option('--no-cpu', 'skip the cpu backend')
    .option('--no-parallel', 'skip the two-process measurement')
    .option('--no-dying', 'skip the fresh/dying grid')
    .addOption(new CommanderOption('--child').hideHelp())
    .parse(argv, { from: 'user' });
  const o = program.opts<{ json?: string; steps: number; rounds: number; checkpointRounds: number; checkpointOnly?: boolean; cpuSteps: number; stockSteps: number; cpu: boolean; parallel: boolean; dying: boolean; child?: boolean }>();
  return { json: o.json ?? null, steps: o.steps, rounds: o.rounds, checkpointRounds: o.checkpointRounds, checkpointOnly: o.checkpointOnly ?? false, cpuSteps: o.cpuSteps, stockSteps: o.stockSteps, cpu: o.cpu, parallel: o.parallel, dying: o.dying, child: o.child ?? false };
}

export interface SpeedResult {
  backend: string;
  path: string;
  imagesPerSecond: number;
  stepMs: number;
  steps: number;
  batch: number;
  detail?: string;
  [extra: string]: unknown;
}

/** Adam + L2 5e-4, the main configuration's optimizer (the per-backend table and the kernel shares). */
function benchConfig(batchSize = BATCH): RunConfig {
  return resolveConfig({
    model: { width: 16 },
    optimizer: { name: 'adam' },
    regularization: { kind: 'l2', strength: 5e-4 },
    training: { batchSize },
  });
}

/**
 * An engine: the fused update or the op-by-op rules, with or without the subnormal flush, with
 * the compiled kernels (experiments/backend/native.ts) or the JavaScript and stock-op ones they replaced.
 */
interface EngineVariant {
  label: string;
  fusedUpdates: boolean;
  flushSubnormals: boolean;
  compiledKernels: boolean;
  /** Also the compiled batch norm and first-layer filter gradient, which sum in another order (off in the engine by default). */
  reorderingKernels: boolean;
}

const BEFORE_FLUSH: EngineVariant = { label: 'before the flush (op-by-op update, JS kernels, no flush)', fusedUpdates: false, flushSubnormals: false, compiledKernels: false, reorderingKernels: false };
const PREVIOUS: EngineVariant = { label: 'previous engine (op-by-op update, JS kernels, flush)', fusedUpdates: false, flushSubnormals: true, compiledKernels: false, reorderingKernels: false };
const COMPILED: EngineVariant = { label: 'compiled kernels (fused update, flush)', fusedUpdates: true, flushSubnormals: true, compiledKernels: true, reorderingKernels: false };
const REORDERED: EngineVariant = { label: 'compiled kernels + reordering ones (batch norm, first-layer filter gradient)', fusedUpdates: true, flushSubnormals: true, compiledKernels: true, reorderingKernels: true };

interface TrainerOptions {
  config: RunConfig;
  variant: EngineVariant;
  /** The dying network's state to start from (its optimizer must be the config's). */
  dying?: DyingState;
}

interface Trainer {
  net: Network;
  optimizer: Optimizer;
  batch: number;
  step(): void;
  dispose(): void;
}

/** The project's training step on one fixed random batch (speed does not depend on the values). */
function makeTrainer(options: TrainerOptions = { config: benchConfig(), variant: COMPILED }): Trainer {
  const { config, variant } = options;
  const batch = config.training.batchSize;
  const spec = basicNetSpec(config, SHAPE, CLASSES);
  const trainer = new EngineTrainer(config, { shape: SHAPE, classes: CLASSES }, {
    weights: initialWeights(spec, createRandom(0, 'bench')),
    engine: { fusedUpdates: variant.fusedUpdates, flushSubnormals: variant.flushSubnormals },
  });
  const { net, optimizer } = trainer;
  if (options.dying) restoreDyingState(options.dying, net, optimizer);
  const x = tf.randomNormal([batch, ...SHAPE], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniformInt([batch], 0, CLASSES, 2), CLASSES), 'float32')) as tf.Tensor2D;
  return {
    net,
    optimizer,
    batch,
    step: () => {
      setNativeKernels(variant.compiledKernels);
      setReorderingKernels(variant.reorderingKernels);
      try {
        trainer.step({ x, y });
      } finally {
        setNativeKernels(true);
        setReorderingKernels(false);
      }
    },
    dispose: () => {
      trainer.dispose();
      tf.dispose([x, y]);
    },
  };
}

function timeSteps(trainer: Trainer, warmup: number, steps: number): { stepMs: number; imagesPerSecond: number } {
  for (let i = 0; i < warmup; i++) trainer.step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.step();
  const stepMs = (performance.now() - t0) / steps;
  return { stepMs, imagesPerSecond: (trainer.batch * 1000) / stepMs };
}

function trainingSpeed(backend: string, path: string, warmup: number, steps: number, detail?: string): SpeedResult {
  const trainer = makeTrainer();
  try {
    return { backend, path, steps, batch: trainer.batch, detail, ...timeSteps(trainer, warmup, steps) };
  } finally {
    trainer.dispose();
  }
}

function totalSubnormals(trainer: Trainer): number {
  return Object.values(subnormalCounts(trainer.net, trainer.optimizer)).reduce((a, b) => a + b, 0);
}

interface GridCell {
  network: 'fresh' | 'dying';
  optimizer: string;
  batch: number;
  variant: EngineVariant;
  trainer: Trainer;
  ms: number;
  /** Process CPU time (user + system) of the cell's steps: unlike wall time, not stretched by other processes. */
  cpuMs: number;
  steps: number;
  subnormalsBefore: number;
}

/**
 * The fresh and the dying network at batch 32 and 64 under each engine variant, every cell a
 * trainer of its own, timed in interleaved rounds so that a busy machine slows all cells alike.
 * Also Adam + L2 (the main configuration) on the fresh network, today's update against the fused one.
 */
function speedGrid(state: DyingState | null, steps: number, rounds: number): SpeedResult[] {
  const cells: GridCell[] = [];
  const add = (network: GridCell['network'], optimizer: string, config: RunConfig, variant: EngineVariant) => {
    const trainer = makeTrainer({ config, variant, dying: network === 'dying' ? state! : undefined });
    cells.push({ network, optimizer, batch: config.training.batchSize, variant, trainer, ms: 0, cpuMs: 0, steps: 0, subnormalsBefore: totalSubnormals(trainer) });
  };
  for (const batch of [32, 64]) {
    for (const variant of [BEFORE_FLUSH, PREVIOUS, COMPILED]) {
      add('fresh', 'rmsprop 1e-3 + l2 5e-4', dyingRunConfig(batch), variant);
      if (state) add('dying', 'rmsprop 1e-3 + l2 5e-4', dyingRunConfig(batch), variant);
    }
    for (const variant of [PREVIOUS, COMPILED, REORDERED]) add('fresh', 'adam 1e-3 + l2 5e-4', benchConfig(batch), variant);
  }
  try {
    for (const c of cells) c.trainer.step(); // warm-up (kernels compiled, slots allocated)
    const perRound = Math.max(1, Math.round(steps / rounds));
    for (let r = 0; r < rounds; r++) {
      for (const c of cells) {
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < perRound; i++) c.trainer.step();
        const cpu = process.cpuUsage(cpu0);
        c.ms += performance.now() - t0;
        c.cpuMs += (cpu.user + cpu.system) / 1000;
        c.steps += perRound;
      }
    }
    return cells.map((c) => {
      const stepMs = c.ms / c.steps;
      return {
        backend: 'wasm',
        path: `${c.network === 'dying' ? 'dying' : 'fresh'} network, ${c.optimizer}, batch ${c.batch}, ${c.variant.label}`,
        imagesPerSecond: (c.batch * 1000) / stepMs,
        stepMs,
        imagesPerCpuSecond: (c.batch * 1000 * c.steps) / c.cpuMs,
        steps: c.steps,
        batch: c.batch,
        network: c.network,
        optimizer: c.optimizer,
        engine: c.variant.label,
        fusedUpdates: c.variant.fusedUpdates,
        flushSubnormals: c.variant.flushSubnormals,
        compiledKernels: c.variant.compiledKernels,
        reorderingKernels: c.variant.reorderingKernels,
        subnormalsBefore: c.subnormalsBefore,
        // Without the flush the dying state must still be subnormal after the timed steps.
        subnormalsAfter: totalSubnormals(c.trainer),
      };
    });
  } finally {
    for (const c of cells) c.trainer.dispose();
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
    jobs.push({ kernel: i === 0 ? 'Conv2D (first layer)' : 'Conv2D', shape, run: () => convSame(x as tf.Tensor4D, filter as tf.Tensor4D), dispose: () => undefined });
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
  return jobs.map((j, i) => ({ kernel: j.kernel, shape: j.shape, oursMs: ours[i], opsMs: ops[i], stockMs: stock[i], speedup: stock[i] / ours[i], speedupOverOps: ops[i] / ours[i] }));
}

/**
 * Cost of one checkpoint's measurements (sparsity and selectivity on the probe subset, the
 * layer measurements and the test probe, as run.ts does them), and their share of a full-scale
 * run (experiments/studies/protocol.ts: its iterations, checkpoints and probe, at batch 32).
 */
async function checkpointCost(stepMsBatch32: number, rounds: number): Promise<Record<string, unknown> | null> {
  let measure: typeof import('../experiments/measure.js');
  try {
    measure = await import('../experiments/measure.js');
  } catch {
    return null;
  }
  const full = PROTOCOLS.full;
  const config = resolveConfig({ ...benchConfig(32), data: { probeSize: full.probeSize } });
  const probeSize = full.probeSize;
  const random = createRandom(3, 'bench-probe');
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const source = {
    images: Float32Array.from({ length: probeSize * size }, () => random.next()),
    labels: Int32Array.from({ length: probeSize }, () => random.int(CLASSES)),
    count: probeSize,
  };
  const trainer = makeTrainer({ config, variant: COMPILED });
  const once = () => {
    const onProbe = measure.evaluate(trainer.net, source, { filters: true });
    measure.layerMeasurements(trainer.net, onProbe, config.thresholds);
    if (full.testAtCheckpoints) measure.evaluate(trainer.net, source, { filters: false });
  };
  // The same measurements without the compiled kernels: the stock FusedBatchNorm, Relu, Max and
  // Mean in place of the inference pass (backend/inference-block.ts) and tf.conv2d for the first
  // layers (backend/conv3x3-same.ts); timed alternately in `rounds`.
  const stock = () => {
    setNativeKernels(false);
    try {
      once();
    } finally {
      setNativeKernels(true);
    }
  };
  try {
    once();
    stock();
    let compiledMs = 0;
    let stockMs = 0;
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      once();
      compiledMs += performance.now() - t0;
      t0 = performance.now();
      stock();
      stockMs += performance.now() - t0;
    }
    const checkpointMs = compiledMs / rounds;
    const stockCheckpointMs = stockMs / rounds;
    const share = (every: number, ms = checkpointMs) => {
      const checkpoints = Math.floor(full.iterations / every) + 1 + (full.iterations % every === 0 ? 0 : 1);
      const measuring = checkpoints * ms;
      return { checkpointEvery: every, checkpoints, measuringMs: measuring, trainingMs: full.iterations * stepMsBatch32, share: measuring / (measuring + full.iterations * stepMsBatch32) };
    };
    return {
      probeImages: probeSize,
      testAtCheckpoints: full.testAtCheckpoints,
      rounds,
      checkpointMs,
      stockCheckpointMs,
      speedup: stockCheckpointMs / checkpointMs,
      stepMsBatch32,
      iterations: full.iterations,
      stockFullScale: share(full.checkpointEvery, stockCheckpointMs),
      fullScale: share(full.checkpointEvery),
      emergence: share(full.emergenceCheckpointEvery),
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

function loadDying(notes: string[]): DyingState | null {
  try {
    return readDyingState();
  } catch (error) {
    notes.push(`no dying network: ${(error as Error).message}`);
    return null;
  }
}

function printGrid(grid: SpeedResult[]): void {
  const find = (network: string, optimizer: string, batch: number, variant: EngineVariant) =>
    grid.find((r) => r.network === network && r.optimizer === optimizer && r.batch === batch && r.engine === variant.label);
  const rate = (r: SpeedResult) => `${fmt(r.imagesPerSecond)} (${fmt(r.imagesPerCpuSecond as number)})`;
  const cpuRatio = (a: SpeedResult, b: SpeedResult) => `${fmt(a.imagesPerSecond / b.imagesPerSecond, 2)}x (${fmt((a.imagesPerCpuSecond as number) / (b.imagesPerCpuSecond as number), 2)}x)`;
  console.log('img/s by wall clock (in brackets: per CPU second of this process, which other processes do not stretch)\n');
  const rows: string[][] = [['network', 'optimizer', 'batch', 'compiled kernels', 'before the flush', 'previous engine', 'compiled', 'compiled/previous', 'compiled/before', 'subnormals (no flush, after)']];
  for (const r of grid) {
    if (r.compiledKernels !== true) continue;
    const before = find(r.network as string, r.optimizer as string, r.batch, BEFORE_FLUSH);
    const flushOnly = find(r.network as string, r.optimizer as string, r.batch, PREVIOUS);
    rows.push([
      r.network as string,
      r.optimizer as string,
      String(r.batch),
      r.engine === REORDERED.label ? 'default + reordering' : 'default (exact)',
      before ? rate(before) : '-',
      flushOnly ? rate(flushOnly) : '-',
      rate(r),
      flushOnly ? cpuRatio(r, flushOnly) : '-',
      before ? cpuRatio(r, before) : '-',
      before ? String(before.subnormalsAfter) : '-',
    ]);
  }
  printTable(rows);
  const optimizer = 'rmsprop 1e-3 + l2 5e-4';
  for (const batch of [32, 64]) {
    const parts = [BEFORE_FLUSH, PREVIOUS, COMPILED].map((v) => {
      const fresh = find('fresh', optimizer, batch, v);
      const dying = find('dying', optimizer, batch, v);
      return fresh && dying ? `${v.label}: ${cpuRatio(dying, fresh)}` : null;
    });
    if (parts.every(Boolean)) console.log(`dying / fresh, batch ${batch}: ${parts.join('; ')}`);
  }
  for (const batch of [32, 64]) {
    const previous = find('fresh', 'adam 1e-3 + l2 5e-4', batch, PREVIOUS);
    const compiled = find('fresh', 'adam 1e-3 + l2 5e-4', batch, COMPILED);
    const reordered = find('fresh', 'adam 1e-3 + l2 5e-4', batch, REORDERED);
    if (previous && compiled) {
      console.log(
        `fresh network, Adam + L2, batch ${batch}: compiled kernels ${rate(compiled)} img/s vs previous engine ${rate(previous)}: ${cpuRatio(compiled, previous)}` +
          (reordered ? `; with the reordering kernels ${rate(reordered)} img/s: ${cpuRatio(reordered, previous)}` : ''),
      );
    }
  }
}

/** The checkpoint cost line: compiled against stock inference kernels, and the share of a full-scale run. */
function printCheckpoint(checkpoint: Record<string, unknown>, stepMs32: number): void {
  type Share = { checkpointEvery: number; checkpoints: number; share: number };
  const full = checkpoint.fullScale as Share;
  const emergence = checkpoint.emergence as Share;
  const stockFull = checkpoint.stockFullScale as Share;
  console.log(
    `\ncheckpoint measurements (probe ${checkpoint.probeImages} images with filters${checkpoint.testAtCheckpoints ? ' + test probe' : ''}): ` +
      `${fmt(checkpoint.checkpointMs as number, 0)} ms per checkpoint with the compiled kernels, ${fmt(checkpoint.stockCheckpointMs as number, 0)} ms without them ` +
      `(${fmt(checkpoint.speedup as number, 2)}x, ${checkpoint.rounds} alternating rounds); a full-scale run (${checkpoint.iterations} iterations at batch 32, ` +
      `${fmt(stepMs32)} ms/step) spends ${fmt(100 * full.share)}% of its time on its ${full.checkpoints} checkpoints (every ${full.checkpointEvery}; ` +
      `${fmt(100 * stockFull.share)}% without the compiled kernels), the emergence study ${fmt(100 * emergence.share)}% on ${emergence.checkpoints} (every ${emergence.checkpointEvery})`,
  );
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

  const wasmInfo: BackendInfo = await initBackend('wasm');
  if (o.checkpointOnly) {
    const stepMs32 = timeSteps(makeTrainer({ config: benchConfig(32), variant: COMPILED }), 2, o.steps).stepMs;
    const checkpoint = await checkpointCost(stepMs32, o.checkpointRounds);
    if (!checkpoint) throw new Error('the measurement code (experiments/measure.ts) could not be loaded');
    printCheckpoint(checkpoint, stepMs32);
    if (o.json) writeFileSync(o.json, `${JSON.stringify({ machine: { cpu: os.cpus()[0]?.model ?? null, cores: os.cpus().length, node: process.version }, checkpoint }, null, 2)}\n`);
    return;
  }
  // The fresh and dying networks, before and after, in one interleaved run.
  let grid: SpeedResult[] = [];
  let dyingState: DyingState | null = null;
  if (o.dying) {
    dyingState = loadDying(notes);
    grid = speedGrid(dyingState, o.steps, o.rounds);
    results.push(...grid);
  }

  // wasm with our kernels, its kernel shares, and the stock kernels.
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
    results.push({ backend: 'wasm', path: 'one process (child)', imagesPerSecond: alone, stepMs: (BATCH * 1000) / alone, steps: o.steps, batch: BATCH });
    results.push({ backend: 'wasm', path: 'two processes at once (total)', imagesPerSecond: total, stepMs: (BATCH * 1000) / total, steps: o.steps, batch: BATCH, perProcess: together });
  }

  const main32 = grid.find((r) => r.network === 'fresh' && String(r.optimizer).startsWith('adam') && r.batch === 32 && r.fusedUpdates === true);
  const stepMs32 = main32 ? main32.stepMs : timeSteps(makeTrainer({ config: benchConfig(32), variant: COMPILED }), 2, o.steps).stepMs;
  const checkpoint = await checkpointCost(stepMs32, o.checkpointRounds);

  const where = `${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores), node ${process.version}`;
  if (grid.length > 0) {
    console.log(`\nBasicNet width 16, ${SHAPE.join('x')}, wasm, img/s; fresh vs dying network${dyingState ? ` (${dyingState.description})` : ''}, timed in ${o.rounds} interleaved rounds on ${where}\n`);
    printGrid(grid);
  }
  console.log(`\nBasicNet width 16, batch ${BATCH}, ${SHAPE.join('x')}, Adam + L2 on ${where}\n`);
  printTable([
    ['backend', 'path', 'img/s', 'ms/step', 'steps', 'vs wasm ours'],
    ...results.filter((r) => !grid.includes(r)).map((r) => [r.backend, r.path, fmt(r.imagesPerSecond), fmt(r.stepMs), String(r.steps), fmt(r.imagesPerSecond / ours.imagesPerSecond, 3)]),
  ]);
  console.log(`\nwasm, our kernels (compiled) vs the same without the compiled ones (XNNPACK convolutions, transposes, loops) vs stock (ms per call, same shapes)\n`);
  printTable([
    ['kernel', 'shape', 'ours', 'without compiled', 'stock', 'vs without', 'vs stock'],
    ...comparisons.map((c) => [c.kernel, c.shape, fmt(c.oursMs, 2), fmt(c.opsMs, 2), fmt(c.stockMs, 1), `${fmt(c.speedupOverOps, 2)}x`, `${fmt(c.speedup)}x`]),
  ]);
  console.log(`\nshare of the wasm step per kernel (batch ${BATCH}, top-level kernels; step ${fmt(shares.stepMs)} ms with timers)\n`);
  printTable([
    ['kernel', 'ms/step', 'share'],
    ...shares.kernels.filter((k) => k.share >= 0.003).map((k) => [k.kernel, fmt(k.ms, 2), `${fmt(100 * k.share)}%`]),
    ['(outside kernels)', fmt(shares.stepMs - shares.kernels.reduce((a, k) => a + k.ms, 0), 2), `${fmt(100 * (1 - shares.kernels.reduce((a, k) => a + k.share, 0)))}%`],
  ]);
  if (parallel) {
    console.log(`\ntwo processes at once: ${(parallel.twoProcesses as number[]).map((v) => fmt(v)).join(' + ')} = ${fmt(parallel.total as number)} img/s vs ${fmt(parallel.oneProcess as number)} alone: ${fmt(parallel.ratio as number, 2)}x`);
  }
  if (checkpoint) printCheckpoint(checkpoint, stepMs32);
  for (const n of notes) console.log(`note: ${n}`);

  if (o.json) {
    const report = {
      benchmark: { model: 'basicnet', width: 16, batch: BATCH, input: SHAPE, optimizer: 'adam', regularization: 'l2 5e-4', grid: 'fresh/dying x batch 32/64 x engine variant', dyingState: dyingState?.description ?? null, dyingStateSubnormals: dyingState?.subnormals ?? null },
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
