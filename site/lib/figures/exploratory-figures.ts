// The exploratory page's findings (data/<scale>/exploratory.json, analysis/exploratory): for each,
// a plain sentence with its numbers over seeds, a small Vega-Lite figure and a table. Every number
// is read from the findings file, none is written here. Pure.
import type { ExploratoryFindings } from '../../../analysis/exploratory/findings.js';
import type { FateComparison } from '../../../analysis/exploratory/fate-comparison.js';
import { topLevel, type Row, type VlSpec } from './figure-model.js';
import { number, percent } from '../text/format.js';

export interface ExploratoryFinding {
  id: string;
  title: string;
  /** What the data show, in a sentence or two, with the numbers per seed. */
  sentence: string;
  /** How it was computed (the criterion, the checkpoint, what was left out). */
  how: string;
  figure: { spec: VlSpec; alt: string } | null;
  table: { head: string[]; rows: string[][] } | null;
}

/** Two decimals: 0.3 -> "0.30", -0.38 -> "−0.38". */
const f2 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${x < 0 ? '−' : ''}${Math.abs(x).toFixed(2)}`);
const f1 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(1));
/** A permutation p-value: below 0.001 as such (the test's floor is 1 / permutations). */
const pValue = (x: number | null) => (x === null ? 'n/a' : x < 1e-3 ? '< 0.001' : x.toFixed(3));
/** Values per seed, in seed order: "0.30 / 0.20 / 0.21". */
const perSeed = (xs: ReadonlyArray<number | null>, fmt: (x: number | null) => string = f2) => xs.map(fmt).join(' / ');
const block = (layer: number) => layer + 1;
const bySeed = <T extends { seed: number }>(xs: readonly T[]) => [...xs].sort((a, b) => a.seed - b.seed);
const range = (xs: ReadonlyArray<number | null>, fmt = f2) => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? `${fmt(Math.min(...v))} to ${fmt(Math.max(...v))}` : 'n/a';
};

function aucRows(cs: readonly FateComparison[]): Row[] {
  return cs
    .filter((c) => c.auc !== null)
    .map((c) => ({
      block: `block ${block(c.layer)}`,
      seed: c.seed,
      iteration: c.iteration,
      auc: c.auc,
      p: c.p,
      dying: c.dying,
      surviving: c.surviving,
      powered: c.powered,
    }));
}

function h6Finding(f: ExploratoryFindings): ExploratoryFinding {
  const powered = f.h6.poweredBlocks;
  const early = f.h6.early.filter((c) => c.dying > 0 && c.surviving > 0);
  const main = powered[0];
  const at = (it: number, cs: readonly FateComparison[] = f.h6.early) => bySeed(cs.filter((c) => c.layer === main && c.iteration === it));
  const early3000 = main === undefined ? [] : at(3000);
  const inMain = early.filter((c) => c.layer === main);
  const below = inMain.filter((c) => (c.auc as number) < 0.5).length;
  const rows = aucRows([...early, ...f.h6.nearDeath.filter((c) => c.dying > 0 && c.surviving > 0)]);
  const spec = topLevel(rows, {
    width: 460,
    height: 220,
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#6b7280' }, encoding: { y: { datum: 0.5 } } },
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'iteration', type: 'quantitative', title: 'checkpoint (iteration)' },
          y: { field: 'auc', type: 'quantitative', title: 'AUC, dying > surviving', scale: { domain: [0, 1] } },
          color: { field: 'block', type: 'nominal', title: 'block' },
          detail: { field: 'seed' },
          // Blocks without the power to test are drawn faint.
          opacity: { condition: { test: 'datum.powered', value: 1 }, value: 0.3 },
          tooltip: [
            { field: 'block' },
            { field: 'seed' },
            { field: 'iteration' },
            { field: 'auc', format: '.2f' },
            { field: 'p', format: '.4f' },
            { field: 'dying' },
            { field: 'surviving' },
          ],
        },
      },
    ],
  });
  return {
    id: 'h6-per-block',
    title: 'H6 per block, by ranks: the dying features were less selective',
    sentence:
      main === undefined
        ? 'No block has enough dying and surviving features to test H6.'
        : `Only block ${block(main)} has the power to test H6. There the features that will die have lower lifetime sparseness than the survivors at every early checkpoint (${below} of ${inMain.length} comparisons below 0.5): the AUC that a dying feature is the more selective is ${perSeed(early3000.map((c) => c.auc))} at iteration 3,000 (seeds ${early3000.map((c) => c.seed).join(', ')}), ${range(inMain.map((c) => c.auc))} from 500 to 5,000.`,
    how: `AUC (Mann-Whitney U / n₁n₂) of lifetime sparseness on the probe, features that die after the checkpoint against those alive at the end, per block, seed and checkpoint; two-sided permutation p from ${f.constants.permutations.toLocaleString('en-US')} seeded relabellings. A block has the power when a two-sided test at α = ${f.constants.alpha} finds an AUC of 0.5 ± ${f.constants.minEffect} with power ${f.constants.power} (Noether's formula) in every seed at every early checkpoint: blocks powered: ${powered.map(block).join(', ') || 'none'}.`,
    figure: {
      spec,
      alt: `Line chart of the AUC of lifetime sparseness (dying against surviving features) over checkpoints 500 to ${f.constants.nearDeath}, one line per block and seed, with a dashed line at 0.5.`,
    },
    table: {
      head: ['block', 'checkpoint', 'dying / surviving (per seed)', 'AUC per seed', 'p per seed'],
      rows: [...new Set(early.map((c) => `${c.layer}/${c.iteration}`))].map((k) => {
        const [layer, it] = k.split('/').map(Number);
        const cs = bySeed(early.filter((c) => c.layer === layer && c.iteration === it));
        return [
          String(block(layer)),
          it.toLocaleString('en-US'),
          cs.map((c) => `seed ${c.seed}: ${c.dying}/${c.surviving}`).join(', '),
          perSeed(cs.map((c) => c.auc)),
          perSeed(
            cs.map((c) => c.p),
            pValue,
          ),
        ];
      }),
    },
  };
}

