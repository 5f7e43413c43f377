// Which rule version decides each hypothesis (analysis/verdicts.ts), on hand-built studies: v1
// without the later designs, v2 once every study its rule reads is in the datasets, v3 only once
// its studies are complete (nothing pending) and the mechanism rows are given.
import { describe, expect, it } from 'vitest';
import { allVerdicts, decidingVersion } from '../../analysis/verdicts.js';
import { V2_ONLY_STUDIES, V3_ONLY_STUDIES } from '../../analysis/studies.js';
import { input, run, study } from './rows.js';

describe('the deciding rule version', () => {
  const runs = [0, 1, 2].map((seed) => run({ seed }));
  const named = (name: string, pending: string[] = []) => ({ ...study(name, [1], [], runs, () => ({})), pending });

  it('is v1 without the later studies, v2 once its study is in the datasets', () => {
    expect(decidingVersion(1, input({ runs, studies: [named('optimizer')] }))).toBe(1);
    expect(decidingVersion(1, input({ runs, studies: [named('optimizer'), named('lr-range')] }))).toBe(2);
    // H4 has no later rule.
    expect(decidingVersion(4, input({ runs, studies: [named('batch-size'), named('lr-range')] }))).toBe(1);
  });

  it('is v3 only when its studies are complete and the mechanism rows are given', () => {
    const studies = [named('lr-range'), named('rmsprop-unregularized')];
    expect(decidingVersion(1, input({ runs, studies }))).toBe(2);
    expect(decidingVersion(1, { ...input({ runs, studies }), mechanism: [] })).toBe(3);
    const pending = [named('lr-range'), named('rmsprop-unregularized', ['p1'])];
    expect(decidingVersion(1, { ...input({ runs, studies: pending }), mechanism: [] })).toBe(2);
  });

  it('gives every hypothesis of the brief its version and rule change, and each v2 rule its evidence', () => {
    const all = allVerdicts(input({ runs, studies: [named('lr-range', ['p1', 'p2'])] }));
    expect(all.deciding.map((d) => d.hypothesis)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(all.deciding.filter((d) => d.version === 2).map((d) => d.hypothesis)).toEqual([1, 2]);
    expect(all.deciding[0].change?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(all.deciding[3].change).toBeNull();
    // The runs are complete and measured, one configuration with three seeds; two configurations pending.
    expect(all.v2.evidence[1]).toMatchObject({ seeds: [0, 1, 2], minSeeds: 3, runs: runs.map((r) => r.run), studies: ['lr-range'], pending: 2 });
    expect(all.v3).toBeNull();
  });

  it('derives the later-only studies from the rule history', () => {
    expect(V2_ONLY_STUDIES).toEqual(['decoupled-strength', 'emergence-long', 'lr-range', 'task-equal']);
    expect(V3_ONLY_STUDIES).toContain('paper-width');
    expect(V3_ONLY_STUDIES).not.toContain('strength');
  });
});
