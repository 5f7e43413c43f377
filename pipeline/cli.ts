// `npm run pipeline`: expands the studies of a scale into runs, trains the missing ones in
// parallel engine processes, aggregates the records into datasets and builds the site.
// Subcommands: status, aggregate, schemas. See `npm run pipeline -- --help`.
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import { $ } from 'zx';
import { STUDIES, type Study } from '../experiments/studies/index.js';
import { SCALES, type Scale } from '../data/schemas/datasets.js';
import { PlanError, planStudies, selectStudies, type Plan } from './plan.js';
import { datasetsDir, isSettled, runState, scaleDir } from './records.js';
import { runSweep, type EngineOptions, type SweepSummary } from './sweep.js';
import { createReporter, type ProgressKind } from './progress.js';
import { aggregate, checkDatasets } from './aggregate.js';
import { staleJsonSchemas, writeJsonSchemas } from './schemas.js';
import { emitSlurm } from './slurm.js';
import { statusReport } from './status.js';
import { calibratedSpeed } from './estimate.js';
import type { RunRecord } from '../data/schemas/run-record.js';
import { DISK_FULL_EXIT_CODE, isDiskFull } from '../data/atomic-write.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_ENGINE = [process.execPath, '--import', 'tsx', join(REPO, 'experiments', 'cli.ts')];

interface CommonOptions {
  scale: Scale;
  study: string[];
  results: string;
  cifarDir?: string;
  studies?: string;
}

interface RunOptions extends CommonOptions {
  workers: number;
  backend?: string;
  dataDir?: string;
  retryFailed: boolean;
  site: boolean;
  progress: ProgressKind;
  emit?: 'slurm';
  out?: string;
  throttle?: number;
  engine?: string;
  pollMs: number;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

function positiveInt(flag: string) {
  return (raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer (got "${raw}")`);
    return n;
  };
}

function common(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--scale <scale>', 'quick (59 runs of 500 iterations, about 25 minutes on 2 cores) or full (the publication protocol)')
        .choices(SCALES)
        .default('quick'),
    )
    .option(
      '--study <names>',
      'only these studies (comma-separated; repeatable)',
      (v: string, prev: string[]) => [...prev, ...v.split(',').filter(Boolean)],
      [],
    )
    .option('--results <dir>', 'results folder: <dir>/<scale>/runs, <dir>/<scale>/datasets, <dir>/schemas', join(REPO, 'data'))
    .option('--cifar-dir <dir>', 'folder with the CIFAR-10/100 binary versions (adds CIFAR-10 vs CIFAR-100 to the task study)')
    .option('--studies <module>', 'a module exporting STUDIES to use instead of experiments/studies');
}

async function loadStudies(module: string | undefined): Promise<readonly Study[]> {
  if (!module) return STUDIES;
  const loaded = (await import(pathToFileURL(resolve(module)).href)) as { STUDIES?: readonly Study[]; default?: readonly Study[] };
  const studies = loaded.STUDIES ?? loaded.default;
  if (!Array.isArray(studies)) throw new Error(`${module} exports no STUDIES array`);
  return studies;
}

/** Validates every study of the scale (so a bad one fails before anything trains), then plans the selected ones. */
async function makePlan(opts: CommonOptions): Promise<{ all: readonly Study[]; plan: Plan }> {
  const all = await loadStudies(opts.studies);
  const context = { cifar: opts.cifarDir !== undefined };
  planStudies(all, opts.scale, context);
  return { all, plan: planStudies(selectStudies(all, opts.study), opts.scale, context) };
}

function settledRecords(root: string, plan: Plan): RunRecord[] {
  return plan.runs.flatMap((r) => {
    const s = runState(root, plan.scale, r.hash);
    return 'record' in s ? [s.record] : [];
  });
}

function describeSummary(s: SweepSummary): string {
  const t = s.trained;
  const parts = [
    `${t.complete + t.diverged + t.failed} trained (${t.complete} complete, ${t.diverged} diverged, ${t.failed} failed)`,
    `${s.alreadyDone} already done`,
  ];
  if (s.doneElsewhere) parts.push(`${s.doneElsewhere} finished by another process`);
  if (s.crashed.length) parts.push(`${s.crashed.length} without a record`);
  if (s.corrupt.length) parts.push(`${s.corrupt.length} corrupt record(s) redone`);
  return `sweep: ${parts.join(', ')}${s.interrupted ? ' (interrupted)' : ''}`;
}

function aggregateAndReport(root: string, scale: Scale, studies: readonly Study[]): void {
  const report = aggregate(root, scale, studies);
  for (const line of report.invalid) say(`skipped invalid record: ${line}`);
  if (report.orphans.length)
    say(
      `${report.orphans.length} record(s) belong to no study of this scale (kept in the datasets): ${report.orphans.slice(0, 5).join(', ')}${report.orphans.length > 5 ? ', ...' : ''}`,
    );
  say(
    `aggregated ${report.records} record(s) into ${datasetsDir(root, scale)} (${report.written.length ? `changed: ${report.written.join(', ')}` : 'no change'})`,
  );
  const schemas = writeJsonSchemas(join(root, 'schemas'));
  if (schemas.length) say(`wrote ${schemas.length} JSON Schema file(s) to ${join(root, 'schemas')}`);
}

function checkAndReport(root: string, scale: Scale, studies: readonly Study[]): number {
  const report = checkDatasets(root, scale, studies);
  for (const line of report.invalid) say(`invalid record (left out): ${line}`);
  const problems = [
    ...report.problems,
    ...staleJsonSchemas(join(root, 'schemas')).map((p) => `${p}: missing or out of date (run: npm run pipeline -- schemas)`),
  ];
  for (const line of problems) say(line);
  if (problems.length === 0 && report.invalid.length === 0) {
    say(`the ${scale} datasets match their schemas and are byte-identical to what the ${report.records} record(s) rebuild`);
    return 0;
  }
  return 1;
}

/** Builds the site for the scale just run (a plain `npm run build` prefers the full scale). */
async function buildSite(root: string, scale: Scale): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (resolve(root) !== join(REPO, 'data')) {
    say('site not built: the results are outside the repository data folder the site reads');
    return;
  }
  if (!pkg.scripts?.build || !existsSync(join(REPO, 'astro.config.mjs'))) {
    say('site not built: there is no site (npm run build) yet');
    return;
  }
  say(`building the site for the ${scale} scale (SITE_SCALE=${scale} npm run build)...`);
  const result = await $({ cwd: REPO, nothrow: true, quiet: true, env: { ...process.env, SITE_SCALE: scale } })`npm run build`;
  if (result.exitCode !== 0) {
    say(`the site build failed (exit ${result.exitCode}):\n${result.stderr.trim().split('\n').slice(-15).join('\n')}`);
    process.exitCode = 1;
  } else {
    say(`site built: open ${join(REPO, 'dist', 'index.html')} in a browser (it works from disk), or run \`npm run preview\` and open the address it prints`);
  }
}