function inversionFinding(f: ExploratoryFindings): ExploratoryFinding {
  const main = f.h6.poweredBlocks[0];
  const near = bySeed(f.h6.nearDeath.filter((c) => c.layer === main));
  const gaps = near.map((c) => (c.dyingMedian !== null && c.survivingMedian !== null ? c.dyingMedian - c.survivingMedian : null));
  const g3000 = bySeed(f.h6.gamma.filter((c) => c.layer === main && c.iteration === 3000));
  const sep = bySeed(f.h6.separation.filter((s) => s.layer === main));
  const rows: Row[] = f.h6.gamma
    .filter((c) => c.layer === main && c.iteration <= 5000)
    .flatMap((c) => [
      { seed: c.seed, iteration: c.iteration, fate: 'will die', median: c.dyingMedian },
      { seed: c.seed, iteration: c.iteration, fate: 'survives', median: c.survivingMedian },
    ]);
  const spec = topLevel(rows, {
    width: 460,
    height: 200,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'checkpoint (iteration)' },
      y: { field: 'median', type: 'quantitative', title: `median |γ|, block ${block(main)}` },
      color: { field: 'fate', type: 'nominal', title: 'fate', scale: { domain: ['will die', 'survives'], range: ['#c2410c', '#1f6fb2'] } },
      detail: { field: 'seed' },
      tooltip: [{ field: 'fate' }, { field: 'seed' }, { field: 'iteration' }, { field: 'median', format: '.3f' }],
    },
  });
  return {
    id: 'near-death',
    title: 'Read near death, the gap flips; by |γ| the fates separate from the start',
    sentence: `At iteration ${f.constants.nearDeath.toLocaleString('en-US')} the same comparison in block ${block(main)} reads the other way: AUC ${perSeed(near.map((c) => c.auc))}, median gap (dying − surviving) ${perSeed(gaps, (x) => (x === null ? 'n/a' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`))}. A feature whose γ fades under a negative β fires on fewer images, so its lifetime sparseness rises mechanically as it dies. By |γ| the fates are apart long before: at 3,000 the features that will die have median |γ| ${perSeed(g3000.map((c) => c.dyingMedian))} against ${perSeed(g3000.map((c) => c.survivingMedian))} (AUC ${perSeed(g3000.map((c) => c.auc))}); the |γ| comparison is significant (p < ${f.constants.separationP}) from iteration ${perSeed(
      sep.map((s) => s.from),
      (x) => (x === null ? 'never' : x.toLocaleString('en-US')),
    )} on.`,
    how: `Near death: the lifetime sparseness comparison at iteration ${f.constants.nearDeath.toLocaleString('en-US')}, features already dead left out. Separation: the first checkpoint from which the |γ| AUC's permutation p stays below ${f.constants.separationP} through 5,000.`,
    figure: {
      spec,
      alt: `Line chart of the median |γ| of the features that will die and of those that survive in block ${block(main)}, checkpoints 0 to 5,000, one line per seed.`,
    },
    table: null,
  };
}

