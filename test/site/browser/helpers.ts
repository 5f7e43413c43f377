// Shared helpers of the browser tests (test/site/browser/*.test.ts): a site built once per file on
// synthetic datasets, served on the loopback address under a base path, and Debian's Chromium.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
export const BASE = '/sparsity/';
export const PHONE = { width: 390, height: 844 } as const;
export const WIDE = { width: 1280, height: 900 } as const;

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

/** `astro build` with `env` added; resolves with its log, rejects with its tail. */
export function buildSiteInto(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'node_modules', 'astro', 'astro.js'), 'build'], {
      cwd: process.cwd(),
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => (code === 0 ? resolve(log) : reject(new Error(`astro build exited ${code}:\n${log.slice(-4000)}`))));
  });
}

/** A static server for the built site under BASE, on 127.0.0.1; its origin. */
export async function serveSite(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(BASE)) return void res.writeHead(404).end('outside the base path');
    const file = normalize(join(root, path.slice(BASE.length) || 'index.html'));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return { server, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

export function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the browser tests use Debian's Chromium (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** Brings every figure into view and waits until each is live (or given up on). */
export async function figuresSettled(page: Page): Promise<void> {
  const figures = page.locator('figure[data-figure]');
  const n = await figures.count();
  for (let i = 0; i < n; i++) await figures.nth(i).scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('figure[data-figure]')).every((f) => ['true', 'failed'].includes((f as HTMLElement).dataset.live ?? '')),
    undefined,
    { timeout: 60_000 },
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
