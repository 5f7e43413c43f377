// Data-to-figure transforms (study, emergence, pruning and run figures): rows, axes, sampling, and every figure of a synthetic site
// compiling without Vega-Lite warnings and drawing marks.
import { describe, expect, it } from 'vitest';
import type { RunRow, StudyRow } from '../../../../data/schemas/datasets.js';
import {
  MECHANISM_POINTS,
  mechanismRows,
  SELECTIVITY_READINGS,
  selectivityBeforeFigure,
  selectivityBeforeRows,
  sparsityOverTimeRows,
} from '../../../../site/lib/figures/emergence-figures.js';
import { pruningRows } from '../../../../site/lib/figures/pruning-figures.js';
import { effectRows, studyAxes } from '../../../../site/lib/figures/study-figures.js';
import { parse, read as vegaRead, View } from 'vega';
import { fillTemplate, unpackSpec, type LiveFigure } from '../../../../site/codec/packed-values.js';
import type { Row } from '../../../../site/lib/figures/figure-model.js';
import { FIGURE_GLOBAL, FIGURE_SPEC_GLOBAL, liveFigureScript, packSpec, packValues, sharedSpecScript } from '../../../../site/lib/figures/live-figure.js';
import { comparisonScript, runComparison, type PackedRunComparison } from '../../../../site/lib/model/run-comparison.js';
import { unpackValues } from '../../../../site/codec/packed-values.js';
import { compile, jsonForScript, renderSvg, sharedTemplates, specReadingCsv, templateKey, toCsv } from '../../../../site/lib/render/render.js';
import { buildSite, studyProgress } from '../../../../site/lib/model/site.js';
import { membersOf } from '../../../../analysis/cells.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';
import { hasFull, readFull } from '../../../analysis/committed.js';
import { DISTINCT_COLOURS, nominalColour, type Figure } from '../../../../site/lib/figures/figure-model.js';
import { isOptimizer, OPTIMIZER_COLOURS, optimizerDomain } from '../../../../site/lib/figures/figure-style.js';

const data = syntheticDatasets();
const runsById = new Map(data.runs.rows.map((r) => [r.run, r]));

function run(id: string, patch: Partial<RunRow>): RunRow {
  return { ...data.runs.rows.find((r) => r.status === 'complete')!, run: id, ...patch };
}

describe('study effect rows', () => {
  const study: StudyRow = {
    study: 's',
    title: 't',
    question: 'q',
    hypotheses: [],
    factors: ['optimizer.name', 'data.dataset'],
    members: [
      { run: 'a'.repeat(16), seed: 0, factors: { 'optimizer.name': 'adam', 'data.dataset': 'fashion-mnist' } },
      { run: 'b'.repeat(16), seed: 1, factors: { 'optimizer.name': 'sgd', 'data.dataset': 'fashion-mnist' } },
      { run: 'c'.repeat(16), seed: 0, factors: { 'optimizer.name': 'sgd', 'data.dataset': 'fashion-mnist' } },
    ],
    pending: [],
  };
  const runs = new Map([
    ['a'.repeat(16), run('a'.repeat(16), { sparsityActivation: 0.4, sparsityGamma: 0.35 })],
    ['b'.repeat(16), run('b'.repeat(16), { sparsityActivation: 0.05, sparsityGamma: null })],
    ['c'.repeat(16), run('c'.repeat(16), { status: 'diverged', sparsityActivation: null, sparsityGamma: null })],
  ]);
  const members = membersOf(study, runs);

  it('has one row per complete run and criterion, leaving out failed runs and missing values', () => {
    expect(effectRows(study, members)).toEqual([
      {
        run: 'a'.repeat(16),
        seed: 0,
        level: 'adam',
        group: '',
        optimizer: 'adam',
        href: `../runs/${'a'.repeat(16)}.html`,
        criterion: 'dead by activation',
        sparsity: 0.4,
      },
      {
        run: 'a'.repeat(16),
        seed: 0,
        level: 'adam',
        group: '',
        optimizer: 'adam',
        href: `../runs/${'a'.repeat(16)}.html`,
        criterion: 'dead by |γ|',
        sparsity: 0.35,
      },
      {
        run: 'b'.repeat(16),
        seed: 1,
        level: 'sgd',
        group: '',
        optimizer: 'sgd',
        href: `../runs/${'b'.repeat(16)}.html`,
        criterion: 'dead by activation',
        sparsity: 0.05,
      },
    ]);
  });

  it('puts the first varying factor on x and drops constant factors', () => {
    expect(studyAxes(study, members)).toEqual({ x: 'optimizer.name', group: [], levels: ['adam', 'sgd'] });
  });

  it('puts the factor with the most values on x', () => {
    const s2: StudyRow = {
      ...study,
      factors: ['optimizer.name', 'regularization.strength'],
      members: ['a', 'b', 'c', 'd'].map((c, i) => ({
        run: c.repeat(16),
        seed: 0,
        factors: { 'optimizer.name': i < 3 ? 'adam' : 'sgd', 'regularization.strength': [1e-4, 5e-4, 2e-3, 5e-4][i] },
      })),
    };
    const rs = new Map(s2.members.map((m) => [m.run, run(m.run, {})]));
    expect(studyAxes(s2, membersOf(s2, rs))).toEqual({ x: 'regularization.strength', group: ['optimizer.name'], levels: ['1e−4', '5e−4', '2e−3'] });
  });

  it('orders numeric levels by value', () => {
    const s = data.studies.rows.find((x) => x.study === 'strength')!;
    expect(studyAxes(s, membersOf(s, runsById)).levels).toEqual(['1e−4', '5e−4', '2e−3']);
  });
});

