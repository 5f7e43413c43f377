// The explore page's parallel coordinates (site/lib/figures/parallel-coordinates.ts, site/client/explore.ts):
// the brush is kept in data values and comes back to the same runs; the first axis' labels fit
// left of it; outcome axes span their values; titles are in short lines; the phone's drawing (axes
// as rows) places values along the same coordinate, its tick labels inside it and apart.
import { describe, expect, it } from 'vitest';
import {
  labelLines,
  LAYOUT,
  NARROW,
  narrowLayout,
  narrowToAxis,
  narrowX,
  sweepScales,
  sweepSvg,
  sweepSvgNarrow,
  textWidth,
  viridis,
  type SweepRun,
} from '../../../../site/lib/figures/parallel-coordinates.js';
import { formatBrushes, parseBrushes } from '../../../../site/client/explore.js';

const OPTIMIZERS = ['adadelta', 'adam', 'adamax', 'rmsprop', 'sgd'];
const runs: SweepRun[] = Array.from({ length: 20 }, (_, i) => ({
  run: `run${String(i).padStart(13, '0')}`,
  status: i === 19 ? 'diverged' : 'complete',
  studies: ['s'],
  optimizer: OPTIMIZERS[i % OPTIMIZERS.length],
  regularization: i % 2 ? 'l2' : 'none',
  strength: i % 2 ? 5e-4 : 0,
  lr: [1e-3, 3e-3, 1e-2, 3e-2][i % 4],
  batchSize: 32,
  classes: 10,
  activation: 'relu',
  width: 16,
  sparsityActivation: i === 19 ? null : (i % 7) / 10,
  sparsityGamma: i === 19 ? null : (i % 5) / 10,
  testAccuracy: i === 19 ? null : 0.8 + (i % 6) / 100,
}));

describe('the parallel coordinates', () => {
  const scales = sweepScales(runs);
  const keptBy = (brush: Map<string, [number, number]>) =>
    runs.filter((r) => scales.every((s) => !brush.has(s.axis.key) || s.within(r, ...brush.get(s.axis.key)!))).map((r) => r.run);

  it('keep a brush in data values that selects the same runs when read back', () => {
    const lr = scales.find((s) => s.axis.key === 'lr')!;
    const optimizer = scales.find((s) => s.axis.key === 'optimizer')!;
    const acc = scales.find((s) => s.axis.key === 'testAccuracy')!;
    const brush = new Map<string, [number, number]>([
      ['lr', [lr.y(runs[2])! - 3, lr.y(runs[1])! + 3]],
      ['optimizer', [optimizer.y(runs[0])! - 2, optimizer.y(runs[1])! + 2]],
      ['testAccuracy', [acc.y(runs[4])! - 1, acc.y(runs[1])! + 1]],
    ]);
    const text = formatBrushes(brush, scales);
    expect(text).toMatch(/^lr:0\.00\d+:0\.0\d+;optimizer:adadelta,adam;testAccuracy:0\.8\d*:0\.8\d*$/);
    const back = parseBrushes(text, scales);
    expect(keptBy(back)).toEqual(keptBy(brush));
    expect(keptBy(back).length).toBeGreaterThan(0);
  });

  it('leave room left of the first axis for its longest label, and draw outcome axes on their values', () => {
    expect(scales[0].x - 6 - textWidth('adadelta')).toBeGreaterThanOrEqual(0);
    const acc = scales.find((s) => s.axis.key === 'testAccuracy')!;
    const bottom = LAYOUT.height - LAYOUT.bottom;
    // Accuracies of 80-85 % fill the axis instead of its top fifth.
    expect(acc.y(runs[0])! - acc.y(runs[5])!).toBeGreaterThan((bottom - LAYOUT.top) / 2);
  });

  it('colour each line by its outcome and a run without one grey, and break titles into short lines', () => {
    const svg = sweepSvg(runs, scales);
    expect(svg).toContain(`style="stroke:${viridis(0)}"`);
    expect(svg).toMatch(/class="pc-line pc-diverged" data-run="[^"]+" d=/);
    for (const line of [...labelLines('sparsity (act.)'), ...labelLines('regularization')]) expect(line.length).toBeLessThanOrEqual(10);
    expect(labelLines('regularization')).toEqual(['regular-', 'ization']);
  });

  it("draw the phone's chart with the axes as rows: values along the wide chart's coordinate, tick labels inside the drawing and apart, a line per run", () => {
    const foot = LAYOUT.height - LAYOUT.bottom;
    // The foot of an axis at the left, its top at the right, and back.
    expect(narrowX(foot)).toBeCloseTo(NARROW.left, 9);
    expect(narrowX(LAYOUT.top)).toBeCloseTo(NARROW.width - NARROW.right, 9);
    for (const y of [LAYOUT.top, 100, 250, foot]) expect(narrowToAxis(narrowX(y))).toBeCloseTo(y, 9);
    const { axes, height } = narrowLayout(scales);
    expect(axes.map((a) => a.scale.axis.key)).toEqual(scales.map((s) => s.axis.key));
    for (let i = 1; i < axes.length; i++) expect(axes[i].y).toBeGreaterThan(axes[i - 1].y);
    expect(height).toBeGreaterThan(axes[axes.length - 1].y);
    for (const a of axes) {
      const boxes = a.ticks.map((t) => {
        const w = textWidth(t.label, NARROW.text);
        const from = t.anchor === 'start' ? t.x : t.anchor === 'end' ? t.x - w : t.x - w / 2;
        return { row: t.row, from, to: from + w, label: t.label };
      });
      for (const b of boxes) {
        expect(b.from, `${a.scale.axis.key} ${b.label}`).toBeGreaterThanOrEqual(0);
        expect(b.to, `${a.scale.axis.key} ${b.label}`).toBeLessThanOrEqual(NARROW.width);
      }
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++)
          if (boxes[i].row === boxes[j].row)
            expect(boxes[i].to < boxes[j].from || boxes[j].to < boxes[i].from, `${boxes[i].label} / ${boxes[j].label}`).toBe(true);
    }
    const svg = sweepSvgNarrow(runs, scales);
    expect(svg.match(/<path class="pc-line/g)).toHaveLength(runs.length);
    expect(svg.match(/<rect class="pc-hit"/g)).toHaveLength(scales.length);
    expect(svg).toContain('class="pc pc-narrow"');
  });
});
