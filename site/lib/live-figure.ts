// The script a live figure is drawn from: its compiled Vega spec, with each inline dataset packed
// as columns and rows of values (the field names once, not once per row), registered in a global
// the page's script reads. A <script> loads from file:// pages, where fetch() of a file does not.
// Build time; client/packed-values.ts unpacks.
import type { PackedValues } from '../client/packed-values.js';

/** Name of the global the figure scripts register into, by "<route>/<figure id>". */
export const FIGURE_GLOBAL = '__sparsityFigures';

type Value = PackedValues['rows'][number];

/** Rows of objects as field names and arrays of values; a row with other fields stays an object. */
export function packValues(values: ReadonlyArray<Record<string, unknown>>): PackedValues {
  const columns: string[] = [];
  for (const v of values.slice(0, 1)) columns.push(...Object.keys(v));
  const same = (v: Record<string, unknown>) => {
    const keys = Object.keys(v);
    return keys.length === columns.length && keys.every((k, i) => k === columns[i]);
  };
  const rows: Value[] = values.map((v) => (same(v) ? columns.map((c) => v[c]) : { ...v }));
  return { packed: 'columns', columns, rows };
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

/** The file: a classic script adding the packed spec to the global registry under `key`. */
export function liveFigureScript(key: string, spec: object): string {
  const json = JSON.stringify(packSpec(spec)).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `(window.${FIGURE_GLOBAL}=window.${FIGURE_GLOBAL}||{})[${JSON.stringify(key)}]=${json};\n`;
}
