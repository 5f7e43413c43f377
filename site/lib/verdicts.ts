// The verdict rules: for each hypothesis of the brief, how the datasets decide between
// supported, contradicted and inconclusive. Pure.
//
// These rules and their constants were written down before any dataset was looked at, from
// the wording of the hypotheses alone, and are not to be tuned to a result. Changing one is
// a change of method: say so in the commit and on the methods page (RULES below is shown
// there verbatim).
//
// Common ground for every rule:
// - Only runs with status "complete" count. The measure is the network's sparsity (dead
//   filters summed over its conv layers / filters) by the activation criterion; the gamma
//   criterion is reported next to it but does not decide.
// - A cell is one configuration, its runs the seeds. A comparison between cells needs at
//   least MIN_SEEDS seeds in each, otherwise it is "insufficient" and left out.
// - Seeds are compared as a spread, not through their means alone: "A is clearly above B by
//   at least e" needs every seed of A above every seed of B (the seed ranges do not overlap)
//   and a difference of means of at least e; "A is not above B by e" needs even the most
//   favourable pairing of seeds, max(A) - min(B), to fall short of e. Anything between is
//   unclear.
// - Each rule turns the data into units (cells, groups or runs), each of which supports,
//   contradicts, or is unclear. Unless a rule says otherwise, the hypothesis is supported
//   when a strict majority of the informative units supports and none contradicts,
//   contradicted when a strict majority contradicts and none supports, and inconclusive
//   otherwise (including when no unit is informative).
//
// Changes of method, each stated in its commit and in the rule's text on the methods page:
// - H6 (made before any data it applies to: no full-scale data existed yet, and the quick-scale
//   emergence run, the only data H6 reads, had no deaths): decided on each feature's selectivity at its run's early checkpoint, the first
//   at or after EARLY_FRACTION of training, instead of at the last checkpoint before it died. A
//   dying feature's selectivity falls towards 0 as it dies, so read just before its death it is
//   low almost by construction and the test was close to a tautology.
import type { EmergenceRow, FilterRow, PruningRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { EARLY_FRACTION } from '../../experiments/definitions.js';
import { HYPOTHESES } from '../../experiments/hypotheses.js';
import { studyFigureId, studyRoute } from './figure-ids.js';
import { percent, percentSpread, points, ratio } from './format.js';
import { mean, median, sd } from './stats.js';
import { cellLabel, cellsOf, factorLabel, factorOf, formatLevel, measured, membersOf, seedsOf, sortLevels, valueOf, type Member } from './studies.js';

/** Seeds a cell needs before it is compared. */
export const MIN_SEEDS = 2;
/** H1: sparsity at or above this share of filters is "substantial". */
export const SUBSTANTIAL = 0.1;
/** H2: "far more" means at least this many more filters dead (absolute share). */
export const FAR_MORE = 0.1;
/** H3, H4, H5, H8: smallest difference in sparsity that counts as an effect. */
export const CLEAR_EFFECT = 0.05;
/** H8: activation sparsity below this share counts as removed. */
export const NEGLIGIBLE = 0.01;
/** H6: survivors' minus the dying features' median early selectivity that counts as "selective". */
export const SELECTIVE_GAP = 0.1;
/** H6: a run with fewer features dying after its early checkpoint than this says nothing about them. */
export const MIN_DEAD_FEATURES = 3;
/** H7: a run whose final sparsity is below this has no emergence to time. */
export const MIN_FINAL_SPARSITY = 0.05;
/** H7: half the final sparsity reached within this share of training is "early"... */
export const EARLY = 0.25;
/** H7: ...and only after this share of training is "late". */
export const LATE = 0.5;
/** H7: final sparsity at least this share of its peak "persists"; below LOST of it, it did not. */
export const PERSIST = 0.9;
export const LOST = 0.5;
/** H9: test accuracy may move by at most this much (0.1 point) to count as kept. */
export const ACCURACY_TOLERANCE = 0.001;
/** H9: a measured speed-up needs at least this ratio of images/s after / before. */
export const MIN_SPEEDUP = 1.05;

export const ADAPTIVE_OPTIMIZERS: readonly string[] = ['adam', 'adamw', 'adamax', 'adagrad', 'adadelta', 'rmsprop'];
export const SGD_OPTIMIZERS: readonly string[] = ['sgd', 'momentum'];

export type Outcome = 'supported' | 'contradicted' | 'inconclusive';
export type UnitOutcome = 'supports' | 'contradicts' | 'unclear' | 'insufficient';

export interface Unit {
  label: string;
  outcome: UnitOutcome;
  detail: string;
}

export interface Verdict {
  hypothesis: number;
  statement: string;
  outcome: Outcome;
  /** Why, in one sentence. */
  reason: string;
  effect: { label: string; value: number | null; text: string };
  /** Distinct seeds among the runs used, and the fewest seeds of any compared cell. */
  seeds: number[];
  minSeeds: number;
  runs: string[];
  studies: string[];
  /** Page route and figure id of the figure that shows the evidence. */
  figure: { route: string; id: string } | null;
  units: Unit[];
  /**
   * Configurations of the studies that test this hypothesis without a record yet (each counted
   * once): while there are any, the verdict is provisional. It does not change the rule's outcome.
   */
  pending: number;
}

/** The rules as the methods page states them, one per hypothesis. */
export const RULES: Readonly<Record<number, string>> = {
  1: `Cells: each optimizer without regularization (kind "none"). A cell supports when every seed has sparsity below ${percent(SUBSTANTIAL, 0)}, contradicts when every seed is at or above it. Universal claim: supported when every informative cell supports, contradicted when any cell contradicts. Effect: the largest cell mean.`,
  2: `Reference: the seeds of SGD and SGD with momentum under L2 (pooled). Units: each adaptive optimizer (${ADAPTIVE_OPTIMIZERS.join(', ')}) under L2, which supports when it is clearly above the reference by at least ${points(FAR_MORE, 0)} and contradicts when it is not above it by that much. Effect: mean over adaptive optimizers of their mean minus the reference mean.`,
  3: `Units: each group of the strength study's other factors. Supports when the highest strength is clearly above the lowest by at least ${points(CLEAR_EFFECT, 0)} and no step to the next strength is clearly a decrease of that size; contradicts when the highest strength is not above the lowest by that much. Effect: mean over groups of highest minus lowest.`,
  4: `Units: for the mini-batch size and the learning rate (each study that varies one), each group of the other factors. Supports when some pair of levels differs clearly (non-overlapping seeds and means ${points(CLEAR_EFFECT, 0).slice(1)} apart), contradicts when every pair of seeds of every pair of levels differs by less than that. The claim names both factors, so it is supported only when every informative unit supports, and contradicted when any unit contradicts. Effect: the largest difference between two levels.`,
  5: `Units: each group of the task study's other factors, with tasks ordered by their number of classes. Supports when the task with the fewest classes is clearly above the one with the most by at least ${points(CLEAR_EFFECT, 0)} and no step to more classes is clearly an increase of that size; contradicts when the fewest-class task is not above the most-class task by that much. Effect: mean over groups of fewest- minus most-class sparsity.`,
  6: `Selectivity is read at each run's early checkpoint: its first checkpoint at or after ${percent(EARLY_FRACTION, 0)} of its iterations (EARLY_FRACTION), before the deaths are under way. It is not read at the last checkpoint before each death, because a dying feature's selectivity falls towards 0 as it dies: measured there it is low almost by construction, while the claim is that features were selective first and died afterwards. Units: runs in which at least ${MIN_DEAD_FEATURES} features died after the early checkpoint. For each, the median early selectivity of the survivors minus that of the features that died; features that had already died by the early checkpoint are left out of that run's comparison, and the unit says how many. A run supports when this gap is at least ${SELECTIVE_GAP} and contradicts when it is below ${SELECTIVE_GAP / 2}. Needs at least ${MIN_SEEDS} such runs. Effect: mean gap ± sd over runs. The same gap shortly before death is shown in each unit and in the figure but does not decide. Change of method, made before any data it applies to existed (no full-scale data yet; the quick-scale emergence run, the only data H6 reads, had no deaths, so no H6 verdict had been decided on deaths under either rule): the rule first compared the selectivity at the last checkpoint before death.`,
  7: `Units: runs whose final sparsity is at least ${percent(MIN_FINAL_SPARSITY, 0)}. Network sparsity at each checkpoint: t½ is the first checkpoint where it reaches half its final value. A run supports when t½ falls within the first ${percent(EARLY, 0)} of training and the final sparsity is at least ${percent(PERSIST, 0)} of its peak; it contradicts when t½ falls after ${percent(LATE, 0)} of training or the final sparsity is below ${percent(LOST, 0)} of its peak. Needs at least ${MIN_SEEDS} such runs. Effect: mean t½ as a share of training.`,
  8: `Units: each group of the activation study's other factors, comparing ReLU with leaky ReLU. Supports when ReLU is clearly above leaky ReLU by at least ${points(CLEAR_EFFECT, 0)} and every leaky-ReLU seed is below ${percent(NEGLIGIBLE, 0)}; contradicts when every leaky-ReLU seed is at or above ${percent(NEGLIGIBLE, 0)}; when ReLU itself shows no clear sparsity the unit is unclear. Effect: ReLU minus leaky-ReLU mean.`,
  9: `Units: runs of the pruning study from which at least one filter was removed. A run supports when its test accuracy after pruning is within ${points(ACCURACY_TOLERANCE, 1).slice(1)} of before and its measured images/s rose by at least ${ratio(MIN_SPEEDUP)}; it contradicts when accuracy moved by more than that or images/s did not rise at all. Needs at least ${MIN_SEEDS} such runs. Effect: mean speed-up ± sd.`,
};

export interface VerdictInput {
  runs: readonly RunRow[];
  studies: readonly StudyRow[];
  filters: readonly FilterRow[];
  emergence: readonly EmergenceRow[];
  pruning: readonly PruningRow[];
}

// ---------------------------------------------------------------------------------------
// Comparisons of seed samples

export type Comparison = 'above' | 'notAbove' | 'unclear' | 'insufficient';

/** Is sample a above sample b by at least minEffect, judged on the spread of the seeds? */
export function compareAbove(a: readonly number[], b: readonly number[], minEffect: number): Comparison {
  if (a.length < MIN_SEEDS || b.length < MIN_SEEDS) return 'insufficient';
  const d = mean(a) - mean(b);
  if (Math.min(...a) > Math.max(...b) && d >= minEffect) return 'above';
  if (Math.max(...a) - Math.min(...b) < minEffect) return 'notAbove';
  return 'unclear';
}

/** Do two samples differ (either way) by at least minEffect? */
export function compareChange(a: readonly number[], b: readonly number[], minEffect: number): 'changed' | 'unchanged' | 'unclear' | 'insufficient' {
  const up = compareAbove(a, b, minEffect);
  const down = compareAbove(b, a, minEffect);
  if (up === 'insufficient') return 'insufficient';
  if (up === 'above' || down === 'above') return 'changed';
  if (up === 'notAbove' && down === 'notAbove') return 'unchanged';
  return 'unclear';
}

/** The default rule: a strict majority of informative units, none pointing the other way. */
export function byMajority(units: readonly Unit[]): Outcome {
  const informative = units.filter((u) => u.outcome !== 'insufficient');
  const s = informative.filter((u) => u.outcome === 'supports').length;
  const c = informative.filter((u) => u.outcome === 'contradicts').length;
  if (s * 2 > informative.length && c === 0) return 'supported';
  if (c * 2 > informative.length && s === 0) return 'contradicted';
  return 'inconclusive';
}

/** For universal claims: every informative unit supports; any contradicting unit refutes. */
export function byAll(units: readonly Unit[]): Outcome {
  const informative = units.filter((u) => u.outcome !== 'insufficient');
  if (informative.some((u) => u.outcome === 'contradicts')) return 'contradicted';
  if (informative.length > 0 && informative.every((u) => u.outcome === 'supports')) return 'supported';
  return 'inconclusive';
}

function reasonOf(outcome: Outcome, units: readonly Unit[], what: string): string {
  const informative = units.filter((u) => u.outcome !== 'insufficient');
  const count = (o: UnitOutcome) => units.filter((u) => u.outcome === o).length;
  if (units.length === 0) return `No ${what} in the data yet.`;
  if (informative.length === 0) return `No ${what} has the ${MIN_SEEDS} seeds (or the data) a decision needs.`;
  const tally = `${count('supports')} of ${informative.length} ${what}s support, ${count('contradicts')} contradict, ${count('unclear')} unclear`;
  const left = count('insufficient') > 0 ? `; ${count('insufficient')} left out for too few seeds or data` : '';
  const head = outcome === 'inconclusive' ? 'The evidence is mixed or too spread' : outcome === 'supported' ? 'Supported' : 'Contradicted';
  return `${head}: ${tally}${left}.`;
}

// ---------------------------------------------------------------------------------------
// Helpers over studies

interface Context {
  runsById: Map<string, RunRow>;
  input: VerdictInput;
}

/** Studies that test hypothesis h (by the studies dataset, else by experiments/hypotheses.ts). */
function studiesFor(h: number, input: VerdictInput): StudyRow[] {
  const tagged = input.studies.filter((s) => s.hypotheses.includes(h));
  if (tagged.length > 0) return tagged;
  const named = HYPOTHESES.find((x) => x.id === h)?.study;
  return input.studies.filter((s) => s.study === named);
}

function values(members: readonly Member[]): number[] {
  return members.map((m) => valueOf(m, 'activation'));
}

/** Mean ± sd over runs ("n/a" without runs, no "± 0" for a single run). */
function withSpread(xs: readonly number[], fmt: (x: number) => string): string {
  if (xs.length === 0) return 'n/a';
  if (xs.length === 1) return `${fmt(xs[0])} (one run)`;
  return `${fmt(mean(xs))} ± ${fmt(sd(xs))} (n = ${xs.length})`;
}

function spread(xs: readonly number[]): string {
  return xs.length === 0 ? 'no runs' : `${percentSpread(mean(xs), sd(xs))} (n = ${xs.length})`;
}

function emptyVerdict(h: number, reason: string): Verdict {
  const hyp = HYPOTHESES.find((x) => x.id === h);
  return {
    hypothesis: h,
    statement: hyp?.statement ?? `Hypothesis ${h}`,
    outcome: 'inconclusive',
    reason,
    effect: { label: 'effect', value: null, text: 'n/a' },
    seeds: [],
    minSeeds: 0,
    runs: [],
    studies: [],
    figure: null,
    units: [],
    pending: 0,
  };
}

function finish(
  h: number,
  outcome: Outcome,
  units: Unit[],
  what: string,
  used: readonly Member[],
  minSeeds: number,
  studies: readonly StudyRow[],
  figure: { route: string; id: string } | null,
  effect: Verdict['effect'],
): Verdict {
  return {
    ...emptyVerdict(h, ''),
    outcome,
    reason: reasonOf(outcome, units, what),
    effect,
    seeds: seedsOf(used),
    minSeeds,
    runs: [...new Set(used.map((m) => m.run.run))].sort(),
    studies: studies.map((s) => s.study),
    figure,
    units,
  };
}

/** Groups a study's measured members by every factor except the ones named. */
function groupsExcept(study: StudyRow, members: readonly Member[], except: readonly string[]) {
  const others = study.factors.filter((f) => !except.includes(f));
  return cellsOf(members, others).map((g) => ({ label: others.length ? cellLabel(g.factors, others) : 'all runs', members: g.members, others }));
}

function minSeedsOf(cells: ReadonlyArray<readonly Member[]>): number {
  return cells.length === 0 ? 0 : Math.min(...cells.map((c) => seedsOf(c).length));
}

// ---------------------------------------------------------------------------------------
// The rules

function h1(ctx: Context): Verdict {
  const studies = studiesFor(1, ctx.input);
  if (studies.length === 0) return emptyVerdict(1, 'The optimizer study has no data yet.');
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation').filter((m) => factorOf(m, 'regularization.kind') === 'none');
  const paths = study.factors.filter((f) => f !== 'regularization.kind');
  const cells = cellsOf(members, paths.length ? paths : ['optimizer.name']);
  const units: Unit[] = cells.map((c) => {
    const xs = values(c.members);
    const label = cellLabel(c.factors, paths.length ? paths : ['optimizer.name']);
    let outcome: UnitOutcome = 'unclear';
    if (xs.length < MIN_SEEDS) outcome = 'insufficient';
    else if (Math.max(...xs) < SUBSTANTIAL) outcome = 'supports';
    else if (Math.min(...xs) >= SUBSTANTIAL) outcome = 'contradicts';
    return { label, outcome, detail: spread(xs) };
  });
  const outcome = byAll(units);
  const informative = cells.filter((c) => c.members.length > 0);
  let effect: Verdict['effect'] = { label: 'largest mean sparsity without regularization', value: null, text: 'n/a' };
  if (informative.length > 0) {
    const top = informative.map((c) => ({ c, m: mean(values(c.members)) })).sort((a, b) => b.m - a.m)[0];
    effect = { ...effect, value: top.m, text: `${percent(top.m)} (${cellLabel(top.c.factors, paths.length ? paths : ['optimizer.name'])})` };
  }
  return finish(1, outcome, units, 'optimizer', members, minSeedsOf(cells.map((c) => c.members)), studies, { route: studyRoute(study.study), id: studyFigureId.sparsity(study.study) }, effect);
}

function h2(ctx: Context): Verdict {
  const studies = studiesFor(2, ctx.input);
  if (studies.length === 0) return emptyVerdict(2, 'The optimizer study has no data yet.');
  const study = studies[0];
  const l2 = measured(membersOf(study, ctx.runsById), 'activation').filter((m) => factorOf(m, 'regularization.kind') === 'l2');
  const reference = l2.filter((m) => SGD_OPTIMIZERS.includes(String(factorOf(m, 'optimizer.name'))));
  const ref = values(reference);
  const adaptive = cellsOf(
    l2.filter((m) => ADAPTIVE_OPTIMIZERS.includes(String(factorOf(m, 'optimizer.name')))),
    ['optimizer.name'],
  );
  const units: Unit[] = adaptive.map((c) => {
    const xs = values(c.members);
    const cmp = compareAbove(xs, ref, FAR_MORE);
    const outcome: UnitOutcome = cmp === 'above' ? 'supports' : cmp === 'notAbove' ? 'contradicts' : cmp === 'insufficient' ? 'insufficient' : 'unclear';
    const d = xs.length && ref.length ? points(mean(xs) - mean(ref)) : 'n/a';
    return { label: `${formatLevel(c.factors['optimizer.name'])} vs SGD`, outcome, detail: `${spread(xs)} vs ${spread(ref)}: ${d}` };
  });
  if (ref.length === 0) units.push({ label: 'SGD reference', outcome: 'insufficient', detail: 'no SGD or momentum run with L2' });
  const outcome = byMajority(units);
  const diffs = ref.length > 0 ? adaptive.map((c) => mean(values(c.members)) - mean(ref)) : [];
  const effect = {
    label: 'adaptive minus SGD sparsity under L2, mean over adaptive optimizers',
    value: diffs.length ? mean(diffs) : null,
    text: diffs.length ? points(mean(diffs)) : 'n/a',
  };
  const used = [...reference, ...adaptive.flatMap((c) => c.members)];
  return finish(2, outcome, units, 'adaptive optimizer', used, minSeedsOf([reference, ...adaptive.map((c) => c.members)]), studies, { route: studyRoute(study.study), id: studyFigureId.sparsity(study.study) }, effect);
}

/**
 * H3 and H5: along an ordered factor, the first level is expected clearly above the last
 * (direction +1: last above first), with no clear step the other way.
 */
function trendUnits(
  groups: ReadonlyArray<{ label: string; members: Member[] }>,
  levelOf: (m: Member) => number,
  expectRise: boolean,
  levelName: (v: number) => string,
): { units: Unit[]; diffs: number[]; cells: Member[][] } {
  const units: Unit[] = [];
  const diffs: number[] = [];
  const cells: Member[][] = [];
  for (const g of groups) {
    const levels = [...new Set(g.members.map(levelOf))].sort((a, b) => a - b);
    const byLevel = levels.map((l) => g.members.filter((m) => levelOf(m) === l));
    cells.push(...byLevel);
    if (levels.length < 2) {
      units.push({ label: g.label, outcome: 'insufficient', detail: 'fewer than two levels' });
      continue;
    }
    const low = values(byLevel[0]);
    const high = values(byLevel[byLevel.length - 1]);
    const [hi, lo] = expectRise ? [high, low] : [low, high];
    const cmp = compareAbove(hi, lo, CLEAR_EFFECT);
    let wrongStep = false;
    for (let i = 0; i + 1 < byLevel.length; i++) {
      const a = values(byLevel[i]);
      const b = values(byLevel[i + 1]);
      if (compareAbove(expectRise ? a : b, expectRise ? b : a, CLEAR_EFFECT) === 'above') wrongStep = true;
    }
    let outcome: UnitOutcome = 'unclear';
    if (cmp === 'insufficient') outcome = 'insufficient';
    else if (cmp === 'above' && !wrongStep) outcome = 'supports';
    else if (cmp === 'notAbove') outcome = 'contradicts';
    if (hi.length > 0 && lo.length > 0) diffs.push(mean(hi) - mean(lo));
    const first = levelName(levels[0]);
    const last = levelName(levels[levels.length - 1]);
    units.push({
      label: g.label,
      outcome,
      detail: `${first}: ${spread(low)}; ${last}: ${spread(high)}${wrongStep ? '; a step goes clearly the other way' : ''}`,
    });
  }
  return { units, diffs, cells };
}

function h3(ctx: Context): Verdict {
  const studies = studiesFor(3, ctx.input);
  if (studies.length === 0) return emptyVerdict(3, 'The strength study has no data yet.');
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation');
  const groups = groupsExcept(study, members, ['regularization.strength']);
  const level = (m: Member) => Number(factorOf(m, 'regularization.strength'));
  const { units, diffs, cells } = trendUnits(groups, level, true, (v) => `strength ${formatLevel(v)}`);
  const effect = { label: 'highest minus lowest strength', value: diffs.length ? mean(diffs) : null, text: diffs.length ? points(mean(diffs)) : 'n/a' };
  return finish(3, byMajority(units), units, 'group', members, minSeedsOf(cells), studies, { route: studyRoute(study.study), id: studyFigureId.sparsity(study.study) }, effect);
}

function h4(ctx: Context): Verdict {
  const studies = studiesFor(4, ctx.input);
  const candidates = studies.length ? studies : ctx.input.studies.filter((s) => s.study === 'learning-rate');
  const factors = ['training.batchSize', 'optimizer.lr'];
  const units: Unit[] = [];
  const used: Member[] = [];
  const cellsAll: Member[][] = [];
  const effects: number[] = [];
  const tested: StudyRow[] = [];
  let figure: Verdict['figure'] = null;
  for (const study of candidates) {
    const factor = factors.find((f) => study.factors.includes(f));
    if (!factor) continue;
    tested.push(study);
    figure ??= { route: studyRoute(study.study), id: studyFigureId.sparsity(study.study) };
    const members = measured(membersOf(study, ctx.runsById), 'activation');
    used.push(...members);
    for (const g of groupsExcept(study, members, [factor])) {
      const levels = sortLevels(g.members.map((m) => factorOf(m, factor)));
      const byLevel = levels.map((l) => g.members.filter((m) => factorOf(m, factor) === l));
      cellsAll.push(...byLevel);
      const label = `${factorLabel(factor)}${g.others.length ? ` (${g.label})` : ''}`;
      if (levels.length < 2) {
        units.push({ label, outcome: 'insufficient', detail: 'fewer than two levels' });
        continue;
      }
      const results: string[] = [];
      let largest = 0;
      let pair = '';
      for (let i = 0; i < levels.length; i++) {
        for (let j = i + 1; j < levels.length; j++) {
          const a = values(byLevel[i]);
          const b = values(byLevel[j]);
          const c = compareChange(a, b, CLEAR_EFFECT);
          results.push(c);
          if (a.length === 0 || b.length === 0) continue;
          const d = mean(b) - mean(a);
          if (Math.abs(d) >= Math.abs(largest)) {
            largest = d;
            pair = `${formatLevel(levels[i])} → ${formatLevel(levels[j])}`;
          }
        }
      }
      let outcome: UnitOutcome = 'unclear';
      if (results.every((r) => r === 'insufficient')) outcome = 'insufficient';
      else if (results.includes('changed')) outcome = 'supports';
      else if (results.every((r) => r === 'unchanged')) outcome = 'contradicts';
      if (pair) effects.push(largest);
      units.push({ label, outcome, detail: pair ? `largest difference ${points(largest)} (${pair})` : 'no pair of levels with enough seeds' });
    }
  }
  if (tested.length === 0) return emptyVerdict(4, 'No data yet: no study varies the mini-batch size or the learning rate.');
  const top = effects.length ? effects.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a)) : null;
  const effect = { label: 'largest difference in sparsity between two levels', value: top, text: top === null ? 'n/a' : points(top) };
  return finish(4, byAll(units), units, 'factor', used, minSeedsOf(cellsAll), tested, figure, effect);
}

