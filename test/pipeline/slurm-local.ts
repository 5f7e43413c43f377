// Decides where the Slurm tests submit: to a single-node Slurm on this machine, started with
// pipeline/slurm-local.sh when running as root (and stopped afterwards), never to a shared cluster.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { REPO } from './harness.js';

export type LocalSlurm = { ready: true; started: boolean; stop: () => void } | { ready: false; reason: string };

const SCRIPT = join(REPO, 'pipeline', 'slurm-local.sh');
const run = (command: string, args: string[], timeout = 10_000) => spawnSync(command, args, { encoding: 'utf8', timeout });

function answers(): boolean {
  const sinfo = run('sinfo', ['-h', '-o', '%a']);
  return sinfo.status === 0 && sinfo.stdout.includes('up');
}

/** A Slurm whose only node is this machine (so the tests' temporary folders are "shared"), or why there is none. */
export function localSlurm(): LocalSlurm {
  if (answers()) {
    const nodes = run('sinfo', ['-h', '-o', '%N']).stdout.trim();
    const here = hostname().split('.')[0];
    if (nodes !== here) {
      return {
        ready: false,
        reason: `a Slurm answers but its nodes are "${nodes}", not only this machine (${here}); the tests do not submit to a shared cluster`,
      };
    }
    return { ready: true, started: false, stop: () => {} };
  }
  if (process.getuid?.() !== 0) {
    return { ready: false, reason: 'no Slurm answers here, and only root can start one (sudo bash pipeline/slurm-local.sh starts a single-node Slurm)' };
  }
  // Installing slurm-wlm on a fresh machine takes a minute or so.
  const start = run('bash', [SCRIPT, 'start'], 600_000);
  if (start.status !== 0) {
    const why = `${start.stderr}${start.error ? ` ${start.error.message}` : ''}`.trim().split('\n').slice(-5).join(' | ');
    return { ready: false, reason: `bash pipeline/slurm-local.sh could not start a single-node Slurm: ${why}` };
  }
  return {
    ready: true,
    started: true,
    stop: () => {
      const stop = run('bash', [SCRIPT, 'stop'], 60_000);
      if (stop.status !== 0) throw new Error(`bash pipeline/slurm-local.sh stop failed: ${stop.stderr}`);
    },
  };
}
