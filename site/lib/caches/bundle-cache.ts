// esbuild bundles kept between builds: the browser script and the lab's page and worker are
// bundled again only when one of the files they are made from, their options or esbuild's
// version changed. Bundling them took 2 to 3 s of every build, most of an unchanged rebuild's
// spare time. Build time, Node only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { writeFileAtomic } from '../../../data/atomic-write.js';

/** The folder of kept bundles: SITE_BUNDLE_CACHE, or .cache/bundles in the working directory (gitignored). */
export function bundleCacheDir(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): string {
  return env.SITE_BUNDLE_CACHE ?? join(cwd, '.cache', 'bundles');
}

interface KeptBundle {
  key: string;
  /** The files the bundle was made from, as esbuild's metafile names them (relative to the working directory). */
  inputs: string[];
  code: string;
}

/** The key of a bundle made from `inputs` with `recipe` (its options, esbuild's version, what plugins do); null when an input is gone. */
function bundleKey(recipe: string, inputs: readonly string[], cwd: string): string | null {
  const hash = createHash('sha256').update(recipe);
  for (const input of inputs) {
    const file = isAbsolute(input) ? input : join(cwd, input);
    if (!existsSync(file)) return null;
    hash.update(`\n${input}\n`).update(readFileSync(file));
  }
  return hash.digest('hex');
}

/**
 * The code of one esbuild bundle (one entry point, `write: false`), taken from the cache folder
 * when every file it was made from is as it was; else bundled, and kept. `plugins` says what the
 * options' plugins do (their source, say), which the options themselves cannot.
 */
export async function keptBundle(name: string, options: BuildOptions, plugins = '', cacheDir = bundleCacheDir(), cwd = process.cwd()): Promise<string> {
  const esbuild = await import('esbuild');
  // The lock file stands for the packages' manifests (their browser fields, say), which are not among esbuild's inputs.
  const lock = join(cwd, 'package-lock.json');
  const packages = existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : 'none';
  const recipe = JSON.stringify({ esbuild: esbuild.version, options: { ...options, plugins: (options.plugins ?? []).map((p) => p.name) }, plugins, packages });
  const file = join(cacheDir, `${name}.json`);
  if (existsSync(file)) {
    try {
      const kept = JSON.parse(readFileSync(file, 'utf8')) as KeptBundle;
      if (bundleKey(recipe, kept.inputs, cwd) === kept.key) return kept.code;
    } catch {
      // An unreadable entry is made again.
    }
  }
  const result = await esbuild.build({ ...options, absWorkingDir: cwd, metafile: true, write: false });
  if (!result.outputFiles || result.outputFiles.length !== 1)
    throw new Error(`bundle ${name}: esbuild wrote ${result.outputFiles?.length ?? 0} files, not one`);
  // Modules a plugin makes up ("namespace:path") and those a package's browser field leaves out
  // ("(disabled):path") have no file of their own: `plugins` and the package.json stand for them.
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !/^(\([\w-]+\)|[\w-]+):/.test(input) || isAbsolute(input));
  const code = result.outputFiles[0].text;
  const key = bundleKey(recipe, inputs, cwd);
  if (key) writeFileAtomic(file, JSON.stringify({ key, inputs, code } satisfies KeptBundle));
  return code;
}
