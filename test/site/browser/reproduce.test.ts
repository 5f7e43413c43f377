// The reproduce page says what the shown runs cost; the cite page gives the citations with the
// code and data versions of the build.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { duration } from '../../../site/lib/text/format.js';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('the reproduce and cite pages', () => {
  it('says on the reproduce page what the shown runs cost', async () => {
    const { page, problems } = await s.watchedPage();
    await page.goto(`${s.origin}${BASE}reproduce.html`);
    const runs = s.datasets.runs.rows;
    const text = await page.locator('[data-compute]').innerText();
    expect(text).toContain(`The ${runs.length} runs shown here took ${duration(runs.reduce((s, r) => s + r.wallSeconds, 0))} of worker time`);
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('gives the citations with the code and data versions of the build', async () => {
    const { page, problems } = await s.watchedPage();
    await page.goto(`${s.origin}${BASE}cite.html`);
    const paper = await page.locator('[data-bibtex="cite-paper"]').innerText();
    expect(paper).toContain('author = {Mehta, Dushyant and Kim, Kwang In and Theobalt, Christian}');
    expect(paper).toContain('eprint = {1811.12495}');
    const own = await page.locator('[data-bibtex="cite-reproduction"]').innerText();
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const code = await page.locator('[data-version="code"]').innerText();
    expect(code.startsWith(commit)).toBe(true);
    expect(own).toContain(`Code version ${code}; data version ${s.site.snapshot.dataVersion} (quick scale, ${s.datasets.runs.rows.length} runs)`);
    expect(problems.console).toEqual([]);
  }, 60_000);
});
