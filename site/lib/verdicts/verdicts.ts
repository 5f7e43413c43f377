// The verdicts as the site shows them: analysis/verdicts.ts decides which rule version decides each
// hypothesis; here v1's numbers are turned into labels, details, reasons, effect texts and links to
// the evidence (verdicts-v2.ts words v2's, verdicts-v3.ts v3's). Formatting only: no rule is decided here.
import { summarise } from '../../../analysis/statistics.js';
import { RULE_CONSTANTS } from '../../../analysis/rules/v1-constants.js';
import { tally, type Outcome, type UnitOutcome } from '../../../analysis/rules/result.js';
import type { Group, V1TrendNumbers, VerdictInput } from '../../../analysis/rules/v1-context.js';
import type { AnyV1Verdict } from '../../../analysis/versions/v1.js';
import { allVerdicts, isV2Hypothesis, isV3Hypothesis, type AllVerdicts, type V3Hypothesis, type VerdictsInput } from '../../../analysis/verdicts.js';
import { ruleChange } from '../../../analysis/studies.js';
import { V3_STUDIES } from '../../../analysis/versions/v3.js';
import type { SelectivityGap } from '../../../analysis/hypotheses/h6.js';
import type { VerdictSnapshot } from '../../../data/schemas/verdict-snapshot.js';
import { HYPOTHESES } from '../../../data/hypotheses.js';
import { studyFigureId, studyRoute } from '../figures/figure-ids.js';
import { percent, percentSpread, points, ratio } from '../text/format.js';
import { cellLabel, factorLabel, formatLevel } from '../model/studies.js';
import { describeV2Verdict } from './verdicts-v2.js';
import { describeV3Verdict } from './verdicts-v3.js';
import type { SupersededVerdict, Unit, Verdict } from './verdict-display.js';

export type { Outcome, UnitOutcome, VerdictInput, VerdictsInput };
export type { SupersededVerdict, Unit, Verdict } from './verdict-display.js';
export { RULE_TEXTS_V1, RULE_TEXTS_V2, RULE_TEXTS_V3 } from './rule-text.js';

const { MIN_SEEDS, MIN_DEAD_FEATURES, MIN_FINAL_SPARSITY, EARLY_FRACTION } = RULE_CONSTANTS;

/**
 * The v1 verdicts v2 rules supersede: as v1 published them when the kept v1 summary is given
 * (data/<scale>/verdicts/v1.json; study v2 has since added seeds and groups to some v1 studies,
 * on which v1's rules may read otherwise), else v1's rules on these datasets.
 */
function supersededVerdicts(published: VerdictSnapshot | null, now: readonly Verdict[]): { verdicts: SupersededVerdict[]; basis: string } {
  if (!published) return { verdicts: [...now], basis: "v1's rule on these datasets" };
  const basis = `v1 as published at ${published.commit.slice(0, 12)} (${published.committedAt.slice(0, 10)}), on its ${published.runs.length} records`;
  return { verdicts: published.verdicts.map((k) => ({ hypothesis: k.hypothesis, outcome: k.outcome, effect: { ...k.effect } })), basis };
}

/**
 * The verdict of every hypothesis, as the pages show it: by the rule version analysis/verdicts.ts
 * chooses (v3 only where `input` gives the mechanism rows and its studies are complete), with the
 * verdict of the version before it, which the deciding rule supersedes: for a v2 rule the v1
 * verdict as v1 published it when `published` (the kept v1 summary) is given; for a v3 rule the
 * v2 rule's verdict on these datasets. `all`: allVerdicts(input), where the caller has it already.
 */
export function computeVerdicts(input: VerdictsInput, published: VerdictSnapshot | null = null, all: AllVerdicts = allVerdicts(input)): Verdict[] {
  const v1 = all.v1.map(describeVerdict);
  const superseded = supersededVerdicts(published?.version === 'v1' ? published : null, v1);
  return all.deciding.map(({ hypothesis: h, version, change }, i) => {
    if (version === 1) return v1[i];
    if (version === 2 && isV2Hypothesis(h))
      return describeV2Verdict(
        h,
        all.v2,
        change,
        superseded.verdicts.find((v) => v.hypothesis === h),
        superseded.basis,
      );
    if (version === 3 && isV3Hypothesis(h) && all.v3) return describeV3Verdict(h, all.v3, change, v2Superseded(h, all), V2_BASIS);
    throw new Error(
      `H${h} is decided by its v${version} rule, which the site does not word: add its wording to site/lib/verdicts (as verdicts-v3.ts does for v3)`,
    );
  });
}

/** Which v2 verdict a v3 verdict supersedes. */
const V2_BASIS = "v2's rule on these datasets";

/** The v2 verdict a v3 rule supersedes (null for a hypothesis new in v3). */
function v2Superseded(h: number, all: AllVerdicts): SupersededVerdict | null {
  if (!isV2Hypothesis(h)) return null;
  const { outcome, effect } = describeV2Verdict(h, all.v2, null, undefined, '');
  return { hypothesis: h, outcome, effect };
}

