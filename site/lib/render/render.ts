// Renders a figure at build time: Vega-Lite -> Vega -> SVG (headless vega View) -> PNG (resvg,
// sharp) in the render workers (render-pool.ts, figure-picture.ts), cached by content; and the files
// next to each page: the picture, the data (CSV), the Vega-Lite spec reading that CSV, and the
// script the browser makes the figure live from.
// Build time, Node only.
import { figureCacheDir, readRender, renderKey, writeRender } from '../caches/figure-cache.js';
import { compile, pictureRenderer, renderSvg } from './figure-picture.js';
import type { Figure, Row } from '../figures/figure-model.js';
import { NARROW, narrowSpec } from '../figures/figure-narrow.js';
import { liveFigureScript, registrationScript, sharedSpecScript, specShape, FIGURE_SPEC_GLOBAL } from '../figures/live-figure.js';
import { drawForBuild } from './render-pool.js';

export interface RenderedFigure {
  /** The compiled Vega spec the browser makes interactive. */
  vega: object;
  /** Size of the drawing in CSS pixels. */
  width: number;
  height: number;
  /** The static picture (PNG at twice the size), shown without JavaScript and offered for download. */
  png: Uint8Array<ArrayBuffer>;
  /** Vega-Lite and vega warnings: a figure that draws with warnings is a bug to fix. */
  warnings: string[];
}

export { compile, renderSvg };

/** What the cache keeps of a render besides the picture. */
interface RenderMeta {
  vega: object;
  width: number;
  height: number;
  warnings: string[];
}

/** How many figures this build rendered and how many it took from the cache (one count for every copy of this module in the process). */
export interface RenderStats {
  rendered: number;
  cached: number;
}
const STATS = Symbol.for('implicit-filter-sparsity.figure-renders');

export function renderStats(): RenderStats {
  const store = globalThis as unknown as Record<symbol, RenderStats | undefined>;
  return (store[STATS] ??= { rendered: 0, cached: 0 });
}

const memo = new WeakMap<Figure, Map<string, Promise<RenderedFigure>>>();

/**
 * Renders a figure once per build (its page and its files share the result), and across builds
 * once per content: the render cache (figure-cache.ts) keeps it under the hash of its spec and data.
 */
export function renderFigure(figure: Figure, cacheDir = figureCacheDir()): Promise<RenderedFigure> {
  const name = `${figure.route}/${figure.id}`;
  const renders = memo.get(figure) ?? new Map<string, Promise<RenderedFigure>>();
  memo.set(figure, renders);
  let hit = renders.get(cacheDir);
  if (!hit) {
    hit = (async () => {
      const key = renderKey(figure.spec, pictureRenderer());
      const cached = await readRender<RenderMeta>(cacheDir, key);
      if (cached) {
        renderStats().cached++;
        if (cached.meta.warnings.length > 0) console.warn(`figure ${name} draws with warnings: ${cached.meta.warnings.join('; ')}`);
        return { ...cached.meta, png: cached.png };
      }
      const { vega: compiled, png, width, height, warnings } = await drawForBuild(figure.spec, templateKey(figure));
      if (warnings.length > 0) console.warn(`figure ${name} draws with warnings: ${warnings.join('; ')}`);
      const meta: RenderMeta = { vega: compiled, width, height, warnings };
      writeRender(cacheDir, key, { meta, png });
      renderStats().rendered++;
      return { ...meta, png };
    })();
    renders.set(cacheDir, hit);
  }
  return hit;
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

export function escapeAttr(s: string): string {
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

/** Vega-Lite's CSV parsing for the fields of rows: numbers and booleans by their type, strings as read. */
function csvParse(rows: readonly Row[]): Record<string, 'number' | 'boolean'> {
  const types = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (v === null) continue;
      const seen = types.get(k) ?? new Set<string>();
      seen.add(typeof v);
      types.set(k, seen);
    }
  }
  const parse: Record<string, 'number' | 'boolean'> = {};
  for (const [k, t] of types) if (t.size === 1 && (t.has('number') || t.has('boolean'))) parse[k] = t.has('number') ? 'number' : 'boolean';
  return parse;
}

/** The Vega-Lite spec as a file: the figure's own, reading its data from the CSV beside it. */
export function specReadingCsv(figure: Figure): Record<string, unknown> {
  const { $schema, data: _inline, ...rest } = figure.spec;
  return { $schema, data: { url: `${figure.id}.csv`, format: { type: 'csv', parse: csvParse(figure.rows) } }, ...rest };
}

/**
 * The files of a figure, by extension: the picture, the data, the spec, and the script the live
 * figure is drawn from. SVG and JSON are made in the browser from the live figure
 * (client/figures.ts), so that the site does not carry every figure's data three times.
 */
export const FIGURE_FILES = ['png', 'csv', 'vl.json', 'js'] as const;
export type FigureFile = (typeof FIGURE_FILES)[number];

const templateKeys = new WeakMap<Figure, string>();

