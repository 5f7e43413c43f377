// The publication site: static Astro pages under site/, built from the datasets alone.
// Every link the site writes is relative and every page is a file (`runs.html`, not
// `runs/`), so the same output works under any base path and opened from disk.
import { defineConfig } from 'astro/config';

/** Base path the site is served under, e.g. `/sparsity/` for a project page. */
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

const base = process.env.SITE_BASE ?? '/';

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: process.env.SITE_OUT_DIR ?? './dist',
  cacheDir: process.env.SITE_CACHE_DIR ?? './node_modules/.astro',
  base,
  output: 'static',
  trailingSlash: 'ignore',
  // Two pages at a time: a figure's PNG is rasterised by sharp off the main thread, so the next
  // page's figures are drawn (vega, JavaScript) while the last one's are rasterised.
  build: { format: 'file', concurrency: 2 },
  devToolbar: { enabled: false },
  integrations: [figureRenderReport],
  vite: {
    // The build renders figures (vega, sharp) and bundles the browser script (esbuild) in
    // Node: keep those packages out of Vite's SSR bundle.
    ssr: { external: ['sharp', 'esbuild', 'vega', 'vega-lite'] },
    // The site may import experiments/definitions.ts and data/schemas from outside srcDir.
    server: { fs: { allow: ['.'] } },
  },
});
