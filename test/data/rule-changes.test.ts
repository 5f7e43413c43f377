// The rule history (data/rule-changes.json) against git and the committed records: each rule's
// commit exists and holds its file, precedes every record its studies added after v1, and its
// constants are still the ones committed then (a rule is not re-tuned after its data exist).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleChangesSchema } from '../../data/schemas/rule-changes.js';
import { STUDIES } from '../../experiments/studies/index.js';
import { planStudies } from '../../pipeline/plan.js';

const ROOT = join(import.meta.dirname, '..', '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
/** The commit of the published v1 study's last records. */
const V1_DATA = '5ce0330';
const history = ruleChangesSchema.parse(JSON.parse(readFileSync(join(ROOT, 'data', 'rule-changes.json'), 'utf8')));

/**
 * The rule's constants: every `export const NAME = { ... } as const;` block of `file` and of the
 * analysis/ files it imports (the shared pieces a rule reads, e.g. the per-block comparison of H6
 * and H10), by name, read at `revision` (a commit, or null for the working tree).
 */
function constantBlocks(file: string, revision: string | null, out = new Map<string, string>(), seen = new Set<string>()): Map<string, string> {
  if (seen.has(file)) return out;
  seen.add(file);
  const source = revision === null ? readFileSync(join(ROOT, file), 'utf8') : git('show', `${revision}:${file}`);
  for (const m of source.matchAll(/export const ([A-Z0-9_]+) = \{[\s\S]*?\} as const;/g)) out.set(m[1], m[0]);
  const imported = [...source.matchAll(/from '(\.\.?\/[\w./-]+)\.js'/g)].map((m) => posix.join(posix.dirname(file), `${m[1]}.ts`));
  for (const f of imported.filter((x) => x.startsWith('analysis/')).sort()) constantBlocks(f, revision, out, seen);
  return out;
}

/**
 * Where a rule lives now: its hypothesis's module, with every other rule of that hypothesis (the
 * rules were moved there from analysis/v1, v2 and v3 after their commits; rule-changes.json keeps
 * the file each commit holds).
 */
const homeOf = (change: { hypothesis: number }) => `analysis/hypotheses/h${change.hypothesis}.ts`;

describe('rule history', () => {
  it.each(history.changes.map((c) => [`H${c.hypothesis} v${c.version}`, c] as const))(
    '%s: its commit holds the rule and its constants are unchanged',
    (_, change) => {
      expect(git('merge-base', '--is-ancestor', change.commit, 'HEAD')).toBe('');
      const then = constantBlocks(change.file, change.commit);
      // The rule's own block (H3_V2, H1_V3, H11, FEATURE_RULE_V3 through H6's and H10's import, ...).
      expect([...then.keys()].some((k) => k.startsWith(`H${change.hypothesis}`) || k === 'FEATURE_RULE_V3')).toBe(true);
      const now = constantBlocks(homeOf(change), null);
      for (const [name, block] of then) expect(now.get(name), `${name} of H${change.hypothesis} v${change.version} (${homeOf(change)})`).toBe(block);
    },
  );

  it('dates every rule before every record its studies added after v1', () => {
    const v1 = new Set(
      git('ls-tree', '--name-only', V1_DATA, 'data/full/runs/')
        .split('\n')
        .map((p) => p.split('/').pop()),
    );
    const plan = planStudies(STUDIES, 'full', { cifar: false });
    const runsDir = join(ROOT, 'data', 'full', 'runs');
    const records = readdirSync(runsDir)
      .filter((f) => f.endsWith('.json') && !f.endsWith('.snapshot.json') && !v1.has(f))
      .map((f) => JSON.parse(readFileSync(join(runsDir, f), 'utf8')) as { id: string; provenance: { startedAt: string } });
    for (const change of history.changes) {
      const fixedAt = new Date(git('show', '-s', '--format=%cI', change.commit));
      const decided = plan.runs.filter((r) => r.studies.some((s) => change.studies.includes(s))).map((r) => r.hash);
      for (const record of records.filter((r) => decided.includes(r.id))) {
        expect(new Date(record.provenance.startedAt).getTime(), `H${change.hypothesis}: record ${record.id}`).toBeGreaterThan(fixedAt.getTime());
      }
    }
    // Every study a rule names exists.
    const names = new Set(STUDIES.map((s) => s.name));
    for (const change of history.changes) for (const s of change.studies) expect(names.has(s), s).toBe(true);
    // It reads every record of the sweep and plans every study: seconds on a busy machine.
  }, 60_000);
});
