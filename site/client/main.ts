// Browser entry: bundled by esbuild into assets/site.js (a classic script, so it also runs
// when the site is opened from disk, where module scripts are blocked).
import { initCompare } from './compare.js';
import { initExplore } from './explore.js';
import { hydrateFigures } from './figures.js';
import { initRunsTable } from './runs-table.js';
import { initScrollRegions } from './scroll-regions.js';
import { initThemeToggle } from './theme.js';

/** A printed page shows what folds away on screen (captions' files, verdict units, run lists). */
function openForPrint(): void {
  window.addEventListener('beforeprint', () => {
    for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
  });
}

function start(): void {
  openForPrint();
  initThemeToggle();
  initRunsTable();
  initCompare();
  initExplore();
  hydrateFigures();
  initScrollRegions();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
