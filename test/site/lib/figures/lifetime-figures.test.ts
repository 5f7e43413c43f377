// The study v2 figures of the emergence study: the lifetime sparseness over training and the
// early reading H6 (v2) is decided on, on hand-built filter rows, and on a synthetic site.
import { describe, expect, it } from 'vitest';
import type { EmergenceRow, FilterRow, StudyRow } from '../../../../data/schemas/datasets.js';
import { lifetimeBeforeFigure, lifetimeBeforeRows, lifetimeOverTimeFigure, measuresLifetime } from '../../../../site/lib/figures/emergence-figures.js';
import { compile, renderSvg } from '../../../../site/lib/render/render.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { membersOf } from '../../../../analysis/cells.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';

const data = syntheticDatasets();
const template = data.filters.rows[0];
const runTemplate = data.runs.rows.find((r) => r.status === 'complete')!;
const ids = ['a', 'b', 'c'].map((c) => c.repeat(16));
const study: StudyRow = {
  study: 'emergence-long',
  title: 't',
  question: 'q',
  hypotheses: [6, 7],
  factors: [],
  members: ids.map((run, seed) => ({ run, seed, factors: {} })),
  pending: [],
};
const runs = new Map(ids.map((run, seed) => [run, { ...runTemplate, run, seed, iterations: 30000 }]));
const members = membersOf(study, runs);

/** Block 6 (layer 5): 4 features die later, 4 survive, 1 is dead by the early checkpoint (3,000), 1 has no response. Block 1: nobody dies. */
function filtersOf(run: string, dying: number[], surviving: number[]): FilterRow[] {
  const f = (layer: number, filter: number, lifetime: number | null, diedAt: number | null): FilterRow => ({
    ...template,
    run,
    layer,
    filter,
    diedAt,
    selectivityEarly: 0.9,
    selectivityEarlyAt: 3000,
    lifetimeSparseness: lifetime,
    lifetimeSparsenessEarly: lifetime,
  });
  return [
    ...dying.map((s, i) => f(5, i, s, 12000)),
    ...surviving.map((s, i) => f(5, 4 + i, s, null)),
    f(5, 8, 0, 1500),
    f(5, 9, null, null),
    ...[0.3, 0.4, 0.5, 0.6].map((s, i) => f(0, i, s, null)),
  ];
}

describe('the early lifetime sparseness figure (H6, v2)', () => {
  const selective = ids.flatMap((run) => filtersOf(run, [0.6, 0.7, 0.8, 0.9], [0.2, 0.3, 0.4, 0.5]));

  it("plots the compared features of the blocks where features die, with the rule's reading of each block", async () => {
    const { rows, units } = lifetimeBeforeRows(members, selective);
    // The already dead and the no-response features are left out, as in the rule.
    expect(rows.filter((r) => r.block === 6)).toHaveLength(3 * 8);
    expect(
      units.filter((u) => u.numbers.layer === 5).map((u) => [u.outcome, u.numbers.dying, u.numbers.survivors, u.numbers.alreadyDead, u.numbers.noResponse]),
    ).toEqual([
      ['supports', 4, 4, 1, 1],
      ['supports', 4, 4, 1, 1],
      ['supports', 4, 4, 1, 1],
    ]);
    const fig = lifetimeBeforeFigure(study, members, selective)!;
    // Block 1 has no death: it is not drawn.
    expect(new Set(fig.rows.map((r) => r.block))).toEqual(new Set([6]));
    expect(fig.caption).toContain(
      'block 6: 3 of 3 runs with enough dying and surviving features; at most 0 % of its compared features within 0.02 of an end in any run',
    );
    expect(fig.caption).toContain('3 features already dead at the early checkpoint and 3 with no response there are left out');
    const { vega, warnings } = compile(fig.spec);
    const svg = await renderSvg(vega, warnings);
    expect(warnings).toEqual([]);
    expect(svg).toContain('block 6');
    expect(svg).not.toContain('block 1<');
  }, 30_000);

  it('says when a block is saturated near one end', () => {
    const saturated = ids.flatMap((run) => filtersOf(run, [0.99, 0.995, 1, 1], [0.985, 0.99, 1, 0.7]));
    const { units } = lifetimeBeforeRows(members, saturated);
    expect(units.filter((u) => u.numbers.layer === 5).every((u) => u.note === 'saturated')).toBe(true);
    const fig = lifetimeBeforeFigure(study, members, saturated)!;
    expect(fig.caption).toContain(
      'block 6: 3 of 3 runs with enough dying and surviving features, 3 of them saturated; at most 88 % of its compared features within 0.02 of an end in any run',
    );
  });

  it('draws nothing for records without the measure', () => {
    const v1 = ids.flatMap((run) => filtersOf(run, [0.6], [0.2])).map(({ lifetimeSparseness: _a, lifetimeSparsenessEarly: _b, ...rest }) => rest as FilterRow);
    expect(measuresLifetime(v1)).toBe(false);
    expect(lifetimeBeforeFigure(study, members, v1)).toBeNull();
  });
});

describe('the lifetime sparseness over training', () => {
  it('draws the per-block quantiles of the checkpoints that measured it', async () => {
    const base = data.emergence.rows[0];
    const rows: EmergenceRow[] = ids.flatMap((run) =>
      [0, 3000, 30000].map((iteration) => ({
        ...base,
        run,
        layer: 5,
        iteration,
        lifetimeQ10: 0.1,
        lifetimeQ25: 0.2,
        lifetimeMedian: 0.3,
        lifetimeQ75: 0.4,
        lifetimeQ90: 0.5,
        lifetimeUndefined: 1,
      })),
    );
    const fig = lifetimeOverTimeFigure(study, members, [...rows, { ...base, run: ids[0], iteration: 99 }])!;
    expect(fig.rows).toHaveLength(9);
    expect(fig.rows.every((r) => r.median === 0.3 && r.noResponse === 1)).toBe(true);
    const { vega, warnings } = compile(fig.spec);
    await renderSvg(vega, warnings);
    expect(warnings).toEqual([]);
  }, 30_000);
});

describe('an emergence study whose records measured the lifetime sparseness', () => {
  it('shows the lifetime figures in place of the active-share ones', () => {
    const emergence = data.studies.rows.find((s) => s.study === 'emergence')!;
    const own = new Set(emergence.members.map((m) => m.run));
    const v2 = {
      ...data,
      filters: {
        ...data.filters,
        rows: data.filters.rows.map((f) => (own.has(f.run) ? { ...f, lifetimeSparsenessEarly: f.selectivityEarly, lifetimeSparseness: f.selectivity } : f)),
      },
    };
    const figureIds = (d: typeof data) =>
      buildSite(d, { scale: 'quick', folder: '/tmp/x', missingReason: null })
        .studies.find((s) => s.row.study === 'emergence')!
        .figures.map((f) => f.id);
    expect(figureIds(data)).toContain('emergence-selectivity-before-death');
    const shown = figureIds(v2);
    expect(shown).toContain('emergence-lifetime-sparseness-before-death');
    expect(shown).toContain('emergence-sparsity-over-time');
    expect(shown).not.toContain('emergence-selectivity-before-death');
  });
});