function gradientFinding(f: ExploratoryFindings): ExploratoryFinding {
  const main = f.h6.poweredBlocks[0];
  const k = f.gradient.kernel.filter((c) => c.auc !== null && c.dying >= 3);
  const kMain = (it: number) => bySeed(k.filter((c) => c.layer === main && c.iteration === it));
  const rho = (it: number, inMain: boolean) => f.gradient.selectivity.filter((s) => s.iteration === it && (s.layer === main) === inMain).map((s) => s.rho);
  const rows: Row[] = [
    ...k.map((c) => ({
      block: block(c.layer),
      seed: c.seed,
      checkpoint: String(c.iteration),
      measure: 'kernel-gradient AUC, dying > surviving',
      value: c.auc,
    })),
    ...f.gradient.selectivity
      .filter((s) => s.rho !== null)
      .map((s) => ({
        block: block(s.layer),
        seed: s.seed,
        checkpoint: String(s.iteration),
        measure: 'Spearman, lifetime sparseness ~ kernel gradient',
        value: s.rho,
      })),
  ];
  const spec = topLevel(rows, {
    facet: { column: { field: 'measure', type: 'nominal', title: null } },
    spec: {
      width: 220,
      height: 200,
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 3], color: '#6b7280' }, encoding: { y: { datum: 0 } } },
        {
          mark: { type: 'point', filled: true, size: 50 },
          encoding: {
            x: { field: 'block', type: 'ordinal', title: 'block', axis: { labelAngle: 0 } },
            y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [-1, 1] } },
            color: { field: 'checkpoint', type: 'nominal', title: 'checkpoint', sort: f.constants.gradientCheckpoints.map(String) },
            tooltip: [{ field: 'measure' }, { field: 'block' }, { field: 'seed' }, { field: 'checkpoint' }, { field: 'value', format: '.2f' }],
          },
        },
      ],
    },
  });
  return {
    id: 'gradient',
    title: 'Low-gradient, broad features die, not selective ones',
    sentence: `From iteration 500 on, the features that will die receive less data-loss gradient on their kernel: in block ${block(main)} the AUC that a dying feature gets more is ${perSeed(kMain(500).map((c) => c.auc))} at 500 and ${perSeed(kMain(3000).map((c) => c.auc))} at 3,000; in the other blocks with at least 3 dying features it is ${range(k.filter((c) => c.layer !== main && c.iteration === 500).map((c) => c.auc))} at 500 and ${range(k.filter((c) => c.layer !== main && c.iteration === 3000).map((c) => c.auc))} at 3,000. In block ${block(main)} lifetime sparseness correlates positively with that gradient (Spearman ${perSeed(rho(500, true))} at 500, ${perSeed(rho(3000, true))} at 3,000); in the other blocks the correlation is weak (${range([...rho(500, false), ...rho(3000, false)])}).`,
    how: 'Data-loss gradient norm on each feature’s kernel at the mechanism checkpoints of the long runs; AUC of dying against surviving features as above; Spearman’s ρ over the features alive at the checkpoint with a defined lifetime sparseness.',
    figure: {
      spec,
      alt: 'Two panels of points per block: the AUC that a dying feature receives more kernel gradient than a survivor, and the rank correlation of lifetime sparseness with that gradient, at iterations 500 and 3,000.',
    },
    table: null,
  };
}

