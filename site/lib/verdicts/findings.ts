// What the study found, as the home page says it first: the tally of the verdicts, and a few
// plain sentences, each computed from the verdicts and the cells analysis/ returns and each with
// a small figure that shows it (sized for a phone). Pure: no rendering, no rule decided here.
import type { EmergenceRow, FilterRow, PruningRow, StudyRow } from '../../../data/schemas/datasets.js';
import { cellsOf, factorOf, measured, valueOf, type Member } from '../../../analysis/cells.js';
import { mean } from '../../../analysis/statistics.js';
import type { Outcome } from '../../../analysis/rules/result.js';
import { lifetimeBeforeRows, SELECTIVITY_READINGS, selectivityBeforeRows, sparsityOverTimeRows } from '../figures/emergence-figures.js';
import { CRITERIA, FATE_COLOURS, noScale, runsOf, topLevel, type Figure, type PositionChannel, type Row } from '../figures/figure-model.js';
import { optimizerColour, orderedColour, regularizationDash, regularizationShape } from '../figures/figure-style.js';
import { percent } from '../text/format.js';
import { pruningRows } from '../figures/pruning-figures.js';
import { factorLabel, formatLevel } from '../model/studies.js';
import { effectRows, studyAxes } from '../figures/study-figures.js';
import type { Verdict } from './verdicts.js';

export const OUTCOMES: readonly Outcome[] = ['supported', 'contradicted', 'inconclusive'];

export interface Finding {
  id: string;
  /** The hypothesis it reports, or null for a finding read off the cells (the learning-rate range). */
  hypothesis: number | null;
  outcome: Outcome | null;
  /** One plain sentence, its numbers computed. */
  sentence: string;
  /** The numbers in the sentence, as computed (tests compare them with analysis/). */
  numbers: Record<string, number | string | null>;
  figure: Figure;
  /** Where the full evidence is: the verdict card's page and anchor. */
  evidence: { route: string; id: string } | null;
}

export interface Findings {
  tally: Record<Outcome, number>;
  total: number;
  findings: Finding[];
}

/** What the findings read: the studies' members and the rows of the datasets they draw from. */
export interface FindingsInput {
  studies: ReadonlyArray<{ row: StudyRow; members: Member[] }>;
  verdicts: readonly Verdict[];
  emergence: readonly EmergenceRow[];
  filters: readonly FilterRow[];
  pruning: readonly PruningRow[];
}

const ROUTE = 'index';
/** A findings figure fits a phone's column (390 px less the page's margins). */
const SMALL = { width: 270, height: 150 } as const;
/** The y axis of a findings figure: the share of dead filters, from 0 and at least to 5 %. */
const Y: PositionChannel = { type: 'quantitative', title: 'dead filters (activation)', axis: { format: '.0%' }, scale: { domain: { unionWith: [0, 0.05] } } };
type FigureCriterion = (typeof CRITERIA)[number];
/** The criterion a verdict's small figure draws: the one its rule decides on (|γ| from study v3 on, activation before). */
const criterionOf = (v: Pick<Verdict, 'version'>): FigureCriterion => ((v.version ?? 1) >= 3 ? CRITERIA[1] : CRITERIA[0]);
/** The sparsity axis of a small figure, titled by its criterion. */
const yOf = (criterion: FigureCriterion): PositionChannel => ({ ...Y, title: criterion === CRITERIA[0] ? Y.title : 'dead filters (|γ|)' });
const SMALL_LEGEND = { orient: 'bottom', direction: 'horizontal', columns: 3, labelLimit: 110, titleLimit: 300 } as const;
/** A second legend of a small figure goes above it, so that the two do not sit side by side past a phone's width. */
const TOP_LEGEND = { ...SMALL_LEGEND, orient: 'top' } as const;

export function tallyOf(verdicts: readonly Pick<Verdict, 'outcome'>[]): Record<Outcome, number> {
  const out: Record<Outcome, number> = { supported: 0, contradicted: 0, inconclusive: 0 };
  for (const v of verdicts) out[v.outcome] += 1;
  return out;
}

