// A stand-in for experiments/cli.ts that follows its CLI contract (flags, JSON-lines progress,
// atomic record, exit codes) in milliseconds. Behaviour for the tests:
//   optimizer.lr >= 100: diverged; training.seed 666: failed; seed 667: exits 1 without a record.
//   FAKE_ENGINE_LOG=file: appends "<hash>\n" when training starts (to count trainings).
//   FAKE_ENGINE_PIDS=file: appends "<pid>\n" when it starts (to check that it was stopped).
//   FAKE_ENGINE_MS_PER_ITERATION=n: sleeps n ms per iteration (to be killed mid-run).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { configHash, resolveConfig } from '../../experiments/config.js';
import { writeJsonAtomic } from '../../experiments/record-file.js';
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
for (let i = 1; i <= n; i++) {
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
writeJsonAtomic(out, record);
emit({ type: 'done', status: record.status, id, wallSeconds: record.provenance.wallSeconds });
process.exit(record.status === 'failed' ? 1 : 0);
