// Every hypothesis's verdict: which rule version decides it, that version's result and evidence
// (runs, seeds, studies, pending configurations), the results of the versions it supersedes, and
// the rule change that made it (data/rule-changes.json). The one place that chooses; the site
// only words what it returns. Numbers only.
import { HYPOTHESES } from '../data/hypotheses.js';
import type { MechanismRow, RunRow, StudyRow } from '../data/schemas/datasets.js';
import type { RuleChange } from '../data/schemas/rule-changes.js';
import { seedsOf } from './cells.js';
import type { Evidence, VerdictInput } from './rules/v1-context.js';
import { ruleChange } from './studies.js';
import { v1Verdicts, type AnyV1Verdict } from './versions/v1.js';
import { completeRuns, V2_STUDIES, v2Verdicts } from './versions/v2.js';
import { completeRunsOf, V3_STUDIES, v3Verdicts } from './versions/v3.js';

export type RuleVersion = 1 | 2 | 3;
export type V2Hypothesis = keyof typeof V2_STUDIES;
export type V3Hypothesis = keyof typeof V3_STUDIES;
export type V2Results = ReturnType<typeof v2Verdicts>;
export type V3Results = ReturnType<typeof v3Verdicts>;

/** The datasets the rules read (the mechanism rows only by the v3 rules: without them v3 does not decide). */
export type VerdictsInput = VerdictInput & { mechanism?: readonly MechanismRow[] };

export const isV2Hypothesis = (h: number): h is V2Hypothesis => h in V2_STUDIES;
export const isV3Hypothesis = (h: number): h is V3Hypothesis => h in V3_STUDIES;

/** The figure that shows each v2 rule's evidence (study and figure of its deciding study). */
const V2_FIGURES: Record<V2Hypothesis, NonNullable<Evidence['figure']>> = {
  1: { study: 'lr-range', figure: 'sparsity' },
  2: { study: 'lr-range', figure: 'sparsity' },
  3: { study: 'decoupled-strength', figure: 'sparsity' },
  5: { study: 'task-equal', figure: 'sparsity' },
  6: { study: 'emergence-long', figure: 'lifetimeBefore' },
  7: { study: 'emergence-long', figure: 'sparsityOverTime' },
};

/**
 * Which version decides hypothesis h on these datasets: v3 once every study its rule reads is in
 * the datasets with no configuration pending (and the mechanism rows are given); else v2 where
 * every study its rule reads is in the datasets (datasets made before study v2, or without its
 * designs, are decided by v1's rules); else v1.
 */
export function decidingVersion(h: number, input: VerdictsInput): RuleVersion {
  const rows = (studies: readonly string[]) => studies.map((s) => input.studies.find((r) => r.study === s));
  if (isV3Hypothesis(h) && input.mechanism) {
    const own = rows(V3_STUDIES[h]);
    if (own.every((r) => r !== undefined && r.pending.length === 0)) return 3;
  }
  if (isV2Hypothesis(h) && rows(V2_STUDIES[h]).every((r) => r !== undefined)) return 2;
  return 1;
}

/**
 * What a run-level rule's decision rests on: the complete runs of its deciding studies, their
 * seeds, the fewest seeds of any configuration, and the configurations still pending.
 */
function evidenceOf(used: readonly RunRow[], studyNames: readonly string[], studies: readonly StudyRow[], figure: Evidence['figure']): Evidence {
  const pending = new Set(studies.filter((s) => studyNames.includes(s.study)).flatMap((s) => s.pending)).size;
  const seedCounts = new Map<string, Set<number>>();
  for (const r of used) {
    const key = `${r.optimizer} ${r.lr} ${r.regularization} ${r.strength} ${r.classes} ${r.trainImages} ${r.iterations}`;
    seedCounts.set(key, (seedCounts.get(key) ?? new Set()).add(r.seed));
  }
  return {
    seeds: seedsOf(used),
    minSeeds: seedCounts.size ? Math.min(...[...seedCounts.values()].map((s) => s.size)) : 0,
    runs: used.map((r) => r.run),
    studies: [...studyNames],
    figure,
    pending,
  };
}

/** One hypothesis of the brief: the version that decides it and the rule change that made that version. */
export interface Deciding {
  hypothesis: number;
  version: RuleVersion;
  /** The change record of the deciding version (null for v1). */
  change: RuleChange | null;
}

export interface AllVerdicts {
  /** Each hypothesis of the brief (data/hypotheses.ts), in order, with its deciding version. */
  deciding: Deciding[];
  /** Every version's results (those that do not decide are what the deciding one supersedes). */
  v1: AnyV1Verdict[];
  v2: { results: V2Results; evidence: Record<V2Hypothesis, Evidence> };
  /** Null without the mechanism rows. */
  v3: { results: V3Results; evidence: Record<V3Hypothesis, Evidence> } | null;
}

export function allVerdicts(input: VerdictsInput): AllVerdicts {
  const v2Evidence = Object.fromEntries(
    Object.entries(V2_STUDIES).map(([h, studies]) => [
      h,
      evidenceOf(completeRuns(input, studies), studies, input.studies, V2_FIGURES[Number(h) as V2Hypothesis]),
    ]),
  ) as Record<V2Hypothesis, Evidence>;
  const mechanism = input.mechanism;
  const v3 = mechanism
    ? {
        results: v3Verdicts({ ...input, mechanism }),
        evidence: Object.fromEntries(
          Object.entries(V3_STUDIES).map(([h, studies]) => [h, evidenceOf(completeRunsOf(input, studies), studies, input.studies, null)]),
        ) as Record<V3Hypothesis, Evidence>,
      }
    : null;
  return {
    deciding: HYPOTHESES.map((h) => {
      const version = decidingVersion(h.id, input);
      return { hypothesis: h.id, version, change: version === 1 ? null : (ruleChange(h.id, version) ?? null) };
    }),
    v1: v1Verdicts(input),
    v2: { results: v2Verdicts(input), evidence: v2Evidence },
    v3,
  };
}