/** "3 supported, 2 contradicted and 4 inconclusive". */
export function tallyText(tally: Record<Outcome, number>): string {
  const parts = OUTCOMES.map((o) => `${tally[o]} ${o}`);
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Mean network sparsity (dead by activation) of each cell of optimizer, regularization and learning rate. */
export interface RangeCell {
  optimizer: string;
  regularization: string;
  lr: number;
  sparsity: number;
  runs: string[];
}

export function rangeCells(members: readonly Member[]): RangeCell[] {
  return cellsOf(measured(members, 'activation'), ['optimizer.name', 'regularization.kind', 'optimizer.lr']).map((c) => ({
    optimizer: String(c.factors['optimizer.name']),
    regularization: String(c.factors['regularization.kind']),
    lr: Number(c.factors['optimizer.lr']),
    sparsity: mean(c.members.map((m) => valueOf(m, 'activation'))),
    runs: c.members.map((m) => m.run.run),
  }));
}

const compareHref = (runs: readonly string[]) => `compare.html#runs=${runs.join(',')}`;

/** The study that sweeps optimizers over learning rates (lr-range), or null. */
function rangeStudy(input: FindingsInput) {
  return input.studies.find((s) => s.row.factors.includes('optimizer.name') && s.row.factors.includes('optimizer.lr') && s.members.length > 0) ?? null;
}

function rangeFinding(input: FindingsInput): Finding | null {
  const study = rangeStudy(input);
  if (!study) return null;
  const cells = rangeCells(study.members);
  const l2 = cells.filter((c) => c.regularization === 'l2');
  const none = cells.filter((c) => c.regularization === 'none');
  if (l2.length === 0) return null;
  const top = l2.reduce((a, b) => (b.sparsity > a.sparsity ? b : a));
  const adam = l2.filter((c) => c.optimizer === 'adam');
  const adamRange = adam.length >= 2 ? { lo: Math.min(...adam.map((c) => c.sparsity)), hi: Math.max(...adam.map((c) => c.sparsity)) } : null;
  const noneTop = none.length ? none.reduce((a, b) => (b.sparsity > a.sparsity ? b : a)) : null;
  const sentence =
    `With L2 regularization, how many filters die depends on the learning rate as much as on the optimizer: ` +
    `${top.optimizer} at lr ${formatLevel(top.lr)} leaves ${percent(top.sparsity)} of the filters dead` +
    (adamRange ? `, Adam from ${percent(adamRange.lo)} to ${percent(adamRange.hi)} across its ${adam.length} learning rates` : '') +
    (noneTop ? `; without regularization no cell passes ${percent(noneTop.sparsity)} (${noneTop.optimizer}, lr ${formatLevel(noneTop.lr)}).` : '.');
  const rows: Row[] = cells.map((c) => ({
    optimizer: c.optimizer,
    regularization: c.regularization,
    lr: c.lr,
    sparsity: c.sparsity,
    seeds: c.runs.length,
    href: compareHref(c.runs),
  }));
  const spec = topLevel(rows, {
    width: SMALL.width,
    height: SMALL.height,
    encoding: {
      x: { field: 'lr', type: 'quantitative', title: 'learning rate (log)', scale: { type: 'log' }, axis: { format: '~g', tickCount: 4 } },
      color: optimizerColour(
        'optimizer',
        rows.map((r) => r.optimizer),
        { legend: SMALL_LEGEND },
      ),
    },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: {
          y: { field: 'sparsity', ...Y },
          strokeDash: {
            ...regularizationDash(
              'regularization',
              rows.map((r) => r.regularization),
            ),
            legend: TOP_LEGEND,
          },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 36, cursor: 'pointer' },
        encoding: {
          y: { field: 'sparsity', ...noScale(Y) },
          shape: {
            ...regularizationShape(
              'regularization',
              rows.map((r) => r.regularization),
            ),
            legend: TOP_LEGEND,
          },
          href: { field: 'href' },
          tooltip: [
            { field: 'optimizer' },
            { field: 'regularization' },
            { field: 'lr', title: 'learning rate' },
            { field: 'sparsity', title: 'mean dead (activation)', format: '.1%' },
            { field: 'seeds', title: 'seeds' },
          ],
        },
      },
    ],
  });
  return {
    id: 'finding-learning-rate',
    hypothesis: null,
    outcome: null,
    sentence,
    numbers: {
      topOptimizer: top.optimizer,
      topLr: top.lr,
      topSparsity: top.sparsity,
      adamLow: adamRange?.lo ?? null,
      adamHigh: adamRange?.hi ?? null,
      noneTop: noneTop?.sparsity ?? null,
    },
    figure: {
      id: 'finding-learning-rate',
      route: ROUTE,
      title: 'Dead filters by optimizer and learning rate',
      caption: `Mean share of filters dead by activation over the seeds of each cell of the ${study.row.study} study; colour is the optimizer, solid lines L2, dashed lines no regularization. Click a point to compare its runs.`,
      alt: `Line chart of the mean share of dead filters against the learning rate on a log axis, one line per optimizer and regularization; the highest is ${top.optimizer} with L2 at lr ${formatLevel(top.lr)}, ${percent(top.sparsity)}.`,
      rows,
      spec,
      runs: runsOf(cells.flatMap((c) => c.runs.map((run) => ({ run })))),
    },
    evidence: { route: `studies/${study.row.study}`, id: 'h2' },
  };
}

