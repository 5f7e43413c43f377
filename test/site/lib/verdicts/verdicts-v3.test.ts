// Study v3's verdicts as the site shows them. On synthetic datasets with every v3 study complete
// (pipeline/synthetic-study.ts --v3) the v3 rules decide: the cards carry v3's outcome, effect and
// units as analysis/ computes them, the other criterion beside it, the v2 verdict as superseded,
// and the home page's findings and tally follow the v3 outcome. On the committed datasets, whose
// v3 studies still have runs pending, the v2 and v1 rules decide as before.
import { describe, expect, it } from 'vitest';
import {
  allVerdicts,
  decidingVersion,
  isV2Hypothesis,
  isV3Hypothesis,
  type AllVerdicts,
  type V3Hypothesis,
  type VerdictsInput,
} from '../../../../analysis/verdicts.js';
import { V3_STUDIES } from '../../../../analysis/versions/v3.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { tallyOf } from '../../../../site/lib/verdicts/findings.js';
import { computeVerdicts, v3Verdicts } from '../../../../site/lib/verdicts/verdicts.js';
import { describeV2Verdict } from '../../../../site/lib/verdicts/verdicts-v2.js';
import { RULE_TEXTS_V3 } from '../../../../site/lib/verdicts/rule-text.js';
import { hasFull, readFull, verdictInput } from '../../../analysis/committed.js';

/** The result a v3 card decides on (H6: lifetime sparseness). */
const decidingResult = (all: AllVerdicts, h: V3Hypothesis) => (h === 6 ? all.v3!.results[6].lifetimeSparseness : all.v3!.results[h]);

