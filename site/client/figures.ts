// Browser: makes each figure live (tooltips, legend selection) when the reader comes near it or
// reaches for it: loads the figure's script (<figure>.js beside the page's figures, a classic
// script: fetch() of files fails on file:// pages), draws it with vega in place of the static
// picture, and offers SVG and JSON made from the live view. The picture stays when scripts are
// off or drawing fails.
import { parse, View, Warn, type Spec } from 'vega';
import { Handler } from 'vega-tooltip';
import { darkSpec } from '../lib/figures/figure-theme.js';
import { fillTemplate, unpackSpec, type LiveFigure, type PackedValues } from '../codec/packed-values.js';

/** Whether the page shows the dark theme (the reader's choice, else the system's). */
export function isDark(): boolean {
  const chosen = document.documentElement.dataset.theme;
  return chosen ? chosen === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
}

/** The event the theme switch sends (client/theme.ts); live figures redraw in the new theme. */
export const THEME_EVENT = 'sparsity:theme';

/** Each live figure's redraw, for a change of theme. */
const redraws = new Map<HTMLElement, () => Promise<void>>();

const registry = <T>(global: string): Record<string, T> => ((window as unknown as Record<string, Record<string, T>>)[global] ??= {});
/** Each figure's script, by "<route>/<figure id>" (site/lib/figures/live-figure.ts). */
const figures = () => registry<LiveFigure>('__sparsityFigures');
/** The specs without rows that figures drawn from one template share, by template key. */
const templates = () => registry<Spec>('__sparsityFigureSpecs');

/** How far outside the viewport a figure starts loading, so it is live when the reader gets there. */
const AHEAD = '600px 0px';

const loading = new Map<string, Promise<void>>();

function loadScript(src: string): Promise<void> {
  let done = loading.get(src);
  if (!done) {
    done = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`the figure's data file ${src} did not load`));
      document.head.append(script);
    });
    loading.set(src, done);
  }
  return done;
}

