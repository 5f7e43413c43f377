// The live figures' codec, shared by the build and the browser: site/lib/figures/live-figure.ts packs a
// figure's datasets (field names once, then one array of values per row) and site/client unpacks them
// (this module), and puts a figure's rows back into the spec of the template it shares with others.

export interface PackedValues {
  packed: 'columns';
  columns: string[];
  /** One array of values per row in the order of `columns`; a row with other fields is an object. */
  rows: Array<unknown[] | Record<string, unknown>>;
  /**
   * Columns whose values are a few strings repeated (a series or criterion name on every row):
   * their distinct values, which the arrays of `rows` hold by index.
   */
  strings?: Record<string, string[]>;
}

function isPacked(values: unknown): values is PackedValues {
  return values !== null && typeof values === 'object' && (values as { packed?: unknown }).packed === 'columns';
}

export function unpackValues(values: PackedValues): Array<Record<string, unknown>> {
  const strings = values.columns.map((c) => values.strings?.[c]);
  const value = (row: unknown[], i: number) => {
    const dictionary = strings[i];
    return dictionary && typeof row[i] === 'number' ? dictionary[row[i] as number] : row[i];
  };
  return values.rows.map((row) => (Array.isArray(row) ? Object.fromEntries(values.columns.map((c, i) => [c, value(row, i)])) : row));
}

/** The compiled spec with every packed dataset back to rows of objects. */
export function unpackSpec<S extends object>(spec: S): S {
  const data = (spec as { data?: unknown }).data;
  if (!Array.isArray(data)) return spec;
  return { ...spec, data: data.map((d: Record<string, unknown>) => (isPacked(d.values) ? { ...d, values: unpackValues(d.values) } : d)) };
}

/** Marks, in a template's spec, the datasets whose rows each figure's script holds. */
export const SPEC_ROWS = '@rows';

/** What a figure's script registers: its whole (packed) spec, or the rows of a shared template's spec. */
export type LiveFigure = { template: string; rows: Record<string, PackedValues> } | { template?: undefined; data?: unknown };

/** The figure's spec: the template's with the figure's rows in place of its markers, packed as the figure's script holds them. */
export function fillTemplate<S extends object>(template: S, rows: Record<string, PackedValues>): S {
  const data = (template as { data?: unknown }).data;
  if (!Array.isArray(data)) return template;
  return {
    ...template,
    data: data.map((d: Record<string, unknown>) => {
      if (d.values !== SPEC_ROWS) return d;
      const values = rows[String(d.name)];
      if (!values) throw new Error(`the figure's script has no rows for dataset ${String(d.name)} of its template`);
      return { ...d, values };
    }),
  };
}
