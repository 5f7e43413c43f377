// A run's identity: the hash of its canonical resolved configuration. Run records are keyed by
// it (data/<scale>/runs/<hash>.json), so neither the canonical form nor the hash may change.
import { createHash } from 'node:crypto';
import type { RunConfig } from '../data/schemas/run-config.js';

/** JSON with object keys sorted, so equal configurations serialise identically. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

/** The run's identity: 16 hex digits of the SHA-256 of the canonical resolved configuration. */
export function configHash(config: RunConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}