describe('emergence, mechanism and pruning rows', () => {
  const emergence = data.studies.rows.find((s) => s.study === 'emergence')!;
  const members = membersOf(emergence, runsById);

  it('sums layers into network sparsity per checkpoint', () => {
    const rows = sparsityOverTimeRows(emergence, members, data.emergence.rows);
    const first = members[0].run;
    const last = rows.filter((r) => r.run === first.run && r.criterion === 'dead by activation').at(-1)!;
    expect(last.iteration).toBe(first.iterations);
    expect(last.sparsity).toBeCloseTo(first.sparsityActivation!, 10);
  });

  it('samples at most MECHANISM_POINTS live feature-checkpoints, deterministically', () => {
    const { rows, total } = mechanismRows(members, data.mechanism.rows, data.filters.rows);
    expect(total).toBeGreaterThan(MECHANISM_POINTS);
    expect(rows.length).toBeLessThanOrEqual(MECHANISM_POINTS);
    expect(mechanismRows(members, data.mechanism.rows, data.filters.rows).rows).toEqual(rows);
    expect(new Set(rows.map((r) => r.fate))).toEqual(new Set(['dies later', 'survives']));
  });

  it('reads selectivity twice: early (features already dead there left out) and shortly before death', async () => {
    const { rows, alreadyDead } = selectivityBeforeRows(emergence, members, data.filters.rows);
    const complete = new Set(members.filter((m) => m.run.status === 'complete').map((m) => m.run.run));
    const features = data.filters.rows.filter((f) => complete.has(f.run));
    const early = rows.filter((r) => r.reading === SELECTIVITY_READINGS[0]);
    const before = rows.filter((r) => r.reading === SELECTIVITY_READINGS[1]);
    expect(before).toHaveLength(features.length);
    expect(alreadyDead).toBeGreaterThan(0);
    expect(early).toHaveLength(features.length - alreadyDead);
    // Synthetic emergence runs: 2000 iterations, a checkpoint every 100, so 10 % is iteration 200.
    expect(new Set(early.map((r) => r.measuredAt))).toEqual(new Set([200]));
    expect(early.every((r) => r.fate === 'survived' || (r.diedAt as number) > 200)).toBe(true);

    const fig = selectivityBeforeFigure(emergence, members, data.filters.rows)!;
    expect(fig.caption).toContain(
      "Top row, which decides H6: selectivity at the run's early checkpoint, its first at or after 10 % of training (iteration 200)",
    );
    expect(fig.caption).toContain(`${alreadyDead} already dead by then are left out`);
    expect(fig.caption).toMatch(/Bottom row, secondary: selectivity shortly before death.*almost by construction/);
    const { vega, warnings } = compile(fig.spec);
    const svg = await renderSvg(vega, warnings);
    expect(warnings).toEqual([]);
    for (const reading of SELECTIVITY_READINGS) expect(svg).toContain(reading);
  }, 30_000);

  it('gives after / before ratios of pruning', () => {
    const pruning = data.studies.rows.find((s) => s.study === 'pruning')!;
    const rows = pruningRows(membersOf(pruning, runsById), data.pruning.rows);
    const p = data.pruning.rows.find((x) => x.run === rows[0].run)!;
    expect(rows.find((r) => r.metric === 'FLOPs')!.ratio).toBeCloseTo(p.flopsAfter / p.flopsBefore, 12);
    expect(rows.find((r) => r.metric === 'test accuracy')!.ratio).toBe(1);
  });
});

