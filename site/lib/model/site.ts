// The site's model, built once per build from the datasets: studies with their figures and
// tables, runs with theirs, the verdicts, and the narrative bound to its values
// (narrative-values.ts says which).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DATASET_VERSION,
  type CurveRow,
  type EmergenceRow,
  type FilterRow,
  type LayerRow,
  type RunRow,
  type Scale,
  type StudyRow,
} from '../../../data/schemas/datasets.js';
import { DEFAULT_THRESHOLDS, DEFINITIONS_VERSION, type Thresholds } from '../../../data/definitions.js';
import { cellsOf, factorOf, measured, membersOf, seedsOf, sortLevels, valueOf, type Member } from '../../../analysis/cells.js';
import { mean, sd } from '../../../analysis/statistics.js';
import { computeFindings } from '../verdicts/findings.js';
import { describeFolder, locateData, PRODUCE_COMMAND, type Datasets } from './data.js';
import {
  lifetimeBeforeFigure,
  lifetimeOverTimeFigure,
  measuresLifetime,
  mechanismFigure,
  selectivityBeforeFigure,
  selectivityOverTimeFigure,
  sparsityOverTimeFigure,
} from '../figures/emergence-figures.js';
import { studyFigureId } from '../figures/figure-ids.js';
import type { Figure } from '../figures/figure-model.js';
import { percent, percentSpread } from '../text/format.js';
import { renderNarrative } from '../text/narrative.js';
import { boundValue } from '../text/narrative-values.js';
import { pruningFigure } from '../figures/pruning-figures.js';
import { runCurvesFigure, runEmergenceFigure, runGammaFigure, runLayersFigure, runSelectivityFigure } from '../figures/run-figures.js';
import { cellLabel, factorLabel, formatLevel } from './studies.js';
import { studyAccuracyFigure, studyAxes, studyEffectFigure, studyLayersFigure, varyingFactors } from '../figures/study-figures.js';
import { computeVerdicts } from '../verdicts/verdicts.js';
import { studyV3Status } from '../verdicts/study-v3.js';
import { allVerdicts, type VerdictsInput } from '../../../analysis/verdicts.js';
import type { CellSummary, RunPage, Site, StudyPage, StudyProgress } from './page-model.js';
import { keptSnapshot } from '../publication/changes.js';

export type { CellSummary, RunPage, Site, StudyPage, StudyProgress } from './page-model.js';

/** Distinct configurations of all studies: a configuration shared by several studies counts once. */
export function studyProgress(studies: readonly StudyRow[]): StudyProgress {
  const recorded = new Set(studies.flatMap((s) => s.members.map((m) => m.run)));
  const pending = new Set(studies.flatMap((s) => s.pending));
  for (const id of pending) recorded.delete(id); // a failed record is pending, not a result
  return { configurations: recorded.size + pending.size, recorded: recorded.size, pending: pending.size };
}

