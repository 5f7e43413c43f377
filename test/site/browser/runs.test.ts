// The run browser (runs.html): its table sorts and filters, and reopens its filters, sort and ticked
// runs from its address, which it rewrites as the view changes.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('the run browser', () => {
  it('sorts and filters the run table', async () => {
    const { page, problems } = await s.watchedPage();
    await page.goto(`${s.origin}${BASE}runs.html`);
    const table = page.locator('table[data-runs-table]');
    const column = async (index: number) =>
      table.evaluate(
        (t, i) =>
          Array.from((t as HTMLTableElement).tBodies[0].rows)
            .filter((r) => !r.hidden)
            .map((r) => r.cells[i].dataset.value ?? r.cells[i].textContent ?? ''),
        index,
      );
    const headers = await table.locator('thead th').allInnerTexts();
    const sparsity = headers.findIndex((h) => h.startsWith('sparsity (act.)'));
    const header = table.locator('thead th').nth(sparsity);
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const up = (await column(sparsity)).filter((v) => v !== '').map(Number);
    expect(up.length).toBeGreaterThan(10);
    expect(up).toEqual([...up].sort((a, b) => a - b));
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const down = (await column(sparsity)).filter((v) => v !== '').map(Number);
    expect(down).toEqual([...up].sort((a, b) => b - a));

    const total = await table.locator('tbody tr').count();
    await page.fill('#runs-filter', 'rmsprop');
    const optimizer = headers.indexOf('optimizer');
    const shown = await column(optimizer);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(total);
    expect(new Set(shown)).toEqual(new Set(['rmsprop']));
    expect(await page.locator('#runs-count').innerText()).toBe(`Showing ${shown.length} of ${total} runs`);
    await page.fill('#runs-filter', '');
    await page.selectOption('#runs-study', 'emergence');
    expect(await column(optimizer)).toHaveLength(3);
    await page.selectOption('#runs-study', '');
    await page.selectOption('#runs-status', 'diverged');
    const status = headers.indexOf('status');
    expect(new Set(await column(status))).toEqual(new Set(['diverged']));
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('reopens the run browser from its address: filters, sort and ticked runs; and keeps changes in it', async () => {
    const rmsprop = s.datasets.runs.rows.filter((r) => r.optimizer === 'rmsprop' && r.status === 'complete');
    expect(rmsprop.length).toBeGreaterThan(1);
    const ticked = rmsprop.slice(0, 2).map((r) => r.run);
    for (const base of [`${s.origin}${BASE}runs.html`, pathToFileURL(join(s.site.out, 'runs.html')).href]) {
      const { page, problems } = await s.watchedPage({ width: 390, height: 844 });
      await page.goto(`${base}#q=rmsprop&status=complete&sort=test-acc&dir=descending&runs=${ticked.join(',')}`);
      const table = page.locator('table[data-runs-table]');
      const headers = await table.locator('thead th').allInnerTexts();
      const visible = (i: number) =>
        table.evaluate(
          (t, i) =>
            Array.from((t as HTMLTableElement).tBodies[0].rows)
              .filter((r) => !r.hidden)
              .map((r) => r.cells[i].dataset.value ?? r.cells[i].textContent ?? ''),
          i,
        );
      expect(await page.inputValue('#runs-filter')).toBe('rmsprop');
      expect(await page.inputValue('#runs-status')).toBe('complete');
      expect(new Set(await visible(headers.indexOf('optimizer')))).toEqual(new Set(['rmsprop']));
      expect(new Set(await visible(headers.indexOf('status')))).toEqual(new Set(['complete']));
      const acc = (await visible(headers.findIndex((h) => h.startsWith('test acc.')))).map(Number);
      expect(acc).toHaveLength(rmsprop.length);
      expect(acc).toEqual([...acc].sort((a, b) => b - a));
      expect(await table.locator('thead th[data-key="test-acc"]').getAttribute('aria-sort')).toBe('descending');
      const checked = await table.locator('input[data-select]:checked').evaluateAll((xs) => xs.map((x) => (x as HTMLInputElement).value));
      expect(checked.sort()).toEqual([...ticked].sort());
      const compareHref = await page.getAttribute('a[data-compare-link]', 'href');
      expect(compareHref).toMatch(new RegExp(`compare\\.html#runs=${ticked.join(',')}$`));
      // Changing the view rewrites the address, so the link to share is always the current one.
      await page.selectOption('#runs-status', '');
      await table.locator('thead th[data-key="lr"] button').click();
      const hash = new URLSearchParams(new URL(page.url()).hash.slice(1));
      expect(Object.fromEntries(hash)).toEqual({ sort: 'lr', q: 'rmsprop', runs: ticked.join(',') });
      expect(problems.console, base).toEqual([]);
      expect(problems.failed, base).toEqual([]);
    }
  }, 60_000);
});