describe('figures with one seed per configuration', () => {
  it('draw no error bars and no warnings', async () => {
    const single = syntheticDatasets({ seeds: 1 });
    const site = buildSite(single, { scale: 'quick', folder: '/tmp/x', missingReason: null });
    for (const f of site.studies.flatMap((s) => s.figures)) {
      const { vega, warnings } = compile(f.spec);
      await renderSvg(vega, warnings);
      expect(warnings, f.id).toEqual([]);
    }
  }, 30_000);
});

describe('figure files', () => {
  it('writes CSV with quoting where needed', () => {
    expect(
      toCsv([
        { a: 1, b: 'x,y' },
        { a: null, c: 'say "hi"' },
      ]),
    ).toBe('a,b,c\n1,"x,y",\n,,"say ""hi"""\n');
  });

  it('makes JSON safe inside a script element', () => {
    const s = jsonForScript({ t: '</script><script>alert(1)</script>' });
    expect(s).not.toContain('</script>');
    expect(JSON.parse(s)).toEqual({ t: '</script><script>alert(1)</script>' });
  });
});

describe('every figure of a synthetic site', () => {
  const site = buildSite(data, { scale: 'quick', folder: '/tmp/x', missingReason: null });

  it('has the figures each study needs', () => {
    const ids = (study: string) => site.studies.find((s) => s.row.study === study)!.figures.map((f) => f.id);
    expect(ids('optimizer')).toEqual(['optimizer-sparsity', 'optimizer-layers', 'optimizer-accuracy']);
    expect(ids('emergence')).toEqual([
      'emergence-sparsity-over-time',
      'emergence-selectivity-over-time',
      'emergence-selectivity-before-death',
      'emergence-mechanism',
    ]);
    expect(ids('pruning')).toEqual(['pruning-pruning']);
    const complete = site.runPages.find((r) => r.run.status === 'complete')!;
    expect(complete.figures.map((f) => f.id)).toEqual(['layers', 'emergence', 'selectivity', 'gamma', 'training-curves']);
    expect(site.headline?.id).toBe('optimizer-sparsity');
  });

  it('gives every figure a caption, alt text and the runs behind it', () => {
    for (const f of site.figures) {
      expect(f.caption.length, f.id).toBeGreaterThan(40);
      expect(f.alt.length, f.id).toBeGreaterThan(30);
      expect(f.runs.length, f.id).toBeGreaterThan(0);
      expect(f.rows.length, f.id).toBeGreaterThan(0);
    }
  });

  it('compiles every study figure and one run of figures without warnings, drawing marks', async () => {
    const runFigures = site.runPages.find((r) => r.run.status === 'complete' && (r.run.sparsityActivation ?? 0) > 0.1)!.figures;
    for (const f of [...site.studies.flatMap((s) => s.figures), ...runFigures]) {
      const { vega, warnings } = compile(f.spec);
      expect(warnings, `${f.route}/${f.id}`).toEqual([]);
      const drawWarnings: string[] = [];
      const svg = await renderSvg(vega, drawWarnings);
      expect(drawWarnings, `${f.route}/${f.id}`).toEqual([]);
      expect(svg, `${f.route}/${f.id}`).toMatch(/class="mark-(symbol|rect|line|rule|area)[^"]*role-mark/);
      // The static picture names every legend entry in full (vega cuts a label past labelLimit with "…").
      expect(
        [...svg.matchAll(/>([^<>]*…)</g)].map((m) => m[1]),
        `${f.route}/${f.id}`,
      ).toEqual([]);
    }
  }, 60_000);

  it("draws from a run's rows (a column per series or criterion) every logged value once, as its series", async () => {
    const page = site.runPages.find((r) => r.run.status === 'complete' && r.figures.length === 5)!;
    const id = page.run.run;
    const drawn = async (figureId: string, mark: 'symbol' | 'line') => {
      const f = page.figures.find((g) => g.id === figureId)!;
      const view = new View(parse(compile(f.spec).vega), { renderer: 'none' });
      await view.runAsync();
      const items: Row[] = [];
      // The marks' items only (role "mark"), not the legends' symbols.
      const walk = (node: { marktype?: string; role?: string; items?: unknown[]; datum?: Row }, parent?: { marktype?: string; role?: string }): void => {
        if (node.datum && parent?.marktype === mark && parent.role === 'mark') items.push(node.datum);
        for (const child of node.items ?? []) walk(child as typeof node, node.marktype ? node : parent);
      };
      walk((view.scenegraph() as unknown as { root: never }).root);
      view.finalize();
      return items;
    };
    // Training curves: a point per logged iteration and series, and one per checkpoint's test accuracy.
    const curves = data.curves.rows.filter((c) => c.run === id);
    const tests = new Map(data.emergence.rows.filter((e) => e.run === id && e.testAccuracy !== null).map((e) => [e.iteration, e.testAccuracy]));
    const points = await drawn('training-curves', 'symbol');
    const key = (r: Row) => `${r.series}@${r.iteration}=${r.value}`;
    const expected = [
      ...curves.flatMap((c) => [
        { series: 'training loss', iteration: c.iteration, value: c.loss },
        { series: 'regularization loss', iteration: c.iteration, value: c.regLoss },
        { series: 'training accuracy (batch)', iteration: c.iteration, value: c.accuracy },
      ]),
      ...[...tests].map(([iteration, value]) => ({ series: 'test accuracy (checkpoint)', iteration, value })),
    ];
    expect(tests.size).toBeGreaterThan(1);
    expect(points.map(key).sort()).toEqual(expected.map(key).sort());
    expect(new Set(points.filter((p) => String(p.series).includes('accuracy')).map((p) => p.panel))).toEqual(new Set(['accuracy']));
    // Emergence: per block and network, the sparsity by each criterion at each checkpoint.
    const lines = await drawn('emergence', 'line');
    const mine = data.emergence.rows.filter((e) => e.run === id);
    for (const e of mine.slice(0, 20)) {
      const at = (criterion: string) =>
        lines.find((l) => l.series === `block ${e.layer + 1}` && l.iteration === e.iteration && l.criterion === criterion)?.sparsity;
      expect(at('dead by activation')).toBeCloseTo(e.deadByActivation / e.filters, 12);
      expect(at('dead by |γ|')).toBeCloseTo(e.deadByGamma / e.filters, 12);
    }
    expect(lines.length).toBe(2 * (mine.length + new Set(mine.map((e) => e.iteration)).size));
  });
});

