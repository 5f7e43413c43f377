// GPU benchmark (npm run bench:gpu; not a test): images/s of BasicNet training at widths 16, 32,
// 64 and batches 32, 64, 256 on webgpu and on the wasm engine of the same machine, in one run,
// with both engines' first losses against the cpu backend's and, where python3 has torch,
// PyTorch's images/s beside them (CUDA where it sees a GPU, else one CPU thread).
// With --numerics: the main configuration (width 16, batch 64, Adam, L2) trained on wasm and on
// webgpu from the same seed, compared checkpoint by checkpoint (dead filters, losses).
//   npm run bench:gpu -- [--widths 16,32,64] [--batches 32,64,256] [--steps N] [--warmup N] [--cpu-steps N] [--no-torch] [--python CMD] [--json FILE]
//   npm run bench:gpu -- --numerics [--iterations 2000] [--data-dir DIR] [--probe-size N] [--test-images N] [--json FILE]
// With --profile: the kernel calls and GPU dispatches of one training step on webgpu, per kernel
// kind (at the first width and batch), then exits.
//   npm run bench:gpu -- --profile [--widths 16] [--batches 64] [--json FILE]
import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { initBackend, type BackendInfo } from '../experiments/backend/resolve.js';
import { FASHION_MNIST_DEFAULT_DIR } from '../experiments/data/idx.js';
import { formatProfile, profileDispatches } from '../experiments/backend/webgpu-profile.js';
import { variablesPerDispatch } from '../experiments/backend/webgpu-kernels.js';
import { readBack } from '../experiments/backend/readback.js';
import { resolveConfig, type RunConfig } from '../experiments/config.js';
import { basicNetSpec, buildNetwork, disposeNetwork, initialWeights, trainables, type NetworkSpec, type NetworkWeights } from '../experiments/model.js';
import { createOptimizer } from '../experiments/optimizers.js';
import { createRandom } from '../experiments/random.js';
import { runExperiment } from '../experiments/run.js';
import { gatherBatch, readSteps, trainStepTensors, type ImageBatchSource, type StepTensors } from '../experiments/train.js';
import type { RunRecord } from '../data/schemas/run-record.js';
import { positiveInteger } from './positive-integer.js';

const SHAPE: [number, number, number] = [28, 28, 1];
const CLASSES = 10;
const list = (value: string) => value.split(',').map((v) => positiveInteger(v));

const program = new Command('bench:gpu')
  .description(
    'Training images/s on webgpu and on the wasm engine (and PyTorch where installed), losses against the cpu backend; or, with --numerics, a wasm and a webgpu run of the main configuration compared checkpoint by checkpoint.',
  )
  .option('--widths <list>', 'network widths', list, [16, 32, 64])
  .option('--batches <list>', 'batch sizes', list, [32, 64, 256])
  .option('--steps <n>', 'timed steps per engine and cell (after the warm-up steps)', positiveInteger, 10)
  .option('--warmup <n>', 'untimed steps per engine and cell before the timed ones (at least --cpu-steps)', positiveInteger, 2)
  .option('--cpu-steps <n>', 'steps checked against the cpu backend (at the smallest batch of each width)', positiveInteger, 1)
  .option('--no-torch', 'skip the PyTorch column')
  .option('--python <cmd>', 'the Python with torch (default: $PYTHON, python3 or /usr/bin/python3, the first that imports torch)')
  .option('--numerics', 'compare a wasm and a webgpu run of the main configuration instead')
  .option('--profile', 'print the kernel calls and GPU dispatches of one webgpu training step per kernel kind instead (first width and batch)')
  .option('--iterations <n>', 'iterations of the --numerics runs', positiveInteger, 2000)
  .option('--data-dir <dir>', 'Fashion-MNIST folder for --numerics')
  .option('--probe-size <n>', 'training images the --numerics checkpoints measure dead filters on (the main configuration: 2048)', positiveInteger)
  .option(
    '--test-images <n>',
    'evaluate the --numerics runs on the first N test images only (a short check on a software GPU; all 10,000 by default)',
    positiveInteger,
  )
  .option('--json <file>', 'also write the results as JSON')
  .addOption(new Option('--numerics-run <backend>', 'one side of --numerics, in a child process').choices(['wasm', 'webgpu']).hideHelp());
