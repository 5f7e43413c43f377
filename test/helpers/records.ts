// Helpers the tests share about run records.
import type { RunRecord } from '../../data/schemas/run-record.js';

/**
 * A record without what legitimately differs between two executions of the same run: the
 * provenance's timings and resume log, and the pruned network's measured inference speed.
 */
export function timeless(record: RunRecord): unknown {
  const { provenance, pruning, ...rest } = record;
  const { startedAt, endedAt, wallSeconds, trainSeconds, measureSeconds, imagesPerSecond, resumed, ...stable } = provenance;
  return { ...rest, provenance: stable, pruning: pruning && { ...pruning, imagesPerSecond: null } };
}