/** What a verdict says, in plain words, by hypothesis and outcome (the numbers follow from the verdict). */
const PLAIN: Readonly<Record<number, Readonly<Record<Outcome, string>>>> = {
  1: {
    supported: 'Without regularization, no optimizer kills a substantial share of the filters',
    contradicted: 'Even without regularization, some optimizers kill a substantial share of the filters',
    inconclusive: 'Whether optimizers kill filters without regularization is not settled',
  },
  2: {
    supported: 'With L2, adaptive optimizers kill far more filters than SGD',
    contradicted: 'With L2, adaptive optimizers do not kill far more filters than SGD',
    inconclusive: 'Whether adaptive optimizers kill more filters than SGD under L2 is not settled',
  },
  3: {
    supported: 'Stronger regularization kills more filters',
    contradicted: 'Stronger regularization does not kill more filters',
    inconclusive: 'Whether stronger regularization kills more filters is not settled',
  },
  4: {
    supported: 'Mini-batch size and learning rate change how many filters die',
    contradicted: 'Mini-batch size and learning rate do not change how many filters die',
    inconclusive: 'Whether mini-batch size and learning rate matter is not settled',
  },
  5: {
    supported: 'Harder tasks (more classes) leave fewer filters dead',
    contradicted: 'Harder tasks (more classes) do not leave fewer filters dead',
    inconclusive: 'Whether harder tasks leave fewer filters dead is not settled',
  },
  6: {
    supported: 'The filters that die were more selective before they died',
    contradicted: 'The filters that die were not more selective before they died',
    inconclusive: 'Whether the filters that die were selective first is not settled',
  },
  7: {
    supported: 'Filters start dying early in training, and stay dead',
    contradicted: 'Filters do not die early in training, or do not stay dead',
    inconclusive: 'Whether filters die early and stay dead is not settled',
  },
  8: {
    supported: 'Leaky ReLU removes the dead filters',
    contradicted: 'Leaky ReLU does not remove the dead filters',
    inconclusive: 'Whether leaky ReLU removes the dead filters is not settled',
  },
  9: {
    supported: 'Removing the dead filters keeps the accuracy and makes the network measurably faster',
    contradicted: 'Removing the dead filters costs accuracy or gives no measured speed-up',
    inconclusive: 'Whether removing the dead filters pays is not settled',
  },
};

export function verdictSentence(v: Pick<Verdict, 'hypothesis' | 'outcome' | 'effect'>): string {
  const plain = PLAIN[v.hypothesis]?.[v.outcome] ?? `H${v.hypothesis} is ${v.outcome}`;
  return `${plain} (H${v.hypothesis}, ${v.outcome}): ${v.effect.label}, ${v.effect.text}.`;
}

type Study = FindingsInput['studies'][number];

/** Mean sparsity by the study's x level, seeds as dots, coloured by optimizer where it varies. */
function effectFigure(id: string, study: Study, title: string, criterion: FigureCriterion): Figure | null {
  const all = effectRows(study.row, study.members).filter((r) => r.criterion === criterion);
  if (all.length === 0) return null;
  const axes = studyAxes(study.row, study.members);
  const rows: Row[] = all.map((r) => ({ ...r, href: `runs/${r.run}.html` }));
  const byOptimizer = rows.some((r) => 'optimizer' in r);
  const ordered = axes.x !== null && study.members.every((m) => typeof factorOf(m, axes.x as string) === 'number');
  const color = byOptimizer
    ? optimizerColour(
        'optimizer',
        rows.map((r) => r.optimizer),
        { legend: SMALL_LEGEND },
      )
    : ordered
      ? orderedColour('level', factorLabel(axes.x as string), axes.levels, { legend: null })
      : { value: '#1f6fb2' };
  const x: PositionChannel = { field: 'level', type: 'ordinal', sort: axes.levels, title: axes.x ? factorLabel(axes.x) : null, axis: { labelAngle: 0 } };
  const y = yOf(criterion);
  const detail = byOptimizer ? { detail: { field: 'optimizer' } } : {};
  const spec = topLevel(rows, {
    width: SMALL.width,
    height: SMALL.height,
    layer: [
      { mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x, y: { aggregate: 'mean', field: 'sparsity', ...y }, color, ...detail } },
      {
        mark: { type: 'point', filled: false, size: 34, cursor: 'pointer' },
        encoding: {
          x,
          y: { field: 'sparsity', ...noScale(y) },
          color,
          href: { field: 'href' },
          tooltip: [
            { field: 'level', title: x.title ?? 'level' },
            ...(byOptimizer ? [{ field: 'optimizer' }] : []),
            { field: 'seed' },
            { field: 'sparsity', format: '.1%' },
            { field: 'run' },
          ],
        },
      },
    ],
  });
  return {
    id,
    route: ROUTE,
    title,
    caption: `Share of filters dead by activation in the ${study.row.study} study: open dots are seeds (click one to open its run), the line joins the means.`,
    alt: `Dot plot of network sparsity by ${x.title ?? 'configuration'} in the ${study.row.study} study.`,
    rows,
    spec,
    runs: runsOf(rows),
  };
}