/** Every colour encoding with a field, in the layers and facets of a spec alike. */
function colourEncodings(spec: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(spec)) for (const s of spec) colourEncodings(s, out);
  else if (spec && typeof spec === 'object') {
    const o = spec as Record<string, unknown>;
    const enc = o.encoding as Record<string, Record<string, unknown>> | undefined;
    if (enc?.color && typeof enc.color.field === 'string') out.push(enc.color);
    for (const [k, v] of Object.entries(o)) if (k !== 'data') colourEncodings(v, out);
  }
  return out;
}

/**
 * Every figure whose colour names optimizers (a field holding optimizer names, alone or in a
 * "adam · l2" label) colours them with the site's one palette: the field holds optimizer names
 * only, and its scale maps them to OPTIMIZER_COLOURS in the site's order.
 */
function optimizerColourProblems(figures: readonly Figure[]): string[] {
  const problems: string[] = [];
  const mentions = (x: unknown) => typeof x === 'string' && x.split(' · ').some((part) => isOptimizer(part));
  for (const f of figures) {
    for (const colour of colourEncodings(f.spec)) {
      const values = [...new Set(f.rows.map((r) => r[colour.field as string]))];
      if (!values.some(mentions)) continue;
      const scale = colour.scale as { domain?: unknown[]; range?: unknown[] } | undefined;
      if (!values.every(isOptimizer))
        problems.push(`${f.route}/${f.id}: colour ${String(colour.field)} mixes optimizers with other factors (${values.slice(0, 3).join(', ')})`);
      else if (!scale?.domain || !scale.range) problems.push(`${f.route}/${f.id}: colour ${String(colour.field)} without the optimizer palette`);
      else {
        expect(scale.domain, `${f.route}/${f.id}`).toEqual(optimizerDomain(values));
        expect(scale.range, `${f.route}/${f.id}`).toEqual(scale.domain.map((o) => OPTIMIZER_COLOURS[o as keyof typeof OPTIMIZER_COLOURS]));
      }
    }
  }
  return problems;
}

