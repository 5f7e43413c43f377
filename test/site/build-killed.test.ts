// A site build killed with -9 halfway (its pages written, its figures' files begun) leaves the
// previous site as it was; building again gives, byte for byte, the site of an uninterrupted build.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSyntheticDatasets } from '../../pipeline/synthetic-study.js';
import { startAstroBuild } from '../helpers/astro.js';

const work = mkdtempSync(join(tmpdir(), 'site-killed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }), 300_000);

/** `astro build` of the datasets in `data` into `out`, with this test's caches; `pauseAt` stops it for good at that write (data/atomic-write.ts). */
function build(data: string, out: string, pauseAt?: string) {
  return startAstroBuild({
    SITE_DATA_DIR: data,
    SITE_OUT_DIR: out,
    SITE_CACHE_DIR: join(work, 'astro-cache'),
    SITE_FIGURE_CACHE: join(work, 'figure-cache'),
    SITE_BUNDLE_CACHE: join(work, 'bundle-cache'),
    ...(pauseAt ? { IFS_PAUSE_AT: pauseAt } : {}),
  });
}

/** Every file of a folder with its bytes. */
function site(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
  return new Map(files.map((f) => [f, readFileSync(join(dir, f))]));
}

function expectSame(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  const differ = [...expected].filter(([f, bytes]) => !actual.get(f)!.equals(bytes)).map(([f]) => f);
  expect(differ).toEqual([]);
}

describe('a site build killed halfway', () => {
  it('leaves the previous site; a rebuild gives the bytes of an uninterrupted build', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const data = join(work, 'data');
    writeSyntheticDatasets(data, { scale: 'quick', seeds: 1, size: 'small' });
    const out = join(work, 'dist');
    const reference = join(work, 'reference');

    // The previous site (no datasets yet), and the new one built without interruption elsewhere.
    const previousBuild = await build(empty, out).finished;
    expect(previousBuild.code, previousBuild.log).toBe(0);
    const previous = site(out);
    const uninterrupted = await build(data, reference).finished;
    expect(uninterrupted.code, uninterrupted.log).toBe(0);
    const expected = site(reference);
    expect(expected.size).toBeGreaterThan(previous.size);

    // Killed with -9 at its first figure file: every page written into the staging folder, not yet swapped in.
    const killed = build(data, out, `${out}.staging-`);
    const until = Date.now() + 300_000;
    while (!killed.log().includes('IFS_PAUSE_AT: paused at') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(killed.log()).toContain(`IFS_PAUSE_AT: paused at write ${out}.staging-${killed.child.pid}/`);
    const staging = `${out}.staging-${killed.child.pid}`;
    expect(readdirSync(staging)).toContain('index.html');
    killed.child.kill('SIGKILL');
    await killed.finished;
    expectSame(site(out), previous);

    // The same command again: the new site, the killed build's folder gone.
    const rerun = await build(data, out).finished;
    expect(rerun.code, rerun.log).toBe(0);
    expectSame(site(out), expected);
    expect(readdirSync(work).filter((f) => f.startsWith('dist.staging-'))).toEqual([]);
  }, 900_000);
});
