// The verdicts as the site shows them, on synthetic datasets: outcomes, and the details,
// reasons and effects the pages print, including contradicted and inconclusive hypotheses.
// The rules themselves are tested on hand-built rows in test/analysis/hypotheses/ and test/analysis/versions/.
import { describe, expect, it } from 'vitest';
import { computeVerdicts, type VerdictInput } from '../../../../site/lib/verdicts/verdicts.js';
import { H6_V2 } from '../../../../analysis/hypotheses/h6.js';
import { H7_V2 } from '../../../../analysis/hypotheses/h7.js';
import { H1_V2 } from '../../../../analysis/hypotheses/h1.js';
import { H2_V2 } from '../../../../analysis/hypotheses/h2.js';
import { H3_V2 } from '../../../../analysis/hypotheses/h3.js';
import { H5_V2 } from '../../../../analysis/hypotheses/h5.js';
import { allVerdicts } from '../../../../analysis/verdicts.js';
import { verdictChartSvg } from '../../../../site/lib/figures/verdict-chart.js';
import { hasFull, readFull, verdictInput } from '../../../analysis/committed.js';
import { syntheticDatasets, type SyntheticOptions } from '../../../../pipeline/synthetic-study.js';

function inputOf(options: SyntheticOptions = {}): VerdictInput {
  const d = syntheticDatasets(options);
  return { runs: d.runs.rows, studies: d.studies.rows, filters: d.filters.rows, emergence: d.emergence.rows, pruning: d.pruning.rows };
}

describe('H6 decides on the early selectivity, not on the one shortly before death', () => {
  const input = inputOf();
  const emergence = new Set(input.studies.find((s) => s.study === 'emergence')!.members.map((m) => m.run));
  const diesLater = (r: VerdictInput['filters'][number]) => r.diedAt !== null && r.selectivityEarlyAt !== null && r.diedAt > r.selectivityEarlyAt;

  it('is supported on data shaped like the paper, with the features already dead early left out', () => {
    const v = computeVerdicts(input)[5];
    expect(v.outcome).toBe('supported');
    expect(v.effect.label).toMatch(/early checkpoint \(≥ 10 % of training\)/);
    expect(v.units.length).toBeGreaterThanOrEqual(2);
    for (const u of v.units)
      expect(u.detail).toMatch(
        /^early gap \d\.\d{3} at iteration 200 \(\d+ died later, \d+ survived; \d+ already dead by then, left out\); shortly before death the gap is \d\.\d{3} \(not decisive\)$/,
      );
  });

  it('is not supported when the dying features were not selective early but read low just before death', () => {
    // Every feature that dies after the early checkpoint fired on 70 % of the probe there, the
    // survivors on 50 %; just before death the dying ones read 0.01, as a dying feature does.
    const filters = input.filters.map((r) => {
      if (!emergence.has(r.run)) return r;
      if (diesLater(r)) return { ...r, selectivityEarly: 0.7, selectivityBefore: 0.01 };
      return r.diedAt === null ? { ...r, selectivityEarly: 0.5 } : r;
    });
    const v = computeVerdicts({ ...input, filters })[5];
    expect(v.outcome).toBe('contradicted');
    for (const u of v.units) {
      expect(u.outcome).toBe('contradicts');
      // early gap 0.5 - 0.7 = -0.2; the gap before death stays large and does not count
      expect(u.detail).toMatch(/^early gap -0\.200 .*shortly before death the gap is 0\.\d{3} \(not decisive\)$/);
      expect(Number(/before death the gap is (\d\.\d{3})/.exec(u.detail)![1])).toBeGreaterThan(0.3);
    }
  });

  it('leaves out a run without an early checkpoint, saying why', () => {
    const [first] = [...emergence].sort();
    const filters = input.filters.map((r) => (r.run === first ? { ...r, selectivityEarly: null, selectivityEarlyAt: null } : r));
    const v = computeVerdicts({ ...input, filters })[5];
    const u = v.units.find((x) => x.label.startsWith(`run ${first.slice(0, 8)}`))!;
    expect(u).toEqual({ label: u.label, outcome: 'insufficient', detail: 'no checkpoint at or after 10 % of training, so no early selectivity' });
    expect(v.runs).not.toContain(first);
  });
});