function h5(ctx: Context): Verdict {
  const studies = studiesFor(5, ctx.input);
  if (studies.length === 0) return emptyVerdict(5, 'The task study has no data yet.');
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation');
  const groups = groupsExcept(study, members, ['data.classes', 'data.dataset', 'data.trainSubset']);
  const { units, diffs, cells } = trendUnits(groups, (m) => m.run.classes, false, (v) => `${v} classes`);
  const effect = { label: 'fewest-class minus most-class sparsity', value: diffs.length ? mean(diffs) : null, text: diffs.length ? points(mean(diffs)) : 'n/a' };
  return finish(5, byMajority(units), units, 'group', members, minSeedsOf(cells), studies, { route: studyRoute(study.study), id: studyFigureId.sparsity(study.study) }, effect);
}

/** Members of the studies testing h whose runs completed (any measure). */
function completeMembers(studies: readonly StudyRow[], ctx: Context): Member[] {
  const seen = new Set<string>();
  const out: Member[] = [];
  for (const s of studies) {
    for (const m of membersOf(s, ctx.runsById)) {
      if (m.run.status !== 'complete' || seen.has(m.run.run)) continue;
      seen.add(m.run.run);
      out.push(m);
    }
  }
  return out;
}

function perRunVerdict(h: number, ctx: Context, units: Unit[], used: Member[], studies: StudyRow[], figure: Verdict['figure'], effect: Verdict['effect']): Verdict {
  const informative = units.filter((u) => u.outcome !== 'insufficient').length;
  const outcome = informative >= MIN_SEEDS ? byMajority(units) : 'inconclusive';
  const v = finish(h, outcome, units, 'run', used, seedsOf(used).length, studies, figure, effect);
  if (informative < MIN_SEEDS && units.length > 0) v.reason = `Only ${informative} informative run(s); the rule needs at least ${MIN_SEEDS}.`;
  return v;
}

