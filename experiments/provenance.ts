// Where a run comes from: the commit (with a digest of any uncommitted change) and the digest of
// the engine's code, both read from git (outside a checkout CODE_VERSION / "unknown"), and the
// machine and backend a run's record names.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendInfo } from './backend/resolve.js';
import type { RunOrigin } from './stepper.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The tracked code a run depends on or is driven by. The JSON Schema files in data/schemas are
 * generated from the zod schemas next to them (npm run pipeline -- schemas) and read by no code.
 */
const CODE_PATHS = [
  'experiments',
  'pipeline',
  'data/schemas',
  'data/definitions.ts',
  'data/precision.ts',
  ':(exclude)data/schemas/*.schema.json',
  'package.json',
  'package-lock.json',
];

/**
 * The commit of the code that ran; when tracked code differs from it, "-dirty-" and a digest of
 * the difference, so that two different uncommitted states never share a version.
 */
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 }).trim();

export function codeVersion(): string {
  try {
    const commit = git('rev-parse', 'HEAD');
    const diff = git('diff', 'HEAD', '--', ...CODE_PATHS);
    return diff ? `${commit}-dirty-${createHash('sha256').update(diff).digest('hex').slice(0, 12)}` : commit;
  } catch {
    return process.env.CODE_VERSION ?? 'unknown';
  }
}

/** What a run's numbers depend on: the engine, the schemas, the definitions and the records' precision, and the dependencies (not the pipeline or the site). */
const ENGINE_PATHS = ['experiments', 'data/schemas', 'data/definitions.ts', 'data/precision.ts', 'package.json', 'package-lock.json'];
const ENGINE_DIFF_PATHS = [...ENGINE_PATHS, ':(exclude)data/schemas/*.schema.json'];

/**
 * A digest of the engine's code as it is on disk: the git objects of ENGINE_PATHS at HEAD and any
 * uncommitted difference in them. Commits that touch only data, the pipeline or the site keep it,
 * so a run snapshotted before such a commit continues after it. "unknown" outside git.
 */
export function engineCode(): string {
  try {
    const objects = git('rev-parse', ...ENGINE_PATHS.map((p) => `HEAD:${p}`));
    const diff = git('diff', 'HEAD', '--', ...ENGINE_DIFF_PATHS);
    return createHash('sha256').update(`${objects}\n${diff}`).digest('hex').slice(0, 16);
  } catch {
    return 'unknown';
  }
}

/** Where a run in this process runs (its record's provenance takes the times and the code version from the run, experiments/stepper.ts). */
export function runOrigin(backend: BackendInfo, engineCode: string): RunOrigin {
  return {
    tfjsVersion: backend.tfjsVersion,
    backend: backend.name,
    backendDetail: backend.detail,
    node: process.version,
    platform: `${process.platform}-${process.arch} ${hostname()}`,
    engineCode,
  };
}
