// The publication site: static Astro pages under site/, built from the datasets alone.
// Every link the site writes is relative and every page is a file (`runs.html`, not
// `runs/`), so the same output works under any base path and opened from disk.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defineConfig } from 'astro/config';

// The render workers (site/lib/render/render-pool.ts) run the site's TypeScript sources, which the
// bundled build no longer sits beside: name their folder.
process.env.SITE_SOURCE_DIR ??= fileURLToPath(new URL('./site/', import.meta.url));

const FIGURE_RENDERS = Symbol.for('implicit-filter-sparsity.figure-renders');

/** Says at the end of a build how many figures were rendered and how many came from the render cache (site/lib/render/render.ts counts them). */
const figureRenderReport = {
  name: 'figure-render-report',
  hooks: {
    'astro:build:done': ({ logger }) => {
      const stats = globalThis[FIGURE_RENDERS] ?? { rendered: 0, cached: 0 };
      logger.info(`figures: ${stats.rendered} rendered, ${stats.cached} from the cache`);
    },
  },
};

const FIGURE_FILES_SLOT = Symbol.for('implicit-filter-sparsity.figure-files');

/**
 * Writes every figure's files (picture, data, spec, live script) into the output folder once the
 * pages are built: the [...file] route leaves the job in the slot (site/lib/render/figure-files.ts), which is
 * cheaper than an Astro endpoint per file. Listed before atomicOutput, whose end moves the folder.
 */
const figureFiles = {
  name: 'figure-files',
  hooks: {
    'astro:build:start': () => {
      globalThis[FIGURE_FILES_SLOT] = { job: null };
    },
    'astro:build:done': async ({ dir, logger }) => {
      const job = globalThis[FIGURE_FILES_SLOT]?.job;
      if (!job) return;
      const started = performance.now();
      const written = await job(fileURLToPath(dir));
      globalThis[FIGURE_FILES_SLOT] = undefined;
      logger.info(`${written} figure files written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
  },
};

/** Whether a process of this machine is alive (signal 0 only asks). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * The output folder is replaced whole, never half written: the build writes into a sibling
 * `<out>.staging-<pid>` and, once every page is there, renames it over `<out>` (the old one is
 * moved aside and deleted by a detached process, so a rebuild no longer waits for Astro to empty
 * the folder first). A build that fails or is killed leaves the previous site as it was; its
 * staging folder is removed when the process exits, or by the next build if it was killed.
 */
function atomicOutput() {
  let final = null;
  let staging = null;
  return {
    name: 'atomic-output',
    hooks: {
      'astro:config:setup': ({ command, config, updateConfig }) => {
        if (command !== 'build') return;
        final = fileURLToPath(config.outDir).replace(/\/+$/, '');
        const parent = dirname(final);
        const name = basename(final);
        // Folders of builds that were killed (a stale one is only space: never fail the build for it).
        for (const entry of existsSync(parent) ? readdirSync(parent) : []) {
          const kind = ['staging', 'old'].find((k) => entry.startsWith(`${name}.${k}-`));
          const pid = kind && Number(entry.slice(`${name}.${kind}-`.length));
          if (!pid || !Number.isInteger(pid) || alive(pid)) continue;
          try {
            rmSync(join(parent, entry), { recursive: true, force: true });
          } catch {}
        }
        staging = `${final}.staging-${process.pid}`;
        rmSync(staging, { recursive: true, force: true });
        // A URL object, as Astro holds the resolved outDir (a URL's text would reach Vite as a relative folder named "file:").
        updateConfig({ outDir: pathToFileURL(`${staging}/`) });
        process.once('exit', () => {
          if (staging) rmSync(staging, { recursive: true, force: true });
        });
      },
      'astro:build:done': () => {
        if (!final || !staging) return;
        const old = `${final}.old-${process.pid}`;
        const hadOld = existsSync(final);
        if (hadOld) renameSync(final, old);
        renameSync(staging, final);
        staging = null;
        if (hadOld) {
          const script = `require('node:fs').rmSync(${JSON.stringify(old)}, { recursive: true, force: true })`;
          spawn(process.execPath, ['-e', script], { detached: true, stdio: 'ignore' }).unref();
        }
      },
    },
  };
}

/** Base path the site is served under, e.g. `/sparsity/` for a project page. */
const base = process.env.SITE_BASE ?? '/';

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: process.env.SITE_OUT_DIR ?? './dist',
  cacheDir: process.env.SITE_CACHE_DIR ?? './node_modules/.astro',
  base,
  output: 'static',
  trailingSlash: 'ignore',
  // Four pages at a time: their figures' pictures are drawn in the render workers (one per
  // core, site/lib/render/render-pool.ts), which the pages in flight keep busy.
  build: { format: 'file', concurrency: 4 },
  devToolbar: { enabled: false },
  integrations: [figureFiles, figureRenderReport, atomicOutput()],
  vite: {
    // The build renders figures (vega, sharp) and bundles the browser script (esbuild) in
    // Node: keep those packages out of Vite's SSR bundle.
    ssr: { external: ['sharp', 'esbuild', 'vega', 'vega-lite', 'piscina', '@resvg/resvg-js'] },
    // The site may import experiments/definitions.ts and data/schemas from outside srcDir.
    server: { fs: { allow: ['.'] } },
  },
});
