// The study-v3 verdicts as the site shows them: the v3 rules' numbers (analysis/hypotheses/, where
// analysis/verdicts.ts chooses them) turned into labels, details, reasons and effect texts as
// verdicts-v2.ts words v2's, with the result under the other dead criterion, the rule change and
// the superseded v2 verdict beside each. Formatting only: no rule is decided here.
import type { RuleChange } from '../../../data/schemas/rule-changes.js';
import { H1_V3 } from '../../../analysis/hypotheses/h1.js';
import { H10_STATEMENT } from '../../../analysis/hypotheses/h10.js';
import { H11, H11_STATEMENT } from '../../../analysis/hypotheses/h11.js';
import { H12, H12_STATEMENT } from '../../../analysis/hypotheses/h12.js';
import { H7_V3 } from '../../../analysis/hypotheses/h7.js';
import { CRITERIA, type Criterion, type V3Result } from '../../../analysis/rules/criteria.js';
import { FEATURE_RULE_V3, type FeatureEffect, type FeatureUnitNumbers } from '../../../analysis/rules/features.js';
import type { RuleResult, RuleUnit } from '../../../analysis/rules/result.js';
import type { AllVerdicts, V3Hypothesis, V3Results } from '../../../analysis/verdicts.js';
import { COLLAPSE_EFOLDS } from '../../../data/definitions.js';
import { HYPOTHESES } from '../../../data/hypotheses.js';
import { studyFigureId, studyRoute } from '../figures/figure-ids.js';
import { formatLevel } from '../model/studies.js';
import { percent, points } from '../text/format.js';
import type { SupersededVerdict, Unit, Verdict } from './verdict-display.js';
import { reasonOf } from './verdicts-v2.js';

const fmt = (x: number | null, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));
const pts = (x: number | null) => (x === null ? 'n/a' : points(x));
const pct = (x: number | null) => (x === null ? 'n/a' : percent(x));
const short = (run: string) => run.slice(0, 8);

/** The statements of the hypotheses study v3 adds to the brief's nine. */
const NEW_STATEMENTS: Readonly<Record<number, string>> = { 10: H10_STATEMENT, 11: H11_STATEMENT, 12: H12_STATEMENT };

export const statementOf = (h: number): string => HYPOTHESES.find((x) => x.id === h)?.statement ?? NEW_STATEMENTS[h] ?? `Hypothesis ${h}`;

/** How the pages name a dead criterion. */
export const CRITERION_LABEL: Readonly<Record<Criterion, string>> = { gamma: 'dead by |γ|', activation: 'dead by activation' };

/** Why a unit could not decide or is unclear, in words. */
const NOTES: Readonly<Record<string, string>> = {
  'within-seed-spread-of-threshold': 'within the seed spread of a threshold: the seeds fall on both sides',
  'too-few-seeds': 'too few seeds',
  'too-few-levels': 'fewer than two levels with records',
  'decay-budget-below-collapse': `its decay budget is below the ${COLLAPSE_EFOLDS.toFixed(1)} e-folds a collapse needs: a zero there is arithmetic`,
  'hard-pair-not-harder': 'the hard pair is not clearly harder (test accuracy) than the easy pair',
  'no-read-checkpoint': `the run has no checkpoint at iteration ${FEATURE_RULE_V3.readAt.toLocaleString('en')} with the mechanism`,
  'too-few-dying': `fewer than ${FEATURE_RULE_V3.minDying} features of the block die after iteration ${FEATURE_RULE_V3.readAt.toLocaleString('en')}`,
  'too-few-survivors': `fewer than ${FEATURE_RULE_V3.minSurvivors} features of the block survive`,
  'too-few-checkpoints': 'fewer than two checkpoints',
  'no-onset': `the sparsity never reaches ${percent(H7_V3.onsetSparsity, 0)}`,
  'late-onset': `onset after ${H7_V3.earlyEpochs} epochs`,
  recovers: `the sparsity falls more than ${points(H7_V3.recoversBeyond, 0).replace('+', '')} after its onset`,
  'small-recovery': `a fall between ${points(H7_V3.persistsWithin, 0).replace('+', '')} and ${points(H7_V3.recoversBeyond, 0).replace('+', '')} after the onset`,
  'intervention-leaves-deaths': `without L2 on γ and β some seed still has ${percent(H12.absentBelow, 0)} or more dead`,
};
const note = (code: string | null) => (code === null ? '' : (NOTES[code] ?? code));
const withNote = (u: { note: string | null }, detail: string) => (u.note ? `${detail}; ${note(u.note)}` : detail);

