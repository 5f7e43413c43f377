// Training-speed benchmark (npm run bench; not a test): BasicNet width 16, 28x28x1. Prints images/s
// of a fresh and of a dying network (the state of a real run trained without the subnormal flush,
// bench/dying-state.ts) at batch 32 and 64 for three engines, all in one run and interleaved
// (A B C A B C ...) so that a busy machine slows them alike: before the flush (op-by-op update,
// JavaScript kernels), the previous engine (the same + the flush) and the current one (compiled
// wasm kernels: fused update, batch norm, first-layer filter gradient, MaxPoolGrad; + the flush).
// Then per backend and kernel path, our wasm kernels against the stock ones, each kernel's share
// of the step, two processes against one, and the checkpoint cost as a share of a full-scale run.
// The engine variants and the trainer live in engine-variants.ts; the kernel tables in kernels.ts
// (npm run bench:kernels alone) and the checkpoint cost in checkpoint-cost.ts (npm run bench:checkpoint).
//   npm run bench -- [--json FILE] [--steps N] [--checkpoint-rounds N] [--checkpoint-only] [--cpu-steps N] [--no-cpu] [--no-parallel] [--no-dying]
import * as tf from '@tensorflow/tfjs-core';
import { spawn } from 'node:child_process';
import { Command, Option as CommanderOption } from 'commander';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { initBackend, BackendUnavailableError, type BackendInfo } from '../experiments/backend/resolve.js';
import { registerWasmKernels, useStockWasmKernels } from '../experiments/backend/wasm-kernels.js';
import type { RunConfig } from '../experiments/config.js';
import { positiveInteger } from './positive-integer.js';
import { dyingRunConfig, readDyingState, subnormalCounts, type DyingState } from './dying-state.js';
import {
  BATCH,
  benchConfig,
  COMPILED_KERNELS,
  COMPILED_REORDERING,
  fmt,
  makeTrainer,
  OP_BY_OP,
  OP_BY_OP_NO_FLUSH,
  printTable,
  SHAPE,
  timeSteps,
  type EngineVariant,
  type SpeedResult,
  type Trainer,
} from './engine-variants.js';
import { compareKernels, kernelShares, printKernels } from './kernels.js';
import { checkpointCost, printCheckpoint } from './checkpoint-cost.js';