/** Network sparsity over training, one line per run (H7's reading). */
function overTimeFigure(id: string, study: Study, emergence: readonly EmergenceRow[], title: string, criterion: FigureCriterion): Figure | null {
  const rows = sparsityOverTimeRows(study.row, study.members, emergence)
    .filter((r) => r.criterion === criterion)
    .map((r) => ({ ...r, runLabel: `seed ${r.seed}`, href: `runs/${r.run}.html` }));
  if (rows.length === 0) return null;
  const seeds = [...new Set(rows.map((r) => r.runLabel as string))];
  const spec = topLevel(rows, {
    width: SMALL.width,
    height: SMALL.height,
    mark: { type: 'line', strokeWidth: 1.8, point: { size: 14 }, cursor: 'pointer' },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'iteration', axis: { format: '~s', tickCount: 4 } },
      y: { field: 'sparsity', type: 'quantitative', title: yOf(criterion).title, axis: { format: '.0%' } },
      color: orderedColour('runLabel', 'run', seeds, { legend: SMALL_LEGEND }),
      href: { field: 'href' },
      tooltip: [{ field: 'runLabel', title: 'run' }, { field: 'iteration' }, { field: 'sparsity', format: '.1%' }],
    },
  });
  return {
    id,
    route: ROUTE,
    title,
    caption: `Share of filters dead by activation at each checkpoint of the ${study.row.study} study, one line per seed (click one to open its run).`,
    alt: `Line chart of network sparsity over training, one line per seed of the ${study.row.study} study.`,
    rows,
    spec,
    runs: runsOf(rows),
  };
}

/**
 * An early selectivity reading of the features that died later against the survivors, by block
 * (H6's reading): lifetime sparseness where the records have it (study v2), else v1's active share.
 */
function selectivityFigure(id: string, study: Study, filters: readonly FilterRow[], title: string): Figure | null {
  const lifetime = lifetimeBeforeRows(study.members, filters).rows.map((r) => ({ block: r.block, fate: r.fate, value: r.lifetime, seed: r.seed, run: r.run }));
  const active = selectivityBeforeRows(study.row, study.members, filters)
    .rows.filter((r) => r.reading === SELECTIVITY_READINGS[0])
    .map((r) => ({ block: r.block, fate: r.fate, value: r.selectivity, seed: r.seed, run: r.run }));
  const [all, measure] =
    lifetime.length > 0
      ? [lifetime, ['early lifetime sparseness', '(1 = answers one image)']]
      : [active, ['early active share', '(1 = every image: least selective)']];
  const dying = new Set(all.filter((r) => r.fate === 'died').map((r) => r.block));
  const rows: Row[] = all.filter((r) => dying.has(r.block)).map((r) => ({ ...r, block: `block ${r.block}` }));
  if (rows.length === 0) return null;
  const blocks = [...new Set(rows.map((r) => r.block as string))].sort();
  const spec = topLevel(rows, {
    // Narrower than the others: the block labels sit left of the plot, and the whole fits 390 px.
    width: SMALL.width - 80,
    height: { step: 16 },
    mark: { type: 'boxplot', extent: 'min-max', size: 6, median: { color: '#888' } },
    encoding: {
      y: { field: 'block', type: 'nominal', sort: blocks, title: null },
      yOffset: { field: 'fate', type: 'nominal', sort: ['died', 'survived'] },
      x: { field: 'value', type: 'quantitative', title: measure, scale: { domain: [0, 1] } },
      color: {
        field: 'fate',
        type: 'nominal',
        title: 'fate',
        sort: ['died', 'survived'],
        scale: { domain: ['died', 'survived'], range: [FATE_COLOURS.died, FATE_COLOURS.survived] },
        legend: SMALL_LEGEND,
      },
    },
  });
  return {
    id,
    route: ROUTE,
    title,
    caption: `The ${measure.join(' ')} of each feature at the early checkpoint, by block, for the features that died later and those that survived (boxes span the quartiles, whiskers the range); ${study.row.study} study, all seeds.`,
    alt: `Box plots of the early selectivity reading of dying and surviving features by block.`,
    rows,
    spec,
    runs: runsOf(rows),
  };
}

