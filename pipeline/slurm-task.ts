// One task of the array job that `--emit slurm` writes: under the run's lock (the same lock the
// local pipeline takes, so two jobs or a job and a local sweep never train a run twice), trains
// the run with the engine unless it already has a record, and logs what happened for `status`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { configHash, resolveConfig } from '../experiments/config.js';
import { isSettled, locksDir, recordPath, runState, type RunState } from './records.js';
import { tryLock, type Lock } from './lock.js';
import { readSlurmJob, taskHeader } from './slurm.js';
import { engineArgs } from './sweep.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The task's exit code: 0 recorded (or nothing to do), 1 failed or no record, 2 bad input, 143 stopped. */
async function runSlurmTask(jobFile: string, task: number, results: string): Promise<number> {
  const job = readSlurmJob(jobFile);
  const entry = job.tasks[task];
  if (!entry) {
    process.stderr.write(`no task ${task} in ${jobFile} (it has tasks 0-${job.tasks.length - 1}); was the script edited?\n`);
    return 2;
  }
  const { hash, label } = entry;
  const slurmJob = process.env.SLURM_ARRAY_JOB_ID ?? process.env.SLURM_JOB_ID ?? 'none';
  const prefix = `slurm job ${slurmJob} task ${task}:`;
  const root = resolve(results);
  const out = recordPath(root, job.scale, hash);
  // A failure recorded after the job was emitted is this job's answer, even when retrying failures.
  const settled = (state: RunState) => isSettled(state, job.retryFailed) || (state.kind === 'failed' && state.record.provenance.startedAt >= job.emittedAt);
  if (settled(runState(root, job.scale, hash))) {
    say(`${prefix} ${hash} (${label}) has a record in ${out}, nothing to do`);
    return 0;
  }
  const attempt = tryLock(join(locksDir(root, job.scale), `${hash}.lock`));
  if (!attempt.acquired) {
    const who = attempt.holder ? `pid ${attempt.holder.pid} on ${attempt.holder.host} since ${attempt.holder.startedAt}` : 'another process';
    say(`${prefix} ${hash} (${label}) is being trained by ${who} (lock ${attempt.reason}), nothing to do`);
    return 0;
  }
  const lock = attempt.lock;
  try {
    if (settled(runState(root, job.scale, hash))) {
      say(`${prefix} ${hash} (${label}) was recorded meanwhile in ${out}, nothing to do`);
      return 0;
    }
    say(taskHeader(slurmJob, task, hash, label, hostname()));
    const configFile = join(dirname(resolve(jobFile)), 'configs', `${hash}.json`);
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${configFile} (${(error as Error).message}): the job's configs/ folder must sit next to ${jobFile}; emit the job again`, {
        cause: error,
      });
    }
    const config = resolveConfig(JSON.parse(text) as unknown, configFile);
    if (configHash(config) !== hash) throw new Error(`${configFile} hashes to ${configHash(config)}, not ${hash}: emit the job again`);
    const command = job.engine.node ? [process.execPath, ...job.engine.command] : job.engine.command;
    const args = engineArgs({ ...job.engine, command, cwd: process.cwd() }, { hash, label, config, studies: [] }, configFile, out, 'jsonl');
    say(`${prefix} ${args.join(' ')}`);
    return await train(args, lock, prefix, out, () => runState(root, job.scale, hash));
  } finally {
    lock.release();
  }
}

async function train(args: string[], lock: Lock, prefix: string, out: string, state: () => RunState): Promise<number> {
  // The engine's stderr goes straight to the task's log: its errors are what `status` shows.
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((done) => {
    child.on('close', (code) => done(code));
    child.on('error', (error) => {
      say(`${prefix} cannot start the engine ${args[0]}: ${error.message}`);
      done(null);
    });
  });
  if (child.pid !== undefined) lock.setChild(child.pid);
  // Another task took the run over (this node was unreachable past the lock's timeout): stop here.
  lock.onLost((why) => {
    say(`${prefix} ${why}; stopping the engine`);
    child.kill('SIGTERM');
  });
  let stopped: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    // scancel and time limits send SIGTERM to every process of the task; the engine's snapshot
    // keeps its work, so stopping it and releasing the lock is all there is to do.
    stopped = signal;
    child.kill('SIGTERM');
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let nextReport = 0;
  let phase = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      say(line);
      continue;
    }
    if (event.type === 'resumed') say(`${prefix} continues from its snapshot at iteration ${Number(event.iteration)}`);
    else if (event.type === 'notice') say(`${prefix} ${String(event.message)}`);
    else if (event.type === 'phase' && String(event.phase) !== phase) {
      phase = String(event.phase);
      say(`${prefix} ${phase}`);
    } else if (event.type === 'progress') {
      const iteration = Number(event.iteration);
      const iterations = Number(event.iterations);
      // About ten progress lines per run, whatever its length.
      if (iteration >= nextReport || iteration === iterations) {
        say(
          `${prefix} iteration ${iteration}/${iterations} loss ${Number(event.loss).toFixed(4)} accuracy ${Number(event.accuracy).toFixed(3)} ${Math.round(Number(event.imagesPerSecond))} img/s`,
        );
        nextReport = iteration + Math.max(1, Math.ceil(iterations / 10));
      }
    }
  }
  const code = await exited;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  if (stopped) {
    say(`${prefix} stopped by ${stopped}; submitted again, the run continues from its last snapshot`);
    return 143;
  }
  const s = state();
  if (s.kind === 'complete' || s.kind === 'diverged' || s.kind === 'failed') {
    const p = s.record.provenance;
    const why = s.record.failure ? `: ${s.record.failure.reason}` : '';
    say(`${prefix} ${s.kind} (${p.wallSeconds.toFixed(0)} s, ${p.imagesPerSecond.toFixed(0)} img/s)${why}; record ${out}`);
    return s.kind === 'failed' ? 1 : 0;
  }
  say(`${prefix} the engine exited with ${code} and wrote no record${s.kind === 'corrupt' ? ` (${s.reason})` : ''}; see its error above`);
  return 1;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { job: { type: 'string' }, task: { type: 'string' }, results: { type: 'string' } },
    strict: true,
  });
  const task = Number(values.task);
  if (!values.job || !values.results || !Number.isInteger(task) || task < 0) {
    process.stderr.write('usage: slurm-task.ts --job <job.json> --task <array task id> --results <results folder> (the emitted sweep.sh calls this)\n');
    return 2;
  }
  try {
    return await runSlurmTask(values.job, task, values.results);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
