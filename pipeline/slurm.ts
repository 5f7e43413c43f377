// `--emit slurm`: a Slurm array job with one task per missing run (the script, its job file and
// the configurations), and the per-task logs it leaves next to the records. Each task runs
// pipeline/slurm-task.ts, which takes the run's lock and trains it with the engine.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../experiments/config.js';
import { writeFileAtomic } from '../experiments/record-file.js';
import { SCALES, type Scale } from '../data/schemas/datasets.js';
import type { PlannedRun } from './plan.js';
import { runsDir, scaleDir } from './records.js';
import { runSeconds } from './estimate.js';
import { duration } from '../data/duration.js';
import { engineArgs, type EngineOptions } from './sweep.js';

export interface SlurmOptions {
  root: string;
  scale: Scale;
  runs: readonly PlannedRun[];
  engine: EngineOptions;
  /** The script to write; its folder also gets job.json and configs/. */
  out: string;
  /** Reference images/s per task, for the time limit. */
  speed: number;
  /** At most this many array tasks at once (`--array=...%N`). */
  throttle?: number;
  /** The tasks retrain runs whose record says failed (unless it was written after the job was emitted). */
  retryFailed: boolean;
}

export interface SlurmJob {
  script: string;
  jobFile: string;
  logs: string;
  tasks: number;
  timeLimit: string;
}

/** What a task reads: written by `emitSlurm`, read by pipeline/slurm-task.ts on a node. */
const slurmJobSchema = z
  .object({
    kind: z.literal('ifs-slurm-job'),
    scale: z.enum(SCALES),
    emittedAt: z.string(),
    retryFailed: z.boolean(),
    engine: z
      .object({
        /** The command starts with the node that runs the task (the script's $NODE), not a fixed path. */
        node: z.boolean(),
        command: z.array(z.string()),
        backend: z.string().optional(),
        dataDir: z.string().optional(),
        cifarDir: z.string().optional(),
      })
      .strict(),
    /** Task i trains tasks[i]; its configuration is configs/<hash>.json next to this file. */
    tasks: z.array(z.object({ hash: z.string().regex(/^[0-9a-f]{16}$/), label: z.string() }).strict()),
  })
  .strict();
export type SlurmJobFile = z.infer<typeof slurmJobSchema>;

/** Where the tasks' logs go: `<results>/<scale>/logs/<array job>_<task>.out`, next to `runs/`. */
function slurmLogsDir(root: string, scale: Scale): string {
  return join(scaleDir(root, scale), 'logs');
}

