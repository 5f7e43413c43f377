// The narrative: bound values, placed figures and verdicts, errors that name the line, and
// sanitised HTML.
import { describe, expect, it } from 'vitest';
import { NarrativeError, renderNarrative } from '../../../../site/lib/text/narrative.js';
import { boundValue } from '../../../../site/lib/text/narrative-values.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';

const values: Record<string, string> = { 'runs.total': '42', 'verdict.2': 'supported' };
const ctx = {
  file: 'home.md',
  value: (of: string) => {
    if (!(of in values)) throw new Error(`unknown value "${of}"`);
    return values[of];
  },
};

describe('narrative directives', () => {
  it('binds values and splits at placed figures and verdicts', () => {
    const segments = renderNarrative(
      'We ran :value{of="runs.total"} runs.\n\n::figure{id="optimizer-sparsity"}\n\nH2 is :value{of="verdict.2"}.\n\n::verdict{h="2"}\n\n::verdicts\n',
      ctx,
    );
    expect(segments.map((s) => s.kind)).toEqual(['html', 'figure', 'html', 'verdict', 'verdicts']);
    expect(segments[0]).toEqual({ kind: 'html', html: '<p>We ran <span class="bound" title="computed from the datasets: runs.total">42</span> runs.</p>' });
    expect(segments[1]).toEqual({ kind: 'figure', id: 'optimizer-sparsity' });
    expect(segments[3]).toEqual({ kind: 'verdict', hypothesis: 2 });
  });

  it('names the file and line of an unknown value or directive', () => {
    expect(() => renderNarrative('one\n\ntwo :value{of="nope"}', ctx)).toThrow(/home\.md:3: unknown value "nope"/);
    expect(() => renderNarrative('::chart{id="x"}', ctx)).toThrow(NarrativeError);
    expect(() => renderNarrative('a :bold[x]', ctx)).toThrow(/unknown inline directive ":bold"/);
    expect(() => renderNarrative('::verdict{h="12"}', ctx)).toThrow(/h="1".."9"/);
  });

  it('sanitises raw HTML and scripts', () => {
    const [seg] = renderNarrative('<script>alert(1)</script>\n\nHello <img src=x onerror="alert(1)"> [link](javascript:alert(1))', ctx);
    expect(seg.kind).toBe('html');
    const html = (seg as { html: string }).html;
    expect(html).not.toMatch(/<script|onerror|javascript:/i);
    expect(html).toContain('Hello');
  });
});

describe('values bound to the datasets', () => {
  const site = buildSite(syntheticDatasets(), { scale: 'quick', folder: '/tmp/x', missingReason: null });

  it('counts runs and reports verdicts', () => {
    expect(boundValue(site, 'runs.total', {})).toBe(String(site.runs.length));
    expect(boundValue(site, 'scale', {})).toBe('quick');
    expect(boundValue(site, 'verdict.2', {})).toBe('supported');
    expect(boundValue(site, 'runs.seeds', {})).toBe('0–2');
  });

  it('summarises a cell of a study over its seeds', () => {
    const text = boundValue(site, 'sparsity', { study: 'optimizer', where: 'optimizer.name=adam;regularization.kind=l2' });
    expect(text).toMatch(/^\d+\.\d ± \d+\.\d % \(n = 3\)$/);
    expect(boundValue(site, 'sparsity', { study: 'optimizer', where: 'optimizer.name=nadam' })).toBe('n/a (no complete run)');
    expect(
      boundValue(site, 'difference', { study: 'optimizer', a: 'optimizer.name=adam;regularization.kind=l2', b: 'optimizer.name=sgd;regularization.kind=l2' }),
    ).toMatch(/^\+\d+\.\d pts$/);
  });

  it('refuses unknown names', () => {
    expect(() => boundValue(site, 'runs.count', {})).toThrow(/unknown value "runs.count"/);
    expect(() => boundValue(site, 'verdict.12', {})).toThrow(/no hypothesis 12/);
  });

  it('renders the narrative files of the site without error', () => {
    for (const name of ['home', 'optimizer', 'emergence', 'pruning']) expect(site.narrative(name)?.length, name).toBeGreaterThan(0);
  });
});
