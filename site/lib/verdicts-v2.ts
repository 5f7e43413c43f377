// The study-v2 verdicts as the site shows them: analysis/v2's numbers turned into labels, details,
// reasons and effect texts, with the superseded v1 verdict and the rule change beside each.
// Formatting only: no rule is decided here.
import type { RuleChange } from '../../data/schemas/rule-changes.js';
import { H1_V2 } from '../../analysis/hypotheses/h1.js';
import { H2_V2 } from '../../analysis/hypotheses/h2.js';
import { H3_V2 } from '../../analysis/hypotheses/h3.js';
import { H5_V2 } from '../../analysis/hypotheses/h5.js';
import { H6_V2 } from '../../analysis/hypotheses/h6.js';
import { H7_V2 } from '../../analysis/hypotheses/h7.js';
import { LR_RANGE } from '../../analysis/rules/lr-range.js';
import { tally } from '../../analysis/rules/result.js';
import type { AllVerdicts, V2Hypothesis, V2Results } from '../../analysis/verdicts.js';
import { HYPOTHESES } from '../../data/hypotheses.js';
import { studyFigureId, studyRoute } from './figure-ids.js';
import { formatLevel } from './studies.js';
import { percent, points } from './format.js';
import type { SupersededVerdict, Unit, Verdict } from './verdict-display.js';

const fmt = (x: number | null, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));
const pts = (x: number | null) => (x === null ? 'n/a' : points(x));
const pct = (x: number | null) => (x === null ? 'n/a' : percent(x));
const short = (run: string) => run.slice(0, 8);

/** Why a unit could not decide, in words. */
const NOTES: Record<string, string> = {
  'no-early-checkpoint': 'the run has no checkpoint at or after the early share of training',
  'too-few-dying': `fewer than ${H6_V2.minDying} features of the block died after the early checkpoint`,
  'too-few-survivors': `fewer than ${H6_V2.minSurvivors} features of the block survived`,
  saturated: `saturated: at least ${percent(H6_V2.saturatedShare, 0)} of the features read within ${H6_V2.saturatedMargin} of the same end of the scale`,
  'too-few-checkpoints': 'fewer than two checkpoints',
  'too-little-sparsity': `final sparsity below ${percent(H7_V2.minFinalSparsity, 0)}`,
  'still-moving': 'sparsity still moving over the last checkpoints: "persists" undecided',
  'too-few-rates': `fewer than ${LR_RANGE.minRates} learning rates with records`,
  'too-narrow': `the learning rates with records span less than ${LR_RANGE.minSpan}x`,
  'too-few-seeds': 'too few seeds at some level',
  'too-few-levels': 'fewer than two levels with records',
  'unequal-size': 'the tasks differ in training images or epochs',
  'no-reference': 'no complete SGD and momentum ranges to compare with yet',
  'depends-on-learning-rate': 'far more than SGD at some learning rates and not at others',
};
const note = (code: string | null) => (code === null ? '' : (NOTES[code] ?? code));

interface Described {
  units: Unit[];
  effect: Verdict['effect'];
}

