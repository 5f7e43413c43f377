// Figures in a real browser at 390 and 1280 px, light and dark (issue 38): on a phone every
// figure draws its phone variant (site/lib/figures/figure-narrow.ts) and fits the page, with no text under
// 11 px; at both widths no figure's text is cut off by its drawing or drawn over another text; in
// the dark theme no figure is brighter than the page; the verdict table fits a phone; a verdict
// card draws its units; explore's labels are whole and apart, its brush kept in data values.
// On the synthetic site every browser test shares (test/helpers/synthetic-site.ts).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { figuresSettled, luminance, PHONE, smallFigureText, WIDE } from '../../helpers/browser.js';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

async function open(path: string, viewport: { width: number; height: number }, colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await s.browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  await page.goto(`${s.origin}${BASE}${path}`);
  return page;
}

/**
 * Text of the live figures (or of `selector`'s SVGs) cut off by their drawing or drawn over another
 * text, as "figure: text". Two labels turned by the same angle (a discrete axis' labels at -45°)
 * are compared by their unturned boxes' spacing along the axis, which their screen boxes overstate.
 */
function textProblems(page: Page, selector = 'figure[data-figure] .fig-canvas svg'): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    for (const svg of Array.from(document.querySelectorAll<SVGSVGElement>(sel))) {
      const owner = svg.closest('figure')?.id ?? sel;
      const frame = svg.getBoundingClientRect();
      const texts = Array.from(svg.querySelectorAll<SVGTextElement>('text'))
        .filter((t) => (t.textContent ?? '').trim() !== '' && getComputedStyle(t).visibility !== 'hidden' && Number(getComputedStyle(t).opacity) > 0)
        .map((t) => ({ t, box: t.getBoundingClientRect(), turned: /rotate\((?!0\))/.test(t.getAttribute('transform') ?? '') }))
        .filter(({ box }) => box.width > 0 && box.height > 0);
      for (const { t, box } of texts)
        if (box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1 || box.bottom > frame.bottom + 1)
          out.push(`${owner}: "${t.textContent}" outside its drawing`);
      for (let i = 0; i < texts.length; i++)
        for (let j = i + 1; j < texts.length; j++) {
          const [a, b] = [texts[i], texts[j]];
          if (a.turned && b.turned) continue;
          const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
          const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
          if (w > 1.5 && h > 1.5) out.push(`${owner}: "${a.t.textContent}" over "${b.t.textContent}"`);
        }
    }
    return out;
  }, selector);
}

const VIEWS = [
  { name: 'phone', viewport: PHONE },
  { name: 'wide', viewport: WIDE },
] as const;
const PAGES = ['index.html', 'studies/optimizer.html', 'studies/emergence.html'];

