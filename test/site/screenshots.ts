// Screenshots of the built site for a review (not a test): home, a deciding study, a verdict,
// explore and the lab, at 390 and 1280 px, viewport only, in Debian's Chromium.
//   npx tsx test/site/screenshots.ts <dist folder> <out folder>
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [dist = 'dist', out = 'docs/screenshots/after'] = process.argv.slice(2);
const PAGES: Array<{ name: string; path: string }> = [
  { name: 'home', path: 'index.html' },
  { name: 'study', path: 'studies/lr-range.html' },
  { name: 'verdict', path: 'studies/lr-range.html#h2' },
  { name: 'explore', path: 'explore.html' },
  { name: 'lab', path: 'lab.html' },
];
const WIDTHS = [390, 1280];

mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  for (const width of WIDTHS) {
    const context = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 } });
    const page = await context.newPage();
    for (const p of PAGES) {
      // The lab loads about 5 MB of scripts: on a busy machine that takes longer than a page's default 30 s.
      await page.goto(`${pathToFileURL(resolve(dist)).href}/${p.path}`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
      await page.waitForLoadState('load', { timeout: 180_000 }).catch(() => undefined);
      await page.waitForTimeout(2500);
      const file = join(out, `${p.name}-${width}.png`);
      await page.screenshot({ path: file });
      console.log(file);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
