// The home page's findings and verdict tally (site/lib/verdicts/findings.ts) equal what analysis/ returns:
// the tally counts the verdicts, each verdict finding has its verdict's outcome and effect, and
// the learning-rate finding's numbers are the means of the runs' own sparsity, cell by cell.
import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../../../data/schemas/datasets.js';
import { mean } from '../../../../analysis/statistics.js';
import { v1Verdicts } from '../../../../analysis/versions/v1.js';
import { completeRuns, V2_STUDIES, v2Verdicts } from '../../../../analysis/versions/v2.js';
import { computeFindings, tallyOf, tallyText, verdictSentence } from '../../../../site/lib/verdicts/findings.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { percent } from '../../../../site/lib/text/format.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';
import type { Outcome } from '../../../../analysis/rules/result.js';
import { allVerdicts } from '../../../../analysis/verdicts.js';
import { hasFull, readFull, siteVerdictInput, verdictInput } from '../../../analysis/committed.js';

describe('the tally', () => {
  it('counts each outcome once and words it', () => {
    const tally = tallyOf([{ outcome: 'supported' }, { outcome: 'inconclusive' }, { outcome: 'supported' }]);
    expect(tally).toEqual({ supported: 2, contradicted: 0, inconclusive: 1 });
    expect(tallyText(tally)).toBe('2 supported, 0 contradicted and 1 inconclusive');
  });

  it('words a verdict in one sentence with its outcome and effect', () => {
    const sentence = verdictSentence({ hypothesis: 6, outcome: 'contradicted', effect: { label: 'dying minus surviving', value: -0.02, text: '-0.020' } });
    expect(sentence).toBe('The filters that die were not more selective before they died (H6, contradicted): dying minus surviving, -0.020.');
  });
});

describe('the findings of a synthetic site', () => {
  const d = syntheticDatasets({ scale: 'quick', contradict: [7] });
  const site = buildSite(d, { scale: 'quick', folder: '/tmp/none', missingReason: null });

  it('tally the verdicts the site shows, and report every decided one with its figure', () => {
    expect(site.findings.tally).toEqual(tallyOf(site.verdicts));
    expect(site.findings.total).toBe(site.verdicts.length);
    const decided = site.verdicts.filter((v) => v.outcome !== 'inconclusive');
    const reported = site.findings.findings.filter((f) => f.hypothesis !== null);
    expect(reported.map((f) => [f.hypothesis, f.outcome])).toEqual(decided.map((v) => [v.hypothesis, v.outcome]));
    for (const f of site.findings.findings) {
      expect(site.figures).toContain(f.figure);
      expect(f.figure.route).toBe('index');
      expect(f.figure.rows.length, f.id).toBeGreaterThan(0);
    }
  });

  it('are the same computed twice (no state between builds)', () => {
    const again = computeFindings({
      studies: site.studies,
      verdicts: site.verdicts,
      emergence: d.emergence.rows,
      filters: d.filters.rows,
      pruning: d.pruning.rows,
    });
    expect(again.findings.map((f) => f.sentence)).toEqual(site.findings.findings.map((f) => f.sentence));
  });
});

/** Mean activation sparsity of the complete runs of one optimizer, regularization and learning rate. */
function cellMean(runs: readonly RunRow[], optimizer: string, regularization: string, lr: number): number {
  return mean(runs.filter((r) => r.optimizer === optimizer && r.regularization === regularization && r.lr === lr).map((r) => r.sparsityActivation as number));
}

describe.skipIf(!hasFull)('the findings of the committed full study', () => {
  const full = readFull();
  const input = verdictInput(full);
  const site = buildSite(full, { scale: 'full', folder: '/tmp/none', missingReason: null });
  const v2 = v2Verdicts(input);
  const v1 = v1Verdicts(input).map((v) => ({ hypothesis: v.hypothesis, ...v.result }));

  it('tally the outcomes analysis/ returns for each hypothesis (by the version that decides it: v3, v2 or v1)', () => {
    const all = allVerdicts(siteVerdictInput(full));
    const outcomes = site.verdicts.map((v) => {
      expect(v.version ?? 1, `H${v.hypothesis}`).toBe(all.deciding.find((d) => d.hypothesis === v.hypothesis)!.version);
      const v3 = all.v3?.results as Record<number, { outcome: Outcome }> | undefined;
      const rule = v.version === 3 ? v3?.[v.hypothesis] : v.version === 2 ? v2[v.hypothesis as keyof typeof v2] : v1.find((x) => x.hypothesis === v.hypothesis);
      expect(rule, `H${v.hypothesis}`).toBeDefined();
      expect(v.outcome, `H${v.hypothesis}`).toBe(rule!.outcome);
      return { outcome: rule!.outcome };
    });
    expect(site.findings.tally).toEqual(tallyOf(outcomes));
    expect(site.findings.total).toBe(9);
  });

  it('report each decided hypothesis with the outcome and effect of its verdict', () => {
    for (const f of site.findings.findings.filter((x) => x.hypothesis !== null)) {
      const v = site.verdicts.find((x) => x.hypothesis === f.hypothesis)!;
      expect(f.outcome).toBe(v.outcome);
      expect(f.numbers.effect).toBe(v.effect.value);
      expect(f.sentence).toContain(v.effect.text);
    }
  });

  it('state the learning-rate range from the runs themselves, and without regularization the largest cell H1 reads', () => {
    const f = site.findings.findings.find((x) => x.id === 'finding-learning-rate')!;
    expect(f).toBeDefined();
    const runs = completeRuns(input, V2_STUDIES[1]);
    const l2 = runs.filter((r) => r.regularization === 'l2');
    const cells = [...new Set(l2.map((r) => `${r.optimizer} ${r.lr}`))].map((k) => {
      const [optimizer, lr] = k.split(' ');
      return { optimizer, lr: Number(lr), sparsity: cellMean(runs, optimizer, 'l2', Number(lr)) };
    });
    const top = cells.reduce((a, b) => (b.sparsity > a.sparsity ? b : a));
    expect(f.numbers.topOptimizer).toBe(top.optimizer);
    expect(f.numbers.topLr).toBe(top.lr);
    expect(f.numbers.topSparsity).toBeCloseTo(top.sparsity, 12);
    const adam = cells.filter((c) => c.optimizer === 'adam').map((c) => c.sparsity);
    expect(f.numbers.adamLow).toBeCloseTo(Math.min(...adam), 12);
    expect(f.numbers.adamHigh).toBeCloseTo(Math.max(...adam), 12);
    // Without regularization: the largest mean cell is the one v2's H1 rule reports.
    expect(f.numbers.noneTop).toBeCloseTo(v2[1].effect.largestMean as number, 12);
    expect(f.sentence).toContain(percent(top.sparsity));
  });
});