function fallFinding(f: ExploratoryFindings): ExploratoryFinding {
  const falls = bySeed(f.gradient.adamFalls);
  const sgd = f.gradient.sgd.filter((s) => s.smallestGamma !== null);
  const rows: Row[] = falls.flatMap((s) => [
    { seed: s.seed, fit: 'line', r2: s.medianR2Linear },
    { seed: s.seed, fit: 'exponential', r2: s.medianR2Exponential },
  ]);
  const spec = topLevel(rows, {
    width: 300,
    height: 160,
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'seed', type: 'ordinal', title: 'seed', axis: { labelAngle: 0 } },
      xOffset: { field: 'fit' },
      y: { field: 'r2', type: 'quantitative', title: 'median R² of the fall', scale: { domain: [0, 1] } },
      color: { field: 'fit', type: 'nominal', title: 'fit' },
      tooltip: [{ field: 'seed' }, { field: 'fit' }, { field: 'r2', format: '.3f' }],
    },
  });
  return {
    id: 'gamma-fall',
    title: 'Under Adam a dying γ falls in a straight line',
    sentence: `A dying feature’s |γ| falls about ${perSeed(
      falls.map((s) => s.medianLrPerStep),
      (x) => (x === null ? 'n/a' : x.toFixed(3)),
    )} × lr per step (median per seed; ${[...new Set(falls.flatMap((s) => s.byLayer.filter((b) => b.falls >= 5).map((b) => b.layer)))]
      .map(
        (l) =>
          `block ${block(l)} ${perSeed(
            falls.map((s) => s.byLayer.find((b) => b.layer === l)?.medianLrPerStep ?? null),
            (x) => (x === null ? '–' : x.toFixed(3)),
          )}`,
      )
      .join(
        ', ',
      )}), and a line fits the fall better than an exponential in ${falls.map((s) => `${s.linearBetter} of ${s.falls}`).join(', ')} filters: Adam moves a parameter by a roughly fixed step, so γ reaches zero in finite time. SGD’s pure decay is exponential (γ ← γ(1 − lr λ) per step) and cannot reach zero: the smallest final |γ| of any SGD-family run with L2 is ${number(Math.min(...sgd.map((s) => s.smallestGamma as number)), 2)}.`,
    how: `Each filter dead by γ at the end of a long run: its |γ| from the last checkpoint at its running maximum down to the first at or below ${f.constants.fallFloor}, fitted by a line and by a line through ln |γ|.`,
    figure: { spec, alt: 'Bars of the median R² of a linear and of an exponential fit to the fall of dying gammas, per seed.' },
    table: null,
  };
}

function onsetFinding(f: ExploratoryFindings): ExploratoryFinding {
  const cells = f.emergence.cells.filter((c) => c.onset !== null);
  const label = (c: (typeof cells)[number]) => `${c.study}${Object.keys(c.factors).length ? ` · ${Object.values(c.factors).join(' · ')}` : ''}`;
  const main = cells.find((c) => c.study === 'emergence-long');
  const batch = f.emergence.cells.filter((c) => c.study === 'batch-size');
  const rows: Row[] = cells.map((c) => ({
    cell: label(c),
    study: c.study,
    onsetEpochs: c.onsetEpochs?.mean ?? null,
    rate: c.rate?.mean ?? null,
    seeds: c.seeds.length,
  }));
  const spec = topLevel(rows, {
    width: 420,
    height: 240,
    mark: { type: 'point', filled: true, size: 60 },
    encoding: {
      x: { field: 'onsetEpochs', type: 'quantitative', title: 'onset (epochs)' },
      y: { field: 'rate', type: 'quantitative', title: 'rate (points per e-fold of iterations)' },
      color: { field: 'study', type: 'nominal', title: 'study', scale: { scheme: 'tableau20' } },
      tooltip: [{ field: 'cell' }, { field: 'onsetEpochs', format: '.2f' }, { field: 'rate', format: '.1f' }, { field: 'seeds' }],
    },
  });
  return {
    id: 'onset-rate',
    title: 'Onset and rate, for every cell of every study',
    sentence: `In the main configuration sparsity starts at iteration ${
      main
        ? perSeed(
            main.seeds.map((s) => s.onset),
            (x) => (x === null ? 'never' : x.toLocaleString('en-US')),
          )
        : 'n/a'
    } (about ${number(main?.onsetEpochs?.mean, 2)} epochs) and then grows by ${
      main
        ? perSeed(
            main.seeds.map((s) => s.rate),
            f1,
          )
        : 'n/a'
    } points per e-fold of iterations. Most factors move the onset: batch 16 starts at ${perSeed(batch.find((c) => c.factors['training.batchSize'] === 16)?.seeds.map((s) => s.onset) ?? [], (x) => (x === null ? 'never' : x.toLocaleString('en-US')))}, batch 64 at ${perSeed(batch.find((c) => c.factors['training.batchSize'] === 64)?.seeds.map((s) => s.onset) ?? [], (x) => (x === null ? 'never' : x.toLocaleString('en-US')))}.`,
    how: `Onset: the first checkpoint whose network sparsity by activation (probe) is above ${percent(f.constants.onsetLevel, 0)}. Rate: slope of sparsity (points) against ln(iteration) from the onset to the end. ${f.emergence.cells.filter((c) => c.onset === null).length} cells never reach the onset level.`,
    figure: { spec, alt: 'Scatter of onset (epochs) against rate (points per e-fold) for every cell of every study that has an onset.' },
    table: {
      head: ['cell', 'onset per seed (iteration)', 'onset (epochs, mean)', 'rate per seed (pts / e-fold)', 'R² per seed'],
      rows: cells.map((c) => [
        label(c),
        c.seeds.map((s) => (s.onset === null ? '–' : s.onset.toLocaleString('en-US'))).join(', '),
        number(c.onsetEpochs?.mean, 2),
        perSeed(
          c.seeds.map((s) => s.rate),
          f1,
        ),
        perSeed(c.seeds.map((s) => s.r2)),
      ]),
    },
  };
}

