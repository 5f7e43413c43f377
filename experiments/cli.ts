// `npm run experiment`: trains one configuration and writes its run record. Without --config it
// trains the study's main configuration (experiments/studies/protocol.ts mainConfig('full')), so
// that the command with no flags trains what the published study trains.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { CONFIG_FIELDS, ConfigError, configHash, resolveConfig, type RunConfigInput } from './config.js';
import { runExperiment, type ProgressEvent } from './run.js';
import { DISK_FULL_EXIT_CODE, isDiskFull, writeJsonAtomic } from './record-file.js';
import { removeSnapshot, snapshotPath } from './snapshot.js';
import type { BackendChoice } from './backend/resolve.js';
import { mainConfig } from './studies/protocol.js';

/** What a run without --config starts from: the study's main configuration at full scale. */
const MAIN_CONFIG: RunConfigInput = mainConfig('full');

const BACKENDS = ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
const PROGRESS = ['bar', 'jsonl', 'none'] as const;

/** The kebab-case flag of a config path: optimizer.lr -> --optimizer-lr. */
function flagOf(path: string): string {
  return `--${path.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function parseValue(field: (typeof CONFIG_FIELDS)[number], raw: string): unknown {
  switch (field.kind) {
    case 'number': {
      if (raw === 'null') return null;
      const n = Number(raw);
      if (raw.trim() === '' || Number.isNaN(n)) throw new ConfigError(`${flagOf(field.path)}: "${raw}" is not a number`);
      return n;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${flagOf(field.path)}: "${raw}" must be true or false`);
      return raw === 'true';
    case 'list':
      return raw === '' ? [] : raw.split(',').map((s) => (field.values ? s.trim() : Number(s)));
    default:
      return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the configuration file ${file}: ${(error as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the top level must be an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`the configuration file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function buildProgram(): Command {
  const program = new Command('experiment')
    .description('Train one Conv-BN-activation network, measure filter sparsity and selectivity, and write its run record (JSON).')
    .option(
      '--config <file>',
      "run configuration (JSON; fields it leaves out take the schema's defaults); flags below override its fields. Without it: the study's main configuration",
    )
    .option('--out <file>', 'where to write the run record (default: data/adhoc/runs/<config hash>.json)')
    .option('--data-dir <dir>', 'dataset folder (default for fashion-mnist: /usr/share/datasets/fashion-mnist)')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .addOption(new Option('--progress <kind>', 'progress display: a bar on stderr, JSON lines on stdout, or none').choices(PROGRESS).default('bar'))
    .option('--print-config', 'print the resolved configuration and its hash, and exit without training')
    .option('--no-snapshot', 'neither continue from nor write <out without .json>.snapshot.json (by default a killed run continues from its last checkpoint)')
    .addHelpText(
      'after',
      "\nWithout --config the run is the study's main configuration (experiments/studies/protocol.ts mainConfig('full')): BasicNet width 16, " +
        'Adam lr 1e-3 + L2 5e-4, batch 32, 10,000 iterations on all of Fashion-MNIST; the defaults above are its values.\n' +
        'Every configuration field also has a flag, e.g. --optimizer-name adam --optimizer-lr 0.001 --training-iterations 500.\n' +
        `Exit codes: 0 the run completed or diverged (recorded), 1 it failed or the input was invalid, 2 usage error, ${DISK_FULL_EXIT_CODE} the disk is full (nothing complete lost: free space and rerun).`,
    );
  const defaults = resolveConfig(MAIN_CONFIG);
  for (const field of CONFIG_FIELDS) {
    const option = new Option(`${flagOf(field.path)} <value>`, `${field.path}${field.description ? `: ${field.description}` : ''}`);
    if (field.kind === 'enum' && field.values) option.choices(field.values as string[]);
    if (field.kind === 'list' && field.values) option.description += ` (comma-separated: ${field.values.join(', ')})`;
    if (field.kind === 'boolean') option.description += ' (true|false)';
    if (field.path.startsWith('optimizer.') && field.path !== 'optimizer.name') {
      option.description += " (default: the optimizer's own, PyTorch's)";
    } else {
      const value = field.path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], defaults);
      option.description += ` (default: ${Array.isArray(value) ? value.join(',') || 'none' : value === null ? 'all' : String(value)})`;
    }
    program.addOption(option);
  }
  return program;
}

function progressReporter(kind: (typeof PROGRESS)[number]): (event: ProgressEvent) => void {
  if (kind === 'jsonl') return (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
  if (kind === 'none') return () => {};
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{bar} {value}/{total} it | loss {loss} | acc {acc} | {rate} img/s | ETA {eta_formatted} | {phase}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return (event) => {
    if (event.type === 'notice') {
      process.stderr.write(`${event.message}\n`);
    } else if (event.type === 'resumed') {
      process.stderr.write(`continuing from the snapshot at iteration ${event.iteration} of ${event.iterations}\n`);
    } else if (event.type === 'progress') {
      if (!started) {
        bar.start(event.iterations, 0, { loss: '-', acc: '-', rate: '-', phase: 'train' });
        started = true;
      }
      bar.update(event.iteration, {
        loss: event.loss.toFixed(4),
        acc: event.accuracy.toFixed(3),
        rate: Math.round(event.imagesPerSecond),
        phase: 'train',
      });
    } else if (event.type === 'phase' && started) {
      bar.update({ phase: event.phase });
    } else if (event.type === 'done' && started) {
      bar.stop();
    }
  };
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    program.parse(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode ?? 2;
    return code === 0 ? 0 : 2;
  }
  const opts = program.opts<Record<string, string | boolean | undefined>>();
  const where = typeof opts.config === 'string' ? opts.config : 'the main configuration and the command-line flags';
  let config;
  try {
    const input: Record<string, unknown> = typeof opts.config === 'string' ? readConfigFile(opts.config) : structuredClone(MAIN_CONFIG);
    for (const field of CONFIG_FIELDS) {
      const attr = new Option(flagOf(field.path)).attributeName();
      const raw = opts[attr];
      if (typeof raw === 'string') setPath(input, field.path, parseValue(field, raw));
    }
    config = resolveConfig(input as RunConfigInput, where);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
  const id = configHash(config);
  if (opts.printConfig) {
    process.stdout.write(`${JSON.stringify({ id, config }, null, 2)}\n`);
    return 0;
  }
  const out = typeof opts.out === 'string' ? opts.out : `data/adhoc/runs/${id}.json`;
  try {
    const snapshot = opts.snapshot === false ? undefined : snapshotPath(out);
    const record = await runExperiment(config, {
      dataDir: typeof opts.dataDir === 'string' ? opts.dataDir : undefined,
      backend: opts.backend as BackendChoice,
      onProgress: progressReporter(opts.progress as (typeof PROGRESS)[number]),
      snapshot,
    });
    writeJsonAtomic(out, record);
    // The record holds everything now; a kill before this line leaves a snapshot that gives the same record.
    if (snapshot) removeSnapshot(snapshot);
    const summary =
      record.status === 'complete' && record.final
        ? `test accuracy ${record.final.testAccuracy}, dead filters (activation) ${record.final.layers.reduce((s, l) => s + l.deadByActivation.length, 0)}/${record.model.filters.reduce((a, b) => a + b, 0)}`
        : `${record.failure?.reason}`;
    process.stderr.write(
      `${record.status}: ${summary} (${record.provenance.wallSeconds.toFixed(1)} s, ${Math.round(record.provenance.imagesPerSecond)} img/s on ${record.provenance.backend})\nrecord: ${out}\n`,
    );
    return record.status === 'failed' ? 1 : 0;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return isDiskFull(error) ? DISK_FULL_EXIT_CODE : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('experiments/cli.ts')) {
  main(process.argv).then((code) => process.exit(code));
}
