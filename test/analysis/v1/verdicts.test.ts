// All nine v1 verdicts computed from the committed data/full datasets, checked against the kept
// published v1 summary; and the verdicts' shape on empty data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdictSnapshotSchema } from '../../../data/schemas/verdict-snapshot.js';
import { HYPOTHESES } from '../../../experiments/hypotheses.js';
import { computeVerdicts } from '../../../analysis/v1/verdicts.js';
import { hasFull, readFull, REPO, verdictInput } from '../committed.js';

describe('the v1 verdicts', () => {
  it('are computed for every hypothesis, missing and inconclusive without data', () => {
    const verdicts = computeVerdicts({ runs: [], studies: [], filters: [], emergence: [], pruning: [] });
    expect(verdicts.map((v) => v.hypothesis)).toEqual(HYPOTHESES.map((h) => h.id));
    for (const v of verdicts) expect(v).toMatchObject({ outcome: 'inconclusive', missing: true, units: [], runs: [] });
  });

  it.skipIf(!hasFull)('of the committed full study are the ones kept as the published v1 (data/full/verdicts/v1.json)', () => {
    // v1's rules read v1's designs; the README states the site's current verdicts (v2 where a v2 rule decides).
    const verdicts = computeVerdicts(verdictInput(readFull()));
    const kept = verdictSnapshotSchema.parse(JSON.parse(readFileSync(join(REPO, 'data', 'full', 'verdicts', 'v1.json'), 'utf8')));
    expect(new Map(verdicts.map((v) => [v.hypothesis, v.outcome]))).toEqual(new Map(kept.verdicts.map((v) => [v.hypothesis, v.outcome])));
  });

  it.skipIf(!hasFull)('of the committed full study use complete runs of their studies only, each decided on at least one unit', () => {
    const d = readFull();
    const status = new Map(d.runs.rows.map((r) => [r.run, r.status]));
    for (const v of computeVerdicts(verdictInput(d))) {
      expect(v.missing, `H${v.hypothesis}`).toBe(false);
      expect(v.units.length, `H${v.hypothesis}`).toBeGreaterThan(0);
      for (const run of v.runs) expect(status.get(run), `H${v.hypothesis} run ${run}`).toBe('complete');
      // Pending: the configurations of its v1 studies without a record (study v2 adds seeds to some).
      const own = d.studies.rows.filter((s) => v.studies.includes(s.study));
      expect(v.pending, `H${v.hypothesis}`).toBe(new Set(own.flatMap((s) => s.pending)).size);
    }
  });
});