const EMPTY: Datasets = {
  runs: {
    schemaVersion: DATASET_VERSION,
    dataset: 'runs',
    scale: 'quick',
    thresholds: DEFAULT_THRESHOLDS,
    definitionsVersion: DEFINITIONS_VERSION,
    runs: [],
    rows: [],
  },
  layers: {
    schemaVersion: DATASET_VERSION,
    dataset: 'layers',
    scale: 'quick',
    thresholds: DEFAULT_THRESHOLDS,
    definitionsVersion: DEFINITIONS_VERSION,
    runs: [],
    rows: [],
  },
  emergence: {
    schemaVersion: DATASET_VERSION,
    dataset: 'emergence',
    scale: 'quick',
    thresholds: DEFAULT_THRESHOLDS,
    definitionsVersion: DEFINITIONS_VERSION,
    runs: [],
    rows: [],
  },
  filters: {
    schemaVersion: DATASET_VERSION,
    dataset: 'filters',
    scale: 'quick',
    thresholds: DEFAULT_THRESHOLDS,
    definitionsVersion: DEFINITIONS_VERSION,
    runs: [],
    rows: [],
  },
  mechanism: {
    schemaVersion: DATASET_VERSION,
    dataset: 'mechanism',
    scale: 'quick',
    thresholds: DEFAULT_THRESHOLDS,
    definitionsVersion: DEFINITIONS_VERSION,
    runs: [],
    rows: [],
  },
  pruning: {
    schemaVersion: DATASET_VERSION,
    dataset: 'pruning',
    scale: 'quick',
    thresholds: DEFAULT_THRESHOLDS,
    definitionsVersion: DEFINITIONS_VERSION,
    runs: [],
    rows: [],
  },
  curves: {
    schemaVersion: DATASET_VERSION,
    dataset: 'curves',
    scale: 'quick',
    thresholds: DEFAULT_THRESHOLDS,
    definitionsVersion: DEFINITIONS_VERSION,
    runs: [],
    rows: [],
  },
  studies: {
    schemaVersion: DATASET_VERSION,
    dataset: 'studies',
    scale: 'quick',
    thresholds: DEFAULT_THRESHOLDS,
    definitionsVersion: DEFINITIONS_VERSION,
    runs: [],
    rows: [],
  },
};

/** Rows of one dataset grouped by run, so per-run pages do not scan everything. */
function byRun<T extends { run: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.run);
    if (list) list.push(r);
    else out.set(r.run, [r]);
  }
  return out;
}

function summary(members: readonly Member[], which: 'activation' | 'gamma' | 'accuracy'): string {
  const xs = measured(members, which).map((m) => valueOf(m, which));
  if (xs.length === 0) return 'n/a';
  return xs.length === 1 ? percent(xs[0]) : percentSpread(mean(xs), sd(xs));
}

function cellSummaries(study: StudyRow, members: readonly Member[]): CellSummary[] {
  return cellsOf(members, study.factors).map((c) => ({
    label: cellLabel(c.factors, study.factors),
    levels: study.factors.map((f) => formatLevel(c.factors[f] ?? null)),
    seeds: seedsOf(c.members.filter((m) => m.run.status === 'complete')),
    runs: c.members.length,
    failed: c.members.filter((m) => m.run.status !== 'complete').length,
    activation: summary(c.members, 'activation'),
    gamma: summary(c.members, 'gamma'),
    accuracy: summary(c.members, 'accuracy'),
  }));
}

function pivotOf(study: StudyRow, members: readonly Member[]): StudyPage['pivot'] {
  const varying = varyingFactors(study, members);
  if (varying.length !== 2) return null;
  const [rowFactor, colFactor] = varying;
  const rows = sortLevels(members.map((m) => factorOf(m, rowFactor)));
  const cols = sortLevels(members.map((m) => factorOf(m, colFactor)));
  const cells: Record<string, Record<string, string>> = {};
  for (const r of rows) {
    cells[formatLevel(r)] = {};
    for (const c of cols) {
      const ms = members.filter((m) => factorOf(m, rowFactor) === r && factorOf(m, colFactor) === c);
      const xs = measured(ms, 'activation').map((m) => valueOf(m, 'activation'));
      cells[formatLevel(r)][formatLevel(c)] = xs.length ? `${xs.length > 1 ? percentSpread(mean(xs), sd(xs)) : percent(xs[0])} (n = ${xs.length})` : '—';
    }
  }
  return { rowFactor, colFactor, rows: rows.map(formatLevel), cols: cols.map(formatLevel), cells };
}

