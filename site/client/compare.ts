// Browser: the compare page. Reads the runs named in the address (#runs=a,b), loads each run's
// data file (compare/<run>.js, a classic script: fetch() of files fails on file:// pages), and
// draws the configuration diff, outcome, overlaid curves, per-layer sparsity, emergence and pruning.
import { parse, View, Warn, type Spec } from 'vega';
import { Handler } from 'vega-tooltip';
import { colourScheme, RUN_COLOUR_SIGNAL } from '../lib/figures/figure-model.js';
import type { PackedRunComparison, RunComparison } from '../lib/model/run-comparison.js';
import { darkSpec } from '../lib/figures/figure-theme.js';
import { runNames } from '../lib/figures/run-names.js';
import { isDark } from './figures.js';
import { readHashState, runList, writeHashState } from './hash-state.js';
import { unpackValues } from '../codec/packed-values.js';

type Registry = Record<string, PackedRunComparison>;
const GLOBAL = '__sparsityRuns';
const registry = (): Registry => ((window as unknown as Record<string, Registry>)[GLOBAL] ??= {});

/** The runs' names (run-names.ts: the configuration fields on which the compared runs differ), by id, for legends and column heads. */
let names = new Map<string, string>();
const nameOf = (run: string): string => names.get(run) ?? run.slice(0, 8);

/** The run as its file registered it, its series unpacked. */
function unpacked(data: PackedRunComparison): RunComparison {
  return {
    ...data,
    curves: unpackValues(data.curves) as RunComparison['curves'],
    emergence: unpackValues(data.emergence) as RunComparison['emergence'],
    layers: unpackValues(data.layers) as RunComparison['layers'],
  };
}

function loadRun(base: string, run: string): Promise<RunComparison> {
  const known = registry()[run];
  if (known) return Promise.resolve(unpacked(known));
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${base}${run}.js`;
    script.onload = () => {
      const data = registry()[run];
      if (data) resolve(unpacked(data));
      else reject(new Error(`${script.src} loaded but did not register run ${run}`));
    };
    script.onerror = () => reject(new Error(`the data file of run ${run} (${script.src}) did not load`));
    document.head.append(script);
  });
}

const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(digits)} %`);

function cell(tag: 'td' | 'th', text: string, attrs: Record<string, string> = {}): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function runHeader(runs: readonly RunComparison[], runBase: string, first = ''): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.append(cell('th', first, { scope: 'col' }));
  for (const r of runs) {
    const th = cell('th', '', { scope: 'col', 'data-run': r.run });
    const a = document.createElement('a');
    a.href = `${runBase}${r.run}.html`;
    a.textContent = nameOf(r.run);
    a.title = `run ${r.run}`;
    const code = document.createElement('code');
    code.className = 'run-id';
    code.textContent = r.run.slice(0, 8);
    th.append(a, ' ', code);
    tr.append(th);
  }
  return tr;
}

function fillTable(table: HTMLTableElement, head: HTMLTableRowElement, rows: Array<{ label: string; values: string[]; attrs?: Record<string, string> }>): void {
  table.tHead!.replaceChildren(head);
  table.tBodies[0].replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      for (const [k, v] of Object.entries(row.attrs ?? {})) tr.setAttribute(k, v);
      tr.append(cell('th', row.label, { scope: 'row' }), ...row.values.map((v) => cell('td', v)));
      return tr;
    }),
  );
}

/** Every configuration field of the runs, and whether the runs disagree on it. */
function configDiff(runs: readonly RunComparison[]): Array<{ field: string; values: string[]; differs: boolean }> {
  const fields: string[] = [];
  const maps = runs.map((r) => new Map(r.config));
  for (const r of runs) for (const [f] of r.config) if (!fields.includes(f)) fields.push(f);
  return fields.map((field) => {
    const values = maps.map((m) => m.get(field) ?? '(absent)');
    return { field, values, differs: new Set(values).size > 1 };
  });
}

