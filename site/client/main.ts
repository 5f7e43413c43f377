// Browser entry: bundled by esbuild into assets/site.js (a classic script, so it also runs
// when the site is opened from disk, where module scripts are blocked).
import { hydrateFigures } from './figures.js';
import { initRunsTable } from './runs-table.js';
import { initThemeToggle } from './theme.js';

function start(): void {
  initThemeToggle();
  initRunsTable();
  hydrateFigures();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
