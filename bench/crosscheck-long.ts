// `npm run crosscheck:long`: does the engine's onset of gamma collapse match an independent
// implementation's? PyTorch (Debian's python3-torch, one thread) trains the main configuration
// (He-normal initial weights, as every published run) from the engine's initial weights on the
// engine's batch order, for each seed, and counts the filters dead by |gamma| per block every
// `--every` iterations. The engine's counts are read from its committed records of the same
// configuration and seed (study v2's emergence-long: the main configuration to 30,000 iterations,
// a constant learning rate, so its first 15,000 iterations are these), not retrained here.
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../experiments/config.js';
import { configHash } from '../experiments/config-hash.js';
import { loadDataset } from '../experiments/data/dataset.js';
import { DEFAULT_THRESHOLDS } from '../data/definitions.js';
import { basicNetSpec, initialWeights } from '../experiments/model.js';
import { createRandom } from '../experiments/random.js';
import { readRunRecord, writeJsonAtomic } from '../experiments/record-file.js';
import { emergenceLongStudy } from '../experiments/studies/emergence-long.js';
import { BatchSampler } from '../experiments/train.js';
import { recordPath } from '../pipeline/records.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

const program = new Command('crosscheck:long')
  .description(
    'Train the main configuration (He-normal weights) in PyTorch from the engine’s weights and batch order, and compare its filters dead by |gamma| per block every --every iterations with the engine’s committed emergence-long records of the same seeds.',
  )
  .option('--steps <n>', 'iterations', (v) => Number.parseInt(v, 10), 15_000)
  .option('--every <n>', 'iterations between the compared counts', (v) => Number.parseInt(v, 10), 2500)
  .option('--seeds <list>', 'comma-separated seeds (emergence-long has 0, 1, 2)', '0,1,2')
  .option('--results <dir>', 'results folder with full/runs', join(ROOT, 'data'))
  .option('--data-dir <dir>', 'Fashion-MNIST folder (default: /usr/share/datasets/fashion-mnist)')
  .option('--python <path>', 'the Python with torch', '/usr/bin/python3')
  .option('--json <file>', 'write the comparison as JSON (the site reads data/full/crosscheck.json)');
program.parse();
const opts = program.opts<{ steps: number; every: number; seeds: string; results: string; dataDir?: string; python: string; json?: string }>();
const seeds = opts.seeds.split(',').map((s) => Number.parseInt(s, 10));
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) program.error(`--seeds must be non-negative integers (got '${opts.seeds}')`);
if (!Number.isInteger(opts.every) || opts.every < 1 || opts.steps % opts.every !== 0) program.error('--every must be a positive integer that divides --steps');

const torchCheck = spawnSync(opts.python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
if (torchCheck.status !== 0) {
  console.error(`crosscheck:long: ${opts.python} cannot import torch and numpy. Install them with: apt-get install -y python3-torch (or pass --python).`);
  process.exit(1);
}

const byLayer = (dead: readonly number[][]) => dead.map((l) => l.length);
const rows: Array<{ seed: number; iteration: number; engine: number[]; torch: number[] }> = [];
let torchVersion = '';
let torchSeconds = 0;
const folder = mkdtempSync(join(tmpdir(), 'crosscheck-long-'));
try {
  for (const seed of seeds) {
    // The engine's record of this seed: emergence-long's configuration, which the main one is with a longer run and the mechanism.
    const input = emergenceLongStudy.configs('full', { cifar: false }).find((c) => c.training?.seed === seed);
    if (!input) program.error(`emergence-long has no seed ${seed} at the full scale`);
    const config = resolveConfig(input);
    if (config.training.iterations < opts.steps)
      program.error(`the engine's record runs ${config.training.iterations} iterations, fewer than --steps ${opts.steps}`);
    const path = recordPath(opts.results, 'full', configHash(config));
    const record = readRunRecord(path);
    const engineAt = new Map(record.checkpoints.map((c) => [c.iteration, byLayer(c.layers.map((l) => l.deadByGamma))]));

    const data = await loadDataset({ name: 'fashion-mnist', dir: opts.dataDir, seed });
    const shape: [number, number, number] = [data.height, data.width, data.channels];
    const spec = basicNetSpec(config, shape, data.numClasses);
    const weights = initialWeights(spec, createRandom(seed, 'init'), config.model.init);
    const f32 = (name: string, values: Float32Array) =>
      writeFileSync(join(folder, `${name}.f32`), Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    weights.kernels.forEach((k, i) => f32(`conv${i}_kernel`, k));
    f32('head_weight', weights.headWeight);
    f32('head_bias', weights.headBias);
    f32('train', data.train.images);
    writeFileSync(join(folder, 'train_labels.i32'), Buffer.from(data.train.labels.buffer, data.train.labels.byteOffset, data.train.labels.byteLength));
    const { batchSize } = config.training;
    const sampler = new BatchSampler(data.train, batchSize, shape, data.numClasses, seed);
    const order = new Uint32Array(opts.steps * batchSize);
    for (let s = 0; s < opts.steps; s++) order.set(sampler.nextIndices(), s * batchSize);
    writeFileSync(join(folder, 'order.u32'), Buffer.from(order.buffer));
    writeFileSync(
      join(folder, 'meta.json'),
      JSON.stringify({
        mode: 'long',
        steps: opts.steps,
        every: opts.every,
        batchSize,
        inputShape: shape,
        filters: spec.filters,
        poolAfter: spec.poolAfter,
        classes: spec.classes,
        bnEpsilon: spec.bnEpsilon,
        bnMomentum: spec.bnMomentum,
        lr: config.optimizer.lr,
        l2: config.regularization.strength,
        gammaThreshold: DEFAULT_THRESHOLDS.gamma,
      }),
    );
    const t0 = performance.now();
    const py = spawnSync(opts.python, [join(HERE, 'crosscheck.py'), folder], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    torchSeconds += (performance.now() - t0) / 1000;
    if (py.status !== 0) {
      console.error(`crosscheck:long: the PyTorch side failed for seed ${seed} (its error is above)`);
      process.exit(1);
    }
    const torch = JSON.parse(py.stdout) as { torch: string; deadByGammaAt: Array<{ iteration: number; deadByGamma: number[][] }> };
    torchVersion = torch.torch;
    for (const point of torch.deadByGammaAt) {
      const engine = engineAt.get(point.iteration);
      if (!engine) throw new Error(`the engine's record ${path} has no checkpoint at ${point.iteration}`);
      rows.push({ seed, iteration: point.iteration, engine, torch: byLayer(point.deadByGamma) });
    }
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    console.log(
      `seed ${seed}: filters dead by |gamma| (all blocks) at ${rows
        .filter((r) => r.seed === seed)
        .map((r) => `${r.iteration}: engine ${total(r.engine)} / PyTorch ${total(r.torch)}`)
        .join(', ')}`,
    );
    // Written after every seed: a long comparison stopped part-way keeps the seeds it finished.
    if (opts.json) writeJsonAtomic(opts.json, summaryOf([...new Set(rows.map((r) => r.seed))]));
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

function summaryOf(done: number[]) {
  return {
    kind: 'crosscheck-long',
    configuration: 'main (Adam 1e-3, L2 5e-4 on every group, batch 32, BasicNet width 16), He-normal initial weights',
    steps: opts.steps,
    every: opts.every,
    seeds: done,
    torch: torchVersion,
    torchSeconds: Math.round(torchSeconds),
    engineSource: 'committed emergence-long records (data/full/runs) of the same configuration and seeds',
    rows,
  };
}
