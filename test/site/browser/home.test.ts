// The home page in a real browser, at 390 and 1280 px, light and dark: the verdict tally and the
// findings equal what the analysis returns on the same data, the tally is on the first screen,
// the verdict table fits a phone, no figure is brighter than the page in the dark theme, and no
// figure text is smaller than 11 px on a phone. On the synthetic site the browser tests share.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type Site } from '../../../site/lib/model/site.js';
import { tallyOf } from '../../../site/lib/verdicts/findings.js';
import { figuresSettled, luminance, PHONE, smallFigureText, WIDE, type Viewport } from '../../helpers/browser.js';
import { useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();
let site: Site;

beforeAll(() => {
  site = buildSite(s.datasets, { scale: 'quick', folder: s.site.data, missingReason: null });
});

async function open(path: string, viewport: Viewport, colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await s.browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  await page.goto(s.url(path));
  return page;
}

const VIEWS = [
  { name: 'phone', viewport: PHONE },
  { name: 'wide', viewport: WIDE },
] as const;

describe('the home page', () => {
  for (const { name, viewport } of VIEWS) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`shows the tally and the findings the analysis returns, the tally on the first screen (${name}, ${scheme})`, async () => {
        const page = await open('index.html', viewport, scheme);
        const tally = page.locator('[data-tally]');
        expect(JSON.parse((await tally.getAttribute('data-tally'))!)).toEqual(tallyOf(site.verdicts));
        for (const [outcome, n] of Object.entries(tallyOf(site.verdicts)))
          expect(await tally.locator(`[data-outcome="${outcome}"]`).innerText()).toContain(`${n} ${outcome}`);
        expect((await tally.boundingBox())!.y + 20).toBeLessThan(viewport.height);
        const shown = await page.locator('[data-finding]').evaluateAll((els) =>
          els.map((e) => ({
            id: e.id,
            hypothesis: (e as HTMLElement).dataset.hypothesis,
            outcome: (e as HTMLElement).dataset.outcome,
            text: e.querySelector('.finding-text')?.textContent ?? '',
          })),
        );
        expect(shown.map((f) => f.id)).toEqual(site.findings.findings.map((f) => f.id));
        for (const [i, f] of site.findings.findings.entries()) {
          expect(shown[i].outcome).toBe(f.outcome ?? '');
          expect(shown[i].text.replace(/\s+/g, ' ')).toContain(f.sentence);
        }
        await page.context().close();
      }, 120_000);
    }
  }

  it("fits the verdict table in a phone's width", async () => {
    const page = await open('index.html', PHONE, 'light');
    const overflow = await page
      .locator('table.verdicts')
      .evaluate((t) => ({ table: t.scrollWidth, wrap: (t.parentElement as HTMLElement).clientWidth, page: document.documentElement.scrollWidth }));
    expect(overflow.table).toBeLessThanOrEqual(overflow.wrap);
    expect(overflow.page).toBeLessThanOrEqual(PHONE.width);
    await page.context().close();
  }, 60_000);

  it('draws no figure brighter than the page in the dark theme', async () => {
    for (const path of ['index.html', 'studies/optimizer.html']) {
      const page = await open(path, WIDE, 'dark');
      await figuresSettled(page);
      const colours = await page.evaluate(() => ({
        page: getComputedStyle(document.body).backgroundColor,
        figures: Array.from(document.querySelectorAll<HTMLElement>('figure[data-figure]')).flatMap((f) => {
          const svg = f.querySelector('.fig-canvas svg');
          const rect = svg?.querySelector(':scope > rect.background, :scope > g > path.background');
          return [
            getComputedStyle(f.querySelector('.fig-canvas')!).backgroundColor,
            ...(svg ? [getComputedStyle(svg).backgroundColor] : []),
            ...(rect ? [rect.getAttribute('fill') ?? ''] : []),
          ].map((c) => ({ id: f.id, c }));
        }),
      }));
      const pageLum = luminance(colours.page)!;
      for (const { id, c } of colours.figures) {
        const lum = luminance(c.startsWith('#') ? `rgb(${parseInt(c.slice(1, 3), 16)}, ${parseInt(c.slice(3, 5), 16)}, ${parseInt(c.slice(5, 7), 16)})` : c);
        if (lum === null) continue;
        expect(lum, `${path}#${id}: ${c} on ${colours.page}`).toBeLessThanOrEqual(pageLum + 0.02);
      }
      await page.context().close();
    }
  }, 180_000);

  it('draws no figure text smaller than 11 px on a phone', async () => {
    for (const path of ['index.html', 'studies/optimizer.html']) {
      const page = await open(path, PHONE, 'light');
      await figuresSettled(page);
      expect(await smallFigureText(page, 11), path).toEqual([]);
      await page.context().close();
    }
  }, 180_000);
});
