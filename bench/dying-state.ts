// The dying network of the benchmark: the training state (network, running statistics and
// optimizer slots) of a real run trained WITHOUT the subnormal flush, past its first filter
// deaths, so that its dying filters hold subnormal parameters and slots as the engine had them.
//   npx tsx bench/dying-state.ts [--iterations N] [--every N] [--out DIR] [--from STATE]   (writes the state every N iterations;
//   the committed one, bench/fixtures/, is a copy of one of them)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { z } from 'zod';
import { Command } from 'commander';
import { resolveConfig, type RunConfig } from '../experiments/config.js';
import { loadDataset } from '../experiments/data/dataset.js';
import type { Network } from '../experiments/model.js';
import type { Optimizer } from '../experiments/optimizers.js';
import { Trainer, trainerData } from '../experiments/stepper.js';
import { restoreTensors, stateTensors } from '../experiments/snapshot.js';
import { countSubnormals } from '../experiments/backend/subnormals.js';
import { initBackend } from '../experiments/backend/resolve.js';
import { positiveInteger } from './positive-integer.js';

/** The committed state (see the README's Backends and speed section). */
const DYING_STATE_FILE = fileURLToPath(new URL('./fixtures/dying-basicnet16-rmsprop.bin.br', import.meta.url));

/** The run the state comes from: the RMSprop lr 1e-3 + L2 5e-4, batch 32, on Fashion-MNIST. */
export function dyingRunConfig(batchSize = 32): RunConfig {
  return resolveConfig({
    model: { width: 16 },
    optimizer: { name: 'rmsprop', lr: 1e-3 },
    regularization: { kind: 'l2', strength: 5e-4 },
    training: { batchSize, iterations: 15000 },
  });
}

const headerSchema = z.object({
  description: z.string(),
  iteration: z.number().int().nonnegative(),
  config: z.record(z.string(), z.unknown()),
  subnormals: z.record(z.string(), z.number().int().nonnegative()),
  tensors: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()) })),
});
type Header = z.infer<typeof headerSchema>;

export interface DyingState extends Omit<Header, 'tensors'> {
  /** As in a run snapshot (base64 float32), for restoreTensors. */
  tensors: Record<string, { shape: number[]; data: string }>;
}

/*
 * The file: a JSON header line, then every tensor's float32 values, all tensors concatenated
 * with their bytes split into four planes (all first bytes, then all second bytes, ...) so that
 * the sign and exponent bytes compress; brotli over both. Lossless: the subnormal values are
 * the point.
 */
function encodeState(header: Header, values: Float32Array): Buffer {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const n = values.length;
  const planes = new Uint8Array(bytes.length);
  for (let i = 0; i < n; i++) for (let b = 0; b < 4; b++) planes[b * n + i] = bytes[4 * i + b];
  const head = Buffer.from(JSON.stringify(header) + '\n', 'utf8');
  return brotliCompressSync(Buffer.concat([head, planes]), {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: head.length + planes.length },
  });
}

function decodeState(file: Buffer): DyingState {
  const raw = brotliDecompressSync(file);
  const newline = raw.indexOf(10);
  const header = headerSchema.parse(JSON.parse(raw.subarray(0, newline).toString('utf8')));
  const planes = raw.subarray(newline + 1);
  if (planes.length % 4 !== 0) throw new Error(`its data holds ${planes.length} bytes, not a whole number of float32 values`);
  const n = planes.length / 4;
  const bytes = new Uint8Array(planes.length);
  for (let i = 0; i < n; i++) for (let b = 0; b < 4; b++) bytes[4 * i + b] = planes[b * n + i];
  const tensors: DyingState['tensors'] = {};
  let at = 0;
  for (const t of header.tensors) {
    const size = 4 * t.shape.reduce((a, b) => a * b, 1);
    if (at + size > bytes.length) throw new Error(`its data ends inside ${t.name}`);
    tensors[t.name] = { shape: t.shape, data: Buffer.from(bytes.buffer, at, size).toString('base64') };
    at += size;
  }
  if (at !== bytes.length) throw new Error(`its data holds ${bytes.length - at} bytes after the last tensor`);
  return { ...header, tensors };
}