const options = program.parse(process.argv).opts<{
  widths: number[];
  batches: number[];
  steps: number;
  warmup: number;
  cpuSteps: number;
  torch: boolean;
  python?: string;
  numerics: boolean;
  profile: boolean;
  iterations: number;
  dataDir?: string;
  probeSize?: number;
  testImages?: number;
  json?: string;
  numericsRun?: 'wasm' | 'webgpu';
}>();

function randomImages(count: number): ImageBatchSource {
  const random = createRandom(11, 'bench-gpu');
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
  return {
    images: Float32Array.from({ length: count * size }, () => random.next()),
    labels: Int32Array.from({ length: count }, () => random.int(CLASSES)),
    count,
  };
}

const CONFIG = (width: number): RunConfig =>
  resolveConfig({ model: { width }, optimizer: { name: 'adam', lr: 1e-3 }, regularization: { kind: 'l2', strength: 5e-4 } });

/** Trains `steps` steps from `weights` on the current backend; returns the losses and the images/s of the steps after `warmup`. */
async function time(
  config: RunConfig,
  spec: NetworkSpec,
  weights: NetworkWeights,
  batch: number,
  warmup: number,
  steps: number,
): Promise<{ losses: number[]; imagesPerSecond: number }> {
  const net = buildNetwork(spec, weights);
  const optimizer = createOptimizer(config, trainables(net));
  const source = randomImages(batch * 4);
  const batchAt = (s: number) =>
    gatherBatch(
      source,
      Uint32Array.from({ length: batch }, (_, i) => (s % 4) * batch + i),
      SHAPE,
      CLASSES,
    );
  const run = async (from: number, count: number) => {
    const pending: StepTensors[] = [];
    const losses: number[] = [];
    for (let s = from; s < from + count; s++) {
      const { x, y } = batchAt(s);
      pending.push(trainStepTensors(net, optimizer, x, y, config.optimizer.lr));
      tf.dispose([x, y]);
      // wasm reads every step, as the run loop does; webgpu at the end (the read waits for the GPU).
      if (tf.getBackend() !== 'webgpu') losses.push(...(await readBack(readSteps(pending.splice(0)))).map((r) => r.loss));
    }
    return [...losses, ...(await readBack(readSteps(pending))).map((r) => r.loss)];
  };
  const losses = await run(0, warmup);
  const t0 = performance.now();
  await run(warmup, steps);
  const seconds = (performance.now() - t0) / 1000;
  optimizer.dispose();
  disposeNetwork(net);
  return { losses, imagesPerSecond: (steps * batch) / seconds };
}

/** The first Python that imports torch, or null. */
function pythonWithTorch(): string | null {
  const candidates = options.python ? [options.python] : [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 }).status === 0) ?? null;
}

function torchRates(cells: Array<{ spec: NetworkSpec; batch: number }>, steps: number): Map<string, { imagesPerSecond: number; device: string }> {
  const out = new Map<string, { imagesPerSecond: number; device: string }>();
  if (!options.torch) return out;
  const python = pythonWithTorch();
  if (!python) {
    console.warn(`PyTorch column skipped: no Python here imports torch (${options.python ?? 'python3, /usr/bin/python3'}); --python names one`);
    return out;
  }
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gpu_torch.py');
  const located = existsSync(script) ? script : path.join(process.cwd(), 'gpu_torch.py');
  const input = JSON.stringify({
    inputShape: SHAPE,
    classes: CLASSES,
    poolAfter: cells[0].spec.poolAfter,
    steps,
    warmup: options.warmup,
    cells: cells.map((c) => ({ filters: c.spec.filters, batch: c.batch })),
  });
  const result = spawnSync(python, [located], { input, encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) {
    console.warn(
      `PyTorch column skipped: ${python} ${located} failed (${(result.stderr || result.error?.message || '').trim().split('\n').pop()}); apt-get install -y python3-torch adds it`,
    );
    return out;
  }
  for (const line of result.stdout.trim().split('\n')) {
    const r = JSON.parse(line) as { width: number; batch: number; imagesPerSecond: number; device: string };
    out.set(`${r.width}/${r.batch}`, r);
  }
  return out;
}

const relative = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));

