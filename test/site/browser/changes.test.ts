// The changes page lists what changed since the kept version ("v1", written by the synthetic site
// with one run fewer, H2 moved and a rule commit after it).
import { describe, expect, it } from 'vitest';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('the changes page', () => {
  it('lists what changed since the kept version: runs added, verdicts and effects moved, rules changed since', async () => {
    const { page, problems } = await s.watchedPage();
    await page.goto(`${s.origin}${BASE}changes.html`);
    const runs = page.locator('[data-runs-added]');
    expect(await runs.getAttribute('data-runs-added')).toBe('1');
    expect(await runs.getAttribute('data-runs-gone')).toBe('0');
    const changed = await page
      .locator('[data-verdict-changes] tr[data-outcome-changed="true"]')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.hypothesis));
    expect(changed).toEqual(['2']);
    const delta = Number(await page.locator('[data-verdict-changes] tr[data-hypothesis="2"] td[data-effect-delta]').getAttribute('data-effect-delta'));
    expect(delta).toBeCloseTo(0.05, 9);
    for (const h of [1, 3, 4, 5, 6, 7, 8, 9]) {
      const cell = await page.locator(`[data-verdict-changes] tr[data-hypothesis="${h}"] td[data-effect-delta]`).getAttribute('data-effect-delta');
      if (cell !== '') expect(Number(cell), `H${h}`).toBe(0);
    }
    expect(await page.locator('[data-rules-since]').getAttribute('data-rules-since')).toBe('1');
    expect(await page.locator('[data-rules-since]').innerText()).toContain('d006936abcde');
    expect(problems.console).toEqual([]);
  }, 60_000);
});
