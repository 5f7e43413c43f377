// H6 on hand-built filter rows: the early selectivity of the features that die against the survivors'.
import { describe, expect, it } from 'vitest';
import { h6V1, selectivityGap } from '../../../analysis/hypotheses/h6.js';
import { contextOf, type Context } from '../../../analysis/rules/v1-context.js';
import { flat, filterRow, input, run, study } from '../rows.js';

const h6 = (ctx: Context) => flat(h6V1(ctx));

// A filter row with what H6 reads: when it died, its early selectivity (read at earlyAt) and
// its selectivity shortly before death.
const f = (diedAt: number | null, early: number | null, before: number, earlyAt: number | null = 200, runId = 'r') =>
  filterRow(runId, { diedAt, selectivityEarly: early, selectivityEarlyAt: early === null ? null : earlyAt, selectivityBefore: before });

describe('the selectivity gap of one run', () => {
  it('compares the median early selectivity of survivors and of the features that died later', () => {
    const g = selectivityGap([
      // died after the early checkpoint (200): early 0.1, 0.05, 0.2 -> median 0.1
      f(400, 0.1, 0.02),
      f(600, 0.05, 0.03),
      f(800, 0.2, 0.01),
      // already dead at the early checkpoint (died at 200, a tie with it): left out of the early
      // comparison (with it the dying median would be 0.075), kept in the one before death
      f(200, 0, 0.04),
      // survivors: early 0.6, 0.5, 0.7 -> median 0.6; before 0.6, 0.5, 0.7 -> median 0.6
      f(null, 0.6, 0.6),
      f(null, 0.5, 0.5),
      f(null, 0.7, 0.7),
    ]);
    expect(g).toMatchObject({ gap: 0.5, dead: 3, survivors: 3, alreadyDead: 1, earlyAt: 200 });
    // before death: dying 0.01, 0.02, 0.03, 0.04 -> median 0.025; 0.6 - 0.025
    expect(g.gapBeforeDeath).toBeCloseTo(0.575, 12);
  });

  it('needs MIN_DEAD_FEATURES (3) deaths after the early checkpoint, and an early checkpoint', () => {
    const few = selectivityGap([f(400, 0.1, 0.02), f(600, 0.1, 0.02), f(100, 0, 0.01), f(200, 0, 0.01), f(null, 0.6, 0.6)]);
    expect(few).toMatchObject({ gap: null, dead: 2, alreadyDead: 2, survivors: 1, earlyAt: 200 });
    // before death all four count: 0.01, 0.01, 0.02, 0.02 -> median 0.015; 0.6 - 0.015
    expect(few.gapBeforeDeath).toBeCloseTo(0.585, 12);
    const none = selectivityGap([f(400, null, 0.02), f(600, null, 0.03), f(800, null, 0.01), f(null, null, 0.6)]);
    expect(none).toMatchObject({ gap: null, dead: 0, survivors: 0, alreadyDead: 0, earlyAt: null });
  });

  it('has no gap when every feature died (saturated)', () => {
    expect(selectivityGap([f(400, 0.1, 0), f(500, 0.2, 0), f(600, 0.3, 0)])).toMatchObject({ gap: null, dead: 3, survivors: 0 });
  });
});

describe('H6', () => {
  function verdict(gaps: number[]) {
    const runs = gaps.map((_, seed) => run({ seed }));
    const filters = runs.flatMap((r, i) => [
      f(400, 0.1, 0, 200, r.run),
      f(500, 0.1, 0, 200, r.run),
      f(600, 0.1, 0, 200, r.run),
      f(null, 0.1 + gaps[i], 0.5, 200, r.run),
    ]);
    const s = study('emergence', [6, 7], [], runs, () => ({}));
    return h6(contextOf(input({ runs, filters, studies: [s] })));
  }
  it('supports a run whose gap is at least SELECTIVE_GAP (0.1), contradicts one below half of it', () => {
    // gaps 0.1 (a tie: supports), 0.3, 0.04 (< 0.05: contradicts), 0.07 (unclear)
    const v = verdict([0.1, 0.3, 0.04, 0.07]);
    expect(v.units.map((u) => u.outcome)).toEqual(['supports', 'supports', 'contradicts', 'unclear']);
    expect(v.outcome).toBe('inconclusive');
    expect(v.effect.gaps.map((g) => Number(g.toFixed(12)))).toEqual([0.1, 0.3, 0.04, 0.07]);
  });
  it('needs MIN_SEEDS informative runs', () => {
    const v = verdict([0.3]);
    expect(v.units.map((u) => u.outcome)).toEqual(['supports']);
    expect(v).toMatchObject({ outcome: 'inconclusive', tooFewRuns: true });
    expect(verdict([0.3, 0.2]).outcome).toBe('supported');
  });
});
