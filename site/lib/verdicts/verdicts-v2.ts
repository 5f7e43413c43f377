// The study-v2 verdicts as the site shows them: the v2 rules' numbers (analysis/hypotheses/, where
// analysis/verdicts.ts chooses them) turned into labels, details, reasons and effect texts, with
// the superseded v1 verdict and the rule change beside each. Formatting only: no rule is decided here.
import type { RuleChange } from '../../../data/schemas/rule-changes.js';
import { H1_V2 } from '../../../analysis/hypotheses/h1.js';
import { H2_V2 } from '../../../analysis/hypotheses/h2.js';
import { H3_V2 } from '../../../analysis/hypotheses/h3.js';
import { H5_V2 } from '../../../analysis/hypotheses/h5.js';
import { H6_V2 } from '../../../analysis/hypotheses/h6.js';
import { H7_V2 } from '../../../analysis/hypotheses/h7.js';
import { LR_RANGE } from '../../../analysis/rules/lr-range.js';
import { tally } from '../../../analysis/rules/result.js';
import type { AllVerdicts, V2Hypothesis, V2Results } from '../../../analysis/verdicts.js';
import { HYPOTHESES } from '../../../data/hypotheses.js';
import { studyFigureId, studyRoute } from '../figures/figure-ids.js';
import { formatLevel } from '../model/studies.js';
import { percent, points } from '../text/format.js';
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
  /** Where the rule reads one number per unit (a run's block, a run): its thresholds on it. */
  band?: Verdict['band'];
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
              : `largest cell ${pct(u.numbers.largestMean)} at lr ${formatLevel(u.numbers.largestAt)} over ${u.numbers.rates.map(formatLevel).join(', ')}${u.outcome === 'unclear' ? `; seeds on both sides of ${percent(H1_V2.substantial, 0)} at ${u.numbers.straddlingCells} rate(s)` : ''}`,
          value: u.outcome === 'insufficient' ? null : u.numbers.largestMean,
          runs: u.numbers.runs,
        })),
        // Supports only with every seed below the line (so its largest cell mean is below it), contradicts with every seed of some cell at or above it.
        band: {
          label: 'largest cell mean sparsity over the learning rates',
          supports: H1_V2.substantial,
          contradicts: H1_V2.substantial,
          format: 'share',
          supportsAbove: false,
        },
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
          value: u.outcome === 'insufficient' ? null : u.numbers.minMargin,
          ...(u.numbers.minMargin !== null && u.numbers.maxMargin !== null ? { range: [u.numbers.minMargin, u.numbers.maxMargin] as [number, number] } : {}),
          runs: u.numbers.runs,
        })),
        // Supports only clearly above the line at every rate (its smallest margin at or past it), contradicts short of it at every rate even for the best pairing of seeds.
        band: {
          label: 'smallest margin over the SGD reference (whisker: every learning rate)',
          supports: H2_V2.farMore,
          contradicts: H2_V2.farMore,
          format: 'points',
          supportsAbove: true,
        },
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
          value: u.outcome === 'insufficient' ? null : u.numbers.difference,
          runs: u.numbers.runs,
        })),
        // Supports only clearly above the line (mean difference at or past it, every seed above every seed, no step the other way), contradicts when even the best pairing of seeds falls short of it.
        band: {
          label: 'highest minus lowest strength sparsity',
          supports: H3_V2.clearEffect,
          contradicts: H3_V2.clearEffect,
          format: 'points',
          supportsAbove: true,
        },
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
          value: u.outcome === 'insufficient' ? null : u.numbers.difference,
          runs: u.numbers.runs,
        })),
        // As for H3.
        band: {
          label: 'fewest- minus most-class sparsity',
          supports: H5_V2.clearEffect,
          contradicts: H5_V2.clearEffect,
          format: 'points',
          supportsAbove: true,
        },
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
            value: u.numbers.gap,
            runs: [u.numbers.run],
            detail: `${u.outcome === 'insufficient' ? `${note(u.note)}; ` : ''}median early lifetime sparseness of ${u.numbers.dying} dying ${fmt(u.numbers.dyingMedian)}, of ${u.numbers.survivors} survivors ${fmt(u.numbers.survivorMedian)}${u.numbers.gap === null ? '' : ` (gap ${fmt(u.numbers.gap)})`}${u.numbers.alreadyDead ? `; ${u.numbers.alreadyDead} already dead, left out` : ''}`,
          })),
        band: {
          label: 'dying minus surviving median early lifetime sparseness',
          supports: H6_V2.selectiveGap,
          contradicts: H6_V2.contradictBelow,
          format: 'number',
        },
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
          value: u.numbers.halfAt,
          runs: [u.numbers.run],
          detail:
            u.numbers.halfAt === null
              ? note(u.note)
              : `half of the final ${pct(u.numbers.final)} reached at ${percent(u.numbers.halfAt, 0)} of training; ${u.numbers.plateau ? `levelled off (within ${points(u.numbers.windowRange ?? 0)} over the last ${percent(H7_V2.plateauWindow, 0)}), final / peak ${fmt((u.numbers.final ?? 0) / (u.numbers.peak || 1), 2)}` : note('still-moving')}`,
        })),
        band: { label: 'share of training before half the final sparsity', supports: H7_V2.early, contradicts: H7_V2.late, format: 'share' },
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

/** Why the outcome, in one sentence, from the units' tally (v3's verdicts are worded alike). */
export function reasonOf(outcome: Verdict['outcome'], units: readonly Unit[], pendingRuns: number): string {
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
    ...(d.band ? { band: d.band } : {}),
    pending: e.pending,
    version: 2,
    ...(old ? { superseded: { outcome: old.outcome, effect: old.effect, basis } } : {}),
    ...(change ? { change: { commit: change.commit, supersedes: change.supersedes, reason: change.reason } } : {}),
  };
}
