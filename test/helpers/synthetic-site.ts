// The site the browser tests open (test/site/browser/*.test.ts): built on synthetic datasets under
// a base path, once per `vitest run` however many test files open it (the first file to ask builds
// it into the run's shared folder, test/helpers/global-setup.ts; the others wait for it), then
// served on 127.0.0.1 to Debian's Chromium by each file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { syntheticDatasets, writeSyntheticDatasets, type SyntheticDatasets, type SyntheticOptions } from '../../pipeline/synthetic-study.js';
import { verdictSnapshotSchema, type VerdictSnapshot } from '../../data/schemas/verdict-snapshot.js';
import { verdictSnapshot } from '../../site/lib/publication/changes.js';
import { locateData } from '../../site/lib/model/data.js';
import { buildSite } from '../../site/lib/model/site.js';
import { dataVersion } from '../../site/lib/publication/versions.js';
import { astroBuildOk } from './astro.js';
import { launch, pageWatcher, serveSite, type SiteServer } from './browser.js';

export const BASE = '/sparsity/';
/** H7 comes out contradicted: the site must show that as plainly as a support. */
const OPTIONS: SyntheticOptions = { scale: 'quick', contradict: [7] };
/** How long a test file waits for another one's build of the shared site. */
const WAIT_MS = 900_000;

export interface SyntheticSite {
  /** The folder of the data (`data/`), the build's caches and the site (`dist/`). */
  root: string;
  data: string;
  out: string;
  datasets: SyntheticDatasets;
  /** The published version the changes page compares with: the current verdicts, with H2 and one run altered. */
  snapshot: VerdictSnapshot;
  /** How long `astro build` took, in seconds, in whichever test file built it. */
  buildSeconds: number;
}

/** Keeps a "v1" in the synthetic data that differs from the build in known ways: one run fewer, H2's outcome and effect moved, a rule commit after it. */
function writeVersion(root: string): void {
  const source = locateData({ SITE_DATA_DIR: root });
  if (source.kind !== 'loaded') throw new Error(source.missing.reason);
  const d = source.data;
  const site = buildSite(d.datasets, { scale: d.scale, folder: d.folder, root: d.root, missingReason: null });
  const v1 = verdictSnapshot(
    site.verdicts,
    site.runs.slice(1).map((r) => r.run),
    {
      version: 'v1',
      scale: d.scale,
      commit: 'a8bb79b00000',
      committedAt: '2026-01-01T00:00:00Z',
      dataVersion: dataVersion(d.folder),
    },
  );
  const h2 = v1.verdicts.find((v) => v.hypothesis === 2)!;
  h2.outcome = h2.outcome === 'supported' ? 'contradicted' : 'supported';
  h2.effect.value = (h2.effect.value ?? 0) - 0.05;
  const folder = join(d.folder, '..', 'verdicts');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'v1.json'), JSON.stringify(v1));
  writeFileSync(
    join(folder, 'rule-commits.json'),
    JSON.stringify({
      changes: [
        { commit: 'fb7391a00000', committedAt: '2025-12-01T00:00:00Z', hypotheses: [1], subject: 'Rule H1 before v1' },
        { commit: 'd006936abcde', committedAt: '2026-02-01T00:00:00Z', hypotheses: [7], subject: 'Study v2 rule H7 after v1' },
      ],
    }),
  );
}

/** Creates `folder`; false if it exists already (another test file claimed it first). */
function claim(folder: string): boolean {
  try {
    mkdirSync(folder);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * `make(folder)` run once per vitest run for `key`, by the first test file to ask; the others wait
 * until it is done (or failed, with its error). Resolves with the folder and what `make` returned.
 */
async function once<T>(key: string, make: (folder: string) => Promise<T>): Promise<{ folder: string; made: T }> {
  const shared = inject('sharedBuilds');
  if (!shared) throw new Error('no shared build folder: run the tests with vitest.config.ts (its globalSetup, test/helpers/global-setup.ts, provides it)');
  const folder = join(shared, key);
  const done = join(shared, `${key}.done.json`);
  const failed = join(shared, `${key}.failed.txt`);
  if (!claim(folder)) {
    // Another test file of this run is making it.
    const until = Date.now() + WAIT_MS;
    while (!existsSync(done)) {
      if (existsSync(failed)) throw new Error(`${key} failed in another test file of this run:\n${readFileSync(failed, 'utf8')}`);
      if (Date.now() > until) throw new Error(`${key} was not ready after ${WAIT_MS / 1000} s of waiting for another test file of this run`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return { folder, made: JSON.parse(readFileSync(done, 'utf8')) as T };
  }
  try {
    const made = await make(folder);
    writeFileSync(done, JSON.stringify(made));
    return { folder, made };
  } catch (error) {
    writeFileSync(failed, error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  }
}

/** The synthetic site, built if no test file of this run has built it yet. */
export async function syntheticSite(): Promise<SyntheticSite> {
  const { folder: root, made } = await once('synthetic-site', async (root) => {
    const data = join(root, 'data');
    writeSyntheticDatasets(data, OPTIONS);
    writeVersion(data);
    const started = Date.now();
    await astroBuildOk({ SITE_DATA_DIR: data, SITE_OUT_DIR: join(root, 'dist'), SITE_BASE: BASE, SITE_CACHE_DIR: join(root, 'cache') });
    return { buildSeconds: (Date.now() - started) / 1000 };
  });
  const data = join(root, 'data');
  // The datasets are a pure function of the options: the same rows the build read.
  const datasets = syntheticDatasets(OPTIONS);
  const snapshot = verdictSnapshotSchema.parse(JSON.parse(readFileSync(join(data, OPTIONS.scale ?? 'quick', 'verdicts', 'v1.json'), 'utf8')));
  return { root, data, out: join(root, 'dist'), datasets, snapshot, buildSeconds: made.buildSeconds };
}

/**
 * Registers a test file's hooks for the synthetic site: built (or waited for) and served before
 * its tests, Chromium launched; the contexts a test opened closed after it, also when it fails.
 */
export function useSyntheticSite() {
  let site: SyntheticSite | undefined;
  let server: SiteServer | undefined;
  let browser: Browser | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the synthetic site's ${what} is not ready: use it inside a test, after beforeAll`);
    return value;
  };
  const pages = pageWatcher(
    () => need(browser, 'browser'),
    () => need(server, 'server').origin,
  );
  beforeAll(async () => {
    site = await syntheticSite();
    server = await serveSite(site.out, BASE);
    browser = await launch();
  }, WAIT_MS);
  afterEach(() => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);
  return {
    get site(): SyntheticSite {
      return need(site, 'build');
    },
    get datasets(): SyntheticDatasets {
      return need(site, 'build').datasets;
    },
    get browser(): Browser {
      return need(browser, 'browser');
    },
    /** http://127.0.0.1:<port> */
    get origin(): string {
      return need(server, 'server').origin;
    },
    /** The address of a page of the site over http ("runs.html"). */
    url: (path: string) => `${need(server, 'server').origin}${BASE}${path}`,
    /** The address of a page of the site on disk. */
    fileUrl: (path: string) => pathToFileURL(join(need(site, 'build').out, path)).href,
    watchedPage: pages.open,
  };
}