/** H6 on the filter rows of one run: who is compared, and the gaps. */
export interface SelectivityGap {
  /**
   * Survivors' median minus the dying features' median early selectivity (the decisive gap);
   * null when fewer than MIN_DEAD_FEATURES features died after the early checkpoint, or none survived.
   */
  gap: number | null;
  /** Features compared that died after the early checkpoint. */
  dead: number;
  /** Survivors compared. */
  survivors: number;
  /** Features that had already died by the early checkpoint: left out of the comparison. */
  alreadyDead: number;
  /** Iteration of the run's early checkpoint (null: the run has none). */
  earlyAt: number | null;
  /** The same gap on the selectivity shortly before death, over every death (shown, never decides). */
  gapBeforeDeath: number | null;
}

/** Died at or before the checkpoint its early selectivity was read at (so it read as dead there). */
function deadByEarly(r: FilterRow): boolean {
  return r.diedAt !== null && r.selectivityEarlyAt !== null && r.diedAt <= r.selectivityEarlyAt;
}

export function selectivityGap(rows: readonly FilterRow[]): SelectivityGap {
  const early = rows.filter((r) => r.selectivityEarly !== null);
  const alreadyDead = early.filter(deadByEarly).length;
  const died = early.filter((r) => r.diedAt !== null && !deadByEarly(r)).map((r) => r.selectivityEarly as number);
  const lived = early.filter((r) => r.diedAt === null).map((r) => r.selectivityEarly as number);
  const diedBefore = rows.filter((r) => r.diedAt !== null && r.selectivityBefore !== null).map((r) => r.selectivityBefore as number);
  const livedBefore = rows.filter((r) => r.diedAt === null && r.selectivityBefore !== null).map((r) => r.selectivityBefore as number);
  const earlyAt = early.find((r) => r.selectivityEarlyAt !== null)?.selectivityEarlyAt ?? null;
  return {
    gap: died.length >= MIN_DEAD_FEATURES && lived.length > 0 ? median(lived) - median(died) : null,
    dead: died.length,
    survivors: lived.length,
    alreadyDead,
    earlyAt,
    gapBeforeDeath: diedBefore.length >= MIN_DEAD_FEATURES && livedBefore.length > 0 ? median(livedBefore) - median(diedBefore) : null,
  };
}

