// The narrative's binding language: the values `:value{of="..."}` may name in narrative/*.md
// (counts of runs, a verdict and its effect, a cell's sparsity, pruning's speed-up), read off
// the site's model and formatted as the pages print them.
import type { PruningRow } from '../../../data/schemas/datasets.js';
import { factorOf, measured, valueOf } from '../../../analysis/cells.js';
import { mean, sd } from '../../../analysis/statistics.js';
import { studyCost } from '../../../analysis/study-cost.js';
import { duration, percent, percentSpread, points, ratio, seedList } from './format.js';
import type { Site } from '../model/page-model.js';
import { formatLevel } from '../model/studies.js';

/** The values a narrative may bind to with :value{of="..."}. */
export function boundValue(site: Site, of: string, attrs: Readonly<Record<string, string>>): string {
  const complete = site.runs.filter((r) => r.status === 'complete');
  const h = (prefix: string) => {
    const n = Number(of.slice(prefix.length));
    const v = site.verdicts.find((x) => x.hypothesis === n);
    if (!v) throw new Error(`no hypothesis ${of.slice(prefix.length)} (use 1..9)`);
    return v;
  };
  switch (true) {
    case of === 'scale':
      return site.scale ?? 'none';
    case of === 'runs.total':
      return String(site.runs.length);
    case of === 'runs.complete':
      return String(complete.length);
    case of === 'runs.failed':
      return String(site.runs.length - complete.length);
    case of === 'runs.seeds':
      return seedList(site.runs.map((r) => r.seed));
    case of === 'runs.wallTime':
      return duration(studyCost(site.runs).workerSeconds);
    case of === 'runs.backends':
      return studyCost(site.runs).backends.join(', ') || 'none';
    case of === 'studies.total':
      return String(site.studies.length);
    case of.startsWith('verdict.'):
      return h('verdict.').outcome;
    case of.startsWith('effect.'):
      return h('effect.').effect.text;
    case of.startsWith('seeds.'):
      return String(h('seeds.').seeds.length);
    case of === 'sparsity' || of === 'sparsity.gamma' || of === 'accuracy': {
      const measure = of === 'accuracy' ? 'accuracy' : of === 'sparsity.gamma' ? 'gamma' : 'activation';
      const xs = cellValues(site, attrs.study, attrs.where, measure);
      if (xs === null) return 'n/a (no such study in the data)';
      if (xs.length === 0) return 'n/a (no complete run)';
      return `${xs.length > 1 ? percentSpread(mean(xs), sd(xs)) : percent(xs[0])} (n = ${xs.length})`;
    }
    case of === 'difference': {
      const a = cellValues(site, attrs.study, attrs.a, 'activation');
      const b = cellValues(site, attrs.study, attrs.b, 'activation');
      return a?.length && b?.length ? points(mean(a) - mean(b)) : 'n/a';
    }
    case of === 'pruning.speedup': {
      const ps = verdictRuns(site, 9);
      const xs = ps.map((p) => p.imagesPerSecondAfter / p.imagesPerSecondBefore);
      return xs.length ? `${ratio(mean(xs))} ± ${sd(xs).toFixed(2)}` : 'n/a';
    }
    case of === 'pruning.flops': {
      const xs = verdictRuns(site, 9).map((p) => p.flopsAfter / p.flopsBefore);
      return xs.length ? percent(1 - mean(xs)) : 'n/a';
    }
    default:
      throw new Error(
        `unknown value "${of}" (known: scale, runs.total, runs.complete, runs.failed, runs.seeds, runs.wallTime, runs.backends, studies.total, verdict.N, effect.N, seeds.N, sparsity, sparsity.gamma, accuracy, difference, pruning.speedup, pruning.flops)`,
      );
  }
}

/**
 * Values of a measure over the complete runs of a study that match `where`, written as
 * "path=value;path=value" with values as the site prints them (e.g. "optimizer.name=adam").
 */
function cellValues(site: Site, study: string | undefined, where: string | undefined, measure: 'activation' | 'gamma' | 'accuracy'): number[] | null {
  const page = site.studies.find((s) => s.row.study === study);
  if (!page) return null;
  const conditions = (where ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [path, value] = p.split('=').map((x) => x.trim());
      if (!path || value === undefined) throw new Error(`bad condition "${p}" in where (use path=value;path=value)`);
      return [path, value] as const;
    });
  const members = page.members.filter((m) =>
    conditions.every(([path, value]) => formatLevel(factorOf(m, path)) === value || String(factorOf(m, path)) === value),
  );
  return measured(members, measure).map((m) => valueOf(m, measure));
}

function verdictRuns(site: Site, h: number): PruningRow[] {
  const v = site.verdicts.find((x) => x.hypothesis === h);
  if (!v) return [];
  const ids = new Set(v.runs);
  return site.runPages.filter((r) => ids.has(r.run.run) && r.pruning).map((r) => r.pruning as PruningRow);
}
