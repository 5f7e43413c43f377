// All nine verdicts computed from the committed data/full datasets, checked against what the
// README says about them; and the verdicts' shape on empty data.
import { describe, expect, it } from 'vitest';
import { HYPOTHESES } from '../../../experiments/hypotheses.js';
import { computeVerdicts } from '../../../analysis/v1/verdicts.js';
import { hasFull, readFull, readme, readmeOutcomes, verdictInput } from '../committed.js';

describe('the v1 verdicts', () => {
  it('are computed for every hypothesis, missing and inconclusive without data', () => {
    const verdicts = computeVerdicts({ runs: [], studies: [], filters: [], emergence: [], pruning: [] });
    expect(verdicts.map((v) => v.hypothesis)).toEqual(HYPOTHESES.map((h) => h.id));
    for (const v of verdicts) expect(v).toMatchObject({ outcome: 'inconclusive', missing: true, units: [], runs: [] });
  });

  it.skipIf(!hasFull)('of the committed full study are the ones the README states', () => {
    const verdicts = computeVerdicts(verdictInput(readFull()));
    const stated = readmeOutcomes(readme());
    expect(new Map(verdicts.map((v) => [v.hypothesis, v.outcome]))).toEqual(new Map([...stated.entries()].sort((a, b) => a[0] - b[0])));
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
