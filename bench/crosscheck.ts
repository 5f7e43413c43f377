// `npm run crosscheck`: trains the main configuration in this engine and in PyTorch (Debian's
// python3-torch) from the same initial weights on the same batches, and prints how far their loss
// curves drift apart, the dead filters of both at the end, and their subnormal parameter counts.
import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_CHOICES, initBackend, type BackendChoice } from '../experiments/backend/resolve.js';
import { countSubnormals } from '../experiments/backend/subnormals.js';
import { INIT_SCHEMES, resolveConfig } from '../experiments/config.js';
import { loadDataset } from '../experiments/data/dataset.js';
import { DEFAULT_THRESHOLDS } from '../data/definitions.js';
import { layerMeasurements, evaluate } from '../experiments/measure.js';
import { basicNetSpec } from '../experiments/model.js';
import { configWeights, Trainer, trainerData } from '../experiments/stepper.js';
import { mainConfig } from '../experiments/studies/protocol.js';

const HERE = dirname(fileURLToPath(import.meta.url));

interface TorchResult {
  torch: string;
  losses: number[];
  deadByActivation: number[][];
  deadByGamma: number[][];
  subnormal: Record<string, number>;
}

const program = new Command('crosscheck')
  .description(
    'Train the main configuration (Adam 1e-3, L2 5e-4, batch 32, BasicNet width 16) in this engine and in PyTorch from the same weights and batches, and compare.',
  )
  .option('--steps <n>', 'training steps in both frameworks', (v) => Number.parseInt(v, 10), 300)
  .addOption(new Option('--init <scheme>', 'initial weights of both (pytorch: PyTorch 1.x layer defaults)').choices([...INIT_SCHEMES]).default('pytorch'))
  .option('--seed <n>', 'seed of the weights and the batch order', (v) => Number.parseInt(v, 10), 0)
  .addOption(new Option('--backend <name>', 'this engine’s TF.js backend').choices([...BACKEND_CHOICES]).default('wasm'))
  .option('--data-dir <dir>', 'Fashion-MNIST folder (default: /usr/share/datasets/fashion-mnist)')
  .option('--python <path>', 'the Python with torch', '/usr/bin/python3')
  .option('--json <file>', 'also write the comparison as JSON');
program.parse();
const opts = program.opts<{
  steps: number;
  init: 'he-normal' | 'pytorch';
  seed: number;
  backend: BackendChoice;
  dataDir?: string;
  python: string;
  json?: string;
}>();
if (!Number.isInteger(opts.steps) || opts.steps < 1 || opts.steps > 5000)
  program.error('--steps must be an integer from 1 to 5000 (the batches are written to a temporary folder, 100 KB a step)');

