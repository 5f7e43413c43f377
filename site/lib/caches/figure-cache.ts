// The render cache: a figure's compiled spec and picture, kept across builds under the hash of
// what they are made from (the Vega-Lite spec with its data, and the renderer's versions), so a
// rebuild renders only the figures whose data changed. Build time, Node only.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../data/atomic-write.js';

/** The folder of the cache: SITE_FIGURE_CACHE, or .cache/figures in the working directory (gitignored). */
export function figureCacheDir(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): string {
  return env.SITE_FIGURE_CACHE ?? join(cwd, '.cache', 'figures');
}

/** Content hash of a render: equal inputs and renderer, equal key. */
export function renderKey(spec: unknown, renderer: string): string {
  return createHash('sha256').update(renderer).update('\n').update(JSON.stringify(spec)).digest('hex').slice(0, 32);
}

export interface CachedRender<Meta> {
  meta: Meta;
  png: Uint8Array<ArrayBuffer>;
}

/** The cached render under `key`, or null when there is none (or it cannot be read); read off the build's thread (libuv's pool). */
export async function readRender<Meta>(dir: string, key: string): Promise<CachedRender<Meta> | null> {
  try {
    // The metadata is written last: when it is there, the picture is complete.
    const meta = JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')) as Meta;
    const png = new Uint8Array(await readFile(join(dir, `${key}.png`)));
    return { meta, png };
  } catch {
    return null;
  }
}

export function writeRender<Meta>(dir: string, key: string, render: CachedRender<Meta>): void {
  // Whole files, without an fsync each: 12 ms a file on a busy disk (7x the write), some 20 s of a
  // cold full build, for a cache; after a power cut, delete .cache/figures if a picture looks broken.
  writeFileAtomic(join(dir, `${key}.png`), render.png, { fsync: false });
  writeFileAtomic(join(dir, `${key}.json`), JSON.stringify(render.meta), { fsync: false });
}
