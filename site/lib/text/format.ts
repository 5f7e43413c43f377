// How numbers and times read on the site. Pure.
import { duration } from '../../../data/duration.js';

export { duration };

/** 0.312 -> "31.2 %". */
export function percent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return `${(x * 100).toFixed(digits)} %`;
}

/** A difference of fractions in percentage points, signed: 0.05 -> "+5.0 pts". */
export function points(d: number | null | undefined, digits = 1): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return 'n/a';
  const v = d * 100;
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)} pts`;
}

/** Mean ± sd of fractions as percentages: "31.2 ± 2.0 %". */
export function percentSpread(meanValue: number, sdValue: number, digits = 1): string {
  return `${(meanValue * 100).toFixed(digits)} ± ${(sdValue * 100).toFixed(digits)} %`;
}

export function ratio(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return `${x.toFixed(digits)}×`;
}

export function number(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toLocaleString('en-US');
}

export function integer(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return Math.round(x).toLocaleString('en-US');
}

/** Seeds as a compact list: [0,1,2,5] -> "0–2, 5". */
export function seedList(seeds: readonly number[]): string {
  if (seeds.length === 0) return 'none';
  const sorted = [...new Set(seeds)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0];
  let prev = sorted[0];
  for (const s of [...sorted.slice(1), Number.NaN]) {
    if (s === prev + 1) {
      prev = s;
      continue;
    }
    parts.push(start === prev ? `${start}` : prev === start + 1 ? `${start}, ${prev}` : `${start}–${prev}`);
    start = s;
    prev = s;
  }
  return parts.join(', ');
}

/** A configuration value as text: exact numbers (no rounding), lists in brackets, null as null. */
export function configValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'n/a';
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.every((x) => x === null || typeof x !== 'object') ? `[${v.map(configValue).join(', ')}]` : JSON.stringify(v);
  return JSON.stringify(v);
}

export interface ConfigSection {
  /** Top-level field of the configuration ("" for top-level values that are not objects). */
  name: string;
  /** Leaf fields under it, as dotted paths relative to the section, and their values as text. */
  rows: Array<{ key: string; value: string }>;
}

/** The usual reading order of a run configuration's sections; any other follows alphabetically. */
const SECTION_ORDER = ['data', 'model', 'optimizer', 'regularization', 'schedule', 'training', 'measure', 'thresholds'];

/** Every leaf of a (nested) configuration, grouped by its top-level field: the run page's table. */
export function configSections(config: Record<string, unknown>): ConfigSection[] {
  const rank = (k: string) => (SECTION_ORDER.includes(k) ? SECTION_ORDER.indexOf(k) : SECTION_ORDER.length);
  const keys = Object.keys(config).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const leaves = (value: Record<string, unknown>, prefix: string): ConfigSection['rows'] =>
    Object.keys(value)
      .sort()
      .flatMap((k) => {
        const v = value[k];
        const key = prefix ? `${prefix}.${k}` : k;
        if (isObject(v) && Object.keys(v).length > 0) return leaves(v, key);
        return [{ key, value: isObject(v) ? '{}' : configValue(v) }];
      });
  const loose = keys.filter((k) => !isObject(config[k]));
  const sections: ConfigSection[] = keys.filter((k) => isObject(config[k])).map((k) => ({ name: k, rows: leaves(config[k] as Record<string, unknown>, '') }));
  if (loose.length > 0) sections.unshift({ name: '', rows: loose.map((k) => ({ key: k, value: configValue(config[k]) })) });
  return sections;
}

/** Seconds as a duration with the exact count when the short form rounds: "3.5 min (212.4 s)". */
export function durationExact(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  const short = duration(seconds);
  return seconds < 90 ? `${Number(seconds.toFixed(1))} s` : `${short} (${Number(seconds.toFixed(1)).toLocaleString('en-US')} s)`;
}

/** "60,000 training images, 5.3 epochs (10,000 iterations of batch 32)". */
export function trainingLengthText(t: { trainImages: number; iterations: number; batchSize: number; epochs: number }): string {
  return `${integer(t.trainImages)} training images, ${t.epochs.toLocaleString('en', { maximumFractionDigits: 1 })} epochs (${integer(t.iterations)} iterations of batch ${t.batchSize})`;
}
