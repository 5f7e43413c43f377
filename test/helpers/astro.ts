// `astro build` as the tests run it: this repository's Astro, in a child process, with telemetry
// off and the SITE_* variables of the build added to the environment.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface AstroBuildResult {
  code: number | null;
  log: string;
}

export interface AstroBuild {
  child: ChildProcess;
  /** Settles when the build ends, with its exit code and everything it printed. */
  finished: Promise<AstroBuildResult>;
  /** What the build printed so far. */
  log: () => string;
}

/** Starts `astro build` in `cwd` (the repository) with `env` added to this process's environment. */
export function startAstroBuild(env: Record<string, string>, cwd = process.cwd()): AstroBuild {
  const child = spawn(process.execPath, [join(cwd, 'node_modules', 'astro', 'astro.js'), 'build'], {
    cwd,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const finished = new Promise<AstroBuildResult>((resolve) => child.on('close', (code) => resolve({ code, log })));
  return { child, finished, log: () => log };
}

/** `astro build`, settled with its exit code and log whether it succeeds or fails. */
export function astroBuild(env: Record<string, string>, cwd = process.cwd()): Promise<AstroBuildResult> {
  return startAstroBuild(env, cwd).finished;
}

/** `astro build` that must succeed: resolves with its log, rejects with the tail of it. */
export async function astroBuildOk(env: Record<string, string>, cwd = process.cwd()): Promise<string> {
  const { code, log } = await astroBuild(env, cwd);
  if (code !== 0) throw new Error(`astro build exited ${code}:\n${log.slice(-4000)}`);
  return log;
}
