// Draws a figure's Vega-Lite spec as its static picture: compiled to Vega, the headless vega
// View's SVG, rasterised at twice its size by resvg and encoded as PNG by sharp. It runs in the build's
// render workers (render-pool.ts) as well as in-thread (tests, SITE_RENDER_WORKERS=0), so it
// imports nothing from the site but the libraries. Build time, Node only.
import { Resvg } from '@resvg/resvg-js';
import resvgPackage from '@resvg/resvg-js/package.json' with { type: 'json' };
import sharp from 'sharp';
import * as vega from 'vega';
import * as vl from 'vega-lite';

/**
 * How the picture is made: a change of these, or of a renderer's version, renders every figure
 * again (the render cache's key holds `pictureRenderer()`). Twice the drawing's size, in a palette
 * (libimagequant at its fastest search, effort 1) at PNG compression 9. Full colours at
 * compression 6 encode in a quarter of the time but take 2.3x the bytes (38 KB against 16 KB a
 * run figure), which the full study's 60 MB site budget cannot carry.
 */
export const PICTURE = { zoom: 2, palette: true, effort: 1, compressionLevel: 9 } as const;

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

/** The SVG rasterised (resvg, system fonts) at `PICTURE.zoom` times its size, as PNG. */
export async function svgToPng(svg: string): Promise<Uint8Array<ArrayBuffer>> {
  const image = new Resvg(svg, { fitTo: { mode: 'zoom', value: PICTURE.zoom }, font: { loadSystemFonts: true } }).render();
  const png = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 4 } })
    .png({ palette: PICTURE.palette, effort: PICTURE.effort, compressionLevel: PICTURE.compressionLevel })
    .toBuffer();
  return new Uint8Array(png);
}

/** The versions a picture depends on, for the render cache's key. */
export function pictureRenderer(): string {
  return JSON.stringify({ vegaLite: vl.version, vega: vega.version, resvg: resvgPackage.version, sharp: sharp.versions.sharp, picture: PICTURE });
}

/** The compiled spec and static picture of a Vega-Lite spec (what a render worker does for one figure). */
export async function drawPicture(vegaLiteSpec: object): Promise<Picture> {
  const { vega: compiled, warnings } = compile(vegaLiteSpec);
  const svg = await renderSvg(compiled, warnings);
  return { vega: compiled, ...svgSize(svg), png: await svgToPng(svg), warnings };
}

/** The render worker's task (piscina calls the default export with the task's argument). */
export default function renderTask(task: { spec: object }): Promise<Picture> {
  return drawPicture(task.spec);
}
