// What the browser tests share: Debian's Chromium through playwright-core, a static server for a
// built site under its base path on the loopback address, pages that record every console error,
// failed or outside request and dialog, and checks on what a page draws.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
export const PHONE = { width: 390, height: 844 } as const;
export const WIDE = { width: 1280, height: 900 } as const;
export type Viewport = { width: number; height: number };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.gz': 'application/gzip',
};

/** Debian's Chromium, headless; a clear error where it is not installed. */
export function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the browser tests use Debian's Chromium (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface SiteServer {
  server: Server;
  /** http://127.0.0.1:<port> */
  origin: string;
  close: () => Promise<void>;
}

/** A static server for the built site in `root` under `base` ("/sparsity/"), on 127.0.0.1 only. */
export async function serveSite(root: string, base: string): Promise<SiteServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(base)) return void res.writeHead(404).end('outside the base path');
    const file = normalize(join(root, path.slice(base.length) || 'index.html'));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    server,
    origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a watched page saw go wrong. */
export interface Problems {
  /** Console errors and warnings, and uncaught exceptions. */
  console: string[];
  /** Requests that failed or were answered with 400 or more. */
  failed: string[];
  /** Requests to another origin than the site's (refused). */
  external: string[];
  /** Dialogs the page opened (dismissed). */
  dialogs: string[];
}

/** Console errors, failed and outside requests in one list. */
export function problemList(problems: Problems): string[] {
  return [...problems.console, ...problems.failed.map((f) => `failed: ${f}`), ...problems.external.map((u) => `outside request: ${u}`)];
}

/**
 * Opens watched pages in `browser` for a site served at `origin` (pages from disk, data: and blob:
 * are the site too). `closeAll` closes the contexts opened so far, also those of a failed test.
 */
export function pageWatcher(browser: () => Browser, origin: () => string) {
  const contexts: BrowserContext[] = [];
  return {
    /** A fresh page in a context of its own that records every problem in `problems`. */
    async open(viewport: Viewport = WIDE, options: { javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; problems: Problems }> {
      const problems: Problems = { console: [], failed: [], external: [], dialogs: [] };
      const context = await browser().newContext({ viewport, acceptDownloads: true, ...options });
      contexts.push(context);
      // Nothing may leave the site: any request to another origin is refused and recorded.
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(origin()) || url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
        problems.external.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${page.url()}: ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.console.push(`${page.url()}: ${e.message}`));
      page.on('requestfailed', (r) => problems.failed.push(`${r.url()} (${r.failure()?.errorText})`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.failed.push(`${r.url()} (${r.status()})`);
      });
      page.on('dialog', (d) => {
        problems.dialogs.push(d.message());
        void d.dismiss();
      });
      return { page, problems };
    },
    async closeAll(): Promise<void> {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
    },
  };
}

/** Brings each figure of the page into view, as a reader scrolling down would, and waits until it is live (or given up on). */
export async function figuresSettled(page: Page): Promise<void> {
  const figures = page.locator('figure[data-figure]');
  const n = await figures.count();
  // Past each figure once (the page queues every figure that comes near), then until all are drawn.
  for (let i = 0; i < n; i++) await figures.nth(i).scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('figure[data-figure]')).every((f) => ['true', 'failed'].includes((f as HTMLElement).dataset.live ?? '')),
    undefined,
    { timeout: 60_000 },
  );
}

/** Figures of the page with no drawn marks, and figures that failed to become interactive. */
export function figureProblems(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('figure[data-figure]')).flatMap((f) => {
      const marks = f.querySelectorAll('.fig-canvas svg .role-mark path, .fig-canvas svg .role-mark line').length;
      const out: string[] = [];
      if (marks === 0) out.push(`${f.id}: no marks drawn`);
      if (f.dataset.live !== 'true') out.push(`${f.id}: not interactive (${f.dataset.live})`);
      return out;
    }),
  );
}

/** The relative luminance (WCAG) of a CSS colour "rgb(r, g, b)" or "rgba(...)"; null for a transparent one. */
export function luminance(css: string): number | null {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(css);
  if (!m || (m[4] !== undefined && Number(m[4]) === 0)) return null;
  const channel = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => channel(Number(x)));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Text of the live figures drawn smaller than `min` CSS pixels on screen, as "figure: text (size)". */
export function smallFigureText(page: Page, min: number): Promise<string[]> {
  return page.evaluate((limit) => {
    const out: string[] = [];
    for (const figure of Array.from(document.querySelectorAll<HTMLElement>('figure[data-figure]'))) {
      for (const text of Array.from(figure.querySelectorAll<SVGTextElement>('.fig-canvas svg text'))) {
        if (!text.textContent?.trim()) continue;
        const box = text.getBoundingClientRect();
        const size = parseFloat(getComputedStyle(text).fontSize);
        const svg = text.ownerSVGElement;
        const scale = svg ? svg.getBoundingClientRect().width / (svg.width.baseVal.value || svg.getBoundingClientRect().width) : 1;
        if (box.height > 0 && size * scale < limit - 0.01) out.push(`${figure.id}: ${text.textContent} (${(size * scale).toFixed(1)} px)`);
      }
    }
    return out;
  }, min);
}

/** Presses Tab until the focused element matches `selector`; how many presses it took. Fails after `limit`. */
export async function tabTo(page: Page, selector: string, limit = 300): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return presses;
  }
  throw new Error(`${selector} was not reached by ${limit} presses of Tab on ${page.url()}`);
}
