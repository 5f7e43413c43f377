// Study v3 on the site: each pre-registered rule with its commit (data/rule-changes.json), how many
// of the runs that decide it are recorded, and its verdict as analysis/verdicts.ts computes it
// (allVerdicts) and verdicts-v3.ts words it: deciding once its studies are complete, provisional
// while runs are pending. Formatting only: no rule is run here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Scale, StudyRow } from '../../../data/schemas/datasets.js';
import { RULE_CHANGES } from '../../../analysis/studies.js';
import { decidingVersion, type AllVerdicts, type VerdictsInput } from '../../../analysis/verdicts.js';
import { V3_STUDIES } from '../../../analysis/versions/v3.js';
import type { Verdict } from './verdict-display.js';
import { v3Verdicts } from './verdicts.js';

export interface V3RuleStatus {
  hypothesis: number;
  statement: string;
  /** The rule's commit and file, and what it supersedes and why (rule-changes.json). */
  commit: string;
  file: string;
  supersedes: string;
  reason: string;
  studies: readonly string[];
  /** Distinct configurations of its studies, those with a result (a complete or diverged record), and those pending. */
  configurations: number;
  recorded: number;
  pending: number;
  /** The rule's verdict on the runs recorded so far, as the cards word it (outcome under the deciding criterion, the other reported). */
  verdict: Verdict;
  /** The v3 rule decides this hypothesis (analysis/verdicts.ts decidingVersion: its studies complete, the mechanism given). */
  decides: boolean;
}

export interface StudyV3 {
  rules: V3RuleStatus[];
  /** Distinct configurations of all v3 studies still without a result (each counted once, however many studies share it). */
  remaining: number;
  configurations: number;
}

/** Each v3 rule's status and verdict on these datasets; null without the mechanism rows (no v3 results then). */
export function studyV3Status(input: VerdictsInput, all: AllVerdicts): StudyV3 | null {
  const verdicts = v3Verdicts(all);
  if (verdicts.length === 0) return null;
  const withResult = new Set(input.runs.filter((r) => r.status === 'complete' || r.status === 'diverged').map((r) => r.run));
  const configurationsOf = (studies: readonly string[]) => {
    const rows = input.studies.filter((s: StudyRow) => studies.includes(s.study));
    const members = new Set(rows.flatMap((s) => s.members.map((m) => m.run)));
    const pending = new Set(rows.flatMap((s) => s.pending));
    const recorded = [...members].filter((id) => withResult.has(id) && !pending.has(id)).length;
    return { configurations: new Set([...members, ...pending]).size, recorded, pending: pending.size };
  };
  const rules = verdicts.map((verdict): V3RuleStatus => {
    const h = verdict.hypothesis;
    const studies = V3_STUDIES[h as keyof typeof V3_STUDIES];
    const change = RULE_CHANGES.find((c) => c.hypothesis === h && c.version === 3);
    return {
      hypothesis: h,
      statement: verdict.statement,
      commit: change?.commit ?? '',
      file: change?.file ?? '',
      supersedes: change?.supersedes ?? '',
      reason: change?.reason ?? '',
      studies,
      ...configurationsOf(studies),
      verdict,
      decides: decidingVersion(h, input) === 3,
    };
  });
  const every = configurationsOf([...new Set(Object.values(V3_STUDIES).flat())]);
  return { rules, remaining: every.configurations - every.recorded, configurations: every.configurations };
}

const crosscheckSchema = z.object({
  kind: z.literal('crosscheck-long'),
  configuration: z.string(),
  steps: z.number().int(),
  every: z.number().int(),
  seeds: z.array(z.number().int()),
  torch: z.string(),
  torchSeconds: z.number(),
  engineSource: z.string(),
  rows: z.array(z.object({ seed: z.number().int(), iteration: z.number().int(), engine: z.array(z.number().int()), torch: z.array(z.number().int()) })),
});

export type Crosscheck = z.infer<typeof crosscheckSchema>;

/** The comparison kept beside a datasets folder (<root>/<scale>/datasets, as the site model names it). */
export const crosscheckBeside = (folder: string, scale: Scale): Crosscheck | null => readCrosscheck(join(folder, '..', '..'), scale);

/** The engine-against-PyTorch comparison of a scale (data/<scale>/crosscheck.json, written by npm run crosscheck:long), or null when absent. */
export function readCrosscheck(root: string, scale: Scale): Crosscheck | null {
  const path = join(root, scale, 'crosscheck.json');
  if (!existsSync(path)) return null;
  const parsed = crosscheckSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`${path} is not a crosscheck:long result (${parsed.error.issues[0]?.message}): rerun npm run crosscheck:long -- --json ${path}`);
  return parsed.data;
}