function lawFinding(f: ExploratoryFindings): ExploratoryFinding {
  const laws = f.emergence.laws;
  const seedOf = new Map(f.h6.early.map((c) => [c.run, c.seed]));
  const rows: Row[] = laws.flatMap((l) =>
    l.residuals.map((r) => ({ seed: seedOf.get(l.run) ?? null, iteration: r.iteration, sparsity: r.sparsity, fitted: r.fitted, residual: r.residual })),
  );
  const main = f.h6.poweredBlocks[0];
  const plateaus = f.emergence.plateaus.filter((p) => p.layer === main);
  const rec = f.emergence.recoveries;
  const spec = topLevel(rows, {
    width: 460,
    height: 220,
    layer: [
      {
        mark: { type: 'point', filled: true, size: 18, opacity: 0.7 },
        encoding: {
          x: { field: 'iteration', type: 'quantitative', scale: { type: 'log' }, title: 'iteration (log scale)' },
          y: { field: 'sparsity', type: 'quantitative', title: 'network sparsity (%)' },
          color: { field: 'seed', type: 'nominal' },
          tooltip: [
            { field: 'seed' },
            { field: 'iteration' },
            { field: 'sparsity', format: '.1f' },
            { field: 'fitted', format: '.1f' },
            { field: 'residual', format: '.2f' },
          ],
        },
      },
      {
        mark: { type: 'line', strokeWidth: 1 },
        encoding: {
          x: { field: 'iteration', type: 'quantitative', scale: { type: 'log' } },
          y: { field: 'fitted', type: 'quantitative' },
          color: { field: 'seed', type: 'nominal', title: 'seed' },
        },
      },
    ],
  });
  return {
    id: 'emergence-law',
    title: 'The emergence law: log-linear growth, plateaus, no recovery',
    sentence: `In the 30,000-iteration runs network sparsity grows linearly in ln(iteration) after its onset: ${perSeed(
      laws.map((l) => l.slope),
      f1,
    )} points per e-fold, R² ${perSeed(
      laws.map((l) => l.r2),
      (x) => (x === null ? 'n/a' : x.toFixed(3)),
    )}, largest residual ${perSeed(
      laws.map((l) => Math.max(...l.residuals.map((r) => Math.abs(r.residual)))),
      f1,
    )} points. Block ${block(main)} settles from iteration ${perSeed(
      plateaus.map((p) => p.from),
      (x) => (x === null ? 'never' : x.toLocaleString('en-US')),
    )} (${plateaus.map((p) => `${p.finalDead} of ${p.filters}`).join(', ')} dead). A filter dead by |γ| comes back ${rec.map((r) => r.returnedByGamma).join(', ')} times per run (of ${rec.map((r) => r.everDeadByGamma).join(', ')}); by activation on the probe ${rec.map((r) => r.returnedByActivation).join(', ')} flicker back.`,
    how: `Fit: least squares of sparsity (points, activation criterion, probe) on ln(iteration) from the onset. Plateau: the first checkpoint after which a block’s dead count stays within ${percent(f.constants.plateauTolerance, 0)} of its filters (at least one) of its final count. Recovery: dead at a checkpoint, alive at a later one.`,
    figure: { spec, alt: 'Network sparsity of the three long runs against iteration on a log scale, with the fitted lines.' },
    table: {
      head: ['block', 'dead at the end per seed', 'plateau from per seed'],
      rows: [...new Set(f.emergence.plateaus.map((p) => p.layer))].map((layer) => {
        const ps = f.emergence.plateaus.filter((p) => p.layer === layer);
        return [
          String(block(layer)),
          ps.map((p) => `${p.finalDead}/${p.filters}`).join(', '),
          ps.map((p) => (p.from === null ? '–' : p.from.toLocaleString('en-US'))).join(', '),
        ];
      }),
    },
  };
}