async function benchmark(): Promise<unknown> {
  const wasm = await initBackend('wasm');
  const webgpu = await initBackend('webgpu');
  console.log(`webgpu: ${webgpu.detail}\nwasm: ${wasm.detail}`);
  const rows: Array<Record<string, number | string | null>> = [];
  const cells = options.widths.flatMap((width) => options.batches.map((batch) => ({ width, batch, spec: basicNetSpec(CONFIG(width), SHAPE, CLASSES) })));
  const torch = torchRates(cells, options.steps);
  for (const { width, batch, spec } of cells) {
    const config = CONFIG(width);
    const weights = initialWeights(spec, createRandom(1, 'init'), config.model.init);
    const warmup = Math.max(options.warmup, options.cpuSteps);
    await tf.setBackend('webgpu');
    const gpu = await time(config, spec, weights, batch, warmup, options.steps);
    await tf.setBackend('wasm');
    const cpuEngine = await time(config, spec, weights, batch, warmup, options.steps);
    let gpuVsCpu: number | null = null;
    let wasmVsCpu: number | null = null;
    if (batch === Math.min(...options.batches)) {
      await tf.setBackend('cpu');
      const reference = (await time(config, spec, weights, batch, options.cpuSteps, 0)).losses;
      gpuVsCpu = relative(gpu.losses.slice(0, options.cpuSteps), reference);
      wasmVsCpu = relative(cpuEngine.losses.slice(0, options.cpuSteps), reference);
    }
    const t = torch.get(`${width}/${batch}`);
    const row = {
      width,
      batch,
      webgpu: gpu.imagesPerSecond,
      wasm: cpuEngine.imagesPerSecond,
      ratio: gpu.imagesPerSecond / cpuEngine.imagesPerSecond,
      torch: t?.imagesPerSecond ?? null,
      torchDevice: t?.device ?? null,
      webgpuLossVsCpu: gpuVsCpu,
      wasmLossVsCpu: wasmVsCpu,
    };
    rows.push(row);
    // Three significant digits below 100 img/s (a software GPU runs at a few).
    const f = (v: number | null, d = 0) => (v === null ? '-' : d === 0 && v < 100 ? v.toPrecision(3) : v.toFixed(d));
    const e = (v: number | null) => (v === null ? '-' : v.toExponential(1));
    console.log(
      `width ${String(width).padStart(2)} batch ${String(batch).padStart(3)}: webgpu ${f(row.webgpu).padStart(6)} img/s, wasm ${f(row.wasm).padStart(5)}, ` +
        `webgpu/wasm ${f(row.ratio, 2)}x, torch ${f(row.torch)}; first losses vs cpu: webgpu ${e(gpuVsCpu)}, wasm ${e(wasmVsCpu)}`,
    );
  }
  if (torch.size > 0) console.log(`torch: ${[...torch.values()][0].device}`);
  const load = os.loadavg().map((v) => v.toFixed(1));
  console.log(`\n${options.steps} timed steps a cell after ${options.warmup}; ${os.cpus().length} CPU cores, load average ${load.join(' ')} at the end\n`);
  console.log(markdownTable(rows));
  return {
    adapter: webgpu.adapter,
    webgpu: webgpu.detail,
    wasm: wasm.detail,
    steps: options.steps,
    warmup: options.warmup,
    cpus: os.cpus().length,
    load,
    rows,
  };
}