/** What a unit of H6 says about its run's comparison, decided or not. */
function selectivityGapDetail(g: SelectivityGap): string {
  if (g.earlyAt === null) return `no checkpoint at or after ${percent(EARLY_FRACTION, 0)} of training, so no early selectivity`;
  const left = g.alreadyDead > 0 ? `; ${g.alreadyDead} already dead by then, left out` : '';
  const before = `; shortly before death the gap is ${g.gapBeforeDeath === null ? 'n/a' : g.gapBeforeDeath.toFixed(3)} (not decisive)`;
  if (g.gap === null) {
    const why = g.dead < MIN_DEAD_FEATURES ? `fewer than ${MIN_DEAD_FEATURES} features died after` : 'no feature survived to compare with, after';
    return `${why} the early checkpoint at iteration ${g.earlyAt} (${g.dead} died later, ${g.survivors} survived${left})`;
  }
  return `early gap ${g.gap.toFixed(3)} at iteration ${g.earlyAt} (${g.dead} died later, ${g.survivors} survived${left})${before}`;
}

function h6(ctx: Context): Verdict {
  const studies = studiesFor(6, ctx.input);
  if (studies.length === 0) return emptyVerdict(6, 'The emergence study has no data yet.');
  const members = completeMembers(studies, ctx);
  const byRun = groupBy(ctx.input.filters, (r) => r.run);
  const units: Unit[] = [];
  const gaps: number[] = [];
  const used: Member[] = [];
  for (const m of members) {
    const g = selectivityGap(byRun.get(m.run.run) ?? []);
    const label = `run ${m.run.run.slice(0, 8)} (seed ${m.seed})`;
    if (g.gap === null) {
      units.push({ label, outcome: 'insufficient', detail: selectivityGapDetail(g) });
      continue;
    }
    used.push(m);
    gaps.push(g.gap);
    const outcome: UnitOutcome = g.gap >= SELECTIVE_GAP ? 'supports' : g.gap < SELECTIVE_GAP / 2 ? 'contradicts' : 'unclear';
    units.push({ label, outcome, detail: selectivityGapDetail(g) });
  }
  const effect = {
    label: `survivors minus dying features, median selectivity at the early checkpoint (≥ ${percent(EARLY_FRACTION, 0)} of training)`,
    value: gaps.length ? mean(gaps) : null,
    text: withSpread(gaps, (x) => x.toFixed(3)),
  };
  const study = studies[0];
  return perRunVerdict(6, ctx, units, used, studies, { route: studyRoute(study.study), id: studyFigureId.selectivityBefore(study.study) }, effect);
}