async function runCommand(opts: RunOptions): Promise<number> {
  const { all, plan } = await makePlan(opts);
  const root = resolve(opts.results);
  const engine: EngineOptions = {
    command: opts.engine ? opts.engine.split(/\s+/).filter(Boolean) : DEFAULT_ENGINE,
    cwd: REPO,
    backend: opts.backend,
    dataDir: opts.dataDir ? resolve(opts.dataDir) : undefined,
    cifarDir: opts.cifarDir ? resolve(opts.cifarDir) : undefined,
  };
  const { speed } = calibratedSpeed(settledRecords(root, plan));

  if (opts.emit === 'slurm') {
    const missing = plan.runs.filter((r) => !isSettled(runState(root, plan.scale, r.hash), opts.retryFailed));
    if (missing.length === 0) {
      say(`every run of scale ${plan.scale} has a record: nothing to emit`);
      return 0;
    }
    const out = opts.out ?? join(scaleDir(root, plan.scale), 'slurm', 'sweep.sh');
    const job = emitSlurm({ root, scale: plan.scale, runs: missing, engine, out, speed, throttle: opts.throttle, retryFailed: opts.retryFailed });
    say(`wrote ${job.script} (${job.tasks} array task(s), time limit ${job.timeLimit} each) and ${job.jobFile}; task logs go to ${job.logs}`);
    say(`submit with: sbatch ${job.script}; then run: npm run pipeline -- --scale ${plan.scale}`);
    return 0;
  }

  say(
    `scale ${plan.scale}: ${plan.runs.length} distinct run(s) in ${plan.studies.map((s) => s.study.name).join(', ')}; ${opts.workers} worker(s); results in ${root}`,
  );
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130);
    say(`\n${signal}: stopping the running engines (their runs are redone next time); again to quit at once`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let summary: SweepSummary;
  try {
    summary = await runSweep(plan, {
      root,
      workers: opts.workers,
      engine,
      retryFailed: opts.retryFailed,
      reporter: createReporter(opts.progress),
      speed,
      pollMs: opts.pollMs,
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  say(describeSummary(summary));
  for (const c of summary.crashed) say(`  no record: ${c.hash} ${c.label}: ${c.reason}`);
  if (summary.interrupted) return 130;
  if (summary.diskFull) {
    say(`stopped: the disk is full, so no further run was started and nothing was aggregated.\n${summary.diskFull}`);
    return DISK_FULL_EXIT_CODE;
  }

  aggregateAndReport(root, plan.scale, all);
  if (opts.site) await buildSite(root, plan.scale);
  return summary.crashed.length > 0 || summary.trained.failed > 0 ? 1 : ((process.exitCode as number | undefined) ?? 0);
}

function buildProgram(): Command {
  const program = common(new Command('pipeline'))
    .description('Train the missing runs of the studies, aggregate the records into datasets, and build the site.')
    .enablePositionalOptions()
    .option('--workers <n>', 'parallel engine processes', positiveInt('--workers'), availableParallelism())
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend for the engine').choices(['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu']))
    .option('--data-dir <dir>', 'Fashion-MNIST folder for the engine (default: /usr/share/datasets/fashion-mnist)')
    .option('--retry-failed', 'train runs whose record says failed again (by default a failure is kept and reported)', false)
    .option('--no-site', 'do not build the site after aggregating')
    .addOption(new Option('--progress <kind>', 'bars (on a terminal), lines (for logs) or none').choices(['bar', 'lines', 'none']).default('bar'))
    .addOption(new Option('--emit <target>', 'write a job for a cluster scheduler instead of training').choices(['slurm']))
    .option('--out <file>', 'with --emit slurm: the script to write (default <results>/<scale>/slurm/sweep.sh)')
    .option('--throttle <n>', 'with --emit slurm: at most n array tasks run at once (--array=0-K%n)', positiveInt('--throttle'))
    .option('--engine <command>', 'command line of the experiment CLI (default: node --import tsx experiments/cli.ts)')
    .addOption(new Option('--poll-ms <ms>', 'how often to look again at a run another process is training').default(2000).argParser(Number).hideHelp())
    .addHelpText(
      'after',
      '\nA run is trained once: complete and diverged records are kept; failed ones are kept unless --retry-failed;\n' +
        'missing or corrupt ones are (re)trained. Scales never mix: records go to <results>/<scale>/runs/<hash>.json.\n' +
        `Exit codes: 0 all requested runs have a complete or diverged record, 1 a run failed or an input was invalid, ${DISK_FULL_EXIT_CODE} the disk is full (free space and rerun), 130 interrupted.`,
    )
    .action(async (opts: RunOptions) => {
      process.exitCode = await runCommand(opts);
    });

  common(program.command('status'))
    .description('List complete, diverged, failed, running and pending runs per study, and the compute still needed.')
    .option('--workers <n>', 'workers to divide the wall-time estimate by', positiveInt('--workers'), availableParallelism())
    .action(async (opts: CommonOptions & { workers: number }) => {
      const { plan } = await makePlan(opts);
      process.stdout.write(`${statusReport(resolve(opts.results), plan, opts.workers).text}\n`);
    });

  common(program.command('aggregate'))
    .description('Rebuild the datasets of a scale from its run records (and write the JSON Schemas).')
    .option(
      '--check',
      'write nothing; exit 1 unless every dataset matches its schema and is byte-identical to what the records rebuild, and the JSON Schemas are current',
      false,
    )
    .action(async (opts: CommonOptions & { check: boolean }) => {
      const all = await loadStudies(opts.studies);
      if (opts.check) process.exitCode = checkAndReport(resolve(opts.results), opts.scale, all);
      else aggregateAndReport(resolve(opts.results), opts.scale, all);
    });

  program
    .command('schemas')
    .description('Write the JSON Schemas of the run record and of every dataset.')
    .option('--out <dir>', 'folder to write to', join(REPO, 'data', 'schemas'))
    .action((opts: { out: string }) => {
      const changed = writeJsonSchemas(resolve(opts.out));
      say(changed.length ? `wrote ${changed.join(', ')}` : `the JSON Schemas in ${opts.out} are up to date`);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return (process.exitCode as number | undefined) ?? 0;
  } catch (error) {
    if (error instanceof PlanError) say(`error: ${error.message}`);
    else say(`error: ${(error as Error).message}`);
    return isDiskFull(error) ? DISK_FULL_EXIT_CODE : 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv).then((code) => process.exit(code));
}
