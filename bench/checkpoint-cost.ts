// Checkpoint cost (npm run bench:checkpoint; npm run bench prints it too): one checkpoint's
// measurements with and without the compiled kernels, and their share of a full-scale run.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { initBackend } from '../experiments/backend/resolve.js';
import { setNativeKernels } from '../experiments/backend/native.js';
import { resolveConfig } from '../experiments/config.js';
import { createRandom } from '../experiments/random.js';
import { PROTOCOLS } from '../experiments/studies/protocol.js';
import { benchConfig, CLASSES, COMPILED_KERNELS, fmt, makeTrainer, SHAPE, timeSteps } from './engine-variants.js';

/**
 * Cost of one checkpoint's measurements (sparsity and selectivity on the probe subset, the
 * layer measurements and the test probe, as run.ts does them), and their share of a full-scale
 * run (experiments/studies/protocol.ts: its iterations, checkpoints and probe, at batch 32).
 */
export async function checkpointCost(stepMsBatch32: number, rounds: number): Promise<Record<string, unknown> | null> {
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
  const trainer = makeTrainer({ config, variant: COMPILED_KERNELS });
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
      return {
        checkpointEvery: every,
        checkpoints,
        measuringMs: measuring,
        trainingMs: full.iterations * stepMsBatch32,
        share: measuring / (measuring + full.iterations * stepMsBatch32),
      };
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

/** The checkpoint cost line: compiled against stock inference kernels, and the share of a full-scale run. */
export function printCheckpoint(checkpoint: Record<string, unknown>, stepMs32: number): void {
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await initBackend('wasm');
  const stepMs32 = timeSteps(makeTrainer({ config: benchConfig(32), variant: COMPILED_KERNELS }), 2, 24).stepMs;
  const checkpoint = await checkpointCost(stepMs32, 3);
  if (!checkpoint) throw new Error('the measurement code (experiments/measure.ts) could not be loaded');
  printCheckpoint(checkpoint, stepMs32);
}