/** Network sparsity by activation at each checkpoint of one run, in iteration order. */
export function networkSparsityOverTime(rows: readonly EmergenceRow[]): Array<{ iteration: number; sparsity: number }> {
  const byIteration = groupBy(rows, (r) => r.iteration);
  return [...byIteration.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([iteration, rs]) => {
      const filters = rs.reduce((s, r) => s + r.filters, 0);
      return { iteration, sparsity: filters > 0 ? rs.reduce((s, r) => s + r.deadByActivation, 0) / filters : 0 };
    });
}

/** When half the final sparsity is first reached (share of training), and final / peak. */
export function emergenceTiming(series: ReadonlyArray<{ iteration: number; sparsity: number }>, iterations: number): { halfAt: number; finalOverPeak: number; final: number } | null {
  if (series.length < 2 || iterations <= 0) return null;
  const final = series[series.length - 1].sparsity;
  const peak = Math.max(...series.map((p) => p.sparsity));
  if (final <= 0 || peak <= 0) return { halfAt: Number.NaN, finalOverPeak: 0, final };
  const half = series.find((p) => p.sparsity >= final / 2) as { iteration: number };
  return { halfAt: half.iteration / iterations, finalOverPeak: final / peak, final };
}

function h7(ctx: Context): Verdict {
  const studies = studiesFor(7, ctx.input);
  if (studies.length === 0) return emptyVerdict(7, 'The emergence study has no data yet.');
  const members = completeMembers(studies, ctx);
  const byRun = groupBy(ctx.input.emergence, (r) => r.run);
  const units: Unit[] = [];
  const halves: number[] = [];
  const used: Member[] = [];
  for (const m of members) {
    const label = `run ${m.run.run.slice(0, 8)} (seed ${m.seed})`;
    const t = emergenceTiming(networkSparsityOverTime(byRun.get(m.run.run) ?? []), m.run.iterations);
    if (!t) {
      units.push({ label, outcome: 'insufficient', detail: 'fewer than two checkpoints' });
      continue;
    }
    if (t.final < MIN_FINAL_SPARSITY) {
      units.push({ label, outcome: 'insufficient', detail: `final sparsity ${percent(t.final)} is below ${percent(MIN_FINAL_SPARSITY, 0)}` });
      continue;
    }
    used.push(m);
    halves.push(t.halfAt);
    let outcome: UnitOutcome = 'unclear';
    if (t.halfAt > LATE || t.finalOverPeak < LOST) outcome = 'contradicts';
    else if (t.halfAt <= EARLY && t.finalOverPeak >= PERSIST) outcome = 'supports';
    units.push({ label, outcome, detail: `half of the final ${percent(t.final)} reached at ${percent(t.halfAt, 0)} of training; final / peak ${t.finalOverPeak.toFixed(2)}` });
  }
  const effect = {
    label: 'share of training before half the final sparsity is reached',
    value: halves.length ? mean(halves) : null,
    text: withSpread(halves, (x) => percent(x, 0)),
  };
  const study = studies[0];
  return perRunVerdict(7, ctx, units, used, studies, { route: studyRoute(study.study), id: studyFigureId.sparsityOverTime(study.study) }, effect);
}