describe('colours of categories', () => {
  it("keeps vega's 10 colours up to 10 categories, tableau20 past them, and names every category in the legend", () => {
    expect(nominalColour('g', 'group', 10).scale).toBeUndefined();
    expect(nominalColour('g', 'group', 14).scale).toEqual({ scheme: 'tableau20' });
    expect(nominalColour('g', 'group', 14).legend).toMatchObject({ symbolLimit: 14 });
  });

  it('colours optimizers with the one palette on every figure of a synthetic site', () => {
    const synthetic = buildSite(data, { scale: 'quick', folder: '/tmp/x', missingReason: null });
    expect(optimizerColourProblems(synthetic.figures)).toEqual([]);
  });

  it.skipIf(!hasFull)(
    'colours optimizers with the one palette on every figure of the committed study, and draws each study figure without warnings',
    async () => {
      const site = buildSite(readFull(), { scale: 'full', folder: '/tmp/x', missingReason: null });
      expect(optimizerColourProblems(site.figures)).toEqual([]);
      const figures = [...site.findings.findings.map((f) => f.figure), ...site.studies.flatMap((s) => s.figures)];
      expect(figures.length).toBeGreaterThan(20);
      for (const f of figures) {
        for (const colour of colourEncodings(f.spec).filter((c) => c.type === 'nominal')) {
          const categories = new Set(f.rows.map((r) => r[colour.field as string])).size;
          expect(categories, `${f.id}: ${String(colour.field)}`).toBeLessThanOrEqual(DISTINCT_COLOURS.wide);
        }
        const { vega, warnings } = compile(f.spec);
        const drawWarnings: string[] = [];
        await renderSvg(vega, drawWarnings);
        expect([...warnings, ...drawWarnings], `${f.route}/${f.id}`).toEqual([]);
      }
      // lr-range's 44 configurations: one panel per optimizer and regularization, coloured by learning rate.
      const layers = figures.find((f) => f.id === 'lr-range-layers');
      const facet = layers && 'facet' in layers.spec ? layers.spec.facet : undefined;
      expect(facet && 'field' in facet ? facet.field : undefined).toBe('group');
    },
    180_000,
  );
});

describe('progress of the studies', () => {
  const row = (study: string, members: string[], pending: string[]): StudyRow => ({
    study,
    title: study,
    question: '?',
    hypotheses: [],
    factors: [],
    members: members.map((run) => ({ run, seed: 0, factors: {} })),
    pending,
  });
  const id = (c: string) => c.repeat(16);

  it('counts a configuration shared by studies once, and a failed record as pending', () => {
    const studies = [row('a', [id('1'), id('2'), id('3')], [id('3'), id('9')]), row('b', [id('1')], [id('9'), id('8')])];
    expect(studyProgress(studies)).toEqual({ configurations: 5, recorded: 2, pending: 3 });
  });

  it('is complete when nothing is pending', () => {
    expect(studyProgress([row('a', [id('1')], []), row('b', [id('1'), id('2')], [])])).toEqual({ configurations: 2, recorded: 2, pending: 0 });
    expect(studyProgress([])).toEqual({ configurations: 0, recorded: 0, pending: 0 });
  });
});