interface Described {
  units: Unit[];
  effect: Verdict['effect'];
  band?: Verdict['band'];
}

/** The per-block rank comparison of H6 and H10: one unit per block of a run that has features dying after the read. */
function featureUnits(units: ReadonlyArray<RuleUnit<FeatureUnitNumbers>>, measure: string): Unit[] {
  return units
    .filter((u) => u.note !== 'too-few-dying' || u.numbers.dying > 0)
    .map((u) => {
      const n = u.numbers;
      const medians = `median ${measure} of ${n.dying} dying ${fmt(n.dyingMedian)}, of ${n.survivors} survivors ${fmt(n.survivorMedian)}`;
      const test = n.auc === null ? '' : `; AUC ${fmt(n.auc, 2)} (p ${n.p === null ? 'n/a' : n.p < 0.001 ? '< 0.001' : fmt(n.p)})`;
      const left = n.alreadyDead ? `; ${n.alreadyDead} already dead at iteration ${FEATURE_RULE_V3.readAt.toLocaleString('en')}, left out` : '';
      return {
        label: `run ${short(n.run)} (seed ${n.seed}, width ${n.width}), block ${n.layer + 1}`,
        outcome: u.outcome,
        value: n.auc,
        runs: [n.run],
        detail: `${u.outcome === 'insufficient' ? `${note(u.note)}; ` : ''}${medians}${test}${left}`,
      };
    });
}

function featureEffect(e: FeatureEffect, label: string): Verdict['effect'] {
  return {
    label,
    value: e.medianAuc,
    text: e.medianAuc === null ? 'n/a' : `${fmt(e.medianAuc, 2)} (${e.informative} blocks; ${fmt(e.minAuc, 2)} to ${fmt(e.maxAuc, 2)})`,
  };
}

const aucBand = (expectHigher: boolean, label: string): NonNullable<Verdict['band']> => ({
  label,
  supports: expectHigher ? 0.5 + FEATURE_RULE_V3.aucMargin : 0.5 - FEATURE_RULE_V3.aucMargin,
  contradicts: expectHigher ? 0.5 - FEATURE_RULE_V3.aucMargin : 0.5 + FEATURE_RULE_V3.aucMargin,
  format: 'number',
});