function h8(ctx: Context): Verdict {
  const studies = studiesFor(8, ctx.input);
  if (studies.length === 0) return emptyVerdict(8, 'The activation study has no data yet.');
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation');
  const groups = groupsExcept(study, members, ['model.activation']);
  const units: Unit[] = [];
  const diffs: number[] = [];
  const cells: Member[][] = [];
  for (const g of groups) {
    const relu = g.members.filter((m) => m.run.activation === 'relu');
    const leaky = g.members.filter((m) => m.run.activation === 'leaky-relu');
    cells.push(relu, leaky);
    const r = values(relu);
    const l = values(leaky);
    const cmp = compareAbove(r, l, CLEAR_EFFECT);
    let outcome: UnitOutcome = 'unclear';
    if (cmp === 'insufficient') outcome = 'insufficient';
    else if (Math.min(...l) >= NEGLIGIBLE) outcome = 'contradicts';
    else if (cmp === 'above' && Math.max(...l) < NEGLIGIBLE) outcome = 'supports';
    if (r.length > 0 && l.length > 0) diffs.push(mean(r) - mean(l));
    const gammaLeaky = measured(leaky, 'gamma').map((m) => valueOf(m, 'gamma'));
    units.push({
      label: g.label,
      outcome,
      detail: `ReLU ${spread(r)}; leaky ReLU ${spread(l)}${gammaLeaky.length ? `; leaky ReLU by |γ| ${spread(gammaLeaky)}` : ''}`,
    });
  }
  const effect = { label: 'ReLU minus leaky-ReLU sparsity (activation criterion)', value: diffs.length ? mean(diffs) : null, text: diffs.length ? points(mean(diffs)) : 'n/a' };
  return finish(8, byMajority(units), units, 'group', members, minSeedsOf(cells), studies, { route: studyRoute(study.study), id: studyFigureId.sparsity(study.study) }, effect);
}

