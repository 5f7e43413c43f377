// `astro build` without datasets (the site still builds and says how to produce them), with an
// invalid dataset (the build fails, naming the file), and over a built site: a build that fails
// leaves the previous site as it was (the output folder is replaced whole, astro.config.mjs).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSyntheticDatasets } from '../../pipeline/synthetic-study.js';
import { astroBuild } from '../helpers/astro.js';

const work = mkdtempSync(join(tmpdir(), 'site-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('astro build', () => {
  it('builds without any dataset and says how to produce them', async () => {
    const data = join(work, 'empty');
    const out = join(work, 'empty-dist');
    mkdirSync(data);
    const { code, log } = await astroBuild({ SITE_DATA_DIR: data, SITE_OUT_DIR: out, SITE_CACHE_DIR: join(work, 'cache-empty') });
    expect(code, log).toBe(0);
    const home = readFileSync(join(out, 'index.html'), 'utf8');
    expect(home).toContain('No datasets yet');
    expect(home).toContain('npm run pipeline -- --scale quick');
    for (const page of ['methods.html', 'reproduce.html', 'runs.html', 'gallery.html'])
      expect(readFileSync(join(out, page), 'utf8')).toContain('No datasets yet');
    // The public files are copied into the output folder it names (also when it lies outside the repository).
    for (const file of ['assets/site.css', 'assets/review.css', 'favicon.svg']) expect(existsSync(join(out, file)), file).toBe(true);
    expect(existsSync(join(process.cwd(), 'file:')), 'a folder named "file:" in the repository').toBe(false);
    // The data folder outside the repository is named, not given as an absolute path.
    expect(home).toContain('Built from the datasets in <code>empty</code>, outside the repository');
  }, 120_000);

  it('fails with the name of a dataset that does not match its schema', async () => {
    const data = join(work, 'bad');
    const d = writeSyntheticDatasets(data, { scale: 'quick' });
    const file = join(data, 'quick', 'datasets', 'runs.json');
    writeFileSync(file, JSON.stringify({ ...d.runs, rows: [{ ...d.runs.rows[0], status: 'finished' }] }));
    const { code, log } = await astroBuild({ SITE_DATA_DIR: data, SITE_OUT_DIR: join(work, 'bad-dist'), SITE_CACHE_DIR: join(work, 'cache-bad') });
    expect(code).not.toBe(0);
    expect(log).toContain(`dataset ${file} does not match the "runs" schema`);
    expect(log).toContain('rows.0.status');
  }, 120_000);

  it('leaves the site it built before as it was when a build into its folder fails', async () => {
    const out = join(work, 'empty-dist'); // built by the first test
    const files = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
    expect(existsSync(join(out, 'index.html')), 'the first test builds the site this one rebuilds').toBe(true);
    const before = files(out);
    const home = readFileSync(join(out, 'index.html'), 'utf8');
    const { code, log } = await astroBuild({ SITE_DATA_DIR: join(work, 'bad'), SITE_OUT_DIR: out, SITE_CACHE_DIR: join(work, 'cache-bad') });
    expect(code, log).not.toBe(0);
    expect(files(out)).toEqual(before);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe(home);
    // Nothing of the failed build is left beside it.
    expect(readdirSync(work).filter((name) => name.startsWith('empty-dist.'))).toEqual([]);
  }, 120_000);
});