describe('the files of a figure', () => {
  const site = buildSite(data, { scale: 'quick', folder: '/tmp/x', missingReason: null });

  it("packs the live figure's data as columns and unpacks it to the same rows", () => {
    for (const f of site.figures.slice(0, 40)) {
      const vega = JSON.parse(JSON.stringify(compile(f.spec).vega)) as object;
      expect(unpackSpec(packSpec(vega)), `${f.route}/${f.id}`).toEqual(vega);
    }
    const mixed = [{ a: 1, b: null }, { b: 2, a: 3 }, { a: 4 }];
    expect(packValues(mixed).rows).toEqual([[1, null], { b: 2, a: 3 }, { a: 4 }]);
    // A repeated string column is held by index into its distinct values; a varied one as it is.
    const series = Array.from({ length: 12 }, (_, i) => ({ series: i % 3 === 0 ? 'test accuracy' : 'training loss', iteration: i, label: `#${i}` }));
    const packed = packValues(series);
    expect(packed.strings).toEqual({ series: ['test accuracy', 'training loss'] });
    expect(packed.rows[1]).toEqual([1, 1, '#1']);
    expect(unpackValues(packed)).toEqual(series);
    const script = liveFigureScript('runs/x/layers', { data: [{ name: 'source_0', values: [{ t: '</script>' }] }] });
    expect(script).not.toContain('</script>');
  }, 60_000);

  /** What the classic scripts register, run against a stand-in for the browser's window. */
  function registered(...scripts: string[]): Record<string, Record<string, unknown>> {
    const window: Record<string, Record<string, unknown>> = {};
    for (const script of scripts) new Function('window', script)(window);
    return window;
  }

  it("shares one spec among the figures of a template; each figure's script with it gives back the figure's spec", () => {
    const shared = sharedTemplates(site.figures);
    const runFigures = site.figures.filter((f) => f.route.startsWith('runs/'));
    // Every run page draws its figures from the same templates.
    expect(runFigures.length).toBeGreaterThan(shared.size * 2);
    expect(runFigures.every((f) => shared.has(templateKey(f)))).toBe(true);
    let byTemplate = 0;
    for (const f of runFigures.slice(0, 30)) {
      const template = shared.get(templateKey(f))!;
      const own = JSON.parse(JSON.stringify(compile(f.spec).vega)) as object;
      const first = compile(template.spec).vega;
      const key = `${f.route}/${f.id}`;
      const window = registered(sharedSpecScript(templateKey(template), first), liveFigureScript(key, own, { key: templateKey(template), spec: first }));
      const entry = window[FIGURE_GLOBAL][key] as LiveFigure;
      if (entry.template === undefined) {
        expect(unpackSpec(entry as object), key).toEqual(own);
        continue;
      }
      byTemplate++;
      expect(entry.template).toBe(templateKey(template));
      expect(JSON.stringify(entry)).not.toContain('"signals"');
      expect(unpackSpec(fillTemplate(window[FIGURE_SPEC_GLOBAL][entry.template] as object, entry.rows)), key).toEqual(own);
    }
    expect(byTemplate).toBeGreaterThan(20);
    // A spec that is not the template's keeps its whole spec in its own script.
    const f = runFigures[0];
    const other = shared.get(templateKey(runFigures.find((g) => templateKey(g) !== templateKey(f))!))!;
    const own = JSON.parse(JSON.stringify(compile(f.spec).vega)) as object;
    const entry = registered(liveFigureScript('k', own, { key: templateKey(other), spec: compile(other.spec).vega }))[FIGURE_GLOBAL].k as LiveFigure;
    expect(entry.template).toBeUndefined();
    expect(unpackSpec(entry as object)).toEqual(own);
  }, 60_000);

  it("packs a run's comparison file and unpacks it to the same series", () => {
    for (const page of site.runPages.slice(0, 5)) {
      const data = runComparison(page);
      const file = registered(comparisonScript(data)).__sparsityRuns[data.run] as PackedRunComparison;
      expect(file.curves.packed).toBe('columns');
      expect({ ...file, curves: unpackValues(file.curves), emergence: unpackValues(file.emergence), layers: unpackValues(file.layers) }).toEqual(
        JSON.parse(JSON.stringify(data)),
      );
      expect(data.curves.length).toBeGreaterThan(0);
    }
  });

  it('gives a Vega-Lite spec that reads back from the CSV the rows the figure plots', () => {
    for (const f of site.figures) {
      const spec = specReadingCsv(f) as { data: { url: string; format: { type: 'csv'; parse: Record<string, 'number' | 'boolean'> } } };
      expect(spec.data.url).toBe(`${f.id}.csv`);
      const read = vegaRead(toCsv(f.rows), spec.data.format) as Row[];
      // CSV has no null (an empty string field reads as "") and no negative zero.
      const expected = f.rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null && !(k in spec.data.format.parse) ? '' : Object.is(v, -0) ? 0 : v])),
      );
      expect(read, `${f.route}/${f.id}`).toEqual(expected);
      expect(compile(spec).warnings, `${f.route}/${f.id}`).toEqual([]);
    }
  }, 60_000);
});
