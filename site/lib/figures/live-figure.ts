// The script a live figure is drawn from: its compiled Vega spec, with each inline dataset packed
// as columns and rows of values (the field names once, not once per row), registered in a global
// the page's script reads. A <script> loads from file:// pages, where fetch() of a file does not.
// Figures drawn from one template (every run page's five) share the spec without its rows: one
// script holds it (sharedSpecScript), each figure's script only its rows.
// Build time; client/packed-values.ts unpacks.
import { SPEC_ROWS, type LiveFigure, type PackedValues } from '../../codec/packed-values.js';

/** Name of the global the figure scripts register into, by "<route>/<figure id>". */
export const FIGURE_GLOBAL = '__sparsityFigures';
/** Name of the global the shared spec scripts register into, by template key. */
export const FIGURE_SPEC_GLOBAL = '__sparsityFigureSpecs';

type Value = PackedValues['rows'][number];

/**
 * Rows of objects as field names and arrays of values; a row with other fields stays an object.
 * A column of strings with far fewer distinct values than rows holds indexes into its distinct values.
 */
export function packValues(values: ReadonlyArray<Record<string, unknown>>): PackedValues {
  const columns: string[] = [];
  for (const v of values.slice(0, 1)) columns.push(...Object.keys(v));
  const same = (v: Record<string, unknown>) => {
    const keys = Object.keys(v);
    return keys.length === columns.length && keys.every((k, i) => k === columns[i]);
  };
  const rows: Value[] = values.map((v) => (same(v) ? columns.map((c) => v[c]) : { ...v }));
  const arrays = rows.filter((r): r is unknown[] => Array.isArray(r));
  const strings: Record<string, string[]> = {};
  columns.forEach((c, i) => {
    if (!arrays.every((r) => typeof r[i] === 'string')) return;
    const distinct = [...new Set(arrays.map((r) => r[i] as string))];
    if (distinct.length * 4 > arrays.length) return;
    const index = new Map(distinct.map((s, k) => [s, k]));
    for (const r of arrays) r[i] = index.get(r[i] as string);
    strings[c] = distinct;
  });
  return Object.keys(strings).length > 0 ? { packed: 'columns', columns, rows, strings } : { packed: 'columns', columns, rows };
}

function isRows(values: unknown): values is Array<Record<string, unknown>> {
  return Array.isArray(values) && values.length > 0 && values.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
}

/** The compiled spec with each dataset's inline rows packed. */
export function packSpec(spec: object): object {
  const data = (spec as { data?: unknown }).data;
  if (!Array.isArray(data)) return spec;
  return { ...spec, data: data.map((d: Record<string, unknown>) => (isRows(d.values) ? { ...d, values: packValues(d.values) } : d)) };
}

/** The compiled spec without its rows: each inline dataset's values replaced by a marker. */
export function specShape(spec: object): object {
  const data = (spec as { data?: unknown }).data;
  if (!Array.isArray(data)) return spec;
  return { ...spec, data: data.map((d: Record<string, unknown>) => (isRows(d.values) ? { ...d, values: SPEC_ROWS } : d)) };
}

/** The rows of each inline dataset of the compiled spec, packed, by dataset name. */
function specRows(spec: object): Record<string, PackedValues> {
  const data = (spec as { data?: unknown }).data;
  if (!Array.isArray(data)) return {};
  return Object.fromEntries(
    data
      .filter((d: Record<string, unknown>) => isRows(d.values))
      .map((d: Record<string, unknown>) => [String(d.name), packValues(d.values as Array<Record<string, unknown>>)]),
  );
}

/** A classic script adding `value` under `key` to the window's registry `global` (JSON safe inside <script>). */
export function registrationScript(global: string, key: string, value: unknown): string {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `(window.${global}=window.${global}||{})[${JSON.stringify(key)}]=${json};\n`;
}

/**
 * The file: a classic script adding the figure to the global registry under `key`. With `shared`
 * (a template's key and its compiled spec as drawn for another figure) the script holds only the
 * rows, when the figure's spec without them is the template's; otherwise the whole packed spec.
 */
export function liveFigureScript(key: string, spec: object, shared?: { key: string; spec: object }): string {
  const shape = shared && JSON.stringify(specShape(spec)) === shapeText(shared.spec);
  const entry: LiveFigure = shape ? { template: shared.key, rows: specRows(spec) } : (packSpec(spec) as LiveFigure);
  return registrationScript(FIGURE_GLOBAL, key, entry);
}

const shapeTexts = new WeakMap<object, string>();

/** A template's spec without rows as text, once per spec (every figure of the template is compared with it). */
function shapeText(spec: object): string {
  let text = shapeTexts.get(spec);
  if (text === undefined) {
    text = JSON.stringify(specShape(spec));
    shapeTexts.set(spec, text);
  }
  return text;
}

/** The shared file of a template: a classic script adding its spec without rows under `key`. */
export function sharedSpecScript(key: string, spec: object): string {
  return registrationScript(FIGURE_SPEC_GLOBAL, key, specShape(spec));
}
