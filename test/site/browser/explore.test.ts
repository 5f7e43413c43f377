// The explore page: brushing an axis filters the table and the brush reopens from the address (by
// mouse and by keyboard), at 1280 px and on a phone (390 px: the chart's axes as rows, no sideways
// scroll, text at least 11 px), and the plan of every study shows each configuration with its state.
import { describe, expect, it } from 'vitest';
import { LAYOUT, NARROW, narrowX, sweepScales, type SweepRun } from '../../../site/lib/figures/parallel-coordinates.js';
import { tabTo } from '../../helpers/browser.js';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('the explore page', () => {
  const complete = () => s.datasets.runs.rows.filter((r) => r.status === 'complete');

  it('filters the explore table by brushing an axis, and reopens the brush from the address', async () => {
    const { page, problems } = await s.watchedPage();
    await page.goto(`${s.origin}${BASE}explore.html`);
    const rows = page.locator('table[data-explore-table] tbody tr');
    const total = await rows.count();
    expect(total).toBe(s.datasets.runs.rows.length);
    // A threshold in a gap between the runs' sparsities, so half a pixel of rounding cannot move a run across it.
    const values = [...new Set(complete().map((r) => r.sparsityActivation!))].sort((a, b) => a - b);
    let gap = 0;
    for (let i = 1; i < values.length; i++) if (values[i] - values[i - 1] > values[gap] - values[gap - 1 < 0 ? 0 : gap - 1] && values[i] > 0.02) gap = i;
    const threshold = (values[gap] + values[gap - 1]) / 2;
    const expected = complete()
      .filter((r) => r.sparsityActivation! >= threshold)
      .map((r) => r.run)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(total);
    const svg = await page.locator('svg.pc-wide').boundingBox();
    const hit = await page.locator('svg.pc-wide g[data-axis="sparsityActivation"] rect.pc-hit').boundingBox();
    const scale = svg!.height / LAYOUT.height;
    // The axis spans its data (tight domain): the page's own scale places a value.
    const runs = JSON.parse((await page.locator('script.explore-runs').textContent()) ?? '[]') as SweepRun[];
    const axis = sweepScales(runs).find((a) => a.axis.key === 'sparsityActivation')!;
    const yOf = (v: number) => svg!.y + axis.toPixels({ range: [v, v] })![0] * scale;
    const axisTop = svg!.y + (LAYOUT.top - 2) * scale;
    const axisMiddle = svg!.y + ((LAYOUT.top + LAYOUT.height - LAYOUT.bottom) / 2) * scale;
    const x = hit!.x + hit!.width / 2;
    await page.mouse.move(x, axisTop);
    await page.mouse.down();
    await page.mouse.move(x, yOf(0.5 * (threshold + values[gap - 1])), { steps: 2 });
    await page.mouse.move(x, yOf(threshold), { steps: 4 });
    await page.mouse.up();
    const kept = async () =>
      (await rows.evaluateAll((trs) => trs.filter((tr) => !(tr as HTMLElement).hidden).map((tr) => (tr as HTMLElement).dataset.run ?? ''))).sort();
    expect(await kept()).toEqual(expected);
    expect(await page.locator('[data-explore-count]').innerText()).toBe(`${expected.length} of ${total} runs inside every range`);
    expect(await page.locator('svg.pc-wide path.pc-line.pc-out').count()).toBe(total - expected.length);
    const link = page.url();
    expect(new URL(link).hash).toMatch(/^#brush=sparsityActivation:/);
    // The same address opened cold keeps the same runs.
    const again = await s.watchedPage({ width: 390, height: 844 });
    await again.page.goto(link);
    expect(
      (
        await again.page
          .locator('table[data-explore-table] tbody tr')
          .evaluateAll((trs) => trs.filter((tr) => !(tr as HTMLElement).hidden).map((tr) => (tr as HTMLElement).dataset.run ?? ''))
      ).sort(),
    ).toEqual(expected);
    // A click on the axis clears its range.
    await page.mouse.click(x, axisMiddle);
    expect(await kept()).toHaveLength(total);
    expect(problems.console).toEqual([]);
    expect(again.problems.console).toEqual([]);
  }, 60_000);

  it('shows the plan of every study: each configuration with its state and seeds, and the pending ones', async () => {
    const { page, problems } = await s.watchedPage();
    await page.goto(`${s.origin}${BASE}explore.html`);
    for (const study of s.datasets.studies.rows) {
      const grid = page.locator(`[data-study-grid="${study.study}"] tbody tr`);
      const counts = await grid.evaluateAll((trs) =>
        trs.map((tr) =>
          Object.fromEntries(Array.from(tr.querySelectorAll<HTMLElement>('td[data-count]')).map((td) => [td.dataset.count, Number(td.textContent || 0)])),
        ),
      );
      const sum = (k: string) => counts.reduce((s, c) => s + (c[k] ?? 0), 0);
      const members = study.members.map((m) => s.datasets.runs.rows.find((r) => r.run === m.run)).filter((r) => r !== undefined);
      expect(sum('complete'), study.study).toBe(members.filter((r) => r.status === 'complete').length);
      expect(sum('diverged'), study.study).toBe(members.filter((r) => r.status === 'diverged').length);
      expect(sum('failed'), study.study).toBe(members.filter((r) => r.status === 'failed').length);
      expect(sum('pending'), study.study).toBe(new Set(study.pending).size);
    }
    expect(await page.locator('[data-study-grid] tr[data-state="pending"]').count()).toBeGreaterThan(0);
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('brushes an axis by keyboard: Tab to it, Up raises the lower end of its range, Escape clears it', async () => {
    const { page, problems } = await s.watchedPage();
    await page.goto(s.url('explore.html'));
    const rows = page.locator('table[data-explore-table] tbody tr');
    const total = await rows.count();
    const kept = async () =>
      (await rows.evaluateAll((trs) => trs.filter((tr) => !(tr as HTMLElement).hidden).map((tr) => (tr as HTMLElement).dataset.run ?? ''))).sort();
    // A lower end in steps of a twentieth of the share axis: the first step with runs on both sides, none on the step itself.
    const values = complete().map((r) => r.sparsityActivation!);
    const steps = Array.from({ length: 19 }, (_, i) => i + 1).find((k) => {
      const above = values.filter((v) => v >= k / 20).length;
      return above > 0 && above < values.length && values.every((v) => Math.abs(v - k / 20) > 1e-3);
    })!;
    expect(steps).toBeGreaterThan(0);
    const axis = 'svg.pc-wide g[data-axis="sparsityActivation"] rect.pc-hit';
    await tabTo(page, axis);
    for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowUp');
    const expected = complete()
      .filter((r) => r.sparsityActivation! >= steps / 20)
      .map((r) => r.run)
      .sort();
    expect(await kept()).toEqual(expected);
    expect(await page.getAttribute(axis, 'aria-valuenow')).toBe(String(steps));
    expect(new URL(page.url()).hash).toMatch(/^#brush=sparsityActivation:/);
    expect(await page.locator('[data-explore-count]').innerText()).toBe(`${expected.length} of ${total} runs inside every range`);
    await page.keyboard.press('Escape');
    expect(await kept()).toHaveLength(total);
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('fits a phone: at 390 px the axes are rows, nothing scrolls sideways, text is at least 11 px, and a drag across an axis filters the table', async () => {
    const { page, problems } = await s.watchedPage({ width: 390, height: 844 });
    await page.goto(s.url('explore.html'));
    await page.waitForLoadState('load');
    const layout = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth,
      wide: document.querySelector('svg.pc-wide')!.getBoundingClientRect().width,
      narrow: document.querySelector('svg.pc-narrow')!.getBoundingClientRect().width,
      // Every text of the page's drawings as drawn (the hidden wide chart has none).
      smallest: Math.min(
        ...Array.from(document.querySelectorAll<SVGTextElement>('svg.pc text'))
          .map((t) => t.getBoundingClientRect().height)
          .filter((h) => h > 0),
      ),
      fontPx: Math.min(
        ...Array.from(document.querySelectorAll<SVGTextElement>('svg.pc-narrow text')).map(
          (t) => parseFloat(getComputedStyle(t).fontSize) * (t.ownerSVGElement!.getBoundingClientRect().width / t.ownerSVGElement!.viewBox.baseVal.width),
        ),
      ),
    }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.wide).toBe(0);
    expect(layout.narrow).toBeGreaterThan(300);
    expect(layout.narrow).toBeLessThanOrEqual(390);
    expect(layout.fontPx).toBeGreaterThanOrEqual(11);
    // A text box is about 1.15 times the font size.
    expect(layout.smallest).toBeGreaterThanOrEqual(11 * 1.1);

    // A drag across the sparsity axis, from a gap between the runs' values to the axis' high end (right).
    const rows = page.locator('table[data-explore-table] tbody tr');
    const total = await rows.count();
    const values = [...new Set(complete().map((r) => r.sparsityActivation!))].sort((a, b) => a - b);
    let gap = 1;
    for (let i = 2; i < values.length; i++) if (values[i] - values[i - 1] > values[gap] - values[gap - 1]) gap = i;
    const threshold = (values[gap] + values[gap - 1]) / 2;
    const expected = complete()
      .filter((r) => r.sparsityActivation! >= threshold)
      .map((r) => r.run)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(total);
    const runs = JSON.parse((await page.locator('script.explore-runs').textContent()) ?? '[]') as SweepRun[];
    const axis = sweepScales(runs).find((a) => a.axis.key === 'sparsityActivation')!;
    const svg = (await page.locator('svg.pc-narrow').boundingBox())!;
    const hit = (await page.locator('svg.pc-narrow g[data-axis="sparsityActivation"] rect.pc-hit').boundingBox())!;
    const scale = svg.width / NARROW.width;
    const xOf = (v: number) => svg.x + narrowX(axis.toPixels({ range: [v, v] })![0]) * scale;
    const y = hit.y + hit.height / 2;
    await page.locator('svg.pc-narrow g[data-axis="sparsityActivation"] rect.pc-hit').scrollIntoViewIfNeeded();
    const again = (await page.locator('svg.pc-narrow g[data-axis="sparsityActivation"] rect.pc-hit').boundingBox())!;
    const dy = again.y - hit.y;
    await page.mouse.move(xOf(threshold), y + dy);
    await page.mouse.down();
    await page.mouse.move(xOf(0.5 * (threshold + values[gap])), y + dy, { steps: 2 });
    await page.mouse.move(hit.x + hit.width - 1, y + dy, { steps: 4 });
    await page.mouse.up();
    const kept = async () =>
      (await rows.evaluateAll((trs) => trs.filter((tr) => !(tr as HTMLElement).hidden).map((tr) => (tr as HTMLElement).dataset.run ?? ''))).sort();
    expect(await kept()).toEqual(expected);
    expect(await page.locator('[data-explore-count]').innerText()).toBe(`${expected.length} of ${total} runs inside every range`);
    expect(await page.locator('svg.pc-narrow path.pc-line.pc-out').count()).toBe(total - expected.length);
    // Kept in the address in data values: the same address at 1280 px keeps the same runs.
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#brush=sparsityActivation:[\d.e-]+:[\d.e-]+$/);
    const wide = await s.watchedPage();
    await wide.page.goto(page.url());
    expect(
      (
        await wide.page
          .locator('table[data-explore-table] tbody tr')
          .evaluateAll((trs) => trs.filter((tr) => !(tr as HTMLElement).hidden).map((tr) => (tr as HTMLElement).dataset.run ?? ''))
      ).sort(),
    ).toEqual(expected);
    // By keyboard the phone's axes are sliders too: Escape clears the range.
    await page.locator('svg.pc-narrow g[data-axis="sparsityActivation"] rect.pc-hit').focus();
    await page.keyboard.press('Escape');
    expect(await kept()).toHaveLength(total);
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('svg.pc-narrow g[data-axis="sparsityActivation"] rect.pc-hit', 'aria-valuenow')).toBe('1');
    // Still no sideways scroll with a range drawn.
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);
    expect(problems.console).toEqual([]);
    expect(wide.problems.console).toEqual([]);
  }, 90_000);
});