function batchFinding(f: ExploratoryFindings): ExploratoryFinding | null {
  const b = f.batch;
  if (!b) return null;
  const rows: Row[] = b.curves.map((p) => ({ batch: String(p.batchSize), seed: p.seed, samples: p.samples, sparsity: p.sparsity }));
  const spec = topLevel(rows, {
    width: 460,
    height: 220,
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#6b7280' }, encoding: { x: { datum: b.samples } } },
      {
        mark: { type: 'line' },
        encoding: {
          x: { field: 'samples', type: 'quantitative', title: 'training samples seen' },
          y: { field: 'sparsity', type: 'quantitative', title: 'network sparsity (probe)', axis: { format: '.0%' } },
          color: { field: 'batch', type: 'nominal', title: 'batch size', sort: ['16', '32', '64'] },
          detail: { field: 'seed' },
          tooltip: [{ field: 'batch' }, { field: 'seed' }, { field: 'samples' }, { field: 'sparsity', format: '.1%' }],
        },
      },
    ],
  });
  const fmt = (x: number | null) => percent(x);
  return {
    id: 'batch',
    title: 'H4 depends on the axis: iterations or samples',
    sentence: `At equal iterations (${b.iterations.toLocaleString('en-US')}) larger batches are sparser: ${b.cells.map((c) => `batch ${c.batchSize} ${fmt(c.final?.mean ?? null)}`).join(', ')} on the full training set (means over seeds; ${b.cells.map((c) => fmt(c.atEqualIterations?.mean ?? null)).join(', ')} on the probe). At equal samples (${b.samples.toLocaleString('en-US')} images, on the probe) the order reverses: ${b.cells.map((c) => `batch ${c.batchSize} ${fmt(c.atEqualSamples?.mean ?? null)}`).join(', ')}.`,
    how: 'Network sparsity by activation on the probe at the checkpoint where each batch size has trained the given number of iterations, or seen the given number of images (iteration × batch size; the largest count every cell reaches).',
    figure: {
      spec,
      alt: 'Network sparsity against the number of training samples seen, one line per batch size and seed, with a dashed line at the equal-samples point.',
    },
    table: {
      head: [
        'batch size',
        'at equal iterations, full training set, per seed',
        'at equal iterations, probe, per seed',
        'at equal samples, per seed',
        'equal-samples checkpoint',
      ],
      rows: b.cells.map((c) => [
        String(c.batchSize),
        c.seeds.map((s) => fmt(s.final)).join(', '),
        c.seeds.map((s) => fmt(s.atEqualIterations)).join(', '),
        c.seeds.map((s) => fmt(s.atEqualSamples)).join(', '),
        String(c.seeds[0]?.equalSamplesIteration?.toLocaleString('en-US') ?? '–'),
      ]),
    },
  };
}

