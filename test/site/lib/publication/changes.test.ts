// The changes since a kept version, on hand-built verdicts, and the committed v1 of the full
// study against the verdicts the committed datasets give now.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changesSince, latestSnapshot, ruleChangesFromLog, verdictSnapshot } from '../../../../site/lib/publication/changes.js';
import { locateData } from '../../../../site/lib/model/data.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { dataVersion } from '../../../../site/lib/publication/versions.js';
import type { Verdict } from '../../../../site/lib/verdicts/verdicts.js';

const id = (n: number) => n.toString(16).padStart(16, '0');
const verdict = (hypothesis: number, outcome: Verdict['outcome'], value: number | null, runs: string[]): Verdict => ({
  hypothesis,
  statement: '',
  outcome,
  reason: '',
  effect: { label: 'effect', value, text: String(value) },
  seeds: [0, 1],
  minSeeds: 2,
  runs,
  studies: [],
  figure: null,
  units: [],
  pending: 0,
});
const meta = { version: 'v1', scale: 'full' as const, commit: 'abcdef123456', committedAt: '2026-01-01T00:00:00Z', dataVersion: '000000000000' };

describe('changes since a version', () => {
  it('counts runs added and gone, outcome changes and effect deltas', () => {
    const then = verdictSnapshot([verdict(1, 'supported', 0.2, [id(1), id(2)]), verdict(2, 'inconclusive', null, [id(1)])], [id(1), id(2), id(3)], meta);
    const now = [verdict(1, 'contradicted', 0.05, [id(1), id(2), id(4)]), verdict(2, 'inconclusive', 0.1, [id(1)])];
    const rules = ruleChangesFromLog(
      [
        'a'.repeat(40) + '\t2025-12-01T00:00:00Z\tRule H1: first',
        'b'.repeat(40) + '\t2026-02-01T00:00:00Z\tStudy v2 rules H1 and H2',
        'c'.repeat(40) + '\t2026-03-01T00:00:00Z\tSite: colours',
      ].join('\n'),
    );
    expect(rules.changes.map((c) => [c.commit, c.hypotheses])).toEqual([
      ['aaaaaaaaaaaa', [1]],
      ['bbbbbbbbbbbb', [1, 2]],
    ]);
    const c = changesSince(then, now, [id(1), id(2), id(4)], rules);
    expect(c.runsAdded).toEqual([id(4)]);
    expect(c.runsGone).toEqual([id(3)]);
    expect(c.verdicts.map((v) => [v.hypothesis, v.outcomeChanged, v.runsAdded])).toEqual([
      [1, true, 1],
      [2, false, 0],
    ]);
    expect(c.verdicts[0].effectDelta).toBeCloseTo(-0.15, 12);
    expect(c.verdicts[1].effectDelta).toBeNull();
    expect(c.rulesSince.map((r) => r.commit)).toEqual(['bbbbbbbbbbbb']);
  });

  it('finds nothing changed between the committed v1 of the full study and its committed datasets', () => {
    const source = locateData({ SITE_SCALE: 'full' });
    if (source.kind !== 'loaded') throw new Error(source.missing.reason);
    const d = source.data;
    const v1 = latestSnapshot(d.folder);
    expect(v1?.version).toBe('v1');
    const site = buildSite(d.datasets, { scale: d.scale, folder: d.folder, root: d.root, missingReason: null }, join(process.cwd(), 'site', 'narrative'));
    // When the datasets move on (new runs), v1 stays and this comparison shows the change instead.
    if (v1!.dataVersion !== dataVersion(d.folder)) return;
    const c = changesSince(
      v1!,
      site.verdicts,
      site.runs.map((r) => r.run),
      { changes: [] },
    );
    expect(c.runsAdded).toEqual([]);
    expect(c.runsGone).toEqual([]);
    expect(c.verdicts.filter((v) => v.outcomeChanged || (v.effectDelta ?? 0) !== 0)).toEqual([]);
  }, 60_000);
});
