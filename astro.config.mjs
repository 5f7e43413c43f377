// The publication site: static Astro pages under site/, built from the datasets alone.
// Every link the site writes is relative and every page is a file (`runs.html`, not
// `runs/`), so the same output works under any base path and opened from disk.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';

// The render workers (site/lib/render-pool.ts) run the site's TypeScript sources, which the
// bundled build no longer sits beside: name their folder.
process.env.SITE_SOURCE_DIR ??= fileURLToPath(new URL('./site/', import.meta.url));

const FIGURE_RENDERS = Symbol.for('implicit-filter-sparsity.figure-renders');

/** Says at the end of a build how many figures were rendered and how many came from the render cache (site/lib/render.ts counts them). */
const figureRenderReport = {
  name: 'figure-render-report',
  hooks: {
    'astro:build:done': ({ logger }) => {
      const stats = globalThis[FIGURE_RENDERS] ?? { rendered: 0, cached: 0 };
      logger.info(`figures: ${stats.rendered} rendered, ${stats.cached} from the cache`);
    },
  },
};

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
  // core, site/lib/render-pool.ts), which the pages in flight keep busy.
  build: { format: 'file', concurrency: 4 },
  devToolbar: { enabled: false },
  integrations: [figureRenderReport],
  vite: {
    // The build renders figures (vega, sharp) and bundles the browser script (esbuild) in
    // Node: keep those packages out of Vite's SSR bundle.
    ssr: { external: ['sharp', 'esbuild', 'vega', 'vega-lite', 'piscina', '@resvg/resvg-js'] },
    // The site may import experiments/definitions.ts and data/schemas from outside srcDir.
    server: { fs: { allow: ['.'] } },
  },
});
