// The rule history (data/rule-changes.json) against git and the committed records: each rule's
// commit exists and holds its file, precedes every record its studies added after v1, and its
// constants are still the ones committed then (a rule is not re-tuned after its data exist).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleChangesSchema } from '../../../data/schemas/rule-changes.js';
import { STUDIES } from '../../../experiments/studies/index.js';
import { planStudies } from '../../../pipeline/plan.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
/** The commit of the published v1 study's last records. */
const V1_DATA = '5ce0330';
const history = ruleChangesSchema.parse(JSON.parse(readFileSync(join(ROOT, 'data', 'rule-changes.json'), 'utf8')));

/** The `export const NAME = { ... } as const;` block of a rule file: the rule's constants. */
function constantsBlock(source: string): string {
  const match = source.match(/export const H\d_V\d = \{[\s\S]*?\} as const;/);
  if (!match) throw new Error('no constants block (export const Hn_Vm = { ... } as const;) in the rule file');
  return match[0];
}

/**
 * A v3 rule's constants: every `export const NAME = { ... } as const;` block of its file and of the
 * rule files it imports from its own folder (the shared per-block comparison, for H6 and H10), read
 * at `revision` (a commit, or null for the working tree).
 */
function v3Constants(file: string, revision: string | null, seen = new Set<string>()): string {
  if (seen.has(file)) return '';
  seen.add(file);
  const source = revision === null ? readFileSync(join(ROOT, file), 'utf8') : git('show', `${revision}:${file}`);
  const blocks = source.match(/export const [A-Z0-9_]+ = \{[\s\S]*?\} as const;/g) ?? [];
  const folder = file.slice(0, file.lastIndexOf('/'));
  const local = [...source.matchAll(/from '\.\/([\w-]+)\.js'/g)].map((m) => `${folder}/${m[1]}.ts`);
  return [...blocks, ...local.sort().map((f) => v3Constants(f, revision, seen))].join('\n');
}

describe('rule history', () => {
  it.each(history.changes.map((c) => [`H${c.hypothesis} v${c.version}`, c] as const))(
    '%s: its commit holds the rule and its constants are unchanged',
    (_, change) => {
      expect(git('merge-base', '--is-ancestor', change.commit, 'HEAD')).toBe('');
      if (change.version >= 3) {
        const then = v3Constants(change.file, change.commit);
        expect(then).not.toBe('');
        expect(v3Constants(change.file, null)).toBe(then);
        return;
      }
      const then = git('show', `${change.commit}:${change.file}`);
      const now = readFileSync(join(ROOT, change.file), 'utf8');
      expect(constantsBlock(now)).toBe(constantsBlock(then));
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
  });
});