/** Key of a figure's template: its Vega-Lite spec without its rows (every run page's figure of one kind shares it). */
export function templateKey(figure: Figure): string {
  let key = templateKeys.get(figure);
  if (key === undefined) {
    key = renderKey({ ...figure.spec, data: null }, 'template').slice(0, 16);
    templateKeys.set(figure, key);
  }
  return key;
}

/** Where a shared template's spec is published (site/client/figures.ts loads it beside a figure's rows). */
export function templatePath(key: string): string {
  return `figure-specs/${key}.js`;
}

const templatesMemo = new WeakMap<readonly Figure[], Map<string, Figure>>();

/** The templates two or more of `figures` are drawn from, each with the first figure drawn from it. */
export function sharedTemplates(figures: readonly Figure[]): Map<string, Figure> {
  let shared = templatesMemo.get(figures);
  if (!shared) {
    const first = new Map<string, Figure>();
    const count = new Map<string, number>();
    for (const f of figures) {
      const key = templateKey(f);
      if (!first.has(key)) first.set(key, f);
      count.set(key, (count.get(key) ?? 0) + 1);
    }
    shared = new Map([...first].filter(([key]) => (count.get(key) ?? 0) >= 2));
    templatesMemo.set(figures, shared);
  }
  return shared;
}

/** A figure's file; for the script, `template` is the first figure of its shared template, if it has one. */
export async function figureFile(figure: Figure, ext: FigureFile, template?: Figure): Promise<{ body: string | Uint8Array<ArrayBuffer>; type: string }> {
  switch (ext) {
    case 'png':
      return { body: (await renderFigure(figure)).png, type: 'image/png' };
    case 'csv':
      return { body: toCsv(figure.rows), type: 'text/csv; charset=utf-8' };
    case 'vl.json':
      return { body: `${JSON.stringify(specReadingCsv(figure), null, 2)}\n`, type: 'application/json' };
    case 'js': {
      const shared = template && { key: templateKey(template), spec: (await renderFigure(template)).vega };
      return { body: liveFigureScript(`${figure.route}/${figure.id}`, (await renderFigure(figure)).vega, shared), type: 'text/javascript; charset=utf-8' };
    }
  }
}

/** The shared spec file of the template `template` (its first figure) is drawn from. */
export async function templateFile(template: Figure): Promise<{ body: string; type: string }> {
  return { body: sharedSpecScript(templateKey(template), (await renderFigure(template)).vega), type: 'text/javascript; charset=utf-8' };
}

/** A figure's phone variant as drawn (figure-narrow.ts): its picture, and the key and file of its live spec without rows. */
export interface NarrowFigure {
  rendered: RenderedFigure;
  /** Key of its compiled spec without rows (equal specs, one file: the run pages' figures share theirs). */
  specKey: string;
  /** Where that spec is published, beside the shared templates; null when its rows are not the wide figure's (the phone then draws the wide figure live). */
  specPath: string | null;
}

const narrowMemo = new WeakMap<Figure, Promise<NarrowFigure | null>>();

/** Names of the compiled spec's inline datasets that hold rows. */
function rowDatasets(vegaSpec: object): string[] {
  const data = (vegaSpec as { data?: Array<{ name?: unknown; values?: unknown }> }).data ?? [];
  return data.filter((d) => Array.isArray(d.values) && d.values.length > 0).map((d) => String(d.name));
}

/**
 * The phone variant of a figure (figure-narrow.ts), or null when the figure already fits a phone
 * (NARROW.maxWidth). Drawn at NARROW.plotWidth; a drawing still wider is drawn again with its plots
 * narrower by the excess (the labels beside a plot do not shrink with it), three times at most.
 */
export function renderNarrow(figure: Figure, cacheDir = figureCacheDir()): Promise<NarrowFigure | null> {
  let hit = narrowMemo.get(figure);
  if (!hit) {
    hit = (async () => {
      const wide = await renderFigure(figure, cacheDir);
      if (wide.width <= NARROW.maxWidth) return null;
      let plotWidth: number = NARROW.plotWidth;
      let rendered = await renderFigure({ ...figure, spec: narrowSpec(figure.spec, plotWidth) }, cacheDir);
      for (let tries = 1; rendered.width > NARROW.maxWidth && tries < 4 && plotWidth > NARROW.minPlotWidth; tries++) {
        plotWidth -= rendered.width - NARROW.maxWidth;
        rendered = await renderFigure({ ...figure, spec: narrowSpec(figure.spec, plotWidth) }, cacheDir);
      }
      const specKey = `n-${renderKey(specShape(rendered.vega), 'narrow').slice(0, 16)}`;
      const wideRows = new Set(rowDatasets(wide.vega));
      const sameRows = rowDatasets(rendered.vega).every((name) => wideRows.has(name));
      return { rendered, specKey, specPath: sameRows ? templatePath(specKey) : null };
    })();
    narrowMemo.set(figure, hit);
  }
  return hit;
}

/** The file of a phone variant's spec without rows (a classic script, as the shared templates'). */
export function narrowSpecFile(narrow: NarrowFigure): string {
  return registrationScript(FIGURE_SPEC_GLOBAL, narrow.specKey, specShape(narrow.rendered.vega));
}