describe('the figures', () => {
  for (const { name, viewport } of VIEWS) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`fit the page, with whole labels apart (${name}, ${scheme})`, async () => {
        for (const path of PAGES) {
          const page = await open(path, viewport, scheme);
          await figuresSettled(page);
          const live = await page.evaluate(() =>
            Array.from(document.querySelectorAll<HTMLElement>('figure[data-figure]')).map((f) => ({
              id: f.id,
              live: f.dataset.live,
              variant: f.dataset.variant,
              narrow: f.dataset.narrowMedia !== undefined,
            })),
          );
          for (const f of live) {
            expect(f.live, `${path}#${f.id}`).toBe('true');
            // A figure with a phone variant draws it on a phone and the wide figure on a wide screen.
            if (f.narrow) expect(f.variant, `${path}#${f.id}`).toBe(name === 'phone' ? 'narrow' : 'wide');
          }
          expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(viewport.width);
          if (name === 'phone') expect(await smallFigureText(page, 11), path).toEqual([]);
          expect(await textProblems(page), `${path} ${name} ${scheme}`).toEqual([]);
          if (scheme === 'dark') {
            const colours = await page.evaluate(() => ({
              page: getComputedStyle(document.body).backgroundColor,
              figures: Array.from(document.querySelectorAll<HTMLElement>('figure[data-figure] .fig-canvas')).map((c) => {
                const rect = c.querySelector('svg > rect.background, svg > g > path.background');
                return [getComputedStyle(c).backgroundColor, rect?.getAttribute('fill') ?? ''];
              }),
            }));
            const pageLum = luminance(colours.page)!;
            const hex = (c: string) =>
              c.startsWith('#') ? `rgb(${parseInt(c.slice(1, 3), 16)}, ${parseInt(c.slice(3, 5), 16)}, ${parseInt(c.slice(5, 7), 16)})` : c;
            for (const c of colours.figures.flat().filter(Boolean)) {
              const lum = luminance(hex(c));
              if (lum !== null) expect(lum, `${path}: ${c} on ${colours.page}`).toBeLessThanOrEqual(pageLum + 0.02);
            }
          }
          await page.context().close();
        }
      }, 300_000);
    }
  }

  it('serve the phone picture below the breakpoint before the live figure is drawn', async () => {
    const context = await s.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${s.origin}${BASE}studies/optimizer.html`);
    const pictures = await page.locator('figure[data-figure] picture').evaluateAll((ps) =>
      ps.map((p) => {
        const img = p.querySelector('img')!;
        img.loading = 'eager';
        return {
          source: p.querySelector('source')?.getAttribute('srcset') ?? null,
          width: Number(p.querySelector('source')?.getAttribute('width') ?? img.width),
        };
      }),
    );
    expect(pictures.some((p) => p.source?.endsWith('.narrow.png'))).toBe(true);
    for (const p of pictures) if (p.source) expect(p.width).toBeLessThanOrEqual(360);
    await context.close();
  }, 60_000);
});

describe('the verdicts', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`fit their table in a phone's width, and each card draws its units (${scheme})`, async () => {
      const page = await open('index.html', PHONE, scheme);
      const overflow = await page
        .locator('table.verdicts')
        .evaluate((t) => ({ table: t.scrollWidth, wrap: (t.parentElement as HTMLElement).clientWidth, page: document.documentElement.scrollWidth }));
      expect(overflow.table).toBeLessThanOrEqual(overflow.wrap);
      expect(overflow.page).toBeLessThanOrEqual(PHONE.width);
      // The study v3 page's table of rules (provisional while its runs are pending) stacks too.
      await page.goto(`${s.origin}${BASE}study-v3.html`);
      const v3 = await page
        .locator('table[data-v3-rules]')
        .evaluate((t) => ({ table: t.scrollWidth, wrap: (t.parentElement as HTMLElement).clientWidth, page: document.documentElement.scrollWidth }));
      expect(v3.table).toBeLessThanOrEqual(v3.wrap);
      expect(v3.page).toBeLessThanOrEqual(PHONE.width);
      await page.goto(`${s.origin}${BASE}methods.html`);
      const study = await open('studies/optimizer.html', PHONE, scheme);
      const cards = await study.locator('article.verdict').evaluateAll((as) =>
        as.map((a) => ({
          id: a.id,
          units: a.querySelectorAll('ul.units > li').length,
          marks: a.querySelectorAll('svg.vchart .vchart-unit').length,
          width: a.querySelector('svg.vchart')?.getBoundingClientRect().width ?? 0,
        })),
      );
      expect(cards.length).toBeGreaterThan(0);
      for (const c of cards) {
        expect(c.marks, c.id).toBe(c.units);
        expect(c.width, c.id).toBeLessThanOrEqual(PHONE.width);
      }
      expect(await textProblems(study, 'svg.vchart')).toEqual([]);
      await page.context().close();
      await study.context().close();
    }, 120_000);
  }
});

describe('explore', () => {
  for (const { name, viewport } of VIEWS) {
    it(`draws whole axis labels apart, at least 11 px (${name})`, async () => {
      const page = await open('explore.html', viewport, 'light');
      expect(await textProblems(page, 'svg.pc')).toEqual([]);
      const smallest = await page.evaluate(() =>
        // The drawing the width shows (the other, display: none, has no boxes).
        Math.min(
          ...Array.from(document.querySelectorAll<SVGTextElement>('svg.pc text'))
            .map((t) => t.getBoundingClientRect().height)
            .filter((h) => h > 0),
        ),
      );
      // A text box is about 1.15 times the font size.
      expect(smallest).toBeGreaterThanOrEqual(11 * 1.1);
      await page.context().close();
    }, 60_000);
  }

  it('keeps a brush in the address in data values', async () => {
    const page = await open('explore.html', WIDE, 'light');
    // The brushing script runs once the page has loaded: a drag before that is nobody's.
    await page.waitForLoadState('load');
    const hit = (await page.locator('svg.pc-wide g[data-axis="lr"] rect.pc-hit').boundingBox())!;
    const x = hit.x + hit.width / 2;
    await page.mouse.move(x, hit.y + 8);
    await page.mouse.down();
    await page.mouse.move(x, hit.y + hit.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => new URL(page.url()).hash).toContain('brush=');
    const brush = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('brush') ?? '';
    const [key, lo, hi] = brush.split(':');
    expect(key).toBe('lr');
    // Learning rates, not pixels: between the smallest and largest rate of the sweep.
    expect(Number(lo)).toBeGreaterThan(0);
    expect(Number(hi)).toBeLessThanOrEqual(1);
    expect(Number(lo)).toBeLessThan(Number(hi));
    await page.context().close();
  }, 60_000);
});