function describe(h: V2Hypothesis, results: V2Results): Described {
  switch (h) {
    case 1: {
      const r = results[1];
      return {
        units: r.units.map((u) => ({
          label: u.key,
          outcome: u.outcome,
          detail:
            u.outcome === 'insufficient'
              ? note(u.note)
              : `largest cell ${pct(u.numbers.largestMean)} at lr ${formatLevel(u.numbers.largestAt)} over ${u.numbers.rates.map(formatLevel).join(', ')}`,
        })),
        effect: {
          label: 'largest mean sparsity of any optimizer at any learning rate, without regularization',
          value: r.effect.largestMean,
          text: r.effect.largestMean === null ? 'n/a' : `${pct(r.effect.largestMean)} (${r.effect.optimizer}, lr ${formatLevel(r.effect.lr)})`,
        },
      };
    }
    case 2: {
      const r = results[2];
      const ref = r.effect.reference;
      return {
        units: r.units.map((u) => ({
          label: u.key,
          outcome: u.outcome,
          detail:
            u.outcome === 'insufficient'
              ? note(u.note)
              : `margin over the SGD reference ${u.numbers.margins.map((m) => `${pts(m.margin)} at lr ${formatLevel(m.lr)}`).join(', ')}${u.note ? `: ${note(u.note)}` : ''}`,
        })),
        effect: {
          label: `median over adaptive optimizers of their smallest margin over the SGD family's sparsest cell${ref ? ` (${ref.optimizer} lr ${formatLevel(ref.lr)}, ${pct(ref.mean)})` : ''}`,
          value: r.effect.medianMinMargin,
          text: pts(r.effect.medianMinMargin),
        },
      };
    }
    case 3: {
      const r = results[3];
      return {
        units: r.units.map((u) => ({
          label: u.key,
          outcome: u.outcome,
          detail:
            u.outcome === 'insufficient'
              ? note(u.note)
              : `lowest strength ${pct(u.numbers.firstMean)}, highest ${pct(u.numbers.lastMean)}${u.numbers.shrinkPerStep ? ` (per-step shrink ${u.numbers.shrinkPerStep.map((s) => s.toExponential(0)).join(', ')})` : ''}${u.numbers.wrongStep ? '; a step goes clearly the other way' : ''}`,
        })),
        effect: { label: 'highest minus lowest strength, mean over sweeps', value: r.effect.difference, text: pts(r.effect.difference) },
      };
    }
    case 5: {
      const r = results[5];
      return {
        units: r.units.map((u) => ({
          label: u.key,
          outcome: u.outcome,
          detail:
            u.outcome === 'insufficient'
              ? note(u.note)
              : `fewest classes ${pct(u.numbers.firstMean)}, most ${pct(u.numbers.lastMean)}, every task on ${u.numbers.trainImages?.toLocaleString('en')} images for ${fmt(u.numbers.epochs, 1)} epochs${u.numbers.wrongStep ? '; a step goes clearly the other way' : ''}`,
        })),
        effect: { label: 'fewest- minus most-class sparsity at equal images and epochs', value: r.effect.difference, text: pts(r.effect.difference) },
      };
    }
    case 6: {
      const r = results[6];
      return {
        units: r.units
          .filter((u) => u.note !== 'too-few-dying' || u.numbers.dying > 0)
          .map((u) => ({
            label: `run ${short(u.numbers.run)} (seed ${u.numbers.seed}), block ${u.numbers.layer + 1}`,
            outcome: u.outcome,
            detail: `${u.outcome === 'insufficient' ? `${note(u.note)}; ` : ''}median early lifetime sparseness of ${u.numbers.dying} dying ${fmt(u.numbers.dyingMedian)}, of ${u.numbers.survivors} survivors ${fmt(u.numbers.survivorMedian)}${u.numbers.gap === null ? '' : ` (gap ${fmt(u.numbers.gap)})`}${u.numbers.alreadyDead ? `; ${u.numbers.alreadyDead} already dead, left out` : ''}`,
          })),
        effect: {
          label: 'dying minus surviving median early lifetime sparseness, deciding blocks',
          value: r.effect.meanGap,
          text: r.effect.meanGap === null ? 'n/a' : `${fmt(r.effect.meanGap)}${r.effect.sdGap === null ? '' : ` ± ${fmt(r.effect.sdGap)}`}`,
        },
      };
    }
    case 7: {
      const r = results[7];
      return {
        units: r.units.map((u) => ({
          label: `run ${short(u.numbers.run)} (seed ${u.numbers.seed})`,
          outcome: u.outcome,
          detail:
            u.numbers.halfAt === null
              ? note(u.note)
              : `half of the final ${pct(u.numbers.final)} reached at ${percent(u.numbers.halfAt, 0)} of training; ${u.numbers.plateau ? `levelled off (within ${points(u.numbers.windowRange ?? 0)} over the last ${percent(H7_V2.plateauWindow, 0)}), final / peak ${fmt((u.numbers.final ?? 0) / (u.numbers.peak || 1), 2)}` : note('still-moving')}`,
        })),
        effect: {
          label: 'share of training before half the final sparsity is reached',
          value: r.effect.meanHalfAt,
          text:
            r.effect.meanHalfAt === null
              ? 'n/a'
              : `${percent(r.effect.meanHalfAt, 0)}; ${r.effect.plateaus} on a plateau, ${r.effect.stillMoving} still moving`,
        },
      };
    }
  }
}

/** Why the outcome, in one sentence, from the units' tally. */
function reasonOf(outcome: Verdict['outcome'], units: readonly Unit[], pendingRuns: number): string {
  const t = tally(units);
  if (t.informative === 0) return `No unit can decide yet${pendingRuns ? ` (${pendingRuns} configurations of the deciding studies have no record)` : ''}.`;
  const counts = `${t.supports} support, ${t.contradicts} contradict, ${t.unclear} unclear, ${t.insufficient} cannot decide`;
  if (outcome === 'inconclusive') return `The units disagree or are unclear (${counts}).`;
  return `${outcome === 'supported' ? 'Supported' : 'Contradicted'} by the rule (${counts}).`;
}

/**
 * A v2 decision as a display verdict, with the v1 verdict it supersedes (`old`: it stays visible;
 * `basis` says which: as published, or v1's rules on these datasets) and its rule change.
 */
