// Draws a figure's Vega-Lite spec as its static picture: compiled to Vega, the headless vega
// View's SVG, rasterised at twice its size by resvg and encoded as a palette PNG (indexed-png.ts). It runs in the build's
// render workers (render-pool.ts) as well as in-thread (tests, SITE_RENDER_WORKERS=0), so it
// imports nothing from the site but the libraries. Build time, Node only.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { encodeIndexedPng, indexColours } from './indexed-png.js';
import { chooseRasteriser, type ResvgRenderOptions } from './svg-raster.js';

/**
 * How the picture is made: a change of these, or of a renderer's version, renders every figure
 * again (the render cache's key holds `pictureRenderer()`). Twice the drawing's size, in a palette
 * of at most 256 colours (exact for most figures: indexed-png.ts) deflated at zlib level 7: 14.7 KB
 * a figure of the full study. Level 9 made them 10 % smaller (13.2 KB; the site 57.2 against
 * 58.9 MB) but took 18-22 ms a figure against 4, a quarter of a cold build's CPU; level 6 saved
 * no time more. Full colours take 2.3x the bytes (38 KB against 16 KB a run figure), which the
 * full study's 60 MB site budget cannot carry.
 */
export const PICTURE = { zoom: 2, palette: 'commonest 256 colours, the rest to the nearest', deflateLevel: 7 } as const;

