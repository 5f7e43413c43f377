// A stand-in for experiments/cli.ts that follows its CLI contract (flags, JSON-lines progress,
// atomic record, exit codes) in milliseconds. Behaviour for the tests:
//   optimizer.lr >= 100: diverged; training.seed 666: failed; seed 667: exits 1 without a record.
//   FAKE_ENGINE_LOG=file: appends "<hash>\n" when training starts (to count trainings).
//   FAKE_ENGINE_PIDS=file: appends "<pid>\n" when it starts (to check that it was stopped).
//   FAKE_ENGINE_MS_PER_ITERATION=n: sleeps n ms per iteration (to be killed mid-run).
//   A snapshot next to --out (experiments/snapshot.ts snapshotPath) of this run: continues from its
//   iteration (a "resumed" event, as the engine's) and removes it once the record is written.
//   A write that meets a full disk: the engine's message and exit code (DISK_FULL_EXIT_CODE).
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { configHash, resolveConfig } from '../../experiments/config.js';
import { DISK_FULL_EXIT_CODE, isDiskFull, writeJsonAtomic } from '../../experiments/record-file.js';
import { snapshotPath } from '../../experiments/snapshot.js';
import { fakeEngineRecord } from './fixtures.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const configFile = flag('--config');
const out = flag('--out');
if (!configFile || !out) {
  process.stderr.write('usage: fake-engine --config FILE --out FILE [--progress jsonl|none]\n');
  process.exit(2);
}
const dataDir = flag('--data-dir');
if (dataDir !== undefined && !existsSync(dataDir)) {
  process.stderr.write(`error: the data folder ${dataDir} does not exist\n`);
  process.exit(1);
}
const jsonl = flag('--progress') === 'jsonl';
const emit = (event: object) => {
  if (jsonl) process.stdout.write(`${JSON.stringify(event)}\n`);
};

let config;
try {
  config = resolveConfig(JSON.parse(readFileSync(configFile, 'utf8')), configFile);
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
const id = configHash(config);
if (process.env.FAKE_ENGINE_PIDS) appendFileSync(process.env.FAKE_ENGINE_PIDS, `${process.pid}\n`);
if (process.env.FAKE_ENGINE_LOG) appendFileSync(process.env.FAKE_ENGINE_LOG, `${id}\n`);
const started = Date.now();
const msPerIteration = Number(process.env.FAKE_ENGINE_MS_PER_ITERATION ?? 0);
const n = config.training.iterations;
const snapshot = snapshotPath(out);
let from = 0;
if (existsSync(snapshot)) {
  const saved = JSON.parse(readFileSync(snapshot, 'utf8')) as { id?: string; iteration?: number };
  if (saved.id === id && typeof saved.iteration === 'number' && saved.iteration < n) {
    from = saved.iteration;
    emit({ type: 'resumed', iteration: from });
  }
}
for (let i = from + 1; i <= n; i++) {
  if (msPerIteration > 0) await new Promise((r) => setTimeout(r, msPerIteration));
  emit({ type: 'progress', iteration: i, iterations: n, loss: 1 / i, accuracy: 0.5, imagesPerSecond: 1000 });
}
if (config.training.seed === 667) {
  process.stderr.write('error: the fake engine crashed on purpose (seed 667)\n');
  process.exit(1);
}
emit({ type: 'phase', phase: 'final' });
const record = fakeEngineRecord(config, (Date.now() - started) / 1000);
if (config.optimizer.lr >= 100) {
  record.status = 'diverged';
  record.failure = { reason: 'the training loss became NaN at iteration 2', iteration: 2 };
  record.final = null;
} else if (config.training.seed === 666) {
  record.status = 'failed';
  record.failure = { reason: 'fake failure (seed 666)', iteration: null };
  record.final = null;
}
try {
  writeJsonAtomic(out, record);
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(isDiskFull(error) ? DISK_FULL_EXIT_CODE : 1);
}
rmSync(snapshot, { force: true });
emit({ type: 'done', status: record.status, id, wallSeconds: record.provenance.wallSeconds });
process.exit(record.status === 'failed' ? 1 : 0);
