// Accessibility: axe-core (the engine of Deque's checkers) on every kind of page of the site, at
// 1280 px in the light theme and at 390 px in the dark one, with the figures live and the
// comparison and the lab ready: no violation of serious or critical impact.
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { figuresSettled, PHONE, WIDE } from '../../helpers/browser.js';
import { useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();
const AXE = createRequire(import.meta.url).resolve('axe-core');
/** The impacts that fail the test; axe's other two are moderate and minor. */
const FAILING = ['serious', 'critical'];

/** One page of each kind. */
function pages(): string[] {
  const runs = s.datasets.runs.rows.filter((r) => r.status === 'complete');
  const compared = [runs[0], runs.find((r) => r.optimizer !== runs[0].optimizer)!].map((r) => r.run);
  return [
    'index.html',
    'studies/optimizer.html',
    'methods.html',
    `runs/${runs[0].run}.html`,
    'runs.html',
    `compare.html#runs=${compared.join(',')}`,
    'explore.html',
    'changes.html',
    'lab.html',
    'exploratory.html',
    'study-v3.html',
    'cite.html',
    'reproduce.html',
    'gallery.html',
  ];
}

/** The page once its script has done its work: figures live, the comparison drawn, the lab started. */
async function settled(page: Page): Promise<void> {
  await figuresSettled(page);
  await page.waitForFunction(
    () => {
      const compare = document.querySelector<HTMLElement>('[data-compare]');
      const lab = document.querySelector<HTMLElement>('[data-lab]');
      return (!compare || ['ready', 'failed'].includes(compare.dataset.state ?? '')) && (!lab || ['ready', 'broken'].includes(lab.dataset.state ?? ''));
    },
    undefined,
    { timeout: 120_000 },
  );
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** axe's serious and critical violations on the page, one line per rule with the first elements it names. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => (window as unknown as { axe: { run: (context: Document) => Promise<AxeResults> } }).axe.run(document));
  return results.violations
    .filter((v) => FAILING.includes(v.impact ?? ''))
    .map(
      (v) =>
        `${v.id} (${v.impact}, ${v.nodes.length}x): ${v.help}; ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`)
          .join(' | ')}`,
    );
}

describe('accessibility (axe-core)', () => {
  for (const { name, viewport, scheme } of [
    { name: '1280 px, light', viewport: WIDE, scheme: 'light' as const },
    { name: '390 px, dark', viewport: PHONE, scheme: 'dark' as const },
  ]) {
    it(`finds no serious or critical violation on any kind of page (${name})`, async () => {
      const { page, problems } = await s.watchedPage(viewport);
      await page.emulateMedia({ colorScheme: scheme });
      const found: string[] = [];
      for (const path of pages()) {
        await page.goto(s.url(path));
        await settled(page);
        found.push(...(await violations(page)).map((v) => `${path}: ${v}`));
      }
      console.log(`axe (${name}): ${found.length} serious or critical violations over ${pages().length} pages`);
      expect(found).toEqual([]);
      expect(problems.console).toEqual([]);
    }, 600_000);
  }
});
