// Study v3 on the site: each pre-registered rule with its commit (data/rule-changes.json), how many
// of the runs that decide it are recorded, and, computed by analysis/v3 from the datasets, its
// outcome under both dead criteria. A rule whose studies still have pending runs is provisional.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { RunRow, Scale, StudyRow } from '../../../data/schemas/datasets.js';
import { RULE_CHANGES } from '../../../analysis/studies.js';
import type { Criterion } from '../../../analysis/rules/criteria.js';
import { H10_STATEMENT } from '../../../analysis/hypotheses/h10.js';
import { H11_STATEMENT } from '../../../analysis/hypotheses/h11.js';
import { H12_STATEMENT } from '../../../analysis/hypotheses/h12.js';
import { v3Verdicts, V3_STUDIES, type V3Input } from '../../../analysis/versions/v3.js';
import { HYPOTHESES } from '../../../data/hypotheses.js';

export interface V3RuleStatus {
  hypothesis: number;
  statement: string;
  /** The rule's commit and file, and what it supersedes and why (rule-changes.json). */
  commit: string;
  file: string;
  supersedes: string;
  reason: string;
  studies: readonly string[];
  /** Distinct configurations of its studies, those with a complete or diverged record (a result), and those pending. */
  configurations: number;
  recorded: number;
  pending: number;
  /** The outcome under each criterion (gamma decides); null while no run of its studies is recorded. */
  outcomes: Record<Criterion, string> | null;
  criteriaAgree: boolean | null;
}

const NEW_STATEMENTS: Record<number, string> = { 10: H10_STATEMENT, 11: H11_STATEMENT, 12: H12_STATEMENT };

/** Each v3 rule's status on these datasets. */
export function studyV3Status(input: V3Input): V3RuleStatus[] {
  const v = v3Verdicts(input);
  // H6 decides on lifetime sparseness (the paper's measure is reported beside it).
  const results: Record<number, { byCriterion: Record<Criterion, { outcome: string }>; criteriaAgree: boolean }> = { ...v, 6: v[6].lifetimeSparseness };
  const withResult = new Set(input.runs.filter((r: RunRow) => r.status === 'complete' || r.status === 'diverged').map((r) => r.run));
  return Object.entries(V3_STUDIES).map(([key, studies]) => {
    const h = Number(key);
    const change = RULE_CHANGES.find((c) => c.hypothesis === h && c.version === 3);
    const rows = input.studies.filter((s: StudyRow) => (studies as readonly string[]).includes(s.study));
    const members = new Set(rows.flatMap((s) => s.members.map((m) => m.run)));
    const pending = new Set(rows.flatMap((s) => s.pending));
    const recorded = [...members].filter((id) => withResult.has(id) && !pending.has(id)).length;
    const result = results[h];
    return {
      hypothesis: h,
      statement: HYPOTHESES.find((x) => x.id === h)?.statement ?? NEW_STATEMENTS[h] ?? '',
      commit: change?.commit ?? '',
      file: change?.file ?? '',
      supersedes: change?.supersedes ?? '',
      reason: change?.reason ?? '',
      studies,
      configurations: new Set([...members, ...pending]).size,
      recorded,
      pending: pending.size,
      outcomes: recorded === 0 ? null : { gamma: result.byCriterion.gamma.outcome, activation: result.byCriterion.activation.outcome },
      criteriaAgree: recorded === 0 ? null : result.criteriaAgree,
    };
  });
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

/** The engine-against-PyTorch comparison of a scale (data/<scale>/crosscheck.json, written by npm run crosscheck:long), or null when absent. */
export function readCrosscheck(root: string, scale: Scale): Crosscheck | null {
  const path = join(root, scale, 'crosscheck.json');
  if (!existsSync(path)) return null;
  const parsed = crosscheckSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`${path} is not a crosscheck:long result (${parsed.error.issues[0]?.message}): rerun npm run crosscheck:long -- --json ${path}`);
  return parsed.data;
}
