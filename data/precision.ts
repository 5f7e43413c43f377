// The precision of the records and the datasets built from them: every measured number is kept
// to 6 significant digits (float32 carries about 7), so that a record does not depend on the last
// bits a machine's summation order leaves, and two records can be compared as text.

/** Rounds to 6 significant digits: the records' precision. */
export function round6(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(6));
}
