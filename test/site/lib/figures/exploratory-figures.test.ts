// The exploratory page's findings, from the committed findings file: every figure compiles and
// draws without a warning, and every sentence has its numbers (no "n/a", no NaN).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exploratoryFileSchema } from '../../../../analysis/exploratory/file.js';
import { exploratoryFindingsShown } from '../../../../site/lib/figures/exploratory-figures.js';
import { compile, renderSvg } from '../../../../site/lib/render/render.js';
import { hasFull, REPO } from '../../../analysis/committed.js';

describe.skipIf(!hasFull)('exploratory page', { timeout: 120_000 }, () => {
  const file = exploratoryFileSchema.parse(JSON.parse(readFileSync(join(REPO, 'data', 'full', 'exploratory.json'), 'utf8')));
  const shown = exploratoryFindingsShown(file.findings);

  it('shows every finding once, each with a sentence that has its numbers', () => {
    expect(new Set(shown.map((f) => f.id)).size).toBe(shown.length);
    expect(shown.map((f) => f.id)).toEqual(
      expect.arrayContaining([
        'h6-per-block',
        'near-death',
        'gradient',
        'gamma-fall',
        'criteria',
        'decay-budget',
        'onset-rate',
        'emergence-law',
        'batch',
        'width',
      ]),
    );
    for (const f of shown) {
      expect(f.sentence, f.id).not.toMatch(/n\/a|NaN|undefined|Infinity/);
      expect(f.sentence.length, f.id).toBeGreaterThan(40);
    }
  });

  it('draws every figure without a warning, from rows it embeds', async () => {
    for (const f of shown) {
      if (!f.figure) continue;
      const data = (f.figure.spec.data as { values: unknown[] }).values;
      expect(data.length, f.id).toBeGreaterThan(0);
      const { vega, warnings } = compile(f.figure.spec);
      const svg = await renderSvg(vega, warnings);
      expect(warnings, f.id).toEqual([]);
      expect(svg.startsWith('<svg'), f.id).toBe(true);
    }
  });
});