/** The rows as a Markdown table (img/s; the first losses' largest relative difference from the cpu backend). */
function markdownTable(rows: Array<Record<string, number | string | null>>): string {
  const n = (v: number | string | null, digits: number) => (typeof v === 'number' ? (v >= 100 ? v.toFixed(0) : v.toPrecision(digits)) : '-');
  const e = (v: number | string | null) => (typeof v === 'number' ? v.toExponential(1) : '-');
  return [
    '| width | batch | webgpu img/s | wasm img/s | webgpu / wasm | PyTorch img/s | loss vs cpu: webgpu | loss vs cpu: wasm |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.width} | ${r.batch} | ${n(r.webgpu, 3)} | ${n(r.wasm, 3)} | ${n(r.ratio, 2)}x | ${n(r.torch, 3)} | ${e(r.webgpuLossVsCpu)} | ${e(r.wasmLossVsCpu)} |`,
    ),
  ].join('\n');
}

/**
 * A Fashion-MNIST folder whose test files hold only their first `count` images (the training files
 * linked), for a short --numerics check where evaluating 10,000 test images would take long.
 */
function truncatedTestSet(dir: string, count: number): string {
  const out = mkdtempSync(path.join(os.tmpdir(), 'bench-gpu-data-'));
  const read = (base: string) => {
    const file = path.join(dir, base);
    if (existsSync(`${file}.gz`)) return gunzipSync(readFileSync(`${file}.gz`));
    if (existsSync(file)) return readFileSync(file);
    throw new Error(`${file}(.gz) is missing: --data-dir names the Fashion-MNIST folder`);
  };
  for (const base of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) {
    const file = path.join(dir, base);
    symlinkSync(path.resolve(existsSync(`${file}.gz`) ? `${file}.gz` : file), path.join(out, existsSync(`${file}.gz`) ? `${base}.gz` : base));
  }
  for (const [base, itemBytes, headerBytes] of [
    ['t10k-images-idx3-ubyte', 28 * 28, 16],
    ['t10k-labels-idx1-ubyte', 1, 8],
  ] as const) {
    const all = read(base);
    const n = Math.min(count, all.readUInt32BE(4));
    const part = Buffer.from(all.subarray(0, headerBytes + n * itemBytes));
    part.writeUInt32BE(n, 4);
    writeFileSync(path.join(out, base), part);
  }
  return out;
}

/** The main configuration at width 16, trained on `backend`. */
async function mainRun(backend: 'wasm' | 'webgpu', dataDir: string | undefined): Promise<{ record: RunRecord; info: BackendInfo }> {
  const iterations = options.iterations;
  const config = resolveConfig({
    ...(options.probeSize ? { data: { probeSize: options.probeSize } } : {}),
    training: { iterations },
    measure: {
      checkpointEvery: Math.min(500, Math.max(1, Math.floor(iterations / 4))),
      logEvery: Math.min(50, Math.max(1, Math.floor(iterations / 20))),
      prune: false,
    },
  });
  const record = await runExperiment(config, { backend, dataDir });
  if (record.status !== 'complete') throw new Error(`the ${backend} run ended ${record.status}: ${record.failure?.reason}`);
  return { record, info: await initBackend(backend) };
}

/**
 * The loss curves' tolerances, and why. Both runs start from the same weights and see the same
 * batches, but the GPU sums in other orders, so a step's results differ in their last float32 bits
 * (1e-7 relative) and training amplifies such differences until, after some hundreds of steps, the
 * two trajectories are different samples of the same training: their losses then differ step by
 * step as two seeds' do, not by a bias. So the first curve point (the mean of the first log
 * interval, before the trajectories part) must agree closely, and later on the mean loss over each
 * tenth of the run within 5 % (the same batches make most batch-to-batch noise common to both
 * runs; a wrong kernel, e.g. a batch-norm gradient, moves the mean loss by far more).
 */
const FIRST_POINT_TOLERANCE = 1e-4;
const WINDOW_TOLERANCE = 0.05;

