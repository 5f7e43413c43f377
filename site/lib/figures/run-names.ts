// Runs named by what sets them apart: a set of runs is named by the configuration fields on which
// its runs differ ("adam lr 3e-3, seed 0"), not by their hashes, in the compare page's columns
// and legends and in the lists of runs behind a figure. Pure (the browser bundles it).

/** A run's configuration as [dotted path, value as text] (format.ts configSections, run-comparison.ts). */
export type ConfigPairs = ReadonlyArray<readonly [string, string]>;

/** 0.003 as "3e-3", 0.0005 as "5e-4"; other numbers and text as written. */
export function shortNumber(value: string): string {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || x === 0 || Math.abs(x) >= 0.1) return value;
  const [mantissa, exponent] = x.toExponential().split('e');
  return `${Number(Number(mantissa).toPrecision(3))}e${Number(exponent)}`;
}

/**
 * How a differing field is named, in the order names list them: what the network and data are,
 * then the optimizer and its settings, then the seed (after a comma). Regularization's kind and
 * strength are named together ("l2 5e-4", "no reg."); a field not listed is named by its last
 * path segment and value.
 */
const NAMED: ReadonlyArray<{ path: string; name: (value: string) => string }> = [
  { path: 'data.dataset', name: (v) => v },
  { path: 'data.classes', name: (v) => (v === 'null' ? 'all classes' : `${v} classes`) },
  { path: 'data.trainSubset', name: (v) => (v === 'null' ? 'full set' : `${v} images`) },
  { path: 'model.width', name: (v) => `width ${v}` },
  { path: 'model.activation', name: (v) => v },
  { path: 'optimizer.name', name: (v) => v },
  { path: 'regularization', name: (v) => v },
  { path: 'optimizer.lr', name: (v) => `lr ${shortNumber(v)}` },
  { path: 'training.batchSize', name: (v) => `batch ${v}` },
  { path: 'training.iterations', name: (v) => `${v} iterations` },
];
const SEED = 'training.seed';
/** Fields that never name a run: bookkeeping that differs between otherwise equal runs. */
const IGNORED = new Set([
  'measure.checkpointEvery',
  'measure.logEvery',
  'measure.mechanismBatch',
  'measure.testAtCheckpoints',
  'measure.prune',
  'measure.mechanism',
]);

/** The pairs with regularization's kind and strength as one field ("l2 5e-4", "no reg."). */
function withRegularization(config: ConfigPairs): Map<string, string> {
  const fields = new Map(config.map(([k, v]) => [k, v]));
  const kind = fields.get('regularization.kind');
  if (kind !== undefined) {
    const strength = fields.get('regularization.strength');
    fields.set('regularization', kind === 'none' ? 'no reg.' : strength === undefined ? kind : `${kind} ${shortNumber(strength)}`);
    fields.delete('regularization.kind');
    fields.delete('regularization.strength');
  }
  return fields;
}

/**
 * Each run named by the configuration fields on which the runs of `runs` differ ("adam lr 3e-3,
 * seed 0"); a run whose name another shares (they differ only in bookkeeping) gets its id's first
 * six digits after it, and a set whose runs all agree is named by ids ("run 1a2b3c4d").
 */
export function runNames(runs: ReadonlyArray<{ run: string; config: ConfigPairs }>): Map<string, string> {
  const fields = runs.map((r) => withRegularization(r.config));
  const paths = [...new Set(fields.flatMap((f) => [...f.keys()]))];
  const differing = new Set(paths.filter((p) => !IGNORED.has(p) && new Set(fields.map((f) => f.get(p) ?? '')).size > 1));
  // An optimizer's own settings (beta1, rho, momentum...) differ with the optimizer: where each
  // optimizer's runs agree on one, the optimizer's name already says it.
  const impliedByOptimizer = (p: string) => {
    if (!p.startsWith('optimizer.') || p === 'optimizer.lr' || !differing.has('optimizer.name')) return false;
    const values = new Map<string, Set<string>>();
    for (const f of fields) {
      const name = f.get('optimizer.name') ?? '';
      values.set(name, (values.get(name) ?? new Set()).add(f.get(p) ?? ''));
    }
    return [...values.values()].every((v) => v.size === 1);
  };
  const others = [...differing].filter((p) => p !== SEED && !NAMED.some((n) => n.path === p) && !impliedByOptimizer(p)).sort();
  const names = runs.map((r, i) => {
    const f = fields[i];
    const parts = [
      ...NAMED.filter((n) => differing.has(n.path) && f.has(n.path)).map((n) => n.name(f.get(n.path)!)),
      ...others.filter((p) => f.has(p)).map((p) => `${p.split('.').pop()} ${shortNumber(f.get(p)!)}`),
    ];
    const seed = differing.has(SEED) && f.has(SEED) ? `seed ${f.get(SEED)}` : '';
    const name = [parts.join(' '), seed].filter(Boolean).join(', ');
    return name || `run ${r.run.slice(0, 8)}`;
  });
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  return new Map(runs.map((r, i) => [r.run, (count.get(names[i]) ?? 0) > 1 ? `${names[i]} (${r.run.slice(0, 6)})` : names[i]]));
}

/** A run's resolved configuration as the pairs runNames reads (the compare page's rows: format.ts configSections). */
export function configPairs(sections: ReadonlyArray<{ name: string; rows: ReadonlyArray<{ key: string; value: string }> }>): Array<[string, string]> {
  return sections.flatMap((s) => s.rows.map((row): [string, string] => [s.name ? `${s.name}.${row.key}` : row.key, row.value]));
}
