// Screenshots of the built site for a review (not a test): home, a deciding study, a verdict,
// explore and the lab, at 390 and 1280 px, viewport only, in Debian's Chromium; with --more also in
// the dark theme, a run page without JavaScript and the verdict cards of H1, H2, H3 and H5 (their charts).
//   npx tsx test/site/screenshots.ts <dist folder> <out folder> [--more]
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2).filter((a) => a !== '--more');
const more = process.argv.includes('--more');
const [dist = 'dist', out = 'docs/screenshots/after'] = args;
interface Shot {
  name: string;
  path: string;
  /** Without JavaScript (the page as a reader with scripts off sees it). */
  noScript?: boolean;
  /** The element to shoot instead of the viewport. */
  element?: string;
}
const firstRun = readdirSync(join(dist, 'runs')).find((f) => f.endsWith('.html'));
const PAGES: Shot[] = [
  { name: 'home', path: 'index.html' },
  { name: 'study', path: 'studies/lr-range.html' },
  { name: 'verdict', path: 'studies/lr-range.html#h2' },
  { name: 'explore', path: 'explore.html' },
  { name: 'lab', path: 'lab.html' },
  ...(more
    ? [
        ...(firstRun ? [{ name: 'run-nojs', path: `runs/${firstRun}#figures`, noScript: true }] : []),
        ...[1, 2, 3, 5].map((h) => ({ name: `verdict-h${h}`, path: `methods.html#h${h}`, element: `article.verdict#h${h}` })),
      ]
    : []),
];
const WIDTHS = [390, 1280];
const SCHEMES: Array<'light' | 'dark'> = more ? ['light', 'dark'] : ['light'];

mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  for (const [width, scheme, noScript] of WIDTHS.flatMap((w) => SCHEMES.flatMap((c) => [false, true].map((n) => [w, c, n] as const)))) {
    const shots = PAGES.filter((p) => (p.noScript ?? false) === noScript);
    if (shots.length === 0) continue;
    const context = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 }, colorScheme: scheme, javaScriptEnabled: !noScript });
    const page = await context.newPage();
    for (const p of shots) {
      // The lab loads about 5 MB of scripts: on a busy machine that takes longer than a page's default 30 s.
      await page.goto(`${pathToFileURL(resolve(dist)).href}/${p.path}`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
      await page.waitForLoadState('load', { timeout: 180_000 }).catch(() => undefined);
      await page.waitForTimeout(2500);
      const file = join(out, `${p.name}-${width}${scheme === 'dark' ? '-dark' : ''}.png`);
      if (p.element) await page.locator(p.element).screenshot({ path: file });
      else await page.screenshot({ path: file });
      console.log(file);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