describe('verdicts on synthetic datasets', () => {
  it('supports every hypothesis on data shaped like the paper', () => {
    const verdicts = computeVerdicts(inputOf());
    expect(verdicts.map((v) => [v.hypothesis, v.outcome])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((h) => [h, 'supported']));
    const h2 = verdicts[1];
    expect(h2.seeds).toEqual([0, 1, 2]);
    expect(h2.effect.value).toBeGreaterThan(0.2);
    expect(h2.figure).toEqual({ route: 'studies/optimizer', id: 'optimizer-sparsity' });
  });

  for (const h of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    it(`reports H${h} contradicted when the data contradict it`, () => {
      const verdicts = computeVerdicts(inputOf({ contradict: [h] }));
      expect(verdicts[h - 1].outcome).toBe('contradicted');
      expect(verdicts.filter((v) => v.hypothesis !== h && v.outcome === 'contradicted')).toEqual([]);
    });
  }

  it('is inconclusive with a single seed per configuration', () => {
    const verdicts = computeVerdicts(inputOf({ seeds: 1 }));
    for (const h of [3, 4, 5, 8, 9]) {
      expect(verdicts[h - 1].outcome, `H${h}`).toBe('inconclusive');
    }
    expect(verdicts[2].reason).toMatch(/seeds/);
  });

  it('is inconclusive when the seeds of a comparison overlap', () => {
    const input = inputOf();
    // One leaky-ReLU seed keeps a fifth of its filters dead by activation, the other none.
    const leaky = input.runs.filter((r) => r.activation === 'leaky-relu' && r.status === 'complete');
    const runs = input.runs.map((r) => (r.run === leaky[0].run ? { ...r, sparsityActivation: 0.2 } : r));
    const v = computeVerdicts({ ...input, runs })[7];
    expect(v.outcome).toBe('inconclusive');
    expect(v.units[0].outcome).toBe('unclear');
  });

  it('ignores failed and diverged runs and the gamma criterion', () => {
    const input = inputOf();
    const runs = input.runs.map((r) => ({ ...r, sparsityGamma: r.sparsityGamma === null ? null : 1 - r.sparsityGamma }));
    const before = computeVerdicts(input).map((v) => [v.outcome, v.effect.text]);
    expect(computeVerdicts({ ...input, runs }).map((v) => [v.outcome, v.effect.text])).toEqual(before);
    const used = new Set(computeVerdicts(input).flatMap((v) => v.runs));
    for (const r of input.runs.filter((x) => x.status !== 'complete')) expect(used.has(r.run)).toBe(false);
  });

  it('is inconclusive, with a reason, when there is no data at all', () => {
    const verdicts = computeVerdicts({ runs: [], studies: [], filters: [], emergence: [], pruning: [] });
    expect(verdicts).toHaveLength(9);
    for (const v of verdicts) {
      expect(v.outcome).toBe('inconclusive');
      expect(v.reason).toMatch(/no data/i);
    }
  });
});