function criteriaFinding(f: ExploratoryFindings): ExploratoryFinding {
  const t = f.criteria.totals;
  const dead = f.criteria.cells.filter((c) => c.study === 'optimizer' && (c.sparsityActivation?.max ?? 0) > 0);
  const label = (c: (typeof dead)[number]) => Object.values(c.factors).join(' · ');
  const rows: Row[] = dead.flatMap((c) =>
    c.seeds.flatMap((s) => [
      { cell: label(c), seed: s.seed, criterion: 'dead by activation', sparsity: s.deadByActivation / s.filters },
      { cell: label(c), seed: s.seed, criterion: 'dead by |γ|', sparsity: s.deadByGamma / s.filters },
    ]),
  );
  const spec = topLevel(rows, {
    width: 300,
    height: 160,
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'seed', type: 'ordinal', title: 'seed', axis: { labelAngle: 0 } },
      xOffset: { field: 'criterion' },
      y: { field: 'sparsity', type: 'quantitative', title: 'network sparsity', axis: { format: '.0%' } },
      color: {
        field: 'criterion',
        type: 'nominal',
        title: 'criterion',
        scale: { domain: ['dead by activation', 'dead by |γ|'], range: ['#1f6fb2', '#d9822b'] },
      },
      tooltip: [{ field: 'cell' }, { field: 'seed' }, { field: 'criterion' }, { field: 'sparsity', format: '.1%' }],
    },
  });
  return {
    id: 'criteria',
    title: 'H1 hinges on a different phenomenon: negative-β ReLU death',
    sentence: `No run without regularization has a filter with |γ| below the threshold (${t.withGammaDead} of ${t.runs}). ${dead.map((c) => `${label(c)}: ${c.seeds.map((s) => percent(s.deadByActivation / s.filters)).join(' / ')} dead by activation, ${c.seeds.map((s) => percent(s.deadByGamma / s.filters)).join(' / ')} by |γ|, with median |γ| ${perSeed(c.seeds.map((s) => s.negativeBetaGamma))} and β ${perSeed(c.seeds.map((s) => s.negativeBetaBeta))}`).join('; ')}. Of the ${t.mechanisms['gamma-collapse'] + t.mechanisms['negative-beta'] + t.mechanisms.other} dead filters of these runs, ${t.mechanisms['negative-beta']} died by a negative β, ${t.mechanisms['gamma-collapse']} by γ collapse and ${t.mechanisms.other} otherwise.`,
    how: 'Each dead filter labelled by experiments/definitions.ts deathMechanism: γ collapse when |γ| is below the γ threshold; negative-β death when dead by activation with a live γ and β < 0; other otherwise. Final measurement on the full training set.',
    figure: dead.length ? { spec, alt: 'Bars of network sparsity by both criteria per seed for the unregularized cells that have dead filters.' } : null,
    table: null,
  };
}

function budgetFinding(f: ExploratoryFindings): ExploratoryFinding {
  const cells = f.budgets.cells.filter((c) => c.regularization !== 'none');
  const defined = cells.filter((c) => c.eFolds !== null);
  const max = (pred: (c: (typeof cells)[number]) => boolean) => Math.max(...defined.filter(pred).map((c) => c.eFolds as number));
  const fam = f.budgets.families.filter((x) => x.regularization === 'l2');
  const never = fam.filter((x) => x.withDeadByActivation === 0 && x.optimizer !== 'sgd' && x.optimizer !== 'momentum');
  const adamw = cells.filter((c) => c.study === 'decoupled-strength').sort((a, b) => b.strength - a.strength)[0];
  const rows: Row[] = defined.map((c) => ({
    cell: `${c.study} · ${c.optimizer} lr ${c.lr} · ${c.regularization} ${c.strength}`,
    optimizer: c.optimizer,
    eFolds: c.eFolds,
    sparsityGamma: c.sparsityGamma?.mean ?? null,
    sparsityActivation: c.sparsityActivation?.mean ?? null,
  }));
  const spec = topLevel(rows, {
    width: 420,
    height: 200,
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#b91c1c' }, encoding: { x: { datum: f.constants.eFoldsToCollapse } } },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'eFolds', type: 'quantitative', title: 'decay budget (e-folds)', scale: { domain: [0, Math.ceil(f.constants.eFoldsToCollapse) + 1] } },
          y: { field: 'sparsityGamma', type: 'quantitative', title: 'sparsity by |γ| (mean)', axis: { format: '.1%' } },
          color: { field: 'optimizer', type: 'nominal', title: 'optimizer' },
          tooltip: [
            { field: 'cell' },
            { field: 'eFolds', format: '.3f' },
            { field: 'sparsityGamma', format: '.1%' },
            { field: 'sparsityActivation', format: '.1%' },
          ],
        },
      },
    ],
  });
  return {
    id: 'decay-budget',
    title: 'H2 and H3: the SGD and AdamW cells cannot collapse a γ by design',
    sentence: `Taking γ from 1 to 10⁻³ needs ${number(f.constants.eFoldsToCollapse, 2)} e-folds of decay. The SGD family’s cells have at most ${number(
      max((c) => c.study !== 'strength' && (c.optimizer === 'sgd' || c.optimizer === 'momentum')),
      2,
    )} e-folds, the momentum strength sweep at most ${number(
      max((c) => c.study === 'strength'),
      2,
    )}, the AdamW sweep at most ${number(
      max((c) => c.study === 'decoupled-strength'),
      2,
    )}: their zeros are arithmetic, not findings. With L2 the adaptive family splits: ${never.map((x) => x.optimizer).join(' and ')} never sparsify (${never.reduce((a, x) => a + x.withDeadByActivation, 0)} of ${never.reduce((a, x) => a + x.runs, 0)} runs), ${fam
      .filter((x) => x.withDeadByActivation > 0)
      .map((x) => `${x.optimizer} ${x.withDeadByActivation} of ${x.runs}`)
      .join(
        ', ',
      )}. ${adamw ? `AdamW at the strongest decay flips with the criterion: ${percent(adamw.sparsityActivation?.mean)} by activation, ${percent(adamw.sparsityGamma?.mean)} by |γ|.` : ''}`,
    how: 'experiments/definitions.ts decayBudget: SGD with L2 lr × λ × T, with momentum μ divided by 1 − μ, decoupled decay lr × λ × T (PyTorch’s AdamW convention). For an adaptive optimizer with L2 the formula does not apply (the pull is divided by the running gradient statistics): those cells have no budget.',
    figure: { spec, alt: 'Scatter of each cell’s decay budget against its sparsity by |γ|, with a dashed line at the e-folds a collapse needs.' },
    table: {
      head: ['study', 'optimizer', 'lr', 'regularization', 'budget (e-folds)', 'by activation', 'by |γ|'],
      rows: cells.map((c) => [
        c.study,
        c.optimizer,
        String(c.lr),
        `${c.regularization} ${c.strength}`,
        c.eFolds === null ? 'not defined' : number(c.eFolds, 3),
        percent(c.sparsityActivation?.mean),
        percent(c.sparsityGamma?.mean),
      ]),
    },
  };
}