/** The units and effect of hypothesis h's v3 result under one criterion. */
function describe(h: V3Hypothesis, results: V3Results, c: Criterion): Described {
  switch (h) {
    case 1: {
      const r = results[1].byCriterion[c];
      return {
        units: r.units.map((u) => {
          const n = u.numbers;
          const spread = n.sd === null ? pct(n.mean) : `${pct(n.mean)} ± ${pct(n.sd)}`;
          return {
            label: `${n.optimizer} lr ${formatLevel(n.lr)}`,
            outcome: u.outcome,
            detail: withNote(
              u,
              `${spread} over ${n.seeds} seeds (${pct(n.min)} to ${pct(n.max)}); by mechanism ${n.gammaCollapses} |γ| collapses, ${n.negativeBetaDeaths} ReLU deaths by a negative β`,
            ),
          };
        }),
        effect: {
          label: `largest mean share of filters ${CRITERION_LABEL[c]} in any cell without regularization, against a ${percent(H1_V3.substantial, 0)} line`,
          value: r.effect.largestMean,
          text: r.effect.largestMean === null ? 'n/a' : `${pct(r.effect.largestMean)} (lr ${formatLevel(r.effect.lr)})`,
        },
      };
    }
    case 2: {
      const r = results[2].byCriterion[c];
      return {
        units: r.units.map((u) => {
          const n = u.numbers;
          return {
            label: n.sgd,
            outcome: u.outcome,
            detail: withNote(
              u,
              `decay budget ${n.budget === null ? 'n/a' : `${n.budget.toFixed(1)} e-folds`}; Adam ${pct(n.adaptiveMean)}, this cell ${pct(n.sgdMean)}: ${pts(n.difference)}`,
            ),
          };
        }),
        effect: {
          label: 'Adam minus SGD with momentum under L2, mean over the cells with a collapse budget',
          value: r.effect.meanDifference,
          text: pts(r.effect.meanDifference),
        },
      };
    }
    case 3: {
      const r = results[3].byCriterion[c];
      return {
        units: r.units.map((u) => {
          const n = u.numbers;
          const left = n.levelsBelowBudget ? `; ${n.levelsBelowBudget} strength(s) below the collapse budget left out` : '';
          return {
            label: u.key,
            outcome: u.outcome,
            detail:
              u.outcome === 'insufficient'
                ? `${note(u.note)}${left}`
                : `lowest strength ${pct(n.firstMean)}, highest ${pct(n.lastMean)}${n.wrongStep ? '; a step goes clearly the other way' : ''}${left}`,
          };
        }),
        effect: { label: 'highest minus lowest strength, mean over the deciding units', value: r.effect.meanDifference, text: pts(r.effect.meanDifference) },
      };
    }
    case 5: {
      const r = results[5].byCriterion[c];
      return {
        units: r.units.map((u) => {
          const n = u.numbers;
          const detail = n.trend
            ? `fewest classes ${pct(n.trend.firstMean)}, most ${pct(n.trend.lastMean)}${n.trend.wrongStep ? '; a step goes clearly the other way' : ''}`
            : `easy pair ${pct(n.easyMean)}, hard pair ${pct(n.hardMean)}; test accuracy ${pct(n.easyAccuracy)} against ${pct(n.hardAccuracy)}`;
          return { label: u.key, outcome: u.outcome, detail: u.outcome === 'insufficient' ? `${note(u.note)}; ${detail}` : withNote(u, detail) };
        }),
        effect: {
          label: 'fewest- minus most-class sparsity, classes drawn at random',
          value: r.effect.classesDifference,
          text: `${pts(r.effect.classesDifference)}${r.effect.pairDifference === null ? '' : ` (easy minus hard pair ${pts(r.effect.pairDifference)})`}`,
        },
      };
    }
    case 6: {
      const r = results[6].lifetimeSparseness.byCriterion[c];
      return {
        units: featureUnits(r.units, 'lifetime sparseness'),
        band: aucBand(true, 'AUC: a dying feature reads more selective than a survivor'),
        effect: featureEffect(
          r.effect,
          `median AUC of dying against surviving lifetime sparseness at iteration ${FEATURE_RULE_V3.readAt.toLocaleString('en')}`,
        ),
      };
    }
    case 7: {
      const r = results[7].byCriterion[c];
      return {
        units: r.units.map((u) => {
          const n = u.numbers;
          const onset =
            n.onsetIteration === null ? 'no onset' : `onset at iteration ${n.onsetIteration.toLocaleString('en')} (${fmt(n.onsetEpochs, 1)} epochs)`;
          const fall = n.drawdown === null ? '' : `; largest fall after it ${points(n.drawdown).replace('+', '')}`;
          return {
            label: `run ${short(u.key)}`,
            outcome: u.outcome,
            value: n.onsetEpochs,
            runs: [u.key],
            detail: withNote(u, `${onset}${fall}; final ${pct(n.final)}, peak ${pct(n.peak)}`),
          };
        }),
        effect: {
          label: 'onset (the sparsity first reaches 1 %), mean in epochs',
          value: r.effect.meanOnsetEpochs,
          text:
            r.effect.meanOnsetEpochs === null
              ? 'n/a'
              : `${fmt(r.effect.meanOnsetEpochs, 1)} epochs; largest fall after an onset ${pts(r.effect.maxDrawdown).replace('+', '')}`,
        },
      };
    }
    case 10: {
      const r = results[10].byCriterion[c];
      return {
        units: featureUnits(r.units, 'data-loss gradient'),
        band: aucBand(false, 'AUC: a dying feature receives more data-loss gradient than a survivor'),
        effect: featureEffect(r.effect, `median AUC of dying against surviving data-loss gradient at iteration ${FEATURE_RULE_V3.readAt.toLocaleString('en')}`),
      };
    }
    case 11: {
      const r = results[11].byCriterion[c];
      const at = r.effect.byWidth.find((w) => w.width === H11.width);
      const others = r.effect.byWidth.filter((w) => w.width !== H11.width).map((w) => `width ${w.width} ${pct(w.mean)}`);
      return {
        units: r.units.map((u) => {
          const n = u.numbers;
          return {
            label: u.key,
            outcome: u.outcome,
            value: n.mean,
            detail: withNote(
              u,
              `${n.sd === null ? pct(n.mean) : `${pct(n.mean)} ± ${pct(n.sd)}`} over ${n.seeds} seeds${others.length ? `; ${others.join(', ')}` : ''}`,
            ),
          };
        }),
        band: { label: `mean sparsity at width ${H11.width}`, supports: H11.substantial, contradicts: H11.absentBelow, format: 'share' },
        effect: {
          label: `mean sparsity at width ${H11.width}`,
          value: at?.mean ?? null,
          text: at ? `${pct(at.mean)}${others.length ? ` (${others.join(', ')})` : ''}` : 'n/a',
        },
      };
    }
    case 12: {
      const r = results[12].byCriterion[c];
      return {
        units: r.units.map((u) => ({
          label: u.key,
          outcome: u.outcome,
          detail: withNote(u, `L2 everywhere ${pct(u.numbers.withMean)}, none on γ and β ${pct(u.numbers.withoutMean)}: ${pts(u.numbers.difference)}`),
        })),
        effect: { label: 'L2 everywhere minus L2 on kernels and head only', value: r.effect.difference, text: pts(r.effect.difference) },
      };
    }
  }
}

