// Dataset files written byte by byte for the loaders' tests: IDX (the Fashion-MNIST format) and
// CIFAR's binary records.

/** The IDX magic number of unsigned-byte images (3 dimensions) and of unsigned-byte labels (1). */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

/** An IDX image file: the magic number (another to test its check), count, rows, columns, then the pixels. */
export function idxImages(count: number, rows: number, cols: number, pixels: readonly number[], magic = IDX_IMAGES_MAGIC): Buffer {
  const buf = Buffer.alloc(16 + pixels.length);
  buf.writeUInt32BE(magic, 0);
  buf.writeUInt32BE(count, 4);
  buf.writeUInt32BE(rows, 8);
  buf.writeUInt32BE(cols, 12);
  Buffer.from(pixels).copy(buf, 16);
  return buf;
}

/** An IDX label file: the magic number, the count, then one byte a label. */
export function idxLabels(labels: readonly number[], magic = IDX_LABELS_MAGIC): Buffer {
  const buf = Buffer.alloc(8 + labels.length);
  buf.writeUInt32BE(magic, 0);
  buf.writeUInt32BE(labels.length, 4);
  Buffer.from(labels).copy(buf, 8);
  return buf;
}

/** A CIFAR image's side; each record holds its R, G and B planes of SIDE x SIDE bytes. */
export const CIFAR_SIDE = 32;
export const CIFAR_PLANE = CIFAR_SIDE * CIFAR_SIDE;

/**
 * One CIFAR binary record: the label byte(s) (one for CIFAR-10, coarse and fine for CIFAR-100),
 * then the R, G, B planes, each row-major, `pixel(c, y, x)` at channel c, row y, column x.
 */
export function cifarRecord(labels: readonly number[], pixel: (c: number, y: number, x: number) => number): Buffer {
  const buf = Buffer.alloc(labels.length + 3 * CIFAR_PLANE);
  labels.forEach((l, i) => (buf[i] = l));
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < CIFAR_SIDE; y++) {
      for (let x = 0; x < CIFAR_SIDE; x++) buf[labels.length + c * CIFAR_PLANE + y * CIFAR_SIDE + x] = pixel(c, y, x);
    }
  }
  return buf;
}