function studyFigures(study: StudyRow, members: Member[], d: Datasets): Figure[] {
  const figures: Array<Figure | null> = [];
  const axes = studyAxes(
    study,
    members.filter((m) => m.run.status === 'complete'),
  );
  if (axes.x && axes.levels.length >= 2) {
    figures.push(studyEffectFigure(study, members), studyLayersFigure(study, members, d.layers.rows), studyAccuracyFigure(study, members));
  }
  const ids = new Set(members.map((m) => m.run.run));
  const emergenceStudy = study.hypotheses.includes(6) || study.hypotheses.includes(7);
  if (emergenceStudy) {
    // Records of study v2 carry the lifetime sparseness, the selectivity H6 (v2) reads; v1's show the active share.
    const own = d.filters.rows.filter((r) => ids.has(r.run));
    figures.push(
      sparsityOverTimeFigure(study, members, d.emergence.rows),
      ...(measuresLifetime(own)
        ? [lifetimeOverTimeFigure(study, members, d.emergence.rows), lifetimeBeforeFigure(study, members, own)]
        : [selectivityOverTimeFigure(study, members, d.emergence.rows), selectivityBeforeFigure(study, members, d.filters.rows)]),
    );
  }
  const mech = d.mechanism.rows.filter((r) => ids.has(r.run));
  if (mech.length > 0)
    figures.push(
      mechanismFigure(
        study,
        members,
        mech,
        d.filters.rows.filter((r) => ids.has(r.run)),
      ),
    );
  if (study.hypotheses.includes(9)) figures.push(pruningFigure(study, members, d.pruning.rows));
  return figures.filter((f): f is Figure => f !== null);
}

function runFigures(
  run: RunRow,
  rows: { layers: LayerRow[]; emergence: EmergenceRow[]; filters: FilterRow[]; curves: CurveRow[] },
  thresholds: Thresholds,
): Figure[] {
  return [
    runLayersFigure(run, rows.layers),
    runEmergenceFigure(run, rows.emergence),
    runSelectivityFigure(run, rows.filters),
    runGammaFigure(run, rows.filters, thresholds.gamma),
    runCurvesFigure(run, rows.curves, rows.emergence),
  ].filter((f): f is Figure => f !== null);
}

/** Reading order of the studies: the brief's factors, then emergence and pruning; others after. */
export const STUDY_ORDER = ['optimizer', 'strength', 'batch-size', 'learning-rate', 'task', 'activation', 'width', 'emergence', 'pruning'];

function byStudyOrder(a: StudyRow, b: StudyRow): number {
  const rank = (s: StudyRow) => {
    const i = STUDY_ORDER.indexOf(s.study);
    return i < 0 ? STUDY_ORDER.length : i;
  };
  return rank(a) - rank(b) || a.study.localeCompare(b.study);
}

export const NARRATIVE_DIR = (): string => process.env.SITE_NARRATIVE_DIR ?? join(process.cwd(), 'site', 'narrative');

