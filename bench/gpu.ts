// GPU benchmark (npm run bench:gpu; not a test): images/s of BasicNet training at widths 16, 32,
// 64 and batches 32, 64, 256 on webgpu and on the wasm engine of the same machine, in one run,
// with both engines' first losses against the cpu backend's and, where python3 has torch,
// PyTorch's images/s beside them (CUDA where it sees a GPU, else one CPU thread).
// With --numerics: the main configuration (width 16, batch 64, Adam, L2) trained on wasm and on
// webgpu from the same seed, compared checkpoint by checkpoint (dead filters, losses).
//   npm run bench:gpu -- [--widths 16,32,64] [--batches 32,64,256] [--steps N] [--cpu-steps N] [--no-torch] [--json FILE]
//   npm run bench:gpu -- --numerics [--iterations 2000] [--data-dir DIR] [--json FILE]
// With --profile: the kernel calls and GPU dispatches of one training step on webgpu, per kernel
// kind (at the first width and batch), then exits.
//   npm run bench:gpu -- --profile [--widths 16] [--batches 64] [--json FILE]
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, type BackendInfo } from '../experiments/backend/resolve.js';
import { formatProfile, profileDispatches } from '../experiments/backend/webgpu-profile.js';
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
  .option('--steps <n>', 'timed steps per engine and cell (after 2 warm-up steps)', positiveInteger, 10)
  .option('--cpu-steps <n>', 'steps checked against the cpu backend (at the smallest batch of each width)', positiveInteger, 1)
  .option('--no-torch', 'skip the PyTorch column')
  .option('--numerics', 'compare a wasm and a webgpu run of the main configuration instead')
  .option('--profile', 'print the kernel calls and GPU dispatches of one webgpu training step per kernel kind instead (first width and batch)')
  .option('--iterations <n>', 'iterations of the --numerics runs', positiveInteger, 2000)
  .option('--data-dir <dir>', 'Fashion-MNIST folder for --numerics')
  .option('--json <file>', 'also write the results as JSON');
const options = program.parse(process.argv).opts<{
  widths: number[];
  batches: number[];
  steps: number;
  cpuSteps: number;
  torch: boolean;
  numerics: boolean;
  profile: boolean;
  iterations: number;
  dataDir?: string;
  json?: string;
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

function torchRates(cells: Array<{ spec: NetworkSpec; batch: number }>, steps: number): Map<string, { imagesPerSecond: number; device: string }> {
  const out = new Map<string, { imagesPerSecond: number; device: string }>();
  if (!options.torch) return out;
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gpu_torch.py');
  const located = existsSync(script) ? script : path.join(process.cwd(), 'gpu_torch.py');
  const input = JSON.stringify({
    inputShape: SHAPE,
    classes: CLASSES,
    poolAfter: cells[0].spec.poolAfter,
    steps,
    cells: cells.map((c) => ({ filters: c.spec.filters, batch: c.batch })),
  });
  const result = spawnSync('python3', [located], { input, encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) {
    console.warn(
      `PyTorch column skipped: python3 ${located} failed (${(result.stderr || result.error?.message || '').trim().split('\n').pop()}); apt-get install -y python3-torch adds it`,
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
    const warmup = Math.max(2, options.cpuSteps);
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
    const f = (v: number | null, d = 0) => (v === null ? '-' : v.toFixed(d));
    const e = (v: number | null) => (v === null ? '-' : v.toExponential(1));
    console.log(
      `width ${String(width).padStart(2)} batch ${String(batch).padStart(3)}: webgpu ${f(row.webgpu).padStart(6)} img/s, wasm ${f(row.wasm).padStart(5)}, ` +
        `webgpu/wasm ${f(row.ratio, 2)}x, torch ${f(row.torch)}; first losses vs cpu: webgpu ${e(gpuVsCpu)}, wasm ${e(wasmVsCpu)}`,
    );
  }
  if (torch.size > 0) console.log(`torch: ${[...torch.values()][0].device}`);
  return { adapter: webgpu.adapter, webgpu: webgpu.detail, wasm: wasm.detail, steps: options.steps, rows };
}

/** The main configuration at width 16, trained on `backend`. */
async function mainRun(backend: 'wasm' | 'webgpu'): Promise<{ record: RunRecord; info: BackendInfo }> {
  const iterations = options.iterations;
  const config = resolveConfig({
    training: { iterations },
    measure: {
      checkpointEvery: Math.min(500, Math.max(1, Math.floor(iterations / 4))),
      logEvery: Math.min(50, Math.max(1, Math.floor(iterations / 20))),
      prune: false,
    },
  });
  const record = await runExperiment(config, { backend, dataDir: options.dataDir });
  if (record.status !== 'complete') throw new Error(`the ${backend} run ended ${record.status}: ${record.failure?.reason}`);
  return { record, info: await initBackend(backend) };
}

async function numerics(): Promise<unknown> {
  const wasm = await mainRun('wasm');
  const gpu = await mainRun('webgpu');
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
  console.log(
    `final test accuracy wasm ${a.final?.testAccuracy}, webgpu ${b.final?.testAccuracy}; speed wasm ${a.provenance.imagesPerSecond.toFixed(0)} img/s, webgpu ${b.provenance.imagesPerSecond.toFixed(0)} img/s`,
  );
  console.log(`same dead filters at every checkpoint: ${checkpoints.every((c) => c.sameDeadFilters)}`);
  return {
    iterations: options.iterations,
    webgpu: gpu.info.detail,
    wasm: wasm.info.detail,
    checkpoints,
    curveRelativeDifference: { max: maxCurve, mean: meanCurve, points: curve },
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
  console.log(`webgpu: ${webgpu.detail}`);
  console.log(`one training step (after a warm-up step; its loss read back) at width ${width}, batch ${batch}, Adam + L2:`);
  console.log(formatProfile(profile));
  return { width, batch, webgpu: webgpu.detail, profile };
}

const result = options.profile ? await profile() : options.numerics ? await numerics() : await benchmark();
if (options.json) writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
// Dawn keeps the process alive while its device exists.
process.exit(0);
