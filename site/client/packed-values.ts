// Browser: unpacks the datasets of a live figure's script (site/lib/live-figure.ts packs them:
// field names once, then one array of values per row).

export interface PackedValues {
  packed: 'columns';
  columns: string[];
  /** One array of values per row in the order of `columns`; a row with other fields is an object. */
  rows: Array<unknown[] | Record<string, unknown>>;
}

function isPacked(values: unknown): values is PackedValues {
  return values !== null && typeof values === 'object' && (values as { packed?: unknown }).packed === 'columns';
}

export function unpackValues(values: PackedValues): Array<Record<string, unknown>> {
  return values.rows.map((row) => (Array.isArray(row) ? Object.fromEntries(values.columns.map((c, i) => [c, row[i]])) : row));
}

/** The compiled spec with every packed dataset back to rows of objects. */
export function unpackSpec<S extends object>(spec: S): S {
  const data = (spec as { data?: unknown }).data;
  if (!Array.isArray(data)) return spec;
  return { ...spec, data: data.map((d: Record<string, unknown>) => (isPacked(d.values) ? { ...d, values: unpackValues(d.values) } : d)) };
}
