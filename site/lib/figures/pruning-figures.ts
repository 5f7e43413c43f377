// The pruning figure: cost and accuracy after / before removing the dead filters (H9). Pure.
import type { PruningRow, StudyRow } from '../../../data/schemas/datasets.js';
import type { Member } from '../../../analysis/cells.js';
import { mean } from '../../../analysis/statistics.js';
import { studyFigureId, studyRoute } from './figure-ids.js';
import { hasSpread, runsOf, seedsText, topLevel, type Figure, type LayerView, type PositionChannel, type Row } from './figure-model.js';
import { ratio } from '../text/format.js';

export function pruningRows(members: readonly Member[], pruning: readonly PruningRow[]): Row[] {
  const seedOf = new Map(members.filter((m) => m.run.status === 'complete').map((m) => [m.run.run, m.seed]));
  const rows: Row[] = [];
  for (const p of pruning) {
    const seed = seedOf.get(p.run);
    if (seed === undefined) continue;
    const add = (metric: string, before: number, after: number) =>
      rows.push({ run: p.run, seed, metric, before, after, ratio: before > 0 ? after / before : null, removed: p.removedFilters });
    add('parameters', p.paramsBefore, p.paramsAfter);
    add('FLOPs', p.flopsBefore, p.flopsAfter);
    add('images/s (measured)', p.imagesPerSecondBefore, p.imagesPerSecondAfter);
    add('test accuracy', p.testAccuracyBefore, p.testAccuracyAfter);
  }
  return rows;
}

export function pruningFigure(study: StudyRow, members: readonly Member[], pruning: readonly PruningRow[]): Figure | null {
  const rows = pruningRows(members, pruning);
  if (rows.length === 0) return null;
  const metrics = ['parameters', 'FLOPs', 'images/s (measured)', 'test accuracy'];
  const x: PositionChannel = { field: 'metric', type: 'nominal', sort: metrics, title: null, axis: { labelAngle: 0 } };
  const y: Omit<PositionChannel, 'field'> = { type: 'quantitative', title: 'after / before pruning', scale: { zero: true } };
  const speedups = rows.filter((r) => r.metric === 'images/s (measured)').map((r) => r.ratio as number);
  const spec = topLevel(rows, {
    width: 420,
    height: 240,
    layer: [
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { field: 'one', type: 'quantitative' } } },
      { mark: { type: 'bar', opacity: 0.25, color: '#1f6fb2', width: { band: 0.6 } }, encoding: { x, y: { aggregate: 'mean', field: 'ratio', ...y } } },
      ...(hasSpread(rows, ['metric'])
        ? [{ mark: { type: 'errorbar', extent: 'stdev', color: '#1f6fb2' }, encoding: { x, y: { field: 'ratio', ...y } } } satisfies LayerView]
        : []),
      {
        mark: { type: 'circle', size: 40, color: '#1f6fb2' },
        encoding: {
          x,
          y: { field: 'ratio', ...y },
          tooltip: [
            { field: 'metric' },
            { field: 'seed' },
            { field: 'before', format: ',.4~g' },
            { field: 'after', format: ',.4~g' },
            { field: 'ratio', format: '.3f' },
            { field: 'removed', title: 'filters removed' },
            { field: 'run' },
          ],
        },
      },
    ],
  });
  return {
    id: studyFigureId.pruning(study.study),
    route: studyRoute(study.study),
    title: 'Removing the dead filters: cost and accuracy after / before',
    caption: `After / before ratios when the dead-by-activation filters and the matching input channels of the next layer are removed. Bars are means, error bars mean ± sd, dots single seeds; below 1 is smaller (parameters, FLOPs), above 1 faster (images/s); test accuracy should stay at 1. ${seedsText(rows)}.`,
    alt: `Bar and dot chart of after-to-before ratios of parameters, FLOPs, measured images per second and test accuracy; mean measured speed-up ${speedups.length ? ratio(mean(speedups)) : 'n/a'}.`,
    rows,
    spec,
    runs: runsOf(rows),
  };
}