/**
 * Every v3 rule's verdict on these datasets as the cards word it, whether or not it decides yet
 * (the Study v3 page shows them; one whose studies have runs pending says how many): the brief's
 * hypotheses with their v2 verdict as superseded, then the hypotheses new in v3. Empty without
 * the mechanism rows (allVerdicts gives no v3 results then).
 */
export function v3Verdicts(all: AllVerdicts): Verdict[] {
  const v3 = all.v3;
  if (!v3) return [];
  return (Object.keys(V3_STUDIES).map(Number) as V3Hypothesis[]).map((h) => describeV3Verdict(h, v3, ruleChange(h, 3) ?? null, v2Superseded(h, all), V2_BASIS));
}

/** Mean ± sd of a sample of sparsities, with its size ("no runs" without any). */
function spread(xs: readonly number[]): string {
  if (xs.length === 0) return 'no runs';
  const s = summarise(xs);
  return `${percentSpread(s.mean, s.sd)} (n = ${xs.length})`;
}

/** Mean ± sd over runs ("n/a" without runs, no "± 0" for a single run). */
function withSpread(xs: readonly number[], fmt: (x: number) => string): string {
  if (xs.length === 0) return 'n/a';
  if (xs.length === 1) return `${fmt(xs[0])} (one run)`;
  const s = summarise(xs);
  return `${fmt(s.mean)} ± ${fmt(s.sd)} (n = ${xs.length})`;
}

const groupLabel = (g: Omit<Group, 'members'>) => (g.paths.length ? cellLabel(g.factors, g.paths) : 'all runs');
const runLabel = (u: { run: string; seed: number }) => `run ${u.run.slice(0, 8)} (seed ${u.seed})`;
const pointsOrNone = (x: number | null) => (x === null ? 'n/a' : points(x));

/** What each rule calls its units, for the reason sentence. */
const UNIT_NOUN: Record<number, string> = {
  1: 'optimizer',
  2: 'adaptive optimizer',
  3: 'group',
  4: 'factor',
  5: 'group',
  6: 'run',
  7: 'run',
  8: 'group',
  9: 'run',
};

function missingReason(h: number): string {
  if (h === 4) return 'No data yet: no study varies the mini-batch size or the learning rate.';
  return `The ${HYPOTHESES.find((x) => x.id === h)?.study} study has no data yet.`;
}

function reasonOf(v: AnyV1Verdict): string {
  if (v.result.note === 'no-study') return missingReason(v.hypothesis);
  const what = UNIT_NOUN[v.hypothesis];
  const t = tally(v.result.units);
  if (v.result.note === 'too-few-runs') return `Only ${t.informative} informative run(s); the rule needs at least ${MIN_SEEDS}.`;
  if (v.result.units.length === 0) return `No ${what} in the data yet.`;
  if (t.informative === 0) return `No ${what} has the ${MIN_SEEDS} seeds (or the data) a decision needs.`;
  const counts = `${t.supports} of ${t.informative} ${what}s support, ${t.contradicts} contradict, ${t.unclear} unclear`;
  const left = t.insufficient > 0 ? `; ${t.insufficient} left out for too few seeds or data` : '';
  const head = v.result.outcome === 'inconclusive' ? 'The evidence is mixed or too spread' : v.result.outcome === 'supported' ? 'Supported' : 'Contradicted';
  return `${head}: ${counts}${left}.`;
}