describe('v3 verdicts on synthetic datasets whose v3 studies are complete', () => {
  const d = syntheticDatasets({ v3: true });
  const input: VerdictsInput = {
    runs: d.runs.rows,
    studies: d.studies.rows,
    filters: d.filters.rows,
    emergence: d.emergence.rows,
    pruning: d.pruning.rows,
    mechanism: d.mechanism.rows,
  };
  let memo: AllVerdicts | null = null;
  const all = () => (memo ??= allVerdicts(input));

  it('are decided by v3 for every hypothesis with a v3 rule, by the earlier rules for the others', () => {
    const verdicts = computeVerdicts(input, null, all());
    for (const v of verdicts) expect(v.version ?? 1, `H${v.hypothesis}`).toBe(decidingVersion(v.hypothesis, input));
    expect(verdicts.filter((v) => v.version === 3).map((v) => v.hypothesis)).toEqual(
      Object.keys(V3_STUDIES)
        .map(Number)
        .filter((h) => h <= 9),
    );
  }, 300_000);

  it('word each v3 result as analysis/ computes it, with the other criterion beside it and the v2 verdict as superseded', () => {
    const a = all();
    for (const v of computeVerdicts(input, null, a).filter((x) => x.version === 3)) {
      const h = v.hypothesis as V3Hypothesis;
      const result = decidingResult(a, h);
      expect(v.outcome, `H${h}`).toBe(result.outcome);
      expect(v.criterion).toBe('dead by |γ|');
      expect(result.deciding).toBe('gamma');
      expect(v.reported?.[0]).toMatchObject({
        label: 'dead by activation (reported)',
        outcome: result.byCriterion.activation.outcome,
        agrees: result.criteriaAgree,
      });
      // One plain reason sentence from the units' tally.
      expect(v.reason).toMatch(/^(Supported by the rule|Contradicted by the rule|The units disagree|No unit can decide)[^.]*\.$/);
      // The units are the deciding criterion's (H6 leaves out blocks with no feature dying after the read).
      const units = result.byCriterion.gamma.units as ReadonlyArray<{ outcome: string }>;
      if (h === 6) expect(v.units.length).toBeLessThanOrEqual(units.length);
      else expect(v.units.map((u) => u.outcome)).toEqual(units.map((u) => u.outcome));
      // The superseded verdict is the v2 rule's on the same datasets.
      expect(isV2Hypothesis(h)).toBe(true);
      if (!isV2Hypothesis(h)) continue;
      const v2 = describeV2Verdict(h, a.v2, null, undefined, '');
      expect(v.superseded).toEqual({ outcome: a.v2.results[h].outcome, effect: v2.effect, basis: "v2's rule on these datasets" });
      expect(v.change?.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  }, 300_000);

  it('give the effect in the unit of each rule, from analysis/’s number', () => {
    const a = all();
    const byH = new Map(computeVerdicts(input, null, a).map((v) => [v.hypothesis, v]));
    const r = a.v3!.results;
    expect(byH.get(1)!.effect.value).toBe(r[1].byCriterion.gamma.effect.largestMean);
    expect(byH.get(1)!.effect.text).toMatch(/^\d+\.\d %/);
    expect(byH.get(2)!.effect.value).toBe(r[2].byCriterion.gamma.effect.meanDifference);
    expect(byH.get(3)!.effect.value).toBe(r[3].byCriterion.gamma.effect.meanDifference);
    expect(byH.get(5)!.effect.value).toBe(r[5].byCriterion.gamma.effect.classesDifference);
    for (const h of [2, 3, 5]) if (byH.get(h)!.effect.value !== null) expect(byH.get(h)!.effect.text, `H${h}`).toMatch(/pts/);
    expect(byH.get(6)!.effect.value).toBe(r[6].lifetimeSparseness.byCriterion.gamma.effect.medianAuc);
    expect(byH.get(6)!.band).toMatchObject({ supports: 0.6, contradicts: 0.4 });
    expect(byH.get(7)!.effect.value).toBe(r[7].byCriterion.gamma.effect.meanOnsetEpochs);
    expect(byH.get(7)!.effect.text).toMatch(/epochs/);
  }, 300_000);

  it('word the hypotheses new in v3 too, each with its rule written from its constants', () => {
    const a = all();
    const cards = v3Verdicts(a);
    expect(cards.map((v) => v.hypothesis)).toEqual(Object.keys(V3_STUDIES).map(Number));
    for (const v of cards) {
      expect(isV3Hypothesis(v.hypothesis)).toBe(true);
      expect(v.outcome).toBe(decidingResult(a, v.hypothesis as V3Hypothesis).outcome);
      expect(RULE_TEXTS_V3[v.hypothesis as V3Hypothesis].length).toBeGreaterThan(100);
    }
    for (const h of [10, 11, 12]) expect(cards.find((v) => v.hypothesis === h)!.superseded).toBeUndefined();
    expect(cards.find((v) => v.hypothesis === 10)!.band).toMatchObject({ supports: 0.4, contradicts: 0.6 });
  }, 300_000);

  it('make the home page’s findings and tally, and the Study v3 page, follow the v3 outcome', () => {
    const site = buildSite(d, { scale: 'quick', folder: '/nonexistent/quick/datasets', missingReason: null });
    const a = all();
    expect(site.findings.tally).toEqual(tallyOf(site.verdicts));
    for (const v of site.verdicts.filter((x) => x.version === 3)) expect(v.outcome).toBe(decidingResult(a, v.hypothesis as V3Hypothesis).outcome);
    for (const f of site.findings.findings.filter((x) => x.hypothesis !== null && isV3Hypothesis(x.hypothesis) && x.hypothesis <= 9)) {
      const v = site.verdicts.find((x) => x.hypothesis === f.hypothesis)!;
      expect(v.version).toBe(3);
      expect(f.outcome).toBe(v.outcome);
      expect(f.sentence).toContain(v.effect.text);
    }
    expect(site.findings.findings.some((f) => site.verdicts.find((v) => v.hypothesis === f.hypothesis)?.version === 3)).toBe(true);
    // A verdict links a figure only where the build has it.
    for (const v of site.verdicts) if (v.figure) expect(site.figureAt(v.figure.route, v.figure.id), `H${v.hypothesis}`).toBeDefined();
    expect(site.studyV3?.remaining).toBe(0);
    expect(site.studyV3?.rules.every((r) => r.decides)).toBe(true);
  }, 300_000);
});

describe.skipIf(!hasFull)('the committed datasets, whose v3 studies still have runs pending', () => {
  it('are decided by the v2 and v1 rules as before: v3 decides a hypothesis only once its studies are complete', () => {
    const full = readFull();
    const input: VerdictsInput = { ...verdictInput(full), mechanism: full.mechanism.rows };
    const pendingV3 = (h: number) => isV3Hypothesis(h) && V3_STUDIES[h].some((s) => (full.studies.rows.find((r) => r.study === s)?.pending.length ?? 1) > 0);
    const verdicts = computeVerdicts(input);
    for (const v of verdicts) {
      const h = v.hypothesis;
      const expected = isV3Hypothesis(h) && !pendingV3(h) ? 3 : isV2Hypothesis(h) ? 2 : 1;
      expect(v.version ?? 1, `H${h}`).toBe(expected);
    }
    // As published while the v3 sweep runs: H1, H2, H3, H5, H6 and H7 by v2; H4, H8 and H9 by v1.
    if ([1, 2, 3, 5, 6, 7].every(pendingV3))
      expect(verdicts.map((v) => `H${v.hypothesis} v${v.version ?? 1}`)).toEqual([
        'H1 v2',
        'H2 v2',
        'H3 v2',
        'H4 v1',
        'H5 v2',
        'H6 v2',
        'H7 v2',
        'H8 v1',
        'H9 v1',
      ]);
  }, 600_000);
});