function drawConfig(root: HTMLElement, runs: readonly RunComparison[], runBase: string): void {
  const table = root.querySelector<HTMLTableElement>('[data-compare-config]')!;
  const all = root.querySelector<HTMLInputElement>('[data-compare-all-fields]')!;
  const diff = configDiff(runs);
  const differing = diff.filter((d) => d.differs).length;
  fillTable(
    table,
    runHeader(runs, runBase, 'field'),
    diff.map((d) => ({ label: d.field, values: d.values, attrs: { 'data-field': d.field, 'data-differs': String(d.differs) } })),
  );
  const apply = () => {
    for (const tr of Array.from(table.tBodies[0].rows)) tr.hidden = !all.checked && tr.dataset.differs !== 'true';
  };
  all.onchange = apply;
  apply();
  root.querySelector('[data-compare-diff-count]')!.textContent = `${differing} of ${diff.length} fields differ`;
}

function drawOutcome(root: HTMLElement, runs: readonly RunComparison[], runBase: string): void {
  fillTable(root.querySelector<HTMLTableElement>('[data-compare-outcome]')!, runHeader(runs, runBase), [
    { label: 'status', values: runs.map((r) => r.status) },
    { label: 'sparsity, dead by activation', values: runs.map((r) => pct(r.outcome.sparsityActivation)) },
    { label: 'sparsity, dead by |γ|', values: runs.map((r) => pct(r.outcome.sparsityGamma)) },
    { label: 'test accuracy', values: runs.map((r) => pct(r.outcome.testAccuracy, 2)) },
    { label: 'training loss', values: runs.map((r) => (r.outcome.trainLoss === null ? 'n/a' : r.outcome.trainLoss.toFixed(4))) },
    { label: 'filters', values: runs.map((r) => String(r.outcome.filters)) },
  ]);
}

function drawPruning(root: HTMLElement, runs: readonly RunComparison[], runBase: string): void {
  const p = (f: (x: NonNullable<RunComparison['pruning']>) => string) => runs.map((r) => (r.pruning ? f(r.pruning) : 'n/a'));
  const int = (x: number) => Math.round(x).toLocaleString('en-US');
  fillTable(root.querySelector<HTMLTableElement>('[data-compare-pruning]')!, runHeader(runs, runBase), [
    { label: 'dead filters removed', values: p((x) => `${int(x.removedFilters)} of ${int(x.filtersBefore)}`) },
    { label: 'parameters', values: p((x) => `${int(x.paramsBefore)} → ${int(x.paramsAfter)}`) },
    { label: 'FLOPs per image', values: p((x) => `${int(x.flopsBefore)} → ${int(x.flopsAfter)}`) },
    { label: 'inference speed-up (measured)', values: p((x) => `${x.speedup.toFixed(2)}×`) },
    { label: 'test accuracy', values: p((x) => `${pct(x.testAccuracyBefore, 2)} → ${pct(x.testAccuracyAfter, 2)}`) },
  ]);
}

const views: View[] = [];

async function drawChart(figure: HTMLElement, rows: object[], tooltip: Handler): Promise<void> {
  // The phone variant (figure-narrow.ts: panels in one column) below its breakpoint.
  const narrow = figure.querySelector<HTMLElement>('script.compare-spec-narrow');
  const source = narrow?.dataset.media && matchMedia(narrow.dataset.media).matches ? narrow : figure.querySelector('script.compare-spec');
  const spec = JSON.parse(source?.textContent ?? '{}') as Spec;
  const canvas = figure.querySelector<HTMLElement>('[data-compare-canvas]')!;
  const host = document.createElement('div');
  host.className = 'fig-live';
  canvas.replaceChildren(host);
  figure.hidden = rows.length === 0;
  if (rows.length === 0) return;
  const view = new View(parse(isDark() ? darkSpec(spec) : spec), { renderer: 'svg', container: host, hover: true, logLevel: Warn, tooltip: tooltip.call });
  views.push(view);
  view.data('rows', rows);
  view.signal(RUN_COLOUR_SIGNAL, colourScheme(new Set(rows.map((r) => (r as { run: string }).run)).size));
  await view.runAsync();
  host.querySelector('svg')?.setAttribute('role', 'img');
  host
    .querySelector('svg')
    ?.setAttribute(
      'aria-label',
      `${figure.querySelector('.fig-title')?.textContent ?? 'chart'} of runs ${[...new Set(rows.map((r) => (r as { run: string }).run))].join(', ')}`,
    );
}