/** The result a v3 hypothesis decides on: H6 on lifetime sparseness (the paper's measure is reported beside it). */
function deciding(h: V3Hypothesis, results: V3Results): V3Result<unknown, unknown> {
  return h === 6 ? results[6].lifetimeSparseness : (results[h] as V3Result<unknown, unknown>);
}

/** Where the evidence of each v3 rule is drawn: its deciding study and figure (the site checks the figure exists). */
const V3_FIGURES: Readonly<Record<V3Hypothesis, { study: string; figure: keyof typeof studyFigureId }>> = {
  1: { study: 'rmsprop-unregularized', figure: 'sparsity' },
  2: { study: 'decay-budget', figure: 'sparsity' },
  3: { study: 'decay-budget', figure: 'sparsity' },
  5: { study: 'task-identity', figure: 'sparsity' },
  6: { study: 'paper-width', figure: 'lifetimeBefore' },
  7: { study: 'emergence-60k', figure: 'sparsityOverTime' },
  10: { study: 'paper-width', figure: 'mechanism' },
  11: { study: 'paper-width', figure: 'sparsity' },
  12: { study: 'bn-unregularized', figure: 'sparsity' },
};

/**
 * A v3 decision as a display verdict: the deciding criterion's units and effect, the other
 * criterion's outcome and effect (and, for H6, the paper's selectivity measure) reported beside it,
 * the v2 verdict it supersedes (`old`: it stays visible; null for a hypothesis new in v3) and its rule change.
 */
export function describeV3Verdict(
  h: V3Hypothesis,
  v3: NonNullable<AllVerdicts['v3']>,
  change: RuleChange | null,
  old: SupersededVerdict | null,
  basis: string,
): Verdict {
  const e = v3.evidence[h];
  const result = deciding(h, v3.results);
  const d = describe(h, v3.results, result.deciding);
  const other = CRITERIA.find((c) => c !== result.deciding) as Criterion;
  const o = describe(h, v3.results, other);
  const reported: NonNullable<Verdict['reported']> = [
    { label: `${CRITERION_LABEL[other]} (reported)`, outcome: result.byCriterion[other].outcome, text: o.effect.text, agrees: result.criteriaAgree },
  ];
  if (h === 6) {
    const paper = v3.results[6].paperSelectivity;
    const p = paper.byCriterion[paper.deciding] as RuleResult<FeatureUnitNumbers, FeatureEffect>;
    reported.push({
      label: `the paper's selectivity measure, ${CRITERION_LABEL[paper.deciding]} (reported)`,
      outcome: p.outcome,
      text: featureEffect(p.effect, '').text,
      agrees: p.outcome === result.outcome,
    });
  }
  const figure = V3_FIGURES[h];
  return {
    hypothesis: h,
    statement: statementOf(h),
    outcome: result.outcome,
    reason: reasonOf(result.outcome, d.units, e.pending),
    effect: d.effect,
    seeds: e.seeds,
    minSeeds: e.minSeeds,
    runs: e.runs,
    studies: e.studies,
    figure: { route: studyRoute(figure.study), id: studyFigureId[figure.figure](figure.study) },
    units: d.units,
    ...(d.band ? { band: d.band } : {}),
    pending: e.pending,
    version: 3,
    criterion: CRITERION_LABEL[result.deciding],
    reported,
    ...(old ? { superseded: { outcome: old.outcome, effect: old.effect, basis } } : {}),
    ...(change ? { change: { commit: change.commit, supersedes: change.supersedes, reason: change.reason } } : {}),
  };
}
