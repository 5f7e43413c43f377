// The publication site: static Astro pages under site/, built from the datasets alone.
// Every link the site writes is relative and every page is a file (`runs.html`, not
// `runs/`), so the same output works under any base path and opened from disk.
import { defineConfig } from 'astro/config';

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
  build: { format: 'file' },
  devToolbar: { enabled: false },
  vite: {
    // The build renders figures (vega, sharp) and bundles the browser script (esbuild) in
    // Node: keep those packages out of Vite's SSR bundle.
    ssr: { external: ['sharp', 'esbuild', 'vega', 'vega-lite'] },
    // The site may import experiments/definitions.ts and data/schemas from outside srcDir.
    server: { fs: { allow: ['.'] } },
  },
});
