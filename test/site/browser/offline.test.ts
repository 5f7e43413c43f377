// The site opened from disk as well as over http, without JavaScript (every figure from its picture
// file), on a phone and in both themes: nothing scrolls sideways, every figure and verdict has an
// anchor, the skip link comes first by keyboard and the theme toggle switches the page.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { figureProblems, figuresSettled } from '../../helpers/browser.js';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('the site from disk, without JavaScript, on a phone and in both themes', () => {
  it('draws every figure without JavaScript, from its picture file, from http and from disk', async () => {
    const run = s.datasets.runs.rows.find((r) => r.status === 'complete' && r.studies.includes('emergence'))!.run;
    for (const base of [`${s.origin}${BASE}`, `${pathToFileURL(s.site.out).href}/`]) {
      const { page, problems } = await s.watchedPage({ width: 390, height: 844 }, { javaScriptEnabled: false });
      for (const path of ['studies/emergence.html', `runs/${run}.html`, 'index.html']) {
        await page.goto(`${base}${path}`);
        const figures = page.locator('figure[data-figure]');
        const n = await figures.count();
        expect(n, path).toBeGreaterThan(0);
        for (let i = 0; i < n; i++) {
          await figures.nth(i).scrollIntoViewIfNeeded();
          const img = figures.nth(i).locator('.fig-canvas img');
          await expect
            .poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), { timeout: 10_000 })
            .toBe(true);
        }
        const pictures = await figures.evaluateAll((fs) =>
          fs.map((f) => {
            const img = f.querySelector<HTMLImageElement>('.fig-canvas img');
            // The picture shown: on a phone the <source> of the phone variant, with its own size.
            const source = Array.from(f.querySelectorAll<HTMLSourceElement>('.fig-canvas picture source')).find(
              (x) => img?.currentSrc.split('/').pop() === x.srcset.split('/').pop(),
            );
            const width = Number((source ?? img)?.getAttribute('width'));
            return {
              id: f.id,
              lazy: img?.loading,
              alt: img?.alt === (f as HTMLElement).dataset.alt,
              live: (f as HTMLElement).dataset.live ?? null,
              ratio: img ? img.naturalWidth / width : 0,
            };
          }),
        );
        for (const p of pictures) {
          expect(p, `${path}#${p.id}`).toMatchObject({ lazy: 'lazy', alt: true, live: null });
          // Drawn at twice its size, so that it is sharp on a high-density screen.
          expect(p.ratio, `${path}#${p.id}`).toBeCloseTo(2, 1);
        }
        // Nothing made in the browser is offered when there is no script to make it.
        expect(await page.locator('button[data-figure-download]:visible').count(), path).toBe(0);
      }
      expect(problems.failed, base).toEqual([]);
      expect(problems.external, base).toEqual([]);
    }
  }, 90_000);

  it('works opened from disk, on a phone, by keyboard, and in both themes', async () => {
    const { page, problems } = await s.watchedPage({ width: 390, height: 844 });
    for (const path of ['index.html', 'studies/optimizer.html', 'runs.html']) {
      await page.goto(pathToFileURL(join(s.site.out, path)).href);
      await figuresSettled(page);
      expect(await figureProblems(page), path).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
    }
    const runLink = await page.locator('table[data-runs-table] tbody a').first().getAttribute('href');
    const from = page.url();
    // Wait for the run page itself: checking right after the click would look at the page being left.
    await Promise.all([page.waitForURL((u) => u.href !== from), page.click(`a[href="${runLink}"]`)]);
    await figuresSettled(page);
    expect(await figureProblems(page)).toEqual([]);

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    await page.click('[data-theme-toggle]');
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await bg()).not.toBe(light);
    expect(problems.console).toEqual([]);
    expect(problems.failed).toEqual([]);
    expect(problems.external).toEqual([]);
  }, 60_000);

  it('keeps the new pages clean from disk, on a phone, in both themes; every verdict and figure has an anchor', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page, problems } = await s.watchedPage({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of ['explore.html', 'cite.html', 'changes.html', 'compare.html', 'studies/optimizer.html']) {
        await page.goto(pathToFileURL(join(s.site.out, path)).href);
        // Let the favicon and figures finish before leaving, so no request is cut off by the next page.
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} scrolls sideways on a phone (${scheme})`).toBeLessThanOrEqual(0);
        const unanchored = await page.evaluate(() => [
          ...Array.from(document.querySelectorAll('figure[data-figure]'))
            .filter((f) => !f.id || !f.querySelector(`a[href="#${f.id}"]`))
            .map((f) => `figure ${f.id}`),
          ...Array.from(document.querySelectorAll('article.verdict'))
            .filter((v) => !v.id || !v.querySelector(`a[href="#${v.id}"]`))
            .map((v) => `verdict ${v.id}`),
        ]);
        expect(unanchored, path).toEqual([]);
      }
      expect(problems.console, scheme).toEqual([]);
      expect(problems.failed, scheme).toEqual([]);
      expect(problems.external, scheme).toEqual([]);
    }
  }, 90_000);
});
