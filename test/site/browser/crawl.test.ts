// The whole built site in a real browser (Debian's Chromium through playwright-core), built on
// synthetic datasets under a base path and served on 127.0.0.1, crawled page by page from the home
// page: every page loads without console errors or failed requests, nothing is requested outside
// the site, every figure draws marks, every internal link and anchor resolves.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figureProblems, figuresSettled } from '../../helpers/browser.js';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('the whole site', () => {
  it('builds on synthetic data', () => {
    // About 45 s alone on two cores; not asserted, since other test files may share the CPU.
    console.log(`site build: ${s.site.buildSeconds.toFixed(1)} s`);
    expect(existsSync(join(s.site.out, 'index.html'))).toBe(true);
    expect(existsSync(join(s.site.out, 'assets', 'site.js'))).toBe(true);
  });

  it('loads every page cleanly, draws every figure and resolves every internal link', async () => {
    const { page, problems } = await s.watchedPage();
    const start = `${s.origin}${BASE}index.html`;
    const queue = [start];
    const seen = new Set(queue);
    const files = new Set<string>();
    const anchors: Array<{ from: string; page: string; id: string }> = [];
    const ids = new Map<string, Set<string>>();
    const figureIssues: string[] = [];
    let figures = 0;
    while (queue.length > 0) {
      const url = queue.shift()!;
      const response = await page.goto(url);
      expect(response?.status(), url).toBe(200);
      await figuresSettled(page);
      figureIssues.push(...(await figureProblems(page)).map((p) => `${url}: ${p}`));
      figures += await page.locator('figure[data-figure]').count();
      ids.set(url, new Set(await page.evaluate(() => Array.from(document.querySelectorAll('[id]')).map((e) => e.id))));
      const links = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLAnchorElement>('a[href]')).map((a) => a.href));
      for (const link of links) {
        const target = new URL(link);
        if (target.origin !== s.origin) continue;
        const bare = `${target.origin}${target.pathname}`;
        if (target.hash && !target.hash.includes('=')) anchors.push({ from: url, page: bare, id: decodeURIComponent(target.hash.slice(1)) });
        if (bare.endsWith('.html')) {
          if (!seen.has(bare)) {
            seen.add(bare);
            queue.push(bare);
          }
        } else files.add(bare);
      }
    }
    for (const file of files) {
      const res = await fetch(file);
      expect(res.status, file).toBe(200);
      expect((await res.arrayBuffer()).byteLength, file).toBeGreaterThan(0);
    }
    const brokenAnchors = anchors.filter((a) => !(ids.get(a.page)?.has(a.id) ?? false)).map((a) => `${a.from} -> ${a.page}#${a.id}`);
    console.log(`crawled ${seen.size} pages, ${figures} figures, ${files.size} files, ${anchors.length} anchors`);
    expect(seen.size).toBeGreaterThan(60);
    expect(figures).toBeGreaterThan(200);
    expect(problems.console).toEqual([]);
    expect(problems.failed).toEqual([]);
    expect(problems.external).toEqual([]);
    expect(problems.dialogs).toEqual([]);
    expect(figureIssues).toEqual([]);
    expect([...new Set(brokenAnchors)]).toEqual([]);
  }, 420_000);
});
