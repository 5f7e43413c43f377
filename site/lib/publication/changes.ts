// What changed since a published version: runs added or gone, verdicts whose outcome or effect
// moved (and by how much), and the verdict-rule commits made since. Pure, except where marked.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleChangesSchema, verdictSnapshotSchema, type RuleChanges, type VerdictSnapshot } from '../../../data/schemas/verdict-snapshot.js';
import type { Verdict } from '../verdicts/verdicts.js';

export interface VerdictChange {
  hypothesis: number;
  before: VerdictSnapshot['verdicts'][number] | null;
  after: Pick<Verdict, 'outcome' | 'effect' | 'runs' | 'seeds'> | null;
  outcomeChanged: boolean;
  /** Effect now minus effect then (null when either is missing). */
  effectDelta: number | null;
  runsAdded: number;
}

export interface Changes {
  since: VerdictSnapshot;
  runsAdded: string[];
  runsGone: string[];
  verdicts: VerdictChange[];
  /** Rule commits made after the version's commit. */
  rulesSince: RuleChanges['changes'];
}

/** The summary of the current verdicts that a version keeps (the snapshot command writes it). */
export function verdictSnapshot(
  verdicts: readonly Verdict[],
  runs: readonly string[],
  meta: Pick<VerdictSnapshot, 'version' | 'scale' | 'commit' | 'committedAt' | 'dataVersion'>,
): VerdictSnapshot {
  return {
    ...meta,
    runs: [...runs].sort(),
    verdicts: verdicts.map((v) => ({ hypothesis: v.hypothesis, outcome: v.outcome, effect: { ...v.effect }, runs: [...v.runs].sort(), seeds: [...v.seeds] })),
  };
}

export function changesSince(since: VerdictSnapshot, verdicts: readonly Verdict[], runs: readonly string[], rules: RuleChanges): Changes {
  const then = new Set(since.runs);
  const now = new Set(runs);
  const hypotheses = [...new Set([...since.verdicts.map((v) => v.hypothesis), ...verdicts.map((v) => v.hypothesis)])].sort((a, b) => a - b);
  return {
    since,
    runsAdded: runs.filter((r) => !then.has(r)),
    runsGone: since.runs.filter((r) => !now.has(r)),
    verdicts: hypotheses.map((h) => {
      const before = since.verdicts.find((v) => v.hypothesis === h) ?? null;
      const after = verdicts.find((v) => v.hypothesis === h) ?? null;
      const beforeRuns = new Set(before?.runs ?? []);
      return {
        hypothesis: h,
        before,
        after,
        outcomeChanged: before?.outcome !== after?.outcome,
        effectDelta: before?.effect.value != null && after?.effect.value != null ? after.effect.value - before.effect.value : null,
        runsAdded: (after?.runs ?? []).filter((r) => !beforeRuns.has(r)).length,
      };
    }),
    rulesSince: rules.changes.filter((c) => c.committedAt > since.committedAt),
  };
}

/** Rule commits from `git log --format=%H%x09%cI%x09%s` lines: subjects that name a rule, with the hypotheses they name. */
export function ruleChangesFromLog(log: string): RuleChanges {
  const changes = log
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([, , subject]) => /\brules?\b/i.test(subject ?? ''))
    .map(([commit, committedAt, subject]) => ({
      commit: commit.slice(0, 12),
      committedAt,
      subject,
      hypotheses: [...new Set([...subject.matchAll(/\bH(\d)\b/g)].map((m) => Number(m[1])))].sort((a, b) => a - b),
    }))
    .sort((a, b) => a.committedAt.localeCompare(b.committedAt));
  return { changes };
}

/** Reads the newest version under `<scale folder>/verdicts/` (build time); null when none is kept. */
export function latestSnapshot(datasetsFolder: string): VerdictSnapshot | null {
  const dir = VERDICTS_FOLDER(datasetsFolder);
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => /^v\d+\.json$/.test(f))
    .sort((a, b) => Number(a.slice(1, -5)) - Number(b.slice(1, -5)));
  if (files.length === 0) return null;
  return readSnapshot(join(dir, files[files.length - 1]));
}

/** Reads the kept version `version` (e.g. "v1") under `<scale folder>/verdicts/` (build time); null when it is not kept. */
export function keptSnapshot(datasetsFolder: string, version: string): VerdictSnapshot | null {
  const file = join(VERDICTS_FOLDER(datasetsFolder), `${version}.json`);
  return existsSync(file) ? readSnapshot(file) : null;
}

function readSnapshot(file: string): VerdictSnapshot {
  const parsed = verdictSnapshotSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${file} is not a verdict summary (data/schemas/verdict-snapshot.ts): ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}. Write it again with \`npm run verdicts:snapshot\`.`,
    );
  return parsed.data;
}

/** Folder of a scale's kept versions and rule list, next to its datasets: data/<scale>/verdicts. */
export const VERDICTS_FOLDER = (datasetsFolder: string): string => join(datasetsFolder, '..', 'verdicts');
/**
 * The generated log of the commits that touched a verdict rule (npm run verdicts:snapshot), in
 * data/<scale>/verdicts/rule-commits.json: not data/rule-changes.json, the registry of rule changes
 * kept by hand that analysis/v2 reads (another schema).
 */
export const RULE_CHANGES_FILE = (datasetsFolder: string): string => join(VERDICTS_FOLDER(datasetsFolder), 'rule-commits.json');

/** The committed list of rule changes (build time); empty when the file is absent. */
export function readRuleChanges(file: string): RuleChanges {
  if (!existsSync(file)) return { changes: [] };
  const parsed = ruleChangesSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file} is not a list of rule changes (data/schemas/verdict-snapshot.ts). Write it again with \`npm run verdicts:snapshot\`.`);
  return parsed.data;
}
