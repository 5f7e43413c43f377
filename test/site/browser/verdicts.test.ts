// The verdicts on the home, methods and study pages: the contradicted one as plain as a support,
// provisional verdicts with their pending configurations, and text from run records escaped.
import { describe, expect, it } from 'vitest';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('the verdicts on the home, methods and study pages', () => {
  it('shows the verdicts, the contradicted one plainly, and escapes text from run records', async () => {
    const { page, problems } = await s.watchedPage();
    await page.goto(`${s.origin}${BASE}index.html`);
    const rows = page.locator('table.verdicts tbody tr');
    expect(await rows.count()).toBe(9);
    expect(await rows.nth(6).locator('.badge').innerText()).toMatch(/contradicted/);
    expect(await rows.nth(1).locator('.badge').innerText()).toMatch(/supported/);
    // The synthetic task study has a configuration without a record: every page says the study is unfinished.
    const pending = new Set(s.datasets.studies.rows.flatMap((s) => s.pending));
    const recorded = new Set(s.datasets.studies.rows.flatMap((s) => s.members.map((m) => m.run)).filter((id) => !pending.has(id)));
    expect(pending.size).toBeGreaterThan(0);
    // Verdicts whose studies have pending configurations say they are provisional, and how many.
    for (let h = 1; h <= 9; h++) {
      const n = new Set(s.datasets.studies.rows.filter((s) => s.hypotheses.includes(h)).flatMap((s) => s.pending)).size;
      const marker = rows.nth(h - 1).locator('[data-provisional]');
      if (n === 0) expect(await marker.count(), `H${h}`).toBe(0);
      else expect(await marker.innerText(), `H${h}`).toBe(`provisional: ${n} pending`);
    }
    expect(new Set(s.datasets.studies.rows.filter((s) => s.hypotheses.includes(5)).flatMap((s) => s.pending)).size).toBeGreaterThan(0);
    for (const path of ['index.html', 'methods.html', 'studies/task.html']) {
      await page.goto(`${s.origin}${BASE}${path}`);
      expect(await page.locator('[data-progress]').innerText(), path).toContain(
        `${recorded.size} of ${recorded.size + pending.size} configurations have a record, ${pending.size}`,
      );
    }
    await page.goto(`${s.origin}${BASE}runs.html`);
    await page.selectOption('#runs-status', 'failed');
    await page.locator('table[data-runs-table] tbody tr:not([hidden]) a').first().click();
    await page.waitForLoadState('load');
    expect(await page.locator('.failure').innerText()).toContain('<script>alert("not escaped")</script>');
    expect(problems.dialogs).toEqual([]);
  }, 60_000);
});
