// The figures' palette PNGs, decoded by another decoder (sharp's libvips/libspng): exact when the
// image has 256 colours or fewer, the 256 commonest colours and the nearest of them otherwise,
// transparency kept, the same bytes every time; and a real figure's picture is its raster.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { compile, RASTER_OPTIONS, renderSvg, staticSpec, svgToPng } from '../../../../site/lib/render/figure-picture.js';
import { encodeIndexedPng, indexColours } from '../../../../site/lib/render/indexed-png.js';
import { STABLE } from '../../../../site/lib/render/svg-raster.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';

async function decode(png: Uint8Array): Promise<{ pixels: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(Buffer.from(png)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { pixels: new Uint8Array(data), width: info.width, height: info.height };
}

function image(width: number, height: number, colourAt: (i: number) => [number, number, number, number]): Uint8Array {
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) pixels.set(colourAt(i), i * 4);
  return pixels;
}

const chunkTypes = (png: Uint8Array) => {
  const types: string[] = [];
  for (let at = 8; at < png.length;) {
    const length = Buffer.from(png).readUInt32BE(at);
    types.push(Buffer.from(png.subarray(at + 4, at + 8)).toString('latin1'));
    at += 12 + length;
  }
  return types;
};

describe('palette PNGs', () => {
  it('keep an image of a few colours exactly, commonest colour first, with its transparency', async () => {
    const white: [number, number, number, number] = [255, 255, 255, 255];
    const blue: [number, number, number, number] = [31, 111, 178, 255];
    const halfRed: [number, number, number, number] = [200, 30, 30, 128];
    // 4x3: seven white, three blue, two half-transparent red.
    const layout = [white, white, blue, white, white, blue, halfRed, white, white, blue, halfRed, white];
    const pixels = image(4, 3, (i) => layout[i]);
    const indexed = indexColours(pixels, 4, 3);
    expect(indexed.palette).toEqual([white, blue, halfRed]);
    expect(indexed.distinctColours).toBe(3);
    expect([...indexed.indices]).toEqual([0, 0, 1, 0, 0, 1, 2, 0, 0, 1, 2, 0]);
    const png = encodeIndexedPng(indexed);
    expect(chunkTypes(png)).toEqual(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);
    const decoded = await decode(png);
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 4, height: 3 });
    expect(Buffer.from(decoded.pixels).equals(Buffer.from(pixels))).toBe(true);
  });

  it('write no transparency chunk for an opaque image, and the same bytes every time', () => {
    const pixels = image(16, 16, (i) => [i % 7, 0, (i * 3) % 5, 255]);
    const png = encodeIndexedPng(indexColours(pixels, 16, 16));
    expect(chunkTypes(png)).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    expect(Buffer.from(encodeIndexedPng(indexColours(pixels, 16, 16))).equals(Buffer.from(png))).toBe(true);
    // The same pixels at an offset that is not a multiple of 4 (read byte by byte) give the same bytes.
    const shifted = new Uint8Array(pixels.length + 1).fill(7);
    shifted.set(pixels, 1);
    expect(Buffer.from(encodeIndexedPng(indexColours(shifted.subarray(1), 16, 16))).equals(Buffer.from(png))).toBe(true);
  });

  it('keep the 256 commonest of 300 colours and draw each rarer one in its nearest', async () => {
    // Colour k (0..299) on 300 - k pixels (so commonness falls with k), grey levels k / 300 * 255 on two channels.
    const colourOf = (k: number): [number, number, number, number] => [k % 256, Math.floor(k / 2), 255 - (k % 256), 255];
    const layout: number[] = [];
    for (let k = 0; k < 300; k++) for (let n = 0; n < 300 - k; n++) layout.push(k);
    const width = 301;
    const height = layout.length / width;
    expect(Number.isInteger(height)).toBe(true);
    const pixels = image(width, height, (i) => colourOf(layout[i]));
    const indexed = indexColours(pixels, width, height);
    expect(indexed.distinctColours).toBe(300);
    expect(indexed.palette).toEqual(Array.from({ length: 256 }, (_, k) => colourOf(k)));
    const decoded = await decode(encodeIndexedPng(indexed));
    const distance = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, c) => s + (v - b[c]) ** 2, 0);
    for (let i = 0; i < layout.length; i++) {
      const k = layout[i];
      const got = [...decoded.pixels.subarray(i * 4, i * 4 + 4)];
      if (k < 256) {
        expect(got).toEqual(colourOf(k));
      } else {
        const best = Math.min(...indexed.palette.map((p) => distance(p, colourOf(k))));
        expect(distance(got, colourOf(k)), `colour ${k}`).toBe(best);
      }
    }
  });

  it('say what is wrong with a raster of the wrong size', () => {
    expect(() => indexColours(new Uint8Array(10), 2, 2)).toThrow(/10 bytes for a 2x2 RGBA image \(expected 16\)/);
  });

  it('give a figure a picture whose pixels are its raster, exactly when it has 256 colours or fewer', async () => {
    const site = buildSite(syntheticDatasets(), { scale: 'quick', folder: '/tmp/x', missingReason: null });
    const figures = site.runPages.filter((r) => r.run.status === 'complete')[0].figures;
    let exact = 0;
    for (const figure of figures) {
      const svg = await renderSvg(staticSpec(compile(figure.spec).vega));
      const raster = STABLE.rasterise(svg, RASTER_OPTIONS);
      const decoded = await decode(await svgToPng(svg));
      expect({ width: decoded.width, height: decoded.height }).toEqual({ width: raster.width, height: raster.height });
      if (indexColours(raster.pixels, raster.width, raster.height).distinctColours <= 256) {
        expect(Buffer.from(decoded.pixels).equals(Buffer.from(raster.pixels)), figure.id).toBe(true);
        exact++;
      }
    }
    expect(exact).toBeGreaterThan(0);
  }, 120_000);
});