function widthFinding(f: ExploratoryFindings): ExploratoryFinding {
  const rows: Row[] = f.width.flatMap((w) => w.seeds.map((s) => ({ width: String(w.width), seed: s.seed, sparsity: s.sparsityActivation })));
  const spec = topLevel(rows, {
    width: 200,
    height: 160,
    layer: [
      {
        mark: { type: 'bar', opacity: 0.5 },
        encoding: {
          x: { field: 'width', type: 'ordinal', title: 'width (first block)', axis: { labelAngle: 0 } },
          y: { aggregate: 'mean', field: 'sparsity', type: 'quantitative', title: 'sparsity by activation', axis: { format: '.0%' } },
        },
      },
      {
        mark: { type: 'point', filled: true, color: '#111827' },
        encoding: {
          x: { field: 'width', type: 'ordinal' },
          y: { field: 'sparsity', type: 'quantitative' },
          tooltip: [{ field: 'width' }, { field: 'seed' }, { field: 'sparsity', format: '.2%' }],
        },
      },
    ],
  });
  return {
    id: 'width',
    title: 'Everything rests on one width',
    sentence:
      f.width
        .map(
          (w, i) =>
            `${i === 0 ? 'Width' : 'width'} ${w.width}: ${percent(w.sparsityActivation?.mean)} dead by activation (seeds ${w.seeds.map((s) => percent(s.sparsityActivation)).join(' / ')}), ${percent(w.sparsityGamma?.mean)} by |γ|`,
        )
        .join('; ') + '. The paper’s width (64) is untested here.',
    how: 'The width study: the main configuration at widths 8 and 16, final network sparsity on the full training set.',
    figure: { spec, alt: 'Bars of mean sparsity by activation at widths 8 and 16 with one point per seed.' },
    table: null,
  };
}

/** Every finding of the page, in reading order. */
export function exploratoryFindingsShown(f: ExploratoryFindings): ExploratoryFinding[] {
  return [
    h6Finding(f),
    inversionFinding(f),
    gradientFinding(f),
    fallFinding(f),
    criteriaFinding(f),
    budgetFinding(f),
    onsetFinding(f),
    lawFinding(f),
    batchFinding(f),
    widthFinding(f),
  ].filter((x): x is ExploratoryFinding => x !== null);
}
