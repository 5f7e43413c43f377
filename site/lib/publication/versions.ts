// The versions a citation names: the code the site was built from (its git commit) and the data
// (a content hash of the dataset files). Build time, Node only.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_NAMES } from '../../../data/schemas/datasets.js';

/**
 * The commit of the working tree the build runs in (with "-dirty" when it has uncommitted
 * changes), or SITE_CODE_VERSION when set (a build outside a clone); "unknown" without either.
 */
export function codeVersion(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): string {
  if (env.SITE_CODE_VERSION) return env.SITE_CODE_VERSION;
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return `${commit}${dirty ? '-dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

const versions = new Map<string, { files: string; version: string }>();

/**
 * First 12 hex digits of the SHA-256 over the dataset files in a fixed order: equal data, equal
 * version. Kept while the files' sizes and modification times stay (the pages that cite it ask
 * for it once each, and hashing the full study's 49 MB took 0.4 to 0.8 s a call).
 */
export function dataVersion(folder: string): string {
  const files = DATASET_NAMES.map((name) => {
    const file = join(folder, `${name}.json`);
    if (!existsSync(file)) return `${name}:none`;
    const { size, mtimeMs, ctimeMs, ino } = statSync(file);
    return `${name}:${size}:${mtimeMs}:${ctimeMs}:${ino}`;
  }).join('|');
  const kept = versions.get(folder);
  if (kept?.files === files) return kept.version;
  const version = hashDatasets(folder);
  versions.set(folder, { files, version });
  return version;
}

function hashDatasets(folder: string): string {
  const hash = createHash('sha256');
  for (const name of DATASET_NAMES) {
    const file = join(folder, `${name}.json`);
    hash.update(`${name}\n`);
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}