/** Builds the model from datasets (exported for tests; pages call getSite()). */
export function buildSite(
  datasets: Datasets | null,
  info: { scale: Scale | null; folder: string; missingReason: string | null; /** Data root the folder was found under (default: the folder). */ root?: string },
  narrativeDir = NARRATIVE_DIR(),
): Site {
  const d = datasets ?? EMPTY;
  const runs = [...d.runs.rows].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.run.localeCompare(b.run));
  const runsById = new Map(runs.map((r) => [r.run, r]));
  // The v1 verdicts that v2 rules supersede are shown as v1 published them (kept beside the datasets).
  const publishedV1 = datasets ? keptSnapshot(info.folder, 'v1') : null;
  // Every rule version's results, once (the mechanism rows let the v3 rules decide where their studies are complete).
  const input: VerdictsInput = {
    runs,
    studies: d.studies.rows,
    filters: d.filters.rows,
    emergence: d.emergence.rows,
    pruning: d.pruning.rows,
    mechanism: d.mechanism.rows,
  };
  const all = allVerdicts(input);
  const verdicts = computeVerdicts(input, publishedV1, all);
  const studies: StudyPage[] = [...d.studies.rows].sort(byStudyOrder).map((row) => {
    const members = membersOf(row, runsById);
    const runIds = [...new Set(members.map((m) => m.run.run))];
    return {
      row,
      members,
      runs: runIds.map((id) => runsById.get(id)!),
      figures: studyFigures(row, members, d),
      verdicts: verdicts.filter((v) => v.studies.includes(row.study)),
      cells: cellSummaries(row, members),
      pivot: pivotOf(row, members),
    };
  });
  // A verdict links the figure of its deciding study that shows its evidence; where that study has no such figure here, none.
  const figureKeys = new Set(studies.flatMap((s) => s.figures.map((f) => `${f.route}#${f.id}`)));
  const studyV3 = studyV3Status(input, all);
  for (const v of [...verdicts, ...(studyV3?.rules.map((r) => r.verdict) ?? [])])
    if (v.version === 3 && v.figure && !figureKeys.has(`${v.figure.route}#${v.figure.id}`)) v.figure = null;
  const layers = byRun(d.layers.rows);
  const emergence = byRun(d.emergence.rows);
  const filters = byRun(d.filters.rows);
  const curves = byRun(d.curves.rows);
  const pruning = new Map(d.pruning.rows.map((p) => [p.run, p]));
  const runPages: RunPage[] = runs.map((run) => {
    const rows = {
      layers: layers.get(run.run) ?? [],
      emergence: emergence.get(run.run) ?? [],
      filters: filters.get(run.run) ?? [],
      curves: curves.get(run.run) ?? [],
    };
    return {
      run,
      figures: runFigures(run, rows, d.runs.thresholds),
      layers: [...rows.layers].sort((a, b) => a.layer - b.layer),
      pruning: pruning.get(run.run) ?? null,
      studies: d.studies.rows
        .filter((s) => s.members.some((m) => m.run === run.run))
        .map((s) => {
          const m = s.members.find((x) => x.run === run.run)!;
          return { study: s, factors: Object.fromEntries(s.factors.map((f) => [factorLabel(f), formatLevel(m.factors[f] ?? null)])) };
        }),
    };
  });
  const findings = computeFindings({ studies, verdicts, emergence: d.emergence.rows, filters: d.filters.rows, pruning: d.pruning.rows });
  const figures = [...findings.findings.map((f) => f.figure), ...studies.flatMap((s) => s.figures), ...runPages.flatMap((r) => r.figures)];
  const index = new Map(figures.map((f) => [`${f.route}#${f.id}`, f]));
  const optimizer = studies.find((s) => s.row.study === 'optimizer');
  const headline = optimizer?.figures.find((f) => f.id === studyFigureId.sparsity('optimizer')) ?? studies.flatMap((s) => s.figures)[0] ?? null;

  const site: Site = {
    loaded: datasets !== null,
    scale: info.scale,
    folder: info.folder,
    folderShown: describeFolder(info.folder, info.root ?? info.folder),
    missingReason: info.missingReason,
    thresholds: d.runs.thresholds,
    definitionsVersion: d.runs.definitionsVersion,
    runs,
    studies,
    runPages,
    verdicts,
    studyV3,
    progress: studyProgress(d.studies.rows),
    headline,
    findings,
    figures,
    figureAt: (route, id) => index.get(`${route}#${id}`),
    narrative: (name) => {
      const file = join(narrativeDir, `${name}.md`);
      if (!existsSync(file)) return null;
      return renderNarrative(readFileSync(file, 'utf8'), { file, value: (of, attrs) => boundValue(site, of, attrs) });
    },
  };
  return site;
}

let cached: { key: string; site: Site } | null = null;

/** The site of this build (memoised; the environment decides which datasets). */
export function getSite(): Site {
  const key = `${process.env.SITE_DATA_DIR ?? ''}|${process.env.SITE_SCALE ?? ''}`;
  if (cached?.key === key) return cached.site;
  const source = locateData();
  const site =
    source.kind === 'loaded'
      ? buildSite(source.data.datasets, { scale: source.data.scale, folder: source.data.folder, root: source.data.root, missingReason: null })
      : buildSite(null, { scale: source.missing.scale, folder: source.missing.root, root: source.missing.root, missingReason: source.missing.reason });
  cached = { key, site };
  return site;
}

export { PRODUCE_COMMAND };
