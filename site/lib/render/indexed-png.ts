// A figure's raster as an 8-bit palette PNG: the palette is exact when the drawing has 256
// colours or fewer (most figures: flat fills, text and their anti-aliased edges on white), else
// its 256 commonest colours, each rarer colour (an anti-aliasing blend) drawn in the nearest of
// them. libimagequant (sharp's palette) searches a palette for every image, which took half of a
// figure's drawing time and was never exact; counting colours and deflating the indices with
// zlib takes a third of that for the same bytes. Build time, Node only.
import { constants, crc32, deflateSync } from 'node:zlib';

export interface IndexedImage {
  width: number;
  height: number;
  /** One palette index per pixel, row by row. */
  indices: Uint8Array;
  /** RGBA of each palette entry, commonest first (ties by colour value, so the bytes are deterministic). */
  palette: Array<[number, number, number, number]>;
  /** Distinct colours in the image; more than 256 means the rarest were drawn in their nearest entry. */
  distinctColours: number;
}

const MAX_ENTRIES = 256;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function rgba(c: number): [number, number, number, number] {
  return [c & 255, (c >>> 8) & 255, (c >>> 16) & 255, c >>> 24];
}

/** Index of the palette entry nearest to `colour` (squared distance over R, G, B and A; the first of equals). */
function nearest(palette: ReadonlyArray<readonly number[]>, colour: readonly number[]): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = 0; i < palette.length; i++) {
    const p = palette[i];
    const d = (p[0] - colour[0]) ** 2 + (p[1] - colour[1]) ** 2 + (p[2] - colour[2]) ** 2 + (p[3] - colour[3]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

/** The palette and per-pixel indices of an RGBA raster (`pixels`: width * height * 4 bytes, non-premultiplied). */
export function indexColours(pixels: Uint8Array, width: number, height: number): IndexedImage {
  const count = width * height;
  if (pixels.length !== count * 4) throw new Error(`indexColours: ${pixels.length} bytes for a ${width}x${height} RGBA image (expected ${count * 4})`);
  // A pixel's colour as one number, R in the low byte: on a little-endian machine that is the bytes read as uint32.
  const aligned = LITTLE_ENDIAN && pixels.byteOffset % 4 === 0;
  const colours = aligned ? new Uint32Array(pixels.buffer, pixels.byteOffset, count) : new Uint32Array(count);
  if (!aligned)
    for (let i = 0, j = 0; i < count; i++, j += 4) colours[i] = (pixels[j] | (pixels[j + 1] << 8) | (pixels[j + 2] << 16) | (pixels[j + 3] << 24)) >>> 0;
  // Open addressing on the colour value; runs of one colour (most of a figure) skip the lookup.
  let bits = 12;
  let size = 1 << bits;
  let keys = new Uint32Array(size);
  let counts = new Uint32Array(size);
  let used = new Uint8Array(size);
  let distinct = 0;
  const slot = (c: number): number => {
    const mask = size - 1;
    // Fibonacci hashing: the product's top bits.
    let h = Math.imul(c, 0x9e3779b1) >>> (32 - bits);
    while (used[h] && keys[h] !== c) h = (h + 1) & mask;
    return h;
  };
  const grow = () => {
    const [oldKeys, oldCounts, oldUsed] = [keys, counts, used];
    bits++;
    size = 1 << bits;
    keys = new Uint32Array(size);
    counts = new Uint32Array(size);
    used = new Uint8Array(size);
    for (let h = 0; h < oldUsed.length; h++) {
      if (!oldUsed[h]) continue;
      const n = slot(oldKeys[h]);
      used[n] = 1;
      keys[n] = oldKeys[h];
      counts[n] = oldCounts[h];
    }
  };
  for (let i = 0; i < count;) {
    const c = colours[i];
    let run = 1;
    while (i + run < count && colours[i + run] === c) run++;
    let h = slot(c);
    if (!used[h]) {
      if (2 * (distinct + 1) > size) {
        grow();
        h = slot(c);
      }
      used[h] = 1;
      keys[h] = c;
      distinct++;
    }
    counts[h] += run;
    i += run;
  }
  const found: number[] = [];
  for (let h = 0; h < size; h++) if (used[h]) found.push(h);
  found.sort((a, b) => counts[b] - counts[a] || keys[a] - keys[b]);
  const palette = found.slice(0, MAX_ENTRIES).map((h) => rgba(keys[h]));
  // Each slot's palette entry, so that the second pass looks a colour up in the same table
  // (typed arrays only: a Map of colours boxes each uint32 above 2^31 and took most of the pass).
  const entryOfSlot = new Uint8Array(size);
  found.forEach((h, i) => {
    entryOfSlot[h] = i < MAX_ENTRIES ? i : nearest(palette, rgba(keys[h]));
  });
  const indices = new Uint8Array(count);
  let previous = colours[0];
  let entry = count > 0 ? entryOfSlot[slot(previous)] : 0;
  for (let i = 0; i < count; i++) {
    const c = colours[i];
    if (c !== previous) {
      entry = entryOfSlot[slot(c)];
      previous = c;
    }
    indices[i] = entry;
  }
  return { width, height, indices, palette, distinctColours: distinct };
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** PNG bytes of an indexed image: colour type 3, bit depth 8, every row unfiltered, deflated by zlib at `level`. */
export function encodeIndexedPng(image: IndexedImage, level = 9): Uint8Array<ArrayBuffer> {
  const { width, height, indices, palette } = image;
  if (palette.length === 0 || palette.length > MAX_ENTRIES) throw new Error(`encodeIndexedPng: a palette of ${palette.length} entries (1 to ${MAX_ENTRIES})`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // bit depth 8, palette, deflate, no filter method beyond the standard, no interlace
  const rows = new Uint8Array(height * (width + 1)); // each row: filter type 0 (none), then its indices
  for (let y = 0; y < height; y++) rows.set(indices.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', Uint8Array.from(palette.flatMap(([r, g, b]) => [r, g, b]))),
  ];
  // Transparency only when an entry is not opaque; trailing opaque entries may be left out.
  let lastTranslucent = -1;
  palette.forEach(([, , , a], i) => {
    if (a !== 255) lastTranslucent = i;
  });
  if (lastTranslucent >= 0) parts.push(chunk('tRNS', Uint8Array.from(palette.slice(0, lastTranslucent + 1).map(([, , , a]) => a))));
  parts.push(chunk('IDAT', deflateSync(rows, { level, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY })), chunk('IEND', new Uint8Array(0)));
  const png = Buffer.concat(parts);
  return new Uint8Array(png.buffer.slice(png.byteOffset, png.byteOffset + png.length)) as Uint8Array<ArrayBuffer>;
}