/** Subnormal values per tensor of a network and optimizer (only tensors that hold any). */
export function subnormalCounts(net: Network, optimizer: Optimizer): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, v] of stateTensors(net, optimizer)) {
    const n = countSubnormals(v.dataSync());
    if (n > 0) out[name] = n;
  }
  return out;
}

export function readDyingState(path = DYING_STATE_FILE): DyingState {
  try {
    return decodeState(readFileSync(path));
  } catch (error) {
    throw new Error(
      `cannot read the dying-network state ${path} (${(error as Error).message}); rebuild it with npx tsx bench/dying-state.ts and copy one of its states there`,
      { cause: error },
    );
  }
}

/** Puts the state's values into a network and optimizer built from dyingRunConfig (any batch size). */
export function restoreDyingState(state: DyingState, net: Network, optimizer: Optimizer): void {
  restoreTensors(state.tensors, stateTensors(net, optimizer));
  optimizer.setIterations(state.iteration);
}

export function writeDyingState(path: string, net: Network, optimizer: Optimizer, iteration: number, config: RunConfig): Record<string, number> {
  const subnormals = subnormalCounts(net, optimizer);
  const tensors = stateTensors(net, optimizer);
  const values = new Float32Array([...tensors.values()].reduce((a, v) => a + v.size, 0));
  let at = 0;
  for (const v of tensors.values()) {
    values.set(v.dataSync() as Float32Array, at);
    at += v.size;
  }
  const header: Header = {
    description:
      'BasicNet width 16 on Fashion-MNIST trained with RMSprop lr 1e-3 + L2 5e-4, batch 32, seed ' +
      `${config.training.seed}, without the subnormal flush, to iteration ${iteration} (written by bench/dying-state.ts)`,
    iteration,
    config: config as unknown as Record<string, unknown>,
    subnormals,
    tensors: [...tensors].map(([name, v]) => ({ name, shape: [...v.shape] })),
  };
  writeFileSync(path, encodeState(header, values));
  return subnormals;
}

async function main(): Promise<void> {
  const o = new Command('dying-state')
    .description('Trains the dying run without the subnormal flush and writes its state every --every iterations')
    .option('--iterations <n>', 'iterations to train', positiveInteger, 4000)
    .option('--every <n>', 'write the state every n iterations', positiveInteger, 500)
    .option('--out <dir>', 'folder for state-<iteration>.bin.br', '.cache/dying-state')
    .option('--from <file>', 'continue from a state this script wrote (its batches are skipped, so the run is the same)')
    .parse(process.argv.slice(2), { from: 'user' })
    .opts<{ iterations: number; every: number; out: string; from?: string }>();
  await initBackend('wasm');
  const config = dyingRunConfig();
  const data = await loadDataset({
    name: config.data.dataset,
    classes: config.data.classes ?? undefined,
    trainSubset: config.data.trainSubset,
    seed: config.training.seed,
  });
  const trainer = new Trainer(config, trainerData(data), { engine: { flushSubnormals: false } });
  const { net, optimizer } = trainer;
  let start = 0;
  if (o.from) {
    const state = readDyingState(o.from);
    restoreDyingState(state, net, optimizer);
    trainer.sampler!.skip(state.iteration);
    trainer.iteration = start = state.iteration;
  }
  mkdirSync(o.out, { recursive: true });
  let t0 = performance.now();
  for (let iteration = start + 1; iteration <= o.iterations; iteration++) {
    trainer.step();
    if (iteration % 100 === 0) {
      const ips = (100 * config.training.batchSize * 1000) / (performance.now() - t0);
      console.log(JSON.stringify({ iteration, imagesPerSecond: Math.round(ips) }));
      t0 = performance.now();
    }
    if (iteration % o.every === 0) {
      const path = resolve(o.out, `state-${iteration}.bin.br`);
      const subnormals = writeDyingState(path, net, optimizer, iteration, config);
      console.log(JSON.stringify({ iteration, wrote: path, subnormals }));
      t0 = performance.now();
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