describe('provisional verdicts', () => {
  it('count the distinct configurations still pending in the studies that test each hypothesis, without changing any outcome', () => {
    const input = inputOf();
    const [a, b] = ['a'.repeat(16), 'b'.repeat(16)];
    const pendingOf: Record<string, string[]> = { optimizer: [a, b], strength: [a], 'batch-size': [b], 'learning-rate': [a, b] };
    const studies = input.studies.map((s) => ({ ...s, pending: pendingOf[s.study] ?? [] }));
    const complete = computeVerdicts({ ...input, studies: input.studies.map((s) => ({ ...s, pending: [] })) });
    const partial = computeVerdicts({ ...input, studies });
    expect(complete.map((v) => v.pending)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // H1, H2: optimizer (2); H3: strength (1); H4: batch size and learning rate share a and b (2); the rest 0.
    expect(partial.map((v) => v.pending)).toEqual([2, 2, 1, 2, 0, 0, 0, 0, 0]);
    expect(partial.map((v) => ({ ...v, pending: 0 }))).toEqual(complete);
  });
});

describe.skipIf(!hasFull)('verdict cards of the committed full study, as figures', () => {
  const verdicts = computeVerdicts(verdictInput(readFull()));
  const byId = (h: number) => verdicts.find((v) => v.hypothesis === h)!;

  it("give H6 and H7 the rule's own thresholds as their band", () => {
    expect(byId(6).band).toMatchObject({ supports: H6_V2.selectiveGap, contradicts: H6_V2.contradictBelow });
    expect(byId(7).band).toMatchObject({ supports: H7_V2.early, contradicts: H7_V2.late });
  });

  it('give each of their units the run behind it, and the number the rule compared where it compared one', () => {
    const input = verdictInput(readFull());
    const known = new Set(input.runs.map((r) => r.run));
    for (const h of [6, 7]) {
      const units = byId(h).units;
      expect(units.length).toBeGreaterThan(0);
      for (const u of units) {
        expect(u.runs).toHaveLength(1);
        expect(known.has(u.runs![0])).toBe(true);
        expect(u.label).toContain(u.runs![0].slice(0, 8));
        if (u.outcome === 'supports') expect(u.value).not.toBeNull();
      }
    }
  });

  it("draw H1, H2, H3 and H5 against their rule's line: each dot the number analysis/ compared, on the side of the line its outcome needs", () => {
    const input = verdictInput(readFull());
    const results = allVerdicts(input).v2.results;
    const known = new Set(input.runs.map((r) => r.run));
    // The number each rule's units are drawn at, read off analysis/'s own result, and the rule's own line.
    const cases = [
      { h: 1 as const, line: H1_V2.substantial, above: false, value: (k: string) => results[1].units.find((u) => u.key === k)!.numbers.largestMean },
      { h: 2 as const, line: H2_V2.farMore, above: true, value: (k: string) => results[2].units.find((u) => u.key === k)!.numbers.minMargin },
      { h: 3 as const, line: H3_V2.clearEffect, above: true, value: (k: string) => results[3].units.find((u) => u.key === k)!.numbers.difference },
      { h: 5 as const, line: H5_V2.clearEffect, above: true, value: (k: string) => results[5].units.find((u) => u.key === k)!.numbers.difference },
    ];
    for (const { h, line, above, value } of cases) {
      const v = byId(h);
      expect(v.version, `H${h}`).toBe(2);
      expect(v.band, `H${h}`).toMatchObject({ supports: line, contradicts: line, supportsAbove: above });
      const svg = verdictChartSvg(v, (runs) => `compare.html#runs=${runs.join(',')}`)!;
      const x = (attr: string) => Number(new RegExp(`${attr}[^>]* x1="([\\d.-]+)"`).exec(svg)![1]);
      const lineX = x(`class="vchart-threshold" data-threshold="${line}"`);
      const dots = [...svg.matchAll(/<circle class="vchart-unit unit-(\w+)" cx="([\d.-]+)"[^>]* data-value="([^"]+)"><title>([^<]*)<\/title>/g)].map((m) => ({
        outcome: m[1],
        cx: Number(m[2]),
        value: Number(m[3]),
        label: m[4].replace(/&amp;/g, '&').split(':')[0],
      }));
      const deciding = v.units.filter((u) => u.outcome !== 'insufficient');
      expect(deciding.length, `H${h}`).toBeGreaterThan(0);
      expect(dots.map((d) => d.label).sort(), `H${h}`).toEqual(deciding.map((u) => u.label).sort());
      for (const d of dots) {
        const unit = v.units.find((u) => u.label === d.label)!;
        expect(d.value, `H${h} ${d.label}`).toBe(value(unit.label));
        expect(d.outcome, `H${h} ${d.label}`).toBe(unit.outcome);
        // A supporting unit lies on the rule's side of the line, a contradicting one on the other, in numbers and in the drawing.
        const onSupportSide = above ? d.value >= line : d.value < line;
        const drawnSupportSide = above ? d.cx >= lineX : d.cx < lineX;
        if (d.outcome === 'supports') expect([onSupportSide, drawnSupportSide], `H${h} ${d.label}`).toEqual([true, true]);
        if (d.outcome === 'contradicts') expect([onSupportSide, drawnSupportSide], `H${h} ${d.label}`).toEqual([false, false]);
      }
      // Each unit names its runs (records of the study), and its dot links to their comparison.
      for (const u of deciding) {
        expect(u.runs!.length, `H${h} ${u.label}`).toBeGreaterThanOrEqual(2);
        for (const r of u.runs!) expect(known.has(r), r).toBe(true);
        expect(svg).toContain(`data-unit-runs="${u.runs!.join(',')}"`);
      }
    }
  });
});