export function describeV2Verdict(
  h: V2Hypothesis,
  v2: AllVerdicts['v2'],
  change: RuleChange | null,
  old: SupersededVerdict | undefined,
  basis: string,
): Verdict {
  const e = v2.evidence[h];
  const d = describe(h, v2.results);
  const outcome = v2.results[h].outcome;
  return {
    hypothesis: h,
    statement: HYPOTHESES.find((x) => x.id === h)?.statement ?? `Hypothesis ${h}`,
    outcome,
    reason: reasonOf(outcome, d.units, e.pending),
    effect: d.effect,
    seeds: e.seeds,
    minSeeds: e.minSeeds,
    runs: e.runs,
    studies: e.studies,
    figure: e.figure ? { route: studyRoute(e.figure.study), id: studyFigureId[e.figure.figure](e.figure.study) } : null,
    units: d.units,
    pending: e.pending,
    version: 2,
    ...(old ? { superseded: { outcome: old.outcome, effect: old.effect, basis } } : {}),
    ...(change ? { change: { commit: change.commit, supersedes: change.supersedes, reason: change.reason } } : {}),
  };
}

/** The v2 rules as the methods page states them, written from the constants the rules read. */
export const RULES_V2: Readonly<Record<V2Hypothesis, string>> = {
  1: `Units: each update rule (${H1_V2.optimizers.join(', ')}) without regularization, over its learning-rate range (at least ${LR_RANGE.minRates} rates spanning ${LR_RANGE.minSpan}x, ${LR_RANGE.minSeeds} seeds at each; study lr-range). A unit supports when every seed at every rate is below ${percent(H1_V2.substantial, 0)}, contradicts when some rate has every seed at or above it, and is unclear otherwise. Universal claim: any contradicting unit refutes it; supported when every informative unit supports. No learning rate is picked. Effect: the largest cell mean, with its optimizer and rate.`,
  2: `Reference: the cell of SGD or SGD with momentum under L2 (over their ranges, both complete) with the most sparsity, so an adaptive optimizer must beat SGD at its sparsest. Units: each adaptive optimizer (${H2_V2.adaptive.join(', ')}) under L2 over its range (as for H1). A unit supports when it is clearly above the reference by at least ${points(H2_V2.farMore, 0)} at every rate (every seed above every reference seed), contradicts when it is not above it by that much at any rate, and is unclear when that depends on the rate. By majority, none pointing the other way. No learning rate is picked. Effect: the median over deciding units of their smallest margin, the number the rule reads.`,
  3: `Units: each strength sweep (Adam and SGD with momentum under L2, study strength; AdamW with decoupled decay, study decoupled-strength, whose per-step shrink is lr × strength, PyTorch's convention), ${H3_V2.minSeeds} seeds at every strength. A unit supports when the highest strength is clearly above the lowest by at least ${points(H3_V2.clearEffect, 0)} and no step to the next strength is clearly a decrease of that size; contradicts when the highest is not above the lowest by that much. By majority. Effect: mean over deciding sweeps of highest minus lowest.`,
  5: `Units: each dataset of the equal-size arm (study task-equal: every task on the same number of class-stratified training images, so the same epochs), tasks ordered by their number of classes, ${H5_V2.minSeeds} seeds per task; a unit whose tasks differ in images or epochs does not decide. Supports when the fewest-class task is clearly above the most-class one by at least ${points(H5_V2.clearEffect, 0)} and no step to more classes is clearly an increase; contradicts when it is not above by that much. By majority. The all-images arm (study task) is shown as secondary. Effect: mean fewest- minus most-class sparsity.`,
  6: `Measure: the lifetime sparseness (experiments/definitions.ts) on the probe at each run's early checkpoint (the first at or after ${percent(H6_V2.earlyFraction, 0)} of training). Units: each block of each run of study emergence-long in which at least ${H6_V2.minDying} features die after the early checkpoint and at least ${H6_V2.minSurvivors} survive; features already dead there, or with no response, are left out. Gap: median of the dying minus median of the survivors of the same block. A unit supports when the gap is at least ${H6_V2.selectiveGap}, contradicts when below ${H6_V2.contradictBelow}, and is unclear between; a block in which at least ${percent(H6_V2.saturatedShare, 0)} of the features read within ${H6_V2.saturatedMargin} of the same end of the scale is saturated and does not decide. A block decides with at least ${H6_V2.minRuns} runs, by majority; H6 is supported when every deciding block supports it and contradicted when every one contradicts it. Effect: mean gap ± sd over the deciding units.`,
  7: `Units: runs of study emergence-long whose final sparsity is at least ${percent(H7_V2.minFinalSparsity, 0)}. t½: the first checkpoint where network sparsity reaches half its final value. Plateau: every checkpoint of the last ${percent(H7_V2.plateauWindow, 0)} of training within ${points(H7_V2.plateauTolerance, 0).replace('+', '')} of the final sparsity. A run supports when t½ is within the first ${percent(H7_V2.early, 0)} of training and, on a plateau, the final sparsity is at least ${percent(H7_V2.persist, 0)} of its peak; it contradicts when t½ is after ${percent(H7_V2.late, 0)} or, on a plateau, the final sparsity is below ${percent(H7_V2.lost, 0)} of its peak; a run still moving at its end leaves "persists" undecided (unclear). By majority, with at least ${H7_V2.minRuns} informative runs. Effect: mean t½, and how many runs levelled off.`,
};