const torchCheck = spawnSync(opts.python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
if (torchCheck.status !== 0) {
  console.error(`crosscheck: ${opts.python} cannot import torch and numpy. Install them with: apt-get install -y python3-torch (or pass --python).`);
  process.exit(1);
}

const base = mainConfig('full');
const config = resolveConfig({ ...base, model: { ...base.model, init: opts.init }, training: { ...base.training, seed: opts.seed, iterations: opts.steps } });
const backend = await initBackend(opts.backend);
const data = await loadDataset({
  name: 'fashion-mnist',
  dir: opts.dataDir,
  classes: config.data.classes,
  trainSubset: config.data.trainSubset,
  seed: opts.seed,
});
const shape: [number, number, number] = [data.height, data.width, data.channels];
const spec = basicNetSpec(config, shape, data.numClasses);
const weights = configWeights(config, spec);
const folder = mkdtempSync(join(tmpdir(), 'crosscheck-'));
try {
  const f32 = (name: string, values: Float32Array) =>
    writeFileSync(join(folder, `${name}.f32`), Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  weights.kernels.forEach((k, i) => f32(`conv${i}_kernel`, k));
  f32('head_weight', weights.headWeight);
  f32('head_bias', weights.headBias);
  const probeCount = Math.min(config.data.probeSize, data.train.count);
  const imageSize = shape[0] * shape[1] * shape[2];
  f32('probe', data.train.images.subarray(0, probeCount * imageSize));
  const { batchSize } = config.training;

  // This engine, recording the batches it trains on for PyTorch.
  const trainer = new Trainer(config, trainerData(data), { weights });
  const { net, optimizer } = trainer;
  const batches = new Float32Array(opts.steps * batchSize * imageSize);
  const labels = new Int32Array(opts.steps * batchSize);
  const engineLosses: number[] = [];
  let engineMs = 0;
  for (let s = 0; s < opts.steps; s++) {
    const { x, y } = trainer.nextBatch();
    batches.set(x.dataSync() as Float32Array, s * batchSize * imageSize);
    labels.set(tf.tidy(() => tf.argMax(y, 1)).dataSync() as Int32Array, s * batchSize);
    const t0 = performance.now();
    engineLosses.push(trainer.step({ x, y }).loss);
    engineMs += performance.now() - t0;
    tf.dispose([x, y]);
  }
  const engineLayers = layerMeasurements(net, evaluate(net, { ...data.train, count: probeCount }, { filters: true }), DEFAULT_THRESHOLDS);
  const engineSubnormal = net.blocks.reduce(
    (n, b) => n + countSubnormals(b.kernel.dataSync()) + countSubnormals(b.gamma.dataSync()) + countSubnormals(b.beta.dataSync()),
    0,
  );
  f32('batches', batches);
  writeFileSync(join(folder, 'labels.i32'), Buffer.from(labels.buffer));
  writeFileSync(
    join(folder, 'meta.json'),
    JSON.stringify({
      steps: opts.steps,
      batchSize,
      inputShape: shape,
      filters: spec.filters,
      poolAfter: spec.poolAfter,
      classes: spec.classes,
      bnEpsilon: spec.bnEpsilon,
      bnMomentum: spec.bnMomentum,
      lr: config.optimizer.lr,
      l2: config.regularization.strength,
      activationThreshold: DEFAULT_THRESHOLDS.activation,
      gammaThreshold: DEFAULT_THRESHOLDS.gamma,
    }),
  );

  const t0 = performance.now();
  const py = spawnSync(opts.python, [join(HERE, 'crosscheck.py'), folder], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const torchMs = performance.now() - t0;
  if (py.status !== 0) {
    console.error(`crosscheck: the PyTorch side failed:\n${py.stderr}`);
    process.exit(1);
  }
  const torch = JSON.parse(py.stdout) as TorchResult;
  const diffs = engineLosses.map((l, i) => Math.abs(l - torch.losses[i]));
  const maxOver = (n: number) => Math.max(...diffs.slice(0, n));
  const summary = {
    steps: opts.steps,
    init: opts.init,
    seed: opts.seed,
    engine: { backend: backend.name, tfjs: backend.tfjsVersion, imagesPerSecond: (opts.steps * batchSize * 1000) / engineMs },
    torch: { version: torch.torch, imagesPerSecondIncludingStartup: (opts.steps * batchSize * 1000) / torchMs },
    firstLoss: { engine: engineLosses[0], torch: torch.losses[0] },
    lastLoss: { engine: engineLosses[opts.steps - 1], torch: torch.losses[opts.steps - 1] },
    maxLossDifference: { first10: maxOver(10), first100: maxOver(100), all: maxOver(opts.steps) },
    lossDifferenceFirst10: diffs.slice(0, 10),
    dead: {
      engine: { byActivation: engineLayers.map((l) => l.deadByActivation.length), byGamma: engineLayers.map((l) => l.deadByGamma.length) },
      torch: { byActivation: torch.deadByActivation.map((l) => l.length), byGamma: torch.deadByGamma.map((l) => l.length) },
    },
    subnormalParameters: {
      engine: engineSubnormal,
      engineFlushes: optimizer.flushesSubnormals,
      torch: Object.values(torch.subnormal).reduce((a, b) => a + b, 0),
    },
  };
  console.log(`crosscheck: ${opts.steps} steps of the main configuration, ${opts.init} initial weights, seed ${opts.seed}`);
  console.log(
    `  engine ${backend.name} (TF.js ${backend.tfjsVersion}): ${summary.engine.imagesPerSecond.toFixed(0)} img/s; PyTorch ${torch.torch} (1 thread): ${summary.torch.imagesPerSecondIncludingStartup.toFixed(0)} img/s with start-up`,
  );
  console.log(`  loss at step 1: engine ${summary.firstLoss.engine.toFixed(6)}, PyTorch ${summary.firstLoss.torch.toFixed(6)}`);
  console.log(`  loss at step ${opts.steps}: engine ${summary.lastLoss.engine.toFixed(6)}, PyTorch ${summary.lastLoss.torch.toFixed(6)}`);
  console.log(
    `  largest |loss difference|: first 10 steps ${summary.maxLossDifference.first10.toExponential(2)}, first 100 ${summary.maxLossDifference.first100.toExponential(2)}, all ${summary.maxLossDifference.all.toExponential(2)}`,
  );
  console.log(`  dead by activation per layer: engine [${summary.dead.engine.byActivation}], PyTorch [${summary.dead.torch.byActivation}]`);
  console.log(`  dead by |gamma| per layer:    engine [${summary.dead.engine.byGamma}], PyTorch [${summary.dead.torch.byGamma}]`);
  console.log(
    `  subnormal conv/BN parameters: engine ${summary.subnormalParameters.engine} (flushes: ${summary.subnormalParameters.engineFlushes}), PyTorch ${summary.subnormalParameters.torch} (no flush)`,
  );
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(summary, null, 2)}\n`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
