// The lab's training worker: owns the engine and the data, trains in slices of ~100 ms and
// yields between them, so that pause, resume and reset arrive while a run goes on and the page
// never waits for a training step.
import { ConfigError, resolveConfig } from '../../experiments/config.js';
import type { RawDataset } from '../../experiments/data/idx.js';
import { initLabBackend, type LabBackend } from './backend.js';
import { rawDatasetFromIdx } from './data-asset.js';
import { LabSession } from './session.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { CurvePoint } from '../../data/schemas/run-record.js';

declare const LAB_CODE_VERSION: string;
declare const LAB_ENGINE_CODE: string;

const SLICE_MS = 100;

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);

let raw: RawDataset | null = null;
let backend: LabBackend | null = null;
let session: LabSession | null = null;
let paused = false;
/** Bumped by every start and reset: a running loop whose generation is stale stops. */
let generation = 0;
let activeMs = 0;
/** Whether a training loop is under way (a resume during its last slice must not start a second). */
let running = false;

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Lets queued messages (pause, reset) run; faster than setTimeout, which browsers clamp. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

async function init(message: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  const files: Record<string, Uint8Array> = {};
  for (const [name, bytes] of Object.entries(message.data)) files[name] = await gunzip(bytes);
  raw = rawDatasetFromIdx(files, message.dataName);
  backend = await initLabBackend(message.wasm, message.simd);
  post({ type: 'ready', backend: backend.detail, simd: backend.simd, trainImages: raw.train.count, testImages: raw.test.count });
}

function start(input: unknown): void {
  if (!raw || !backend) throw new Error('the lab worker was asked to start before it was ready');
  let config;
  try {
    config = resolveConfig(input, 'the lab form');
  } catch (error) {
    if (error instanceof ConfigError) {
      post({ type: 'invalid', message: error.message, fields: [...error.issues] });
      return;
    }
    throw error;
  }
  session?.dispose();
  generation += 1;
  activeMs = 0;
  paused = false;
  const t0 = performance.now();
  session = new LabSession(config, raw, {
    codeVersion: LAB_CODE_VERSION,
    engineCode: LAB_ENGINE_CODE,
    tfjsVersion: backend.tfjsVersion,
    backendDetail: backend.detail,
    runtime: `browser: ${navigator.userAgent}`,
    platform: `${navigator.platform || 'unknown platform'}, ${navigator.hardwareConcurrency ?? '?'} logical cores`,
  });
  activeMs += performance.now() - t0;
  post({ type: 'started', config, id: session.id, trainImages: session.data.train.count, filters: session.checkpoints[0].layers.map((l) => l.filters) });
  post({ type: 'checkpoint', checkpoint: session.checkpoints[0], seconds: activeMs / 1000 });
  void loop(generation);
}

async function loop(mine: number): Promise<void> {
  running = true;
  try {
    await train(mine);
  } finally {
    if (mine === generation) running = false;
  }
}

async function train(mine: number): Promise<void> {
  let rate = 0;
  while (session && mine === generation && !paused && !session.done) {
    const s = session;
    const sliceStart = performance.now();
    const curve: CurvePoint[] = [];
    let steps = 0;
    while (!s.done && performance.now() - sliceStart < SLICE_MS) {
      const outcome = s.step();
      steps += 1;
      if (outcome.curvePoint) curve.push(outcome.curvePoint);
      if (outcome.checkpoint) post({ type: 'checkpoint', checkpoint: outcome.checkpoint, seconds: (activeMs + performance.now() - sliceStart) / 1000 });
    }
    const sliceMs = performance.now() - sliceStart;
    activeMs += sliceMs;
    const sliceRate = (steps * s.config.training.batchSize) / (sliceMs / 1000);
    rate = rate === 0 ? sliceRate : 0.8 * rate + 0.2 * sliceRate;
    const left = (s.config.training.iterations - s.iteration) * s.config.training.batchSize;
    post({
      type: 'progress',
      iteration: s.iteration,
      iterations: s.config.training.iterations,
      curve,
      imagesPerSecond: rate,
      etaSeconds: left / rate,
      trainSeconds: s.trainSeconds,
    });
    await yieldToMessages();
  }
  if (!session || mine !== generation) return;
  if (paused) {
    post({ type: 'paused', iteration: session.iteration });
    return;
  }
  if (session.status === 'complete') {
    post({ type: 'phase', phase: 'final' });
    const f0 = performance.now();
    session.finish();
    activeMs += performance.now() - f0;
  }
  post({ type: 'finished', status: session.status, final: session.final, failure: session.failure });
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      return init(message);
    case 'start':
      return start(message.config);
    case 'pause':
      paused = true;
      return;
    case 'resume':
      if (session && paused) {
        paused = false;
        if (!running) void loop(generation);
      }
      return;
    case 'reset':
      generation += 1;
      paused = false;
      session?.dispose();
      session = null;
      return;
    case 'record':
      if (session) post({ type: 'record', record: session.record(activeMs / 1000) });
      return;
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
