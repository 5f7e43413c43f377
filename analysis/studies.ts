// Which studies test each hypothesis, under each rule version: the one place that says so. v1
// reads the studies the datasets tag with a hypothesis (experiments/studies/*.ts `hypotheses`),
// falling back on data/hypotheses.ts; every later rule reads the studies data/rule-changes.json
// names for it (the list fixed with the rule's commit). Everything else derives from these.
import ruleHistory from '../data/rule-changes.json' with { type: 'json' };
import { HYPOTHESES } from '../data/hypotheses.js';
import type { StudyRow } from '../data/schemas/datasets.js';
import { ruleChangesSchema, type RuleChange } from '../data/schemas/rule-changes.js';

/** The rule changes after v1 (data/rule-changes.json): each rule's commit, file and deciding studies. */
export const RULE_CHANGES: readonly RuleChange[] = ruleChangesSchema.parse(ruleHistory).changes;

/** The change that made rule `version` of hypothesis `h`, or undefined (v1, or no such rule). */
export function ruleChange(h: number, version: number): RuleChange | undefined {
  return RULE_CHANGES.find((c) => c.hypothesis === h && c.version === version);
}

/** The studies whose records decide rule `version` (2 or later) of hypothesis `h`. */
export function decidingStudies(h: number, version: number): readonly string[] {
  const change = ruleChange(h, version);
  if (!change) throw new Error(`data/rule-changes.json has no v${version} rule for H${h}: add its entry (commit, file, studies)`);
  return change.studies;
}

/** The hypotheses with a rule of `version` (2 or later), in order. */
export function hypothesesOfVersion(version: number): number[] {
  return [...new Set(RULE_CHANGES.filter((c) => c.version === version).map((c) => c.hypothesis))].sort((a, b) => a - b);
}

/** The studies v1 named for its hypotheses (data/hypotheses.ts). */
const V1_NAMED: ReadonlySet<string> = new Set(HYPOTHESES.map((h) => h.study));

/** Studies a version added (named by its rules, not by v1's): the earlier rules leave them out. */
export function studiesAddedIn(version: number): string[] {
  return [...new Set(RULE_CHANGES.filter((c) => c.version === version).flatMap((c) => c.studies))].filter((s) => !V1_NAMED.has(s)).sort();
}

/** Studies of study v2 alone (strength is shared with v1, with its new seeds). */
export const V2_ONLY_STUDIES: readonly string[] = studiesAddedIn(2);
/** Studies of study v3 alone. */
export const V3_ONLY_STUDIES: readonly string[] = studiesAddedIn(3);

/** Studies that test hypothesis h under v1's rules (by the studies dataset, else by data/hypotheses.ts). */
export function v1StudiesFor(h: number, studies: readonly StudyRow[]): StudyRow[] {
  // The v1 rules read v1's designs: the later studies are decided by their own rules.
  const later = new Set(RULE_CHANGES.flatMap((c) => c.studies).filter((s) => !V1_NAMED.has(s)));
  const tagged = studies.filter((s) => s.hypotheses.includes(h) && !later.has(s.study));
  if (tagged.length > 0) return tagged;
  const named = HYPOTHESES.find((x) => x.id === h)?.study;
  return studies.filter((s) => s.study === named);
}
