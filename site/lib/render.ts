// Renders a figure at build time: Vega-Lite -> Vega -> SVG (headless vega View), PNG (sharp,
// from the SVG), and the CSV / JSON / spec files offered for download. Build time, Node only.
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Figure, Row } from './figure-model.js';

export interface RenderedFigure {
  /** The compiled Vega spec the browser makes interactive. */
  vega: object;
  svg: string;
  /** Vega-Lite and vega warnings: a figure that draws with warnings is a bug to fix. */
  warnings: string[];
}

/** Compiles a Vega-Lite spec, collecting warnings instead of printing them. */
export function compile(spec: object): { vega: object; warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    level: (_?: number) => logger as never,
    error: (...args: unknown[]) => {
      throw new Error(args.map(String).join(' '));
    },
    warn: (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger as never;
    },
    info: () => logger as never,
    debug: () => logger as never,
  };
  const out = vl.compile(spec as vl.TopLevelSpec, { logger: logger as never });
  return { vega: out.spec, warnings };
}

/** A vega logger that keeps warnings (the browser would print them to the console). */
function collectingLogger(warnings: string[]) {
  const logger = {
    level: (_?: number) => logger as never,
    error: (...args: unknown[]) => {
      warnings.push(`error: ${args.map(String).join(' ')}`);
      return logger as never;
    },
    warn: (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger as never;
    },
    info: () => logger as never,
    debug: () => logger as never,
  };
  return logger;
}

export async function renderSvg(vegaSpec: object, warnings: string[] = []): Promise<string> {
  const view = new vega.View(vega.parse(vegaSpec as vega.Spec), { renderer: 'none', logger: collectingLogger(warnings) as never });
  view.logLevel(vega.Warn);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const cache = new Map<string, Promise<RenderedFigure>>();

/** Renders once per figure per build (pages and download files share the result). */
export function renderFigure(figure: Figure): Promise<RenderedFigure> {
  const key = `${figure.route}/${figure.id}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = (async () => {
      const { vega: compiled, warnings } = compile(figure.spec);
      const svg = await renderSvg(compiled, warnings);
      if (warnings.length > 0) console.warn(`figure ${key} draws with warnings: ${warnings.join('; ')}`);
      return { vega: compiled, svg, warnings };
    })();
    cache.set(key, hit);
  }
  return hit;
}

/** The SVG made safe to inline several times in one page: ids prefixed, root labelled. */
export function inlineSvg(svg: string, prefix: string, label: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]);
  let out = svg;
  for (const id of ids) {
    const re = new RegExp(`(id="|url\\(#|href="#)${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(["\\)])`, 'g');
    out = out.replace(re, `$1${prefix}-${id}$2`);
  }
  return out.replace(/^<svg /, `<svg role="img" aria-label="${escapeAttr(label)}" focusable="false" `);
}

async function renderPng(svg: string): Promise<Uint8Array<ArrayBuffer>> {
  const { default: sharp } = await import('sharp');
  return new Uint8Array(await sharp(Buffer.from(svg), { density: 144 }).png({ compressionLevel: 9 }).toBuffer());
}

function csvCell(v: Row[string]): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV with a header of every field, in order of first appearance. */
export function toCsv(rows: readonly Row[]): string {
  const fields: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!fields.includes(k)) fields.push(k);
  const lines = [fields.map((f) => csvCell(f)).join(',')];
  for (const r of rows) lines.push(fields.map((f) => csvCell(r[f] ?? null)).join(','));
  return `${lines.join('\n')}\n`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** JSON safe inside a <script type="application/json"> element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The downloadable files of a figure, by extension. */
export const FIGURE_FILES = ['svg', 'png', 'csv', 'json', 'vl.json'] as const;
export type FigureFile = (typeof FIGURE_FILES)[number];

export async function figureFile(figure: Figure, ext: FigureFile): Promise<{ body: string | Uint8Array<ArrayBuffer>; type: string }> {
  switch (ext) {
    case 'svg':
      return { body: (await renderFigure(figure)).svg, type: 'image/svg+xml' };
    case 'png':
      return { body: await renderPng((await renderFigure(figure)).svg), type: 'image/png' };
    case 'csv':
      return { body: toCsv(figure.rows), type: 'text/csv; charset=utf-8' };
    case 'json':
      return { body: `${JSON.stringify(figure.rows, null, 1)}\n`, type: 'application/json' };
    case 'vl.json':
      return { body: `${JSON.stringify(figure.spec, null, 2)}\n`, type: 'application/json' };
  }
}