function chartRows(runs: readonly RunComparison[], name: string): object[] {
  const of = (r: RunComparison) => (name === 'curves' ? r.curves : name === 'layers' ? r.layers : r.emergence);
  return runs.flatMap((r, order) => of(r).map((row) => ({ ...row, run: nameOf(r.run), id: r.run, order })));
}

export function initCompare(): void {
  const root = document.querySelector<HTMLElement>('[data-compare]');
  if (!root) return;
  const base = root.dataset.dataBase ?? 'compare/';
  const runBase = root.dataset.runBase ?? 'runs/';
  const message = root.querySelector<HTMLElement>('[data-compare-message]')!;
  const body = root.querySelector<HTMLElement>('[data-compare-body]')!;
  const picker = root.querySelector<HTMLDetailsElement>('[data-compare-picker]')!;
  const picks = Array.from(root.querySelectorAll<HTMLInputElement>('[data-compare-pick]'));
  const known = new Set(picks.map((p) => p.value));
  const count = root.querySelector<HTMLElement>('[data-compare-count]')!;
  const tooltip = new Handler({ theme: 'light' });
  let drawing = 0;

  const say = (text: string) => {
    message.textContent = text;
    message.hidden = text === '';
  };

  const draw = async () => {
    const ticket = ++drawing;
    const chosen = runList(readHashState().get('runs'));
    const unknown = chosen.filter((r) => !known.has(r));
    const runs = chosen.filter((r) => known.has(r));
    for (const p of picks) p.checked = runs.includes(p.value);
    count.textContent = String(runs.length);
    root.dataset.runs = runs.join(',');
    const notes = unknown.length ? [`No run ${unknown.join(', ')} in this site (a mistyped or older link?); left out.`] : [];
    if (runs.length < 2) {
      body.hidden = true;
      picker.open = true;
      say([...notes, runs.length === 1 ? 'One run chosen: choose at least one more.' : 'Choose two or more runs to compare.'].join(' '));
      root.dataset.state = 'choosing';
      return;
    }
    root.dataset.state = 'loading';
    say([...notes, `Loading ${runs.length} runs…`].join(' '));
    let data: RunComparison[];
    try {
      data = await Promise.all(runs.map((r) => loadRun(base, r)));
    } catch (error) {
      say((error as Error).message);
      root.dataset.state = 'failed';
      return;
    }
    if (ticket !== drawing) return;
    names = runNames(data);
    while (views.length) views.pop()!.finalize();
    body.hidden = false;
    drawConfig(root, data, runBase);
    drawOutcome(root, data, runBase);
    drawPruning(root, data, runBase);
    for (const figure of Array.from(root.querySelectorAll<HTMLElement>('[data-compare-chart]'))) {
      await drawChart(figure, chartRows(data, figure.dataset.compareChart ?? ''), tooltip);
      if (ticket !== drawing) return;
    }
    say(notes.join(' '));
    root.dataset.state = 'ready';
  };

  const choose = (runs: string[]) => {
    writeHashState({ runs: runs.join(',') });
    void draw();
  };
  for (const p of picks) p.addEventListener('change', () => choose(picks.filter((x) => x.checked).map((x) => x.value)));
  root.querySelector('[data-compare-clear]')?.addEventListener('click', () => choose([]));
  window.addEventListener('hashchange', () => void draw());
  void draw().catch((error: unknown) => {
    console.error('the comparison could not be drawn:', error);
    say(`The comparison could not be drawn: ${(error as Error).message}`);
  });
}