async function numerics(): Promise<unknown> {
  const dataDir = options.testImages ? truncatedTestSet(options.dataDir ?? FASHION_MNIST_DEFAULT_DIR, options.testImages) : options.dataDir;
  // The two runs at once, each in a process of its own (a backend is per process): the wasm engine
  // takes one CPU core, the webgpu run mostly another, so the check takes as long as the wasm run.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-gpu-numerics-'));
  const [wasm, gpu] = await Promise.all(
    (['wasm', 'webgpu'] as const).map(async (backend) => {
      const file = path.join(dir, `${backend}.json`);
      const args = [...process.execArgv, process.argv[1], '--numerics-run', backend, '--iterations', String(options.iterations), '--json', file];
      if (dataDir) args.push('--data-dir', dataDir);
      if (options.probeSize) args.push('--probe-size', String(options.probeSize));
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        child.on('close', (c) => resolve({ code: c, output }));
      });
      if (code !== 0) throw new Error(`the ${backend} run failed (exit ${code}):\n${output.trim().split('\n').slice(-15).join('\n')}`);
      return JSON.parse(readFileSync(file, 'utf8')) as { record: RunRecord; detail: string };
    }),
  );
  rmSync(dir, { recursive: true, force: true });
  if (options.testImages) rmSync(dataDir!, { recursive: true, force: true });
  const a = wasm.record;
  const b = gpu.record;
  const checkpoints = a.checkpoints.map((c, i) => {
    const d = b.checkpoints[i];
    const same = (key: 'deadByGamma' | 'deadByActivation') => c.layers.every((l, j) => JSON.stringify(l[key]) === JSON.stringify(d.layers[j][key]));
    const dead = (r: typeof c, key: 'deadByGamma' | 'deadByActivation') => r.layers.reduce((n, l) => n + l[key].length, 0);
    return {
      iteration: c.iteration,
      deadByGamma: [dead(c, 'deadByGamma'), dead(d, 'deadByGamma')],
      deadByActivation: [dead(c, 'deadByActivation'), dead(d, 'deadByActivation')],
      sameDeadFilters: same('deadByGamma') && same('deadByActivation'),
      trainLoss: [c.trainLoss, d.trainLoss],
      testAccuracy: [c.testAccuracy, d.testAccuracy],
    };
  });
  const curve = a.curve.map((p, i) => Math.abs(p.loss - b.curve[i].loss) / p.loss);
  for (const c of checkpoints) {
    console.log(
      `iteration ${String(c.iteration).padStart(5)}: dead (gamma) wasm ${c.deadByGamma[0]} webgpu ${c.deadByGamma[1]}, dead (activation) ${c.deadByActivation[0]} / ${c.deadByActivation[1]}, ` +
        `same filters: ${c.sameDeadFilters}; train loss ${c.trainLoss[0]} / ${c.trainLoss[1]}; test accuracy ${c.testAccuracy[0]} / ${c.testAccuracy[1]}`,
    );
  }
  const maxCurve = Math.max(...curve);
  const meanCurve = curve.reduce((s, v) => s + v, 0) / curve.length;
  console.log(
    `loss curve (${curve.length} points, each the mean of ${a.config.measure.logEvery} steps): largest relative difference ${maxCurve.toExponential(2)}, mean ${meanCurve.toExponential(2)}`,
  );
  // Windows of a tenth of the run (at least one curve point): their mean losses are what is compared.
  const perWindow = Math.max(1, Math.round(a.curve.length / 10));
  const windows = [];
  for (let from = 0; from < a.curve.length; from += perWindow) {
    const mean = (points: typeof a.curve) => points.slice(from, from + perWindow).reduce((s, p) => s + p.loss, 0) / points.slice(from, from + perWindow).length;
    const [wasmLoss, webgpuLoss] = [mean(a.curve), mean(b.curve)];
    windows.push({
      iterations: [a.curve[from].iteration - a.config.measure.logEvery + 1, a.curve[Math.min(from + perWindow, a.curve.length) - 1].iteration],
      wasm: wasmLoss,
      webgpu: webgpuLoss,
      relativeDifference: Math.abs(webgpuLoss - wasmLoss) / wasmLoss,
    });
  }
  for (const w of windows) {
    console.log(
      `mean loss, iterations ${w.iterations[0]}-${w.iterations[1]}: wasm ${w.wasm.toFixed(5)}, webgpu ${w.webgpu.toFixed(5)} (relative difference ${w.relativeDifference.toExponential(1)})`,
    );
  }
  console.log(
    `final test accuracy wasm ${a.final?.testAccuracy}, webgpu ${b.final?.testAccuracy}; speed wasm ${a.provenance.imagesPerSecond.toFixed(0)} img/s, webgpu ${b.provenance.imagesPerSecond.toFixed(0)} img/s`,
  );
  const sameDead = checkpoints.every((c) => c.sameDeadFilters);
  const firstPoint = curve[0];
  const worstWindow = Math.max(...windows.map((w) => w.relativeDifference));
  const pass = sameDead && firstPoint <= FIRST_POINT_TOLERANCE && worstWindow <= WINDOW_TOLERANCE;
  console.log(`same dead filters (both criteria, every layer) at every checkpoint: ${sameDead}`);
  console.log(
    `first curve point within ${FIRST_POINT_TOLERANCE} relative: ${firstPoint <= FIRST_POINT_TOLERANCE} (${firstPoint.toExponential(1)}); ` +
      `every window's mean loss within ${WINDOW_TOLERANCE * 100} %: ${worstWindow <= WINDOW_TOLERANCE} (largest ${(worstWindow * 100).toFixed(2)} %)`,
  );
  console.log(`numerics: ${pass ? 'PASS' : 'FAIL'}`);
  return {
    iterations: options.iterations,
    webgpu: gpu.detail,
    wasm: wasm.detail,
    checkpoints,
    curveRelativeDifference: { max: maxCurve, mean: meanCurve, points: curve },
    windows,
    tolerances: { firstPoint: FIRST_POINT_TOLERANCE, window: WINDOW_TOLERANCE },
    pass,
    speed: { wasm: a.provenance.imagesPerSecond, webgpu: b.provenance.imagesPerSecond },
  };
}

