// `--emit slurm`: a Slurm array job with one task per missing run. Each task runs the experiment
// CLI on one configuration file into the scale's runs folder; the normal pipeline call afterwards
// aggregates the records (and trains whatever is still missing).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { canonicalJson } from '../experiments/config.js';
import { writeFileAtomic } from '../experiments/record-file.js';
import type { Scale } from '../data/schemas/datasets.js';
import type { PlannedRun } from './plan.js';
import { runsDir } from './records.js';
import { runSeconds } from './estimate.js';
import type { EngineOptions } from './sweep.js';

export interface SlurmOptions {
  root: string;
  scale: Scale;
  runs: readonly PlannedRun[];
  engine: EngineOptions;
  /** The script to write; its folder also gets configs/, manifest.tsv and logs/. */
  out: string;
  /** Reference images/s per task, for the time limit. */
  speed: number;
}

export interface SlurmJob {
  script: string;
  manifest: string;
  tasks: number;
}

/** Single-quotes a word for bash. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function slurmTime(seconds: number): string {
  const minutes = Math.max(15, Math.ceil(seconds / 60));
  const h = Math.floor(minutes / 60);
  return `${h}:${String(minutes % 60).padStart(2, '0')}:00`;
}

export function emitSlurm(options: SlurmOptions): SlurmJob {
  const script = resolve(options.out);
  const dir = dirname(script);
  const configs = join(dir, 'configs');
  const logs = join(dir, 'logs');
  const manifest = join(dir, 'manifest.tsv');
  const runs = resolve(runsDir(options.root, options.scale));
  mkdirSync(configs, { recursive: true });
  mkdirSync(logs, { recursive: true });
  mkdirSync(runs, { recursive: true });

  const lines: string[] = [];
  for (const run of options.runs) {
    writeFileAtomic(join(configs, `${run.hash}.json`), `${canonicalJson(run.config)}\n`);
    const dataDir = run.config.data.dataset === 'fashion-mnist' ? options.engine.dataDir : options.engine.cifarDir;
    lines.push(`${run.hash}\t${dataDir ? resolve(dataDir) : ''}\t${run.label}`);
  }
  writeFileAtomic(manifest, lines.length ? `${lines.join('\n')}\n` : '');

  // The engine as the pipeline runs it, with this machine's node replaced by the cluster's.
  const [first, ...rest] = options.engine.command;
  const engine = [first === process.execPath ? '"${NODE:-node}"' : shellQuote(first), ...rest.map(shellQuote)].join(' ');
  const backend = options.engine.backend ? ` --backend ${shellQuote(options.engine.backend)}` : '';
  const longest = Math.max(0, ...options.runs.map((r) => runSeconds(r.config, options.speed)));
  const text = `#!/bin/bash
# Slurm array job written by \`npm run pipeline -- --scale ${options.scale} --emit slurm\`: ${options.runs.length} run(s)
# that had no record. Submit with: sbatch ${shellQuote(script)}
# Each task trains one configuration into ${runs}; afterwards
# \`npm run pipeline -- --scale ${options.scale}\` aggregates the records (and trains what is still missing).
# Time limit: twice the longest run's estimate at ${Math.round(options.speed)} img/s; raise it on slower nodes.
#SBATCH --job-name=ifs-${options.scale}
#SBATCH --array=0-${Math.max(0, options.runs.length - 1)}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --time=${slurmTime(2 * longest)}
#SBATCH --output=${logs}/%A_%a.out
set -euo pipefail

MANIFEST=${shellQuote(manifest)}
CONFIGS=${shellQuote(configs)}
RUNS=${shellQuote(runs)}
TASK="\${SLURM_ARRAY_TASK_ID:?submit this script with sbatch, or set SLURM_ARRAY_TASK_ID}"

LINE="$(sed -n "$((TASK + 1))p" "$MANIFEST")"
if [ -z "$LINE" ]; then echo "no task $TASK in $MANIFEST" >&2; exit 2; fi
# (cut, not read: tab is whitespace to read, which would merge an empty data folder away)
HASH="$(cut -f1 <<< "$LINE")"
DATA_DIR="$(cut -f2 <<< "$LINE")"
LABEL="$(cut -f3 <<< "$LINE")"
OUT="$RUNS/$HASH.json"
# A record written since the job was emitted (by another task or a local pipeline) is kept.
if [ -s "$OUT" ]; then echo "task $TASK: $OUT exists, nothing to do"; exit 0; fi
echo "task $TASK: training $HASH ($LABEL) on $(hostname)"
DATA_ARGS=()
if [ -n "$DATA_DIR" ]; then DATA_ARGS=(--data-dir "$DATA_DIR"); fi

cd ${shellQuote(resolve(options.engine.cwd))}
exec ${engine} --config "$CONFIGS/$HASH.json" --out "$OUT" --progress none${backend} "\${DATA_ARGS[@]}"
`;
  writeFileSync(script, text);
  chmodSync(script, 0o755);
  return { script, manifest, tasks: options.runs.length };
}
