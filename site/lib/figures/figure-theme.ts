// The figures' dark look, for the browser: a compiled Vega spec drawn in the dark theme takes its
// colours from here (client/figures.ts). No imports, so that the browser bundle stays small.

/** The page colours of the dark theme (site.css :root[data-theme='dark']): a figure is never brighter than its page. */
export const DARK = { background: '#161b22', text: '#e6edf3', muted: '#9aa5b1', grid: '#30363d', domain: '#6e7681' } as const;

/**
 * The dark look as a Vega (not Vega-Lite) config, merged into a compiled spec's config: compiled
 * specs keep their axis, legend and header text styles in `config.style`, and marks without an
 * explicit colour take it from the mark config.
 */
export const DARK_VEGA_CONFIG = {
  background: DARK.background,
  axis: { labelColor: DARK.text, titleColor: DARK.text, gridColor: DARK.grid, domainColor: DARK.domain, tickColor: DARK.domain },
  legend: { labelColor: DARK.text, titleColor: DARK.text },
  title: { color: DARK.text, subtitleColor: DARK.muted },
  text: { fill: DARK.text },
  style: {
    'guide-label': { fill: DARK.text },
    'guide-title': { fill: DARK.text },
    'group-title': { fill: DARK.text },
    'group-subtitle': { fill: DARK.muted },
    cell: { stroke: DARK.grid },
  },
} as const;

/** `base` with `over` merged in, objects merged key by key (for config objects). */
export function mergeConfig<T extends Record<string, unknown>>(base: T, over: Readonly<Record<string, unknown>>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? mergeConfig(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out as T;
}

/** A compiled Vega spec in the dark look: its background and its config's colours. */
export function darkSpec<S extends { background?: unknown; config?: unknown }>(spec: S): S {
  return { ...spec, background: DARK.background, config: mergeConfig((spec.config ?? {}) as Record<string, unknown>, DARK_VEGA_CONFIG) };
}
