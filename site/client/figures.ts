// Browser: turns each figure's build-time SVG into a live vega view (tooltips, legend
// selection). The static SVG stays when scripts are off or rendering fails.
import { parse, View, Warn, type Spec } from 'vega';
import { Handler } from 'vega-tooltip';

async function hydrate(figure: HTMLElement, tooltip: Handler): Promise<void> {
  const specEl = figure.querySelector('script.fig-spec');
  const canvas = figure.querySelector<HTMLElement>('.fig-canvas');
  if (!specEl || !canvas) return;
  const host = document.createElement('div');
  host.className = 'fig-live';
  const view = new View(parse(JSON.parse(specEl.textContent ?? '{}') as Spec), {
    renderer: 'svg',
    container: host,
    hover: true,
    logLevel: Warn,
    tooltip: tooltip.call,
  });
  await view.runAsync();
  const svg = host.querySelector('svg');
  if (svg) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', figure.dataset.alt ?? '');
  }
  canvas.replaceChildren(host);
  figure.dataset.live = 'true';
}

export function hydrateFigures(): void {
  const figures = Array.from(document.querySelectorAll<HTMLElement>('figure[data-figure]'));
  if (figures.length === 0) return;
  const tooltip = new Handler({ theme: 'light' });
  // One after the other, so a page with many figures stays responsive while they load.
  let chain = Promise.resolve();
  for (const figure of figures) {
    chain = chain.then(() =>
      hydrate(figure, tooltip).catch((error: unknown) => {
        figure.dataset.live = 'failed';
        console.error(`figure ${figure.id} could not be made interactive; the static image stays:`, error);
      }),
    );
  }
}
