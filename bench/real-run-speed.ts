// The speed of a real run from its start to its end (not a test): the RMSprop lr 1e-3 +
// L2 5e-4, batch 32, 15,000 iterations on Fashion-MNIST, timed in blocks of 1,000 iterations.
// Without the subnormal flush this run slows as the filters of the last blocks die and their
// parameters decay into the subnormal range; with it the last block should train about as fast
// as the first. Each block reports images per second of wall time and of this process's CPU time
// (the second does not move when other processes share the cores), the subnormal values in the
// training state and the filters dead by |gamma|.
//   npx tsx bench/real-run-speed.ts [--iterations N] [--block N] [--no-flush] [--json FILE]
import { Command, InvalidArgumentError } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { initBackend } from '../experiments/backend/resolve.js';
import { loadDataset } from '../experiments/data/dataset.js';
import { isDeadByGamma } from '../data/definitions.js';
import type { Network } from '../experiments/model.js';
import { Trainer, trainerData } from '../experiments/stepper.js';
import { dyingRunConfig, subnormalCounts } from './dying-state.js';
import { positiveInteger } from './positive-integer.js';

interface Block {
  /** The last iteration of the block. */
  iteration: number;
  wallImagesPerSecond: number;
  cpuImagesPerSecond: number;
  subnormals: number;
  deadByGamma: number[];
}

const options = new Command('real-run-speed')
  .description(
    'Trains the RMSprop lr 1e-3 + L2 5e-4, batch 32 run on Fashion-MNIST (wasm) and prints the images/s of every block ' +
      'of iterations (wall and CPU time), the subnormal values in the training state and the filters dead by |gamma| per ' +
      "layer, then the last block's speed as a share of the first's.",
  )
  .option('--iterations <n>', 'iterations to train', positiveInteger, 15000)
  .option('--block <n>', 'iterations per timed block', positiveInteger, 1000)
  .option('--no-flush', 'train without the subnormal flush (the engine before the fix)')
  .option('--json <file>', 'also write the blocks and the ratios as JSON')
  .parse(process.argv.slice(2), { from: 'user' })
  .opts<{ iterations: number; block: number; flush: boolean; json?: string }>();
if (options.iterations < 2 * options.block) throw new InvalidArgumentError('--iterations must hold at least two blocks');

const deadByGamma = (net: Network) => net.blocks.map((b) => Array.from(b.gamma.dataSync()).filter((g) => isDeadByGamma(g)).length);

await initBackend('wasm');
const config = dyingRunConfig();
const batch = config.training.batchSize;
const data = await loadDataset({
  name: config.data.dataset,
  classes: config.data.classes ?? undefined,
  trainSubset: config.data.trainSubset,
  seed: config.training.seed,
});
const trainer = new Trainer(config, trainerData(data), { engine: { flushSubnormals: options.flush } });
const { net, optimizer } = trainer;

console.log(
  `${config.optimizer.name} lr ${config.optimizer.lr}, ${config.regularization.kind} ${config.regularization.strength}, batch ${batch}, ` +
    `${options.iterations} iterations in blocks of ${options.block}, subnormal flush ${options.flush ? 'on' : 'off'}`,
);
const blocks: Block[] = [];
const started = performance.now();
let wall0 = performance.now();
let cpu0 = process.cpuUsage();
for (let iteration = 1; iteration <= options.iterations; iteration++) {
  trainer.step();
  if (iteration % options.block !== 0) continue;
  const wallSeconds = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const images = options.block * batch;
  const subnormals = Object.values(subnormalCounts(net, optimizer)).reduce((a, b) => a + b, 0);
  const block: Block = {
    iteration,
    wallImagesPerSecond: Math.round(images / wallSeconds),
    cpuImagesPerSecond: Math.round(images / cpuSeconds),
    subnormals,
    deadByGamma: deadByGamma(net),
  };
  blocks.push(block);
  const elapsed = (performance.now() - started) / 1000;
  const eta = Math.round((elapsed / iteration) * (options.iterations - iteration));
  console.log(
    `it ${String(iteration).padStart(6)}  ${String(block.wallImagesPerSecond).padStart(4)} img/s wall  ` +
      `${String(block.cpuImagesPerSecond).padStart(4)} img/s cpu  subnormal ${String(subnormals).padStart(6)}  ` +
      `dead by gamma [${block.deadByGamma.join(',')}]  eta ${Math.floor(eta / 60)} min ${eta % 60} s`,
  );
  wall0 = performance.now();
  cpu0 = process.cpuUsage();
}

const first = blocks[0];
const last = blocks[blocks.length - 1];
const ratios = {
  wall: last.wallImagesPerSecond / first.wallImagesPerSecond,
  cpu: last.cpuImagesPerSecond / first.cpuImagesPerSecond,
};
console.log(
  `last block against the first: ${ratios.wall.toFixed(2)}x (wall), ${ratios.cpu.toFixed(2)}x (cpu time); ` +
    `subnormal values at the end: ${last.subnormals}; dead by gamma at the end: ${last.deadByGamma.reduce((a, b) => a + b, 0)}`,
);
if (options.json) {
  const tmp = `${options.json}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ config, flush: options.flush, blockIterations: options.block, blocks, ratios }, null, 2) + '\n');
  renameSync(tmp, options.json);
}