function h9(ctx: Context): Verdict {
  const studies = studiesFor(9, ctx.input);
  if (studies.length === 0) return emptyVerdict(9, 'The pruning study has no data yet.');
  const members = completeMembers(studies, ctx);
  const byRun = new Map(ctx.input.pruning.map((p) => [p.run, p]));
  const units: Unit[] = [];
  const speedups: number[] = [];
  const used: Member[] = [];
  for (const m of members) {
    const label = `run ${m.run.run.slice(0, 8)} (seed ${m.seed})`;
    const p = byRun.get(m.run.run);
    if (!p || p.removedFilters === 0) {
      units.push({ label, outcome: 'insufficient', detail: p ? 'no filter was dead, nothing to remove' : 'no pruning result' });
      continue;
    }
    used.push(m);
    const speedup = p.imagesPerSecondAfter / p.imagesPerSecondBefore;
    const dAcc = p.testAccuracyAfter - p.testAccuracyBefore;
    speedups.push(speedup);
    let outcome: UnitOutcome = 'unclear';
    if (Math.abs(dAcc) > ACCURACY_TOLERANCE || speedup <= 1) outcome = 'contradicts';
    else if (speedup >= MIN_SPEEDUP) outcome = 'supports';
    units.push({ label, outcome, detail: `removed ${p.removedFilters} of ${p.filtersBefore} filters; accuracy ${points(dAcc, 2)}; speed-up ${ratio(speedup)}` });
  }
  const effect = {
    label: 'measured inference speed-up (images/s after / before)',
    value: speedups.length ? mean(speedups) : null,
    text: withSpread(speedups, (x) => ratio(x)),
  };
  const study = studies[0];
  return perRunVerdict(9, ctx, units, used, studies, { route: studyRoute(study.study), id: studyFigureId.pruning(study.study) }, effect);
}

function groupBy<T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const RULE_FUNCTIONS: Record<number, (ctx: Context) => Verdict> = { 1: h1, 2: h2, 3: h3, 4: h4, 5: h5, 6: h6, 7: h7, 8: h8, 9: h9 };

/** The verdict of every hypothesis of the brief, in order. */
export function computeVerdicts(input: VerdictInput): Verdict[] {
  const ctx: Context = { runsById: new Map(input.runs.map((r) => [r.run, r])), input };
  return HYPOTHESES.map((h) => {
    const pending = new Set(input.studies.filter((s) => s.hypotheses.includes(h.id)).flatMap((s) => s.pending));
    return { ...RULE_FUNCTIONS[h.id](ctx), pending: pending.size };
  });
}