export interface Picture {
  /** The compiled Vega spec (the browser draws the live figure from it). */
  vega: object;
  /** Size of the drawing in CSS pixels, as the SVG root states it. */
  width: number;
  height: number;
  png: Uint8Array<ArrayBuffer>;
  /** vega-lite's and vega's warnings (a figure that draws with warnings is a bug to fix). */
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

/** The figure as SVG, drawn by a headless vega View; vega's warnings are added to `warnings`. */
export async function renderSvg(vegaSpec: object, warnings: string[] = []): Promise<string> {
  const view = new vega.View(vega.parse(vegaSpec as vega.Spec), { renderer: 'none', logger: collectingLogger(warnings) as never });
  view.logLevel(vega.Warn);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Size of the drawing in CSS pixels, as the SVG root states it. */
function svgSize(svg: string): { width: number; height: number } {
  const root = /^<svg[^>]*>/.exec(svg)?.[0] ?? '';
  const num = (name: string) => Number(new RegExp(`\\s${name}="(\\d+(?:\\.\\d+)?)"`).exec(root)?.[1] ?? Number.NaN);
  return { width: num('width'), height: num('height') };
}

/**
 * The fonts the pictures' text is drawn in: Liberation Sans (Debian's fonts-liberation, which
 * pipeline/setup.sh installs), metrically Arial, the sans-serif the figures name, so that every
 * machine draws the same picture; without it, the system's fonts. Loading two files instead of
 * every system font also takes a seventh of a picture's time.
 */
const LIBERATION = ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'];
export function pictureFonts(files: readonly string[] = LIBERATION): NonNullable<ResvgRenderOptions['font']> {
  return files.every((f) => existsSync(f))
    ? { loadSystemFonts: false, fontFiles: [...files], defaultFontFamily: 'Liberation Sans', sansSerifFamily: 'Liberation Sans' }
    : { loadSystemFonts: true };
}
const FONTS = pictureFonts();
/** resvg: the 2.7 alpha where it is installed, else the stable package (svg-raster.ts). */
const RASTERISER = chooseRasteriser();
/** How resvg draws a picture: `PICTURE.zoom` times the drawing's size, text in `FONTS`. */
export const RASTER_OPTIONS: ResvgRenderOptions = { fitTo: { mode: 'zoom', value: PICTURE.zoom }, font: FONTS };

/**
 * resvg-js (2.6, and the 2.7 alpha) keeps each picture's raster and pixel copy (~5 MB a run figure at zoom 2) in
 * memory V8 does not count, freed by finalizers once the garbage collector has found their objects
 * dead and the thread is back in its event loop (render-pool.ts: `atomics: 'disabled'`). A render
 * worker's heap is so small that it seldom collects: every COLLECT_EVERY pictures a thread runs a
 * minor collection (the objects die young; a full one every 16 pictures cost a quarter of a
 * figure's time). The pool drawing 300 run figures kept 7.6 MB a figure before, 1.2 MB after.
 */
export const COLLECT_EVERY = 16;
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
let sinceCollection = 0;

/** The SVG rasterised (resvg, `FONTS`) at `PICTURE.zoom` times its size, as a palette PNG. */
export async function svgToPng(svg: string): Promise<Uint8Array<ArrayBuffer>> {
  const image = RASTERISER.rasterise(svg, RASTER_OPTIONS);
  const png = encodeIndexedPng(indexColours(image.pixels, image.width, image.height), PICTURE.deflateLevel);
  if (++sinceCollection >= COLLECT_EVERY) {
    sinceCollection = 0;
    collectGarbage({ type: 'minor' });
  }
  return png;
}

/** The versions a picture depends on, for the render cache's key. */
export function pictureRenderer(): string {
  return JSON.stringify({
    vegaLite: vl.version,
    vega: vega.version,
    resvg: `${RASTERISER.name}@${RASTERISER.version}`,
    zlib: process.versions.zlib,
    picture: PICTURE,
    fonts: FONTS,
    drawing: 'static spec without aria',
  });
}

type SpecNode = Record<string, unknown>;

/** An encode block without its `description` channel (the per-item aria-label). */
function withoutDescriptions(encode: unknown): unknown {
  if (typeof encode !== 'object' || encode === null) return encode;
  return Object.fromEntries(
    Object.entries(encode as SpecNode).map(([set, channels]) => {
      if (typeof channels !== 'object' || channels === null) return [set, channels];
      const { description: _description, ...rest } = channels as SpecNode;
      return [set, rest];
    }),
  );
}

/** A title with aria off (vega titles are a string or an object with `text`). */
function quietTitle(title: unknown): unknown {
  if (typeof title === 'string' || Array.isArray(title)) return { text: title, aria: false };
  return typeof title === 'object' && title !== null ? { ...title, aria: false } : title;
}

/** Marks, axes or legends (and the groups and titles inside them) with aria off and no item descriptions. */
function quiet(items: unknown): unknown {
  if (!Array.isArray(items)) return items;
  return items.map((item: SpecNode) => ({
    ...item,
    aria: false,
    ...(item.encode ? { encode: withoutDescriptions(item.encode) } : {}),
    ...(item.title !== undefined && item.type === 'group' ? { title: quietTitle(item.title) } : {}),
    ...(item.marks ? { marks: quiet(item.marks) } : {}),
    ...(item.axes ? { axes: quiet(item.axes) } : {}),
    ...(item.legends ? { legends: quiet(item.legends) } : {}),
  }));
}

/**
 * The static drawing's spec: the compiled one without accessibility attributes (aria roles and
 * each mark item's description), which draw nothing: an <img> is read by its alt text, and the
 * live figure keeps them.
 */
export function staticSpec(vegaSpec: object): object {
  const spec = vegaSpec as SpecNode;
  return {
    ...spec,
    ...(spec.title !== undefined ? { title: quietTitle(spec.title) } : {}),
    marks: quiet(spec.marks),
    axes: quiet(spec.axes),
    legends: quiet(spec.legends),
  };
}

/**
 * A template's drawer, kept between figures: figures drawn from one template (each run page's
 * five) differ only in their rows, so the spec is compiled and parsed once, and each figure gets a
 * new View of the parsed spec with its own rows. (One View for all would keep the previous
 * figure's size: vega's autosize only resizes a View when its layout changes.) `dataset` is the
 * compiled spec's dataset holding the inline rows.
 */
interface TemplateDrawer {
  compiled: Record<string, unknown>;
  dataset: number;
  compileWarnings: string[];
  runtime: ReturnType<typeof vega.parse>;
}

/** Templates a worker keeps (a run page has five; study figures rarely share one). */
const KEPT_TEMPLATES = 8;
const drawers = new Map<string, TemplateDrawer | null>();
/** Templates seen once: a drawer is made at a template's second figure, so that figures of their own do not push the shared ones out. */
const seen = new Set<string>();

function inlineRows(spec: object): object[] | null {
  const values = (spec as { data?: { values?: unknown } }).data?.values;
  return Array.isArray(values) ? (values as object[]) : null;
}

/** The drawer of `template`, made from this figure; null for a template's first figure, or when its compiled spec does not hold its rows as one inline dataset. */
function templateDrawer(template: string, vegaLiteSpec: object): TemplateDrawer | null {
  if (drawers.has(template)) {
    const kept = drawers.get(template)!;
    drawers.delete(template);
    drawers.set(template, kept);
    return kept;
  }
  if (!seen.has(template)) {
    seen.add(template);
    return null;
  }
  const rows = inlineRows(vegaLiteSpec);
  const { vega: compiled, warnings } = compile(vegaLiteSpec);
  const data = (compiled as { data?: Array<{ values?: unknown; format?: unknown }> }).data ?? [];
  const text = rows && JSON.stringify(rows);
  const dataset = text === null ? -1 : data.findIndex((d) => d.format === undefined && Array.isArray(d.values) && JSON.stringify(d.values) === text);
  const drawer =
    dataset < 0
      ? null
      : { compiled: compiled as Record<string, unknown>, dataset, compileWarnings: warnings, runtime: vega.parse(staticSpec(compiled) as vega.Spec) };
  drawers.set(template, drawer);
  if (drawers.size > KEPT_TEMPLATES) drawers.delete(drawers.keys().next().value!);
  return drawer;
}

/** The figure drawn by its template's drawer: the template's compiled spec with this figure's rows, drawn by a View of the parsed template. */
async function drawFromTemplate(drawer: TemplateDrawer, vegaLiteSpec: object): Promise<Picture> {
  const rows = inlineRows(vegaLiteSpec)!;
  const data = (drawer.compiled.data as Array<Record<string, unknown>>).map((d, i) => (i === drawer.dataset ? { ...d, values: rows } : d));
  const warnings = [...drawer.compileWarnings];
  const view = new vega.View(drawer.runtime, { renderer: 'none', logger: collectingLogger(warnings) as never });
  view.logLevel(vega.Warn);
  try {
    // Copies: vega tags the tuples it ingests, and the compiled spec keeps the rows as given.
    view.data(
      String(data[drawer.dataset].name),
      rows.map((r) => ({ ...r })),
    );
    const svg = await view.toSVG();
    return { vega: { ...drawer.compiled, data }, ...svgSize(svg), png: await svgToPng(svg), warnings };
  } finally {
    view.finalize();
  }
}

/**
 * The compiled spec and static picture of a Vega-Lite spec (what a render worker does for one
 * figure). With `template` (the key of the spec without its rows, render.ts templateKey) a
 * figure drawn from a template this worker has seen reuses its compiled spec and View.
 */
export async function drawPicture(vegaLiteSpec: object, template?: string): Promise<Picture> {
  const drawer = template === undefined ? null : templateDrawer(template, vegaLiteSpec);
  if (drawer) return drawFromTemplate(drawer, vegaLiteSpec);
  const { vega: compiled, warnings } = compile(vegaLiteSpec);
  const svg = await renderSvg(staticSpec(compiled), warnings);
  return { vega: compiled, ...svgSize(svg), png: await svgToPng(svg), warnings };
}

/** The render worker's task (piscina calls the default export with the task's argument). */
export default function renderTask(task: { spec: object; template?: string }): Promise<Picture> {
  return drawPicture(task.spec, task.template);
}