/** Kernel calls and dispatches of a training step on webgpu (after a warm-up step), per kernel kind. */
async function profile(): Promise<unknown> {
  const webgpu = await initBackend('webgpu');
  const width = options.widths[0];
  const batch = options.batches[0];
  const config = CONFIG(width);
  const spec = basicNetSpec(config, SHAPE, CLASSES);
  const net = buildNetwork(spec, initialWeights(spec, createRandom(1, 'init'), config.model.init));
  const optimizer = createOptimizer(config, trainables(net));
  const { x, y } = gatherBatch(
    randomImages(batch),
    Uint32Array.from({ length: batch }, (_, i) => i),
    SHAPE,
    CLASSES,
  );
  const step = () => trainStepTensors(net, optimizer, x, y, config.optimizer.lr);
  await readBack(readSteps([step()]));
  const { profile } = await profileDispatches(() => readBack(readSteps([step()])));
  tf.dispose([x, y]);
  optimizer.dispose();
  disposeNetwork(net);
  // The optimizer's grouped update binds each variable's tensors as buffers: the device's limit sets how many variables share a dispatch.
  const storageBuffers = (tf.backend() as unknown as { device: GPUDevice }).device.limits.maxStorageBuffersPerShaderStage;
  const variablesPerUpdate = variablesPerDispatch(config.optimizer.name, storageBuffers);
  console.log(`webgpu: ${webgpu.detail}`);
  console.log(`one training step (after a warm-up step; its loss read back) at width ${width}, batch ${batch}, Adam + L2:`);
  console.log(formatProfile(profile));
  console.log(`(${storageBuffers} storage buffers a dispatch: the optimizer update takes ${variablesPerUpdate} variables a dispatch)`);
  return { width, batch, webgpu: webgpu.detail, storageBuffers, variablesPerUpdate, profile };
}

/** One side of --numerics (a child process of it): the main configuration on one backend, its record and backend as JSON. */
async function numericsRun(backend: 'wasm' | 'webgpu'): Promise<unknown> {
  const { record, info } = await mainRun(backend, options.dataDir);
  return { record, detail: info.detail };
}

const result = options.numericsRun
  ? await numericsRun(options.numericsRun)
  : options.profile
    ? await profile()
    : options.numerics
      ? await numerics()
      : await benchmark();
if (options.json) writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
// Dawn keeps the process alive while its device exists.
process.exit(0);