function trendDetail(u: V1TrendNumbers, levelName: (v: number) => string): string {
  if (u.levels.length < 2) return 'fewer than two levels';
  const first = levelName(u.levels[0]);
  const last = levelName(u.levels[u.levels.length - 1]);
  return `${first}: ${spread(u.low)}; ${last}: ${spread(u.high)}${u.wrongStep ? '; a step goes clearly the other way' : ''}`;
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

/** Units and effect of one verdict, in words. */
function describeEvidence(v: AnyV1Verdict): { units: Array<Omit<Unit, 'outcome'>>; effect: { label: string; text: string } } {
  switch (v.hypothesis) {
    case 1: {
      const cell = v.result.effect.cell;
      return {
        units: v.result.units.map(({ numbers: u }) => ({ label: cellLabel(u.factors, u.paths), detail: spread(u.values) })),
        effect: {
          label: 'largest mean sparsity without regularization',
          text: cell && v.result.effect.value !== null ? `${percent(v.result.effect.value)} (${cellLabel(cell.factors, cell.paths)})` : 'n/a',
        },
      };
    }
    case 2:
      return {
        units: v.result.units.map(({ numbers: u }) =>
          u.optimizer === null && u.reference.length === 0 && u.values.length === 0
            ? { label: 'SGD reference', detail: 'no SGD or momentum run with L2' }
            : { label: `${formatLevel(u.optimizer)} vs SGD`, detail: `${spread(u.values)} vs ${spread(u.reference)}: ${pointsOrNone(u.difference)}` },
        ),
        effect: { label: 'adaptive minus SGD sparsity under L2, mean over adaptive optimizers', text: pointsOrNone(v.result.effect.value) },
      };
    case 3:
      return {
        units: v.result.units.map(({ numbers: u }) => ({ label: groupLabel(u.group), detail: trendDetail(u, (x) => `strength ${formatLevel(x)}`) })),
        effect: { label: 'highest minus lowest strength', text: pointsOrNone(v.result.effect.value) },
      };
    case 4:
      return {
        units: v.result.units.map(({ numbers: u }) => ({
          label: `${factorLabel(u.factor)}${u.group.paths.length ? ` (${groupLabel(u.group)})` : ''}`,
          detail: u.fewerThanTwoLevels
            ? 'fewer than two levels'
            : u.pair
              ? `largest difference ${points(u.largest)} (${formatLevel(u.pair[0])} → ${formatLevel(u.pair[1])})`
              : 'no pair of levels with enough seeds',
        })),
        effect: { label: 'largest difference in sparsity between two levels', text: pointsOrNone(v.result.effect.value) },
      };
    case 5:
      return {
        units: v.result.units.map(({ numbers: u }) => ({ label: groupLabel(u.group), detail: trendDetail(u, (x) => `${x} classes`) })),
        effect: { label: 'fewest-class minus most-class sparsity', text: pointsOrNone(v.result.effect.value) },
      };
    case 6:
      return {
        units: v.result.units.map(({ numbers: u }) => ({ label: runLabel(u), detail: selectivityGapDetail(u.selectivity) })),
        effect: {
          label: `survivors minus dying features, median selectivity at the early checkpoint (≥ ${percent(EARLY_FRACTION, 0)} of training)`,
          text: withSpread(v.result.effect.gaps, (x) => x.toFixed(3)),
        },
      };
    case 7:
      return {
        units: v.result.units.map(({ numbers: u }) => {
          const t = u.timing;
          let detail: string;
          if (!t) detail = 'fewer than two checkpoints';
          else if (t.final < MIN_FINAL_SPARSITY) detail = `final sparsity ${percent(t.final)} is below ${percent(MIN_FINAL_SPARSITY, 0)}`;
          else detail = `half of the final ${percent(t.final)} reached at ${percent(t.halfAt, 0)} of training; final / peak ${t.finalOverPeak.toFixed(2)}`;
          return { label: runLabel(u), detail };
        }),
        effect: { label: 'share of training before half the final sparsity is reached', text: withSpread(v.result.effect.halves, (x) => percent(x, 0)) },
      };
    case 8:
      return {
        units: v.result.units.map(({ numbers: u }) => ({
          label: groupLabel(u.group),
          detail: `ReLU ${spread(u.relu)}; leaky ReLU ${spread(u.leaky)}${u.leakyGamma.length ? `; leaky ReLU by |γ| ${spread(u.leakyGamma)}` : ''}`,
        })),
        effect: { label: 'ReLU minus leaky-ReLU sparsity (activation criterion)', text: pointsOrNone(v.result.effect.value) },
      };
    case 9:
      return {
        units: v.result.units.map(({ numbers: u }) => {
          const p = u.pruning;
          const detail = !p
            ? 'no pruning result'
            : p.removedFilters === 0
              ? 'no filter was dead, nothing to remove'
              : `removed ${p.removedFilters} of ${p.filtersBefore} filters; accuracy ${points(p.accuracyChange, 2)}; speed-up ${ratio(p.speedup)}`;
          return { label: runLabel(u), detail };
        }),
        effect: { label: 'measured inference speed-up (images/s after / before)', text: withSpread(v.result.effect.speedups, (x) => ratio(x)) },
      };
  }
}

function describeVerdict(v: AnyV1Verdict): Verdict {
  const statement = HYPOTHESES.find((x) => x.id === v.hypothesis)?.statement ?? `Hypothesis ${v.hypothesis}`;
  const evidence = describeEvidence(v);
  const e = v.evidence;
  return {
    hypothesis: v.hypothesis,
    statement,
    outcome: v.result.outcome,
    reason: reasonOf(v),
    effect: v.result.note === 'no-study' ? { label: 'effect', value: null, text: 'n/a' } : { ...evidence.effect, value: v.result.effect.value },
    seeds: e.seeds,
    minSeeds: e.minSeeds,
    runs: e.runs,
    studies: e.studies,
    figure: e.figure ? { route: studyRoute(e.figure.study), id: studyFigureId[e.figure.figure](e.figure.study) } : null,
    units: v.result.units.map((u, i) => ({ ...evidence.units[i], outcome: u.outcome })),
    pending: e.pending,
  };
}