/** After / before ratios of the pruned network (H9's reading). */
function pruningFigureSmall(id: string, study: Study, pruning: readonly PruningRow[], title: string): Figure | null {
  const rows = pruningRows(study.members, pruning).map((r) => ({ ...r, href: `runs/${r.run}.html` }));
  if (rows.length === 0) return null;
  const metrics = ['parameters', 'FLOPs', 'images/s (measured)', 'test accuracy'];
  const spec = topLevel(rows, {
    // The metric names sit left of the plot: narrower, so that the whole fits 390 px.
    width: SMALL.width - 100,
    height: { step: 22 },
    layer: [
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { x: { field: 'one', type: 'quantitative' } } },
      {
        mark: { type: 'point', filled: true, size: 40, color: '#1f6fb2', cursor: 'pointer' },
        encoding: {
          // Short names on the axis (the tooltip and caption give them in full): the figure fits 390 px.
          y: {
            field: 'metric',
            type: 'nominal',
            sort: metrics,
            title: null,
            axis: { labelExpr: "datum.value == 'images/s (measured)' ? 'images/s' : datum.value == 'test accuracy' ? 'accuracy' : datum.value" },
          },
          x: { field: 'ratio', type: 'quantitative', title: ['after / before removing', 'the dead filters'], scale: { zero: true } },
          href: { field: 'href' },
          tooltip: [{ field: 'metric' }, { field: 'seed' }, { field: 'ratio', format: '.3f' }, { field: 'run' }],
        },
      },
    ],
  });
  return {
    id,
    route: ROUTE,
    title,
    caption: `After / before ratios for each seed of the ${study.row.study} study: below 1 smaller, above 1 faster; test accuracy should stay at 1.`,
    alt: 'Dot plot of the after-to-before ratios of parameters, FLOPs, measured images per second and test accuracy.',
    rows,
    spec,
    runs: runsOf(rows),
  };
}

function verdictFigure(v: Verdict, input: FindingsInput): Figure | null {
  const id = `finding-h${v.hypothesis}`;
  const study = v.studies.map((s) => input.studies.find((x) => x.row.study === s)).find((s): s is Study => s !== undefined && s.members.length > 0);
  if (!study) return null;
  const title = `H${v.hypothesis}: ${study.row.study}`;
  if (v.hypothesis === 6) return selectivityFigure(id, study, input.filters, title);
  if (v.hypothesis === 7) return overTimeFigure(id, study, input.emergence, title, criterionOf(v));
  if (v.hypothesis === 9) return pruningFigureSmall(id, study, input.pruning, title);
  return effectFigure(id, study, title, criterionOf(v));
}

/**
 * The findings: the learning-rate range first (the study's most striking cells), then each
 * hypothesis a verdict decides (supported or contradicted), in order. Inconclusive ones are
 * counted in the tally and listed in the verdict table below.
 */
export function computeFindings(input: FindingsInput): Findings {
  const findings: Finding[] = [];
  const range = rangeFinding(input);
  if (range) findings.push(range);
  for (const v of input.verdicts) {
    if (v.outcome === 'inconclusive') continue;
    const figure = verdictFigure(v, input);
    if (!figure) continue;
    findings.push({
      id: `finding-h${v.hypothesis}`,
      hypothesis: v.hypothesis,
      outcome: v.outcome,
      sentence: verdictSentence(v),
      numbers: { effect: v.effect.value, effectText: v.effect.text },
      figure,
      evidence: v.figure ? { route: v.figure.route, id: `h${v.hypothesis}` } : null,
    });
  }
  return { tally: tallyOf(input.verdicts), total: input.verdicts.length, findings };
}
