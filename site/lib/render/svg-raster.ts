// The rasteriser of the figures' pictures: resvg. resvg-js 2.7.0-alpha.2 draws the same pixels as
// the stable 2.6.2 (all 1,039 pictures of the full study byte-identical, and test/site/svg-raster
// checks a set of figures each run) in 15-20 % less time, but it is published for linux-x64 (gnu,
// musl) only: its linux-x64-gnu binding is an optional dependency under an alias
// (`resvg-next-linux-x64-gnu`), which npm installs on that platform alone, and every other
// machine draws with the stable package. Build time, Node only.
import { createRequire } from 'node:module';
import { Resvg as StableResvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import stablePackage from '@resvg/resvg-js/package.json' with { type: 'json' };

export type { ResvgRenderOptions };

/** A raster: RGBA bytes, row by row. */
export interface Raster {
  pixels: Uint8Array;
  width: number;
  height: number;
}

export interface Rasteriser {
  /** The package that draws, and its version (the render cache's key holds both). */
  name: string;
  version: string;
  rasterise(svg: string, options: ResvgRenderOptions): Raster;
}

/** The alpha's binding, as the alias names it; it takes its options as JSON (the stable package's index.js does the same). */
export const NEXT_BINDING = 'resvg-next-linux-x64-gnu';

export const STABLE: Rasteriser = {
  name: '@resvg/resvg-js',
  version: stablePackage.version,
  rasterise: (svg, options) => new StableResvg(svg, options).render(),
};

interface Binding {
  Resvg: new (svg: string, options: string) => { render(): Raster };
}

/** The 2.7 alpha's binding, or null where it is not installed or does not load (other platforms). */
export function nextRasteriser(): Rasteriser | null {
  const require = createRequire(import.meta.url);
  try {
    const binding = require(NEXT_BINDING) as Binding;
    const { name, version } = require(`${NEXT_BINDING}/package.json`) as { name: string; version: string };
    return { name, version, rasterise: (svg, options) => new binding.Resvg(svg, JSON.stringify(options)).render() };
  } catch {
    return null;
  }
}

/**
 * The rasteriser a build uses: the alpha where it loads, unless SITE_RESVG=stable (for comparing
 * the two); SITE_RESVG=next insists on the alpha and fails where it is missing.
 */
export function chooseRasteriser(env: Record<string, string | undefined> = process.env): Rasteriser {
  const wanted = env.SITE_RESVG ?? '';
  if (wanted === 'stable') return STABLE;
  if (wanted !== '' && wanted !== 'next') throw new Error(`SITE_RESVG must be 'stable' or 'next' (or unset: the faster where installed), not '${wanted}'`);
  const next = nextRasteriser();
  if (next) return next;
  if (wanted === 'next')
    throw new Error(`SITE_RESVG=next, but ${NEXT_BINDING} is not installed or does not load here (it exists for linux-x64 with glibc only; run npm ci)`);
  return STABLE;
}
