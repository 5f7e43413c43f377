// The unit of H1 (v2) and H2 (v2): one update rule over its learning-rate range, each learning
// rate a cell of seeds. No learning rate is picked: the rules read the whole range.
export interface RangeCell {
  optimizer: string;
  lr: number;
  /** Final network sparsity by activation, one per seed. */
  sparsities: readonly number[];
  /** The runs behind the seeds (the site links a unit to their comparison); absent where the cell was built by hand. */
  runs?: readonly string[];
}

export const LR_RANGE = {
  /** A range decides only with at least this many learning rates... */
  minRates: 3,
  /** ...spanning at least this factor (largest / smallest)... */
  minSpan: 10,
  /** ...and at least this many seeds at every learning rate. */
  minSeeds: 2,
} as const;

/** Why a range cannot decide, or null when it can. */
export function rangeShortfall(cells: readonly RangeCell[]): 'too-few-rates' | 'too-narrow' | 'too-few-seeds' | null {
  if (cells.length < LR_RANGE.minRates) return 'too-few-rates';
  const lrs = cells.map((c) => c.lr);
  // A relative tolerance: 1e-3 to 1e-2 read from JSON is a span of 10 up to rounding.
  if (Math.max(...lrs) / Math.min(...lrs) < LR_RANGE.minSpan * (1 - 1e-9)) return 'too-narrow';
  if (cells.some((c) => c.sparsities.length < LR_RANGE.minSeeds)) return 'too-few-seeds';
  return null;
}

/** The cells of one optimizer, by learning rate. */
export function rangeOf(cells: readonly RangeCell[], optimizer: string): RangeCell[] {
  return cells.filter((c) => c.optimizer === optimizer).sort((a, b) => a.lr - b.lr);
}
