// The study-v3 verdicts from the datasets: each rule's input read off the rows of its deciding
// studies, then the rule under both criteria. Numbers only; the site words them.
import { decayBudget, DEFAULT_THRESHOLDS, isDeadByGamma } from '../../data/definitions.js';
import type { EmergenceRow, FilterRow, MechanismRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { networkSparsityOverTime } from '../time-series.js';
import { decidingStudies } from '../studies.js';
import { FEATURE_RULE_V3, type V3Feature, type V3FeatureRun } from '../rules/features.js';
import { h1V3 } from '../hypotheses/h1.js';
import { h2V3 } from '../hypotheses/h2.js';
import { h3V3 } from '../hypotheses/h3.js';
import { h5V3 } from '../hypotheses/h5.js';
import { h6V3 } from '../hypotheses/h6.js';
import { h7V3, type H7V3Run } from '../hypotheses/h7.js';
import { h10 } from '../hypotheses/h10.js';
import { h11 } from '../hypotheses/h11.js';
import { h12 } from '../hypotheses/h12.js';
import type { V3Run } from '../rules/level-runs.js';

export interface V3Input {
  runs: readonly RunRow[];
  studies: readonly StudyRow[];
  filters: readonly FilterRow[];
  mechanism: readonly MechanismRow[];
  emergence: readonly EmergenceRow[];
}

/** The studies whose records decide each v3 rule (data/rule-changes.json, through analysis/studies.ts). */
export const V3_STUDIES = {
  1: decidingStudies(1, 3),
  2: decidingStudies(2, 3),
  3: decidingStudies(3, 3),
  5: decidingStudies(5, 3),
  6: decidingStudies(6, 3),
  7: decidingStudies(7, 3),
  10: decidingStudies(10, 3),
  11: decidingStudies(11, 3),
  12: decidingStudies(12, 3),
} as const;

/** Complete runs of the named studies, each once. */
export function completeRunsOf(input: Pick<V3Input, 'runs' | 'studies'>, studies: readonly string[]): RunRow[] {
  const ids = new Set(input.studies.filter((s) => studies.includes(s.study)).flatMap((s) => s.members.map((m) => m.run)));
  return input.runs.filter((r) => ids.has(r.run) && r.status === 'complete' && r.sparsityGamma !== null && r.sparsityActivation !== null);
}

/** A run row as the run-level v3 rules read it, with its deaths by mechanism from its filter rows. */
export function v3Run(r: RunRow, filters: readonly FilterRow[]): V3Run {
  const mine = filters.filter((f) => f.run === r.run);
  return {
    run: r.run,
    seed: r.seed,
    optimizer: r.optimizer,
    lr: r.lr,
    regularization: r.regularization,
    strength: r.strength,
    decayBudget: decayBudget(r.config).eFolds,
    width: r.width,
    classes: r.classes,
    classList: r.config.data.classList ?? null,
    regularized: r.config.regularization.appliesTo,
    testAccuracy: r.testAccuracy,
    sparsity: { gamma: r.sparsityGamma as number, activation: r.sparsityActivation as number },
    gammaCollapses: mine.filter((f) => f.deadByGamma).length,
    negativeBetaDeaths: mine.filter((f) => f.deadByActivation && !f.deadByGamma && f.beta < 0).length,
  };
}

/** Per filter of a run: its fate at the end (filter rows) and its values at FEATURE_RULE_V3.readAt (mechanism rows). */
export function v3FeatureRun(r: RunRow, filters: readonly FilterRow[], mechanism: readonly MechanismRow[]): V3FeatureRun {
  const atRead = new Map(mechanism.filter((m) => m.run === r.run && m.iteration === FEATURE_RULE_V3.readAt).map((m) => [`${m.layer}/${m.filter}`, m]));
  const finals = filters.filter((f) => f.run === r.run);
  if (atRead.size === 0 || finals.length === 0) return { run: r.run, seed: r.seed, width: r.width, features: null };
  const features: V3Feature[] = [];
  for (const f of finals) {
    const m = atRead.get(`${f.layer}/${f.filter}`);
    if (!m) continue;
    features.push({
      layer: f.layer,
      deadAtEnd: { gamma: f.deadByGamma, activation: f.deadByActivation },
      deadAtRead: { gamma: isDeadByGamma(m.gamma, r.config.thresholds ?? DEFAULT_THRESHOLDS), activation: m.deadByActivation },
      lifetimeSparseness: m.lifetimeSparseness ?? null,
      paperSelectivity: m.paperSelectivity ?? null,
      dataGradKernel: m.dataGradKernel,
    });
  }
  return { run: r.run, seed: r.seed, width: r.width, features };
}

export function v3Verdicts(input: V3Input) {
  const runsOf = (h: keyof typeof V3_STUDIES) => completeRunsOf(input, V3_STUDIES[h]);
  const levelRuns = (h: keyof typeof V3_STUDIES) => runsOf(h).map((r) => v3Run(r, input.filters));
  const featureRuns = (h: 6 | 10) => runsOf(h).map((r) => v3FeatureRun(r, input.filters, input.mechanism));
  const h7Runs: H7V3Run[] = runsOf(7).map((r) => ({
    run: r.run,
    seed: r.seed,
    batchSize: r.batchSize,
    trainImages: r.trainImages,
    series: networkSparsityOverTime(input.emergence.filter((e) => e.run === r.run)).map((p) => ({
      iteration: p.iteration,
      sparsity: { gamma: p.sparsityGamma, activation: p.sparsity },
    })),
  }));
  return {
    1: h1V3(levelRuns(1)),
    2: h2V3(levelRuns(2)),
    3: h3V3(levelRuns(3)),
    5: h5V3(levelRuns(5)),
    6: h6V3(featureRuns(6)),
    7: h7V3(h7Runs),
    10: h10(featureRuns(10)),
    11: h11(levelRuns(11)),
    12: h12(levelRuns(12)),
  };
}