export type { SpeedResult };

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
      "Training speed of BasicNet (width 16, 28x28x1): a fresh and a dying network (a real run's state with subnormal " +
        'parameters and slots) at batch 32 and 64 for the engine before the flush, the previous engine (op-by-op update and ' +
        'JavaScript kernels, with the flush) and the current one (compiled wasm kernels, with the flush), timed interleaved in ' +
        'one run, with their ratios; then images/s per backend and kernel path, our wasm kernels against the stock ones, each ' +
        "kernel's share of the step, two processes against one, and the checkpoint cost as a share of a full-scale run.",
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
  const o = program.opts<{
    json?: string;
    steps: number;
    rounds: number;
    checkpointRounds: number;
    checkpointOnly?: boolean;
    cpuSteps: number;
    stockSteps: number;
    cpu: boolean;
    parallel: boolean;
    dying: boolean;
    child?: boolean;
  }>();
  return {
    json: o.json ?? null,
    steps: o.steps,
    rounds: o.rounds,
    checkpointRounds: o.checkpointRounds,
    checkpointOnly: o.checkpointOnly ?? false,
    cpuSteps: o.cpuSteps,
    stockSteps: o.stockSteps,
    cpu: o.cpu,
    parallel: o.parallel,
    dying: o.dying,
    child: o.child ?? false,
  };
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
    cells.push({
      network,
      optimizer,
      batch: config.training.batchSize,
      variant,
      trainer,
      ms: 0,
      cpuMs: 0,
      steps: 0,
      subnormalsBefore: totalSubnormals(trainer),
    });
  };
  for (const batch of [32, 64]) {
    for (const variant of [OP_BY_OP_NO_FLUSH, OP_BY_OP, COMPILED_KERNELS]) {
      add('fresh', 'rmsprop 1e-3 + l2 5e-4', dyingRunConfig(batch), variant);
      if (state) add('dying', 'rmsprop 1e-3 + l2 5e-4', dyingRunConfig(batch), variant);
    }
    for (const variant of [OP_BY_OP, COMPILED_KERNELS, COMPILED_REORDERING]) add('fresh', 'adam 1e-3 + l2 5e-4', benchConfig(batch), variant);
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
  const cpuRatio = (a: SpeedResult, b: SpeedResult) =>
    `${fmt(a.imagesPerSecond / b.imagesPerSecond, 2)}x (${fmt((a.imagesPerCpuSecond as number) / (b.imagesPerCpuSecond as number), 2)}x)`;
  console.log('img/s by wall clock (in brackets: per CPU second of this process, which other processes do not stretch)\n');
  const rows: string[][] = [
    [
      'network',
      'optimizer',
      'batch',
      'compiled kernels',
      'before the flush',
      'previous engine',
      'compiled',
      'compiled/previous',
      'compiled/before',
      'subnormals (no flush, after)',
    ],
  ];
  for (const r of grid) {
    if (r.compiledKernels !== true) continue;
    const before = find(r.network as string, r.optimizer as string, r.batch, OP_BY_OP_NO_FLUSH);
    const flushOnly = find(r.network as string, r.optimizer as string, r.batch, OP_BY_OP);
    rows.push([
      r.network as string,
      r.optimizer as string,
      String(r.batch),
      r.engine === COMPILED_REORDERING.label ? 'default + reordering' : 'default (exact)',
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
    const parts = [OP_BY_OP_NO_FLUSH, OP_BY_OP, COMPILED_KERNELS].map((v) => {
      const fresh = find('fresh', optimizer, batch, v);
      const dying = find('dying', optimizer, batch, v);
      return fresh && dying ? `${v.label}: ${cpuRatio(dying, fresh)}` : null;
    });
    if (parts.every(Boolean)) console.log(`dying / fresh, batch ${batch}: ${parts.join('; ')}`);
  }
  for (const batch of [32, 64]) {
    const previous = find('fresh', 'adam 1e-3 + l2 5e-4', batch, OP_BY_OP);
    const compiled = find('fresh', 'adam 1e-3 + l2 5e-4', batch, COMPILED_KERNELS);
    const reordered = find('fresh', 'adam 1e-3 + l2 5e-4', batch, COMPILED_REORDERING);
    if (previous && compiled) {
      console.log(
        `fresh network, Adam + L2, batch ${batch}: compiled kernels ${rate(compiled)} img/s vs previous engine ${rate(previous)}: ${cpuRatio(compiled, previous)}` +
          (reordered ? `; with the reordering kernels ${rate(reordered)} img/s: ${cpuRatio(reordered, previous)}` : ''),
      );
    }
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

  const wasmInfo: BackendInfo = await initBackend('wasm');
  if (o.checkpointOnly) {
    const stepMs32 = timeSteps(makeTrainer({ config: benchConfig(32), variant: COMPILED_KERNELS }), 2, o.steps).stepMs;
    const checkpoint = await checkpointCost(stepMs32, o.checkpointRounds);
    if (!checkpoint) throw new Error('the measurement code (experiments/measure.ts) could not be loaded');
    printCheckpoint(checkpoint, stepMs32);
    if (o.json)
      writeFileSync(
        o.json,
        `${JSON.stringify({ machine: { cpu: os.cpus()[0]?.model ?? null, cores: os.cpus().length, node: process.version }, checkpoint }, null, 2)}\n`,
      );
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
    results.push({
      backend: 'wasm',
      path: 'two processes at once (total)',
      imagesPerSecond: total,
      stepMs: (BATCH * 1000) / total,
      steps: o.steps,
      batch: BATCH,
      perProcess: together,
    });
  }

  const main32 = grid.find((r) => r.network === 'fresh' && String(r.optimizer).startsWith('adam') && r.batch === 32 && r.fusedUpdates === true);
  const stepMs32 = main32 ? main32.stepMs : timeSteps(makeTrainer({ config: benchConfig(32), variant: COMPILED_KERNELS }), 2, o.steps).stepMs;
  const checkpoint = await checkpointCost(stepMs32, o.checkpointRounds);

  const where = `${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores), node ${process.version}`;
  if (grid.length > 0) {
    console.log(
      `\nBasicNet width 16, ${SHAPE.join('x')}, wasm, img/s; fresh vs dying network${dyingState ? ` (${dyingState.description})` : ''}, timed in ${o.rounds} interleaved rounds on ${where}\n`,
    );
    printGrid(grid);
  }
  console.log(`\nBasicNet width 16, batch ${BATCH}, ${SHAPE.join('x')}, Adam + L2 on ${where}\n`);
  printTable([
    ['backend', 'path', 'img/s', 'ms/step', 'steps', 'vs wasm ours'],
    ...results
      .filter((r) => !grid.includes(r))
      .map((r) => [r.backend, r.path, fmt(r.imagesPerSecond), fmt(r.stepMs), String(r.steps), fmt(r.imagesPerSecond / ours.imagesPerSecond, 3)]),
  ]);
  printKernels(comparisons, shares);
  if (parallel) {
    console.log(
      `\ntwo processes at once: ${(parallel.twoProcesses as number[]).map((v) => fmt(v)).join(' + ')} = ${fmt(parallel.total as number)} img/s vs ${fmt(parallel.oneProcess as number)} alone: ${fmt(parallel.ratio as number, 2)}x`,
    );
  }
  if (checkpoint) printCheckpoint(checkpoint, stepMs32);
  for (const n of notes) console.log(`note: ${n}`);

  if (o.json) {
    const report = {
      benchmark: {
        model: 'basicnet',
        width: 16,
        batch: BATCH,
        input: SHAPE,
        optimizer: 'adam',
        regularization: 'l2 5e-4',
        grid: 'fresh/dying x batch 32/64 x engine variant',
        dyingState: dyingState?.description ?? null,
        dyingStateSubnormals: dyingState?.subnormals ?? null,
      },
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
