// Where a scale's files live under the results folder, and what state a run's record is in.
// Records are written by the engine only; the pipeline reads them.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../data/schemas/run-config.js';
import { configHash } from '../experiments/config-hash.js';
import { readRunRecord } from '../experiments/record-file.js';
import type { RunRecord } from '../data/schemas/run-record.js';
import type { Scale } from '../data/schemas/datasets.js';

export function scaleDir(root: string, scale: Scale): string {
  return join(root, scale);
}
export function runsDir(root: string, scale: Scale): string {
  return join(root, scale, 'runs');
}
export function recordPath(root: string, scale: Scale, hash: string): string {
  return join(runsDir(root, scale), `${hash}.json`);
}
export function locksDir(root: string, scale: Scale): string {
  return join(root, scale, 'locks');
}
export function datasetsDir(root: string, scale: Scale): string {
  return join(root, scale, 'datasets');
}

export type RunState = { kind: 'complete' | 'diverged' | 'failed'; record: RunRecord } | { kind: 'missing' } | { kind: 'corrupt'; reason: string };

/**
 * The state of the run `hash`: a valid record's status, missing, or corrupt (unreadable, not
 * matching the schema, or holding another configuration than its file name says). Corrupt
 * records are redone: the engine replaces them atomically.
 */
export function runState(root: string, scale: Scale, hash: string): RunState {
  const path = recordPath(root, scale, hash);
  if (!existsSync(path)) return { kind: 'missing' };
  try {
    const record = readRunRecord(path);
    const problem = identityProblem(record, hash);
    if (problem) return { kind: 'corrupt', reason: `${path}: ${problem}` };
    return { kind: record.status, record };
  } catch (error) {
    return { kind: 'corrupt', reason: (error as Error).message };
  }
}

/** Why a valid record cannot be the run `hash` (null when it is). */
export function identityProblem(record: RunRecord, hash: string): string | null {
  if (record.id !== hash) return `record id ${record.id} differs from its file name ${hash}`;
  const actual = configHash(record.config as RunConfig);
  if (actual !== hash) return `record's configuration hashes to ${actual}, not ${hash}`;
  return null;
}

/** A record's file name: `<hash>.json` (a run's snapshot, `<hash>.snapshot.json`, sits beside it). */
export const RECORD_FILE = /^[0-9a-f]{16}\.json$/;

/** Every `<hash>.json` of a scale's runs folder, sorted. */
export function recordFiles(root: string, scale: Scale): string[] {
  const dir = runsDir(root, scale);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => RECORD_FILE.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** A run is settled (not trained again) when its record is complete or diverged, or failed unless retrying. */
export function isSettled(state: RunState, retryFailed: boolean): boolean {
  return state.kind === 'complete' || state.kind === 'diverged' || (state.kind === 'failed' && !retryFailed);
}
