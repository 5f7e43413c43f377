// All nine v1 verdicts computed from the committed data/full datasets, checked against the kept
// published v1 summary; and the verdicts' shape on empty data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdictSnapshotSchema } from '../../../data/schemas/verdict-snapshot.js';
import { HYPOTHESES } from '../../../data/hypotheses.js';
import { v1Verdicts } from '../../../analysis/versions/v1.js';
import type { VerdictInput } from '../../../analysis/rules/v1-context.js';
import { hasFull, readFull, REPO, verdictInput } from '../committed.js';
import { flat } from '../rows.js';

const computeVerdicts = (input: VerdictInput) => v1Verdicts(input).map((v) => flat<unknown, object>(v));

/** The verdicts' input restricted to the records of `runs`, and studies to their members of `seeds` (nothing pending). */
function onlyRuns(input: VerdictInput, runs: ReadonlySet<string>, seeds: ReadonlySet<number>): VerdictInput {
  return {
    runs: input.runs.filter((r) => runs.has(r.run)),
    studies: input.studies.map((s) => ({ ...s, members: s.members.filter((m) => runs.has(m.run) && seeds.has(m.seed)), pending: [] })),
    filters: input.filters.filter((r) => runs.has(r.run)),
    emergence: input.emergence.filter((r) => runs.has(r.run)),
    pruning: input.pruning.filter((r) => runs.has(r.run)),
  };
}

describe('the v1 verdicts', () => {
  it('are computed for every hypothesis, missing and inconclusive without data', () => {
    const verdicts = computeVerdicts({ runs: [], studies: [], filters: [], emergence: [], pruning: [] });
    expect(verdicts.map((v) => v.hypothesis)).toEqual(HYPOTHESES.map((h) => h.id));
    for (const v of verdicts) expect(v).toMatchObject({ outcome: 'inconclusive', missing: true, units: [], runs: [] });
  });

  it.skipIf(!hasFull)(
    'of the committed records v1 had are the ones kept as the published v1 (data/full/verdicts/v1.json)',
    () => {
      // v1's rules on v1's records. Study v2 adds seeds and groups to some v1 studies (the strength
      // study's seed 2 and SGD with momentum), on which v1's rules may read otherwise; the README
      // states the site's current verdicts (v2 where a v2 rule decides).
      const kept = verdictSnapshotSchema.parse(JSON.parse(readFileSync(join(REPO, 'data', 'full', 'verdicts', 'v1.json'), 'utf8')));
      // Each hypothesis on the seeds v1 read for it (the main table's seed 2 now also joins the one-factor studies).
      const input = verdictInput(readFull());
      const verdicts = kept.verdicts.map((k) =>
        computeVerdicts(onlyRuns(input, new Set(kept.runs), new Set(k.seeds))).find((v) => v.hypothesis === k.hypothesis)!,
      );
      expect(new Map(verdicts.map((v) => [v.hypothesis, v.outcome]))).toEqual(new Map(kept.verdicts.map((v) => [v.hypothesis, v.outcome])));
      for (const k of kept.verdicts) {
        const value = verdicts.find((v) => v.hypothesis === k.hypothesis)?.effect.value ?? null;
        if (k.effect.value === null) expect(value, `H${k.hypothesis}`).toBeNull();
        else expect(value, `H${k.hypothesis}`).toBeCloseTo(k.effect.value, 9);
      }
      // Every run v1 read is read again; v1 runs that v2 made members of a v1 study (SGD with momentum's
      // L2 runs of the main table, now the strength study's momentum group at one level) may join without deciding anything.
      for (const k of kept.verdicts)
        expect(verdicts.find((v) => v.hypothesis === k.hypothesis)?.runs, `H${k.hypothesis}`).toEqual(expect.arrayContaining(k.runs));
      // Nine verdicts over the full datasets: seconds on a busy machine.
    },
    60_000,
  );

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