/** Single-quotes a word for bash. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Slurm's H:MM:SS, rounded up to whole minutes, at least 15 minutes (start-up and queue jitter). */
export function slurmTime(seconds: number): string {
  const minutes = Math.max(15, Math.ceil(seconds / 60));
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:00`;
}

export function emitSlurm(options: SlurmOptions): SlurmJob {
  const script = resolve(options.out);
  const dir = dirname(script);
  const configs = join(dir, 'configs');
  const jobFile = join(dir, 'job.json');
  const root = resolve(options.root);
  const logs = slurmLogsDir(root, options.scale);
  // Slurm does not create the --output folder: a task whose log folder is missing fails unseen.
  for (const d of [configs, logs, runsDir(root, options.scale)]) mkdirSync(d, { recursive: true });

  for (const run of options.runs) writeFileAtomic(join(configs, `${run.hash}.json`), `${canonicalJson(run.config)}\n`);
  const [first, ...rest] = options.engine.command;
  const node = first === process.execPath;
  const job: SlurmJobFile = {
    kind: 'ifs-slurm-job',
    scale: options.scale,
    emittedAt: new Date().toISOString(),
    retryFailed: options.retryFailed,
    engine: {
      node,
      command: node ? rest : options.engine.command,
      ...(options.engine.backend ? { backend: options.engine.backend } : {}),
      ...(options.engine.dataDir ? { dataDir: resolve(options.engine.dataDir) } : {}),
      ...(options.engine.cifarDir ? { cifarDir: resolve(options.engine.cifarDir) } : {}),
    },
    tasks: options.runs.map((r) => ({ hash: r.hash, label: r.label })),
  };
  writeFileAtomic(jobFile, `${JSON.stringify(slurmJobSchema.parse(job), null, 2)}\n`);

  const longest = Math.max(0, ...options.runs.map((r) => runSeconds(r.config, options.speed)));
  const timeLimit = slurmTime(2 * longest);
  const last = Math.max(0, options.runs.length - 1);
  const array = `0-${last}${options.throttle ? `%${options.throttle}` : ''}`;
  // What one task runs, for the reader (the task builds it from job.json).
  const example = options.runs[0];
  const engineLine = example
    ? engineArgs(options.engine, example, `${configs}/<hash>.json`, `$RESULTS/${options.scale}/runs/<hash>.json`, 'jsonl')
        .map((w, i) => (i === 0 && node ? '$NODE' : w))
        .join(' ')
    : '';
  const text = `#!/bin/bash
# Slurm array job written by \`npm run pipeline -- --scale ${options.scale} --emit slurm\`: ${options.runs.length} run(s)
# that had no record. Options on the sbatch command line override the #SBATCH lines below.
#   submit:  sbatch ${shellQuote(script)}
#   watch:   squeue; npm run pipeline -- status --scale ${options.scale}; tail ${logs}/<job>_<task>.out
#   then:    npm run pipeline -- --scale ${options.scale}   (aggregates the records, trains whatever is still missing)
# A task cancelled or stopped by its time limit continues from its run's snapshot when submitted again.
# Time limit: twice the longest run's estimate (${duration(longest)} at ${Math.round(options.speed)} reference img/s, pipeline/estimate.ts);
# raise it for slower nodes. One core per task, as the local pipeline's workers (more for --backend tensorflow).
#SBATCH --job-name=ifs-${options.scale}
#SBATCH --array=${array}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --time=${timeLimit}
#SBATCH --output=${logs}/%A_%a.out
set -euo pipefail

# The environment of every node. REPO (with its node_modules) and RESULTS must be on a filesystem
# that all nodes mount at the same path: the tasks take the runs' locks and write the records
# there. NODE is Node.js >= 20 on the nodes. If you move RESULTS, move --output above with it.
NODE="\${NODE:-${process.execPath}}"
REPO=${shellQuote(resolve(options.engine.cwd))}
RESULTS=${shellQuote(root)}
JOB=${shellQuote(jobFile)}
# Each task runs: ${engineLine}

TASK="\${SLURM_ARRAY_TASK_ID:?submit this script with sbatch, or set SLURM_ARRAY_TASK_ID to run one task by hand}"
cd "$REPO"
exec "$NODE" --import tsx pipeline/slurm-task.ts --job "$JOB" --task "$TASK" --results "$RESULTS"
`;
  writeFileAtomic(script, text);
  chmodSync(script, 0o755);
  return { script, jobFile, logs, tasks: options.runs.length, timeLimit };
}

export function readSlurmJob(path: string): SlurmJobFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the Slurm job file ${path} (${(error as Error).message}); emit it again with --emit slurm`, { cause: error });
  }
  const parsed = slurmJobSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`${path} is not a job file of --emit slurm: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The first line a training task writes to its log; `taskLogs` finds the run by it. */
export function taskHeader(job: string, task: number, hash: string, label: string, host: string): string {
  return `slurm job ${job} task ${task}: training ${hash} (${label}) on ${host}`;
}
const HEADER = /^slurm job (\S+) task (\d+): training ([0-9a-f]{16}) /;

export interface TaskLog {
  hash: string;
  /** The array job id (SLURM_ARRAY_JOB_ID). */
  job: string;
  task: number;
  path: string;
  /** The last lines of the log. */
  tail: string[];
}

const jobOrder = (job: string) => (/^\d+$/.test(job) ? Number(job) : -1);

/** Per run, the log of the newest Slurm task that trained it (tasks that found nothing to do are left out). */
export function taskLogs(root: string, scale: Scale, tailLines = 8): Map<string, TaskLog> {
  const dir = slurmLogsDir(root, scale);
  const out = new Map<string, TaskLog>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.out'))) {
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const header = lines.map((l) => HEADER.exec(l)).find((m) => m !== null);
    if (!header) continue;
    const log: TaskLog = { hash: header[3], job: header[1], task: Number(header[2]), path, tail: lines.slice(-tailLines) };
    const seen = out.get(log.hash);
    if (!seen || jobOrder(log.job) > jobOrder(seen.job) || (log.job === seen.job && log.task > seen.task)) out.set(log.hash, log);
  }
  return out;
}