function download(name: string, type: string, body: string): void {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The rows the figure plots (the first dataset of the compiled spec, as Vega-Lite names it). */
function figureRows(spec: Spec): unknown[] {
  const source = (spec.data ?? []).find((d) => d.name === 'source_0') as { values?: unknown[] } | undefined;
  return source?.values ?? [];
}

function offerDownloads(figure: HTMLElement, currentView: () => View, spec: Spec): void {
  for (const button of Array.from(figure.querySelectorAll<HTMLButtonElement>('button[data-figure-download]'))) {
    const kind = button.dataset.figureDownload;
    button.hidden = false;
    button.addEventListener('click', () => {
      if (kind === 'svg')
        void currentView()
          .toSVG()
          .then((svg) => download(`${figure.id}.svg`, 'image/svg+xml', svg));
      else if (kind === 'json') download(`${figure.id}.json`, 'application/json', `${JSON.stringify(figureRows(spec), null, 1)}\n`);
    });
  }
}

/** The packed rows of each dataset of a figure's packed spec, by name (what a template is filled with). */
function packedRows(spec: { data?: unknown }): Record<string, PackedValues> {
  const data = Array.isArray(spec.data) ? (spec.data as Array<{ name?: string; values?: unknown }>) : [];
  return Object.fromEntries(data.filter((d) => d.values !== undefined && d.name !== undefined).map((d) => [d.name as string, d.values as PackedValues]));
}

/**
 * The figure's phone variant (site/lib/figures/figure-narrow.ts), when the page names one: its spec without
 * rows (a shared file) filled with the figure's rows. Null when it does not load: the wide figure
 * is drawn instead.
 */
async function narrowSpec(figure: HTMLElement, entry: LiveFigure): Promise<Spec | null> {
  const src = figure.dataset.narrowSpecSrc;
  const key = figure.dataset.narrowSpecKey;
  if (!src || !key) return null;
  try {
    await loadScript(src);
    const shape = templates()[key];
    if (!shape) return null;
    const rows = entry.template !== undefined ? entry.rows : packedRows(entry as { data?: unknown });
    return unpackSpec(fillTemplate(shape, rows));
  } catch (error) {
    console.warn(`figure ${figure.id}: its phone variant did not load; the wide figure is drawn`, error);
    return null;
  }
}

async function hydrate(figure: HTMLElement, tooltip: () => Handler): Promise<void> {
  const src = figure.dataset.liveSrc;
  const key = figure.dataset.liveKey;
  const canvas = figure.querySelector<HTMLElement>('.fig-canvas');
  if (!src || !key || !canvas) return;
  figure.dataset.live = 'loading';
  await loadScript(src);
  const entry = figures()[key];
  if (!entry) throw new Error(`${src} loaded but did not register figure ${key}`);
  let packed = entry as Spec;
  if (entry.template !== undefined) {
    const templateSrc = figure.dataset.liveSpecSrc;
    if (!templateSrc) throw new Error(`figure ${key} is drawn from template ${entry.template}, which its page does not name`);
    await loadScript(templateSrc);
    const template = templates()[entry.template];
    if (!template) throw new Error(`${templateSrc} loaded but did not register template ${entry.template}`);
    packed = fillTemplate(template, entry.rows);
  }
  const wide = unpackSpec(packed);
  const media = figure.dataset.narrowMedia ? matchMedia(figure.dataset.narrowMedia) : null;
  const narrow = media ? await narrowSpec(figure, entry) : null;
  /** The spec for the window's width: the phone variant below its breakpoint. */
  const current = () => (narrow && media?.matches ? narrow : wide);
  let spec = current();
  let view: View | null = null;
  const draw = async () => {
    const host = document.createElement('div');
    host.className = 'fig-live';
    view?.finalize();
    spec = current();
    figure.dataset.variant = spec === narrow ? 'narrow' : 'wide';
    view = new View(parse(isDark() ? darkSpec(spec) : spec), { renderer: 'svg', container: host, hover: true, logLevel: Warn, tooltip: tooltip().call });
    await view.runAsync();
    const svg = host.querySelector('svg');
    if (svg) {
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', figure.dataset.alt ?? '');
    }
    canvas.replaceChildren(host);
  };
  await draw();
  redraws.set(figure, draw);
  // Turning the phone (or resizing the window) past the breakpoint draws the other variant.
  if (narrow && media) media.addEventListener('change', () => void draw());
  offerDownloads(figure, () => view as View, wide);
  figure.dataset.live = 'true';
}

export function hydrateFigures(): void {
  const figures = Array.from(document.querySelectorAll<HTMLElement>('figure[data-figure]'));
  if (figures.length === 0) return;
  const handlers = { light: new Handler({ theme: 'light' }), dark: new Handler({ theme: 'dark' }) };
  const tooltip = () => handlers[isDark() ? 'dark' : 'light'];
  document.addEventListener(THEME_EVENT, () => {
    for (const redraw of redraws.values()) void redraw();
  });
  // One after the other, so a page with many figures stays responsive while they load.
  let chain = Promise.resolve();
  const queued = new Set<HTMLElement>();
  const enqueue = (figure: HTMLElement) => {
    if (queued.has(figure)) return;
    queued.add(figure);
    chain = chain.then(() =>
      hydrate(figure, tooltip).catch((error: unknown) => {
        figure.dataset.live = 'failed';
        console.error(`figure ${figure.id} could not be made interactive; the static picture stays:`, error);
      }),
    );
  };
  if (!('IntersectionObserver' in window)) {
    figures.forEach(enqueue);
    return;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        enqueue(entry.target as HTMLElement);
      }
    },
    { rootMargin: AHEAD },
  );
  for (const figure of figures) {
    observer.observe(figure);
    // A reader who points at, touches or tabs into a figure gets it live at once.
    for (const type of ['pointerenter', 'focusin', 'touchstart']) figure.addEventListener(type, () => enqueue(figure), { once: true, passive: true });
  }
}
