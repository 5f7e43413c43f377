// The lab page: presets and fields, the controls, and the live view of a run the worker trains
// (loss and accuracy, dead filters per layer by both criteria, |gamma| and selectivity per filter).
import { runRecordSchema, type Checkpoint, type CurvePoint, type RunRecord } from '../../data/schemas/run-record.js';
import { networkSparsity } from '../../data/definitions.js';
import { drawLines, drawStrips } from './charts.js';
import { labDataFiles, parseLabDataAsset, LAB_DATA_GLOBAL, LAB_WASM_GLOBAL, LAB_WORKER_GLOBAL } from './data-asset.js';
import { labConfigInput, LAB_PRESETS, type LabFields } from './presets.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** What the lab's scripts left on the window (see site/lab/assets.ts). */
const labGlobal = (name: string): unknown => (window as unknown as Record<string, unknown>)[name];

/** The smallest module with a SIMD instruction (the same test tfjs-backend-wasm makes). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

type State = 'loading' | 'ready' | 'running' | 'paused' | 'finishing' | 'finished' | 'broken';

const q = <T extends Element>(root: ParentNode, selector: string): T => {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`the lab page lacks ${selector}`);
  return found;
};

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

const seconds = (s: number) => (!Number.isFinite(s) ? '–' : s < 90 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

function start(root: HTMLElement): void {
  const status = q<HTMLElement>(root, '[data-lab-status]');
  const form = q<HTMLFormElement>(root, '[data-lab-form]');
  const presetSelect = q<HTMLSelectElement>(form, '[name=preset]');
  const presetNote = q<HTMLElement>(root, '[data-lab-preset-note]');
  const invalid = q<HTMLElement>(root, '[data-lab-invalid]');
  const changed = q<HTMLElement>(root, '[data-lab-changed]');
  const buttons = {
    start: q<HTMLButtonElement>(root, '[data-lab-start]'),
    pause: q<HTMLButtonElement>(root, '[data-lab-pause]'),
    resume: q<HTMLButtonElement>(root, '[data-lab-resume]'),
    reset: q<HTMLButtonElement>(root, '[data-lab-reset]'),
    download: q<HTMLButtonElement>(root, '[data-lab-download]'),
  };
  const meter = q<HTMLElement>(root, '[data-lab-meter]');
  const lossSvg = q<SVGSVGElement>(root, '[data-lab-loss]');
  const accuracySvg = q<SVGSVGElement>(root, '[data-lab-accuracy]');
  const deadTable = q<HTMLTableSectionElement>(root, '[data-lab-dead] tbody');
  const deadSvg = q<SVGSVGElement>(root, '[data-lab-dead-chart]');
  const gammaSvg = q<SVGSVGElement>(root, '[data-lab-gamma]');
  const selectivitySvg = q<SVGSVGElement>(root, '[data-lab-selectivity]');

  let state: State = 'loading';
  let curve: CurvePoint[] = [];
  let checkpoints: Array<{ checkpoint: Checkpoint; seconds: number }> = [];
  let iterations = 0;
  let firstDeath: { iteration: number; seconds: number } | null = null;
  /** The first death the selected preset expects, when the run started has exactly its fields. */
  let expectedDeath: number | null = null;
  let lastProgress = '';
  let drawPending = false;

  const setState = (next: State, message?: string) => {
    state = next;
    root.dataset.state = next;
    buttons.start.disabled = !['ready', 'finished', 'paused'].includes(next);
    buttons.pause.disabled = next !== 'running';
    buttons.resume.disabled = next !== 'paused';
    buttons.reset.disabled = !['running', 'paused', 'finished'].includes(next);
    buttons.download.disabled = !['paused', 'finished'].includes(next);
    for (const field of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) field.disabled = next === 'loading' || next === 'broken';
    if (message !== undefined) status.textContent = message;
  };

  const fieldValue = (name: string): string => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
  const setField = (name: string, value: string | number) => {
    (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value = String(value);
  };
  const readFields = (): LabFields => ({
    optimizer: fieldValue('optimizer') as LabFields['optimizer'],
    lr: Number(fieldValue('lr')),
    regularization: fieldValue('regularization') as LabFields['regularization'],
    strength: Number(fieldValue('strength')),
    batchSize: Number(fieldValue('batchSize')),
    width: Number(fieldValue('width')),
    classes: Number(fieldValue('classes')),
    activation: fieldValue('activation') as LabFields['activation'],
    seed: Number(fieldValue('seed')),
    iterations: Number(fieldValue('iterations')),
  });
  const applyPreset = (id: string) => {
    const preset = LAB_PRESETS.find((p) => p.id === id) ?? LAB_PRESETS[0];
    for (const [name, value] of Object.entries(preset.fields)) setField(name, value);
    const link = root.querySelector<HTMLTemplateElement>(`template[data-lab-study="${preset.id}"]`);
    presetNote.replaceChildren(document.createTextNode(`Expect: ${preset.expect} `), ...(link ? [link.content.cloneNode(true)] : []));
  };

  const draw = () => {
    drawPending = false;
    const xMax = iterations || 1;
    drawLines(lossSvg, [{ label: 'training loss', className: 's-loss', points: curve.map((p) => [p.iteration, p.loss]) }], {
      xMax,
      yLabel: 'cross-entropy',
      yMin: 0,
    });
    const testPoints = checkpoints
      .filter((c) => c.checkpoint.testAccuracy !== null)
      .map((c) => [c.checkpoint.iteration, c.checkpoint.testAccuracy!] as [number, number]);
    drawLines(
      accuracySvg,
      [
        { label: 'training batches', className: 's-train', points: curve.map((p) => [p.iteration, p.accuracy]) },
        { label: 'test (probe)', className: 's-test', points: testPoints },
      ],
      { xMax, yLabel: 'accuracy', yMin: 0, yMax: 1 },
    );
    const deadSeries = (key: 'deadByGamma' | 'deadByActivation') =>
      checkpoints.map(
        (c) =>
          [c.checkpoint.iteration, 100 * networkSparsity(c.checkpoint.layers.map((l) => ({ dead: l[key].length, filters: l.filters })))] as [number, number],
      );
    drawLines(
      deadSvg,
      [
        { label: 'dead by |γ|', className: 's-gamma', points: deadSeries('deadByGamma') },
        { label: 'dead by activation', className: 's-activation', points: deadSeries('deadByActivation') },
      ],
      {
        xMax,
        yLabel: 'dead filters (% of network)',
        yMin: 0,
        yMaxAtLeast: 10,
        marker: expectedDeath === null ? undefined : { x: expectedDeath, label: `expected first death (${expectedDeath})` },
      },
    );
    const last = checkpoints.at(-1)?.checkpoint;
    if (!last) return;
    deadTable.replaceChildren(
      ...last.layers.map((l) => {
        const row = document.createElement('tr');
        const defined = (l.lifetimeSparseness ?? []).filter((s): s is number => s !== null);
        const cells = [
          `block ${l.layer + 1}`,
          String(l.filters),
          String(l.deadByGamma.length),
          String(l.deadByActivation.length),
          defined.length ? (defined.reduce((a, b) => a + b, 0) / defined.length).toFixed(3) : '–',
          (l.selectivity.reduce((a, b) => a + b, 0) / l.filters).toFixed(3),
        ];
        row.replaceChildren(...cells.map((text, i) => Object.assign(document.createElement(i === 0 ? 'th' : 'td'), { textContent: text })));
        return row;
      }),
    );
    drawStrips(
      gammaSvg,
      last.layers.map((l) => ({
        label: `block ${l.layer + 1}`,
        values: l.gamma.map((g) => Math.log10(Math.max(Math.abs(g), 1e-7))),
        dead: new Set(l.deadByGamma),
      })),
      {
        min: -7,
        max: 0.5,
        ticks: [
          [-6, '1e-6'],
          [-3, '1e-3'],
          [0, '1'],
        ],
        axisLabel: '|γ| (log scale; marked: dead by |γ|)',
      },
    );
    drawStrips(
      selectivitySvg,
      last.layers.map((l) => ({
        label: `block ${l.layer + 1}`,
        values: (l.lifetimeSparseness ?? l.gamma.map(() => null)).map((s) => s),
        dead: new Set(l.deadByActivation),
      })),
      {
        min: 0,
        max: 1,
        ticks: [
          [0, '0'],
          [0.5, '0.5'],
          [1, '1'],
        ],
        axisLabel: 'lifetime sparseness (marked: dead by activation)',
      },
    );
  };
  const scheduleDraw = () => {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(draw);
  };

  const showMeter = (extra = '') => {
    const death = firstDeath ? `first death at iteration ${firstDeath.iteration} (${seconds(firstDeath.seconds)} into the run)` : 'no filter dead yet';
    meter.textContent = [lastProgress, death, extra].filter(Boolean).join(' · ');
  };

  const workerSource = labGlobal(LAB_WORKER_GLOBAL);
  const dataValue = labGlobal(LAB_DATA_GLOBAL);
  if (typeof WebAssembly === 'undefined' || typeof Worker === 'undefined' || typeof DecompressionStream === 'undefined') {
    setState(
      'broken',
      'This browser lacks WebAssembly, Web Workers or DecompressionStream, which the lab needs: open it in a current Chromium, Firefox or Safari.',
    );
    return;
  }
  if (typeof workerSource !== 'string' || dataValue === undefined) {
    setState('broken', 'The lab’s files did not load (lab/worker.js, lab/fashion-mnist.js): rebuild the site with the Fashion-MNIST files installed.');
    return;
  }
  const simd = WebAssembly.validate(SIMD_PROBE);
  setState('loading', simd ? 'Loading the engine…' : 'Loading the engine (plain build: this browser has no WebAssembly SIMD)…');

  const worker = new Worker(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })));
  const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
  worker.onerror = (event) => setState('broken', `The training worker failed: ${event.message}`);
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    switch (m.type) {
      case 'ready':
        setState(
          'ready',
          `Ready: press Start to train on ${m.trainImages.toLocaleString('en')} Fashion-MNIST images in this page (tested on ${m.testImages.toLocaleString('en')}; engine: ${m.backend}).` +
            (m.simd
              ? ''
              : ' This browser has no WebAssembly SIMD, so the lab runs the plain wasm build: several times slower, and its numbers may differ in the last digits from the Node engine’s SIMD build.'),
        );
        root.dataset.simd = String(m.simd);
        return;
      case 'invalid':
        invalid.textContent = m.message;
        setState('ready');
        return;
      case 'started': {
        iterations = m.config.training.iterations;
        const preset = LAB_PRESETS.find((p) => p.id === presetSelect.value);
        const fields = readFields();
        expectedDeath =
          preset && Object.entries(preset.fields).every(([k, v]) => String(fields[k as keyof LabFields]) === String(v)) ? preset.firstDeath : null;
        setState(
          'running',
          `Training BasicNet (${m.filters.reduce((a, b) => a + b, 0)} filters in ${m.filters.length} blocks) on ${m.trainImages.toLocaleString('en')} images; the charts show filters dying as they die.`,
        );
        return;
      }
      case 'checkpoint': {
        checkpoints.push({ checkpoint: m.checkpoint, seconds: m.seconds });
        if (!firstDeath && m.checkpoint.iteration > 0 && m.checkpoint.layers.some((l) => l.deadByGamma.length + l.deadByActivation.length > 0)) {
          firstDeath = { iteration: m.checkpoint.iteration, seconds: m.seconds };
          root.dataset.firstDeath = `${firstDeath.iteration} ${firstDeath.seconds.toFixed(1)}`;
        }
        root.dataset.checkpoints = String(checkpoints.length);
        showMeter();
        scheduleDraw();
        return;
      }
      case 'progress':
        curve.push(...m.curve);
        lastProgress = `iteration ${m.iteration.toLocaleString('en')} of ${m.iterations.toLocaleString('en')} · ${Math.round(m.imagesPerSecond)} images/s · ${seconds(m.trainSeconds)} training, about ${seconds(m.etaSeconds)} left`;
        root.dataset.iteration = String(m.iteration);
        showMeter();
        scheduleDraw();
        return;
      case 'paused':
        setState('paused', `Paused at iteration ${m.iteration}: resume, start again, or download the run so far (recorded as stopped).`);
        return;
      case 'phase':
        setState('finishing', 'Measuring the trained network on every training and test image…');
        return;
      case 'finished': {
        const f = m.final;
        const summary = f
          ? `Finished: test accuracy ${(100 * f.testAccuracy).toFixed(1)} %, ${f.layers.reduce((s, l) => s + l.deadByActivation.length, 0)} filters dead by activation and ${f.layers.reduce((s, l) => s + l.deadByGamma.length, 0)} by |γ| on all training images.`
          : `The run ${m.status}: ${m.failure?.reason ?? ''}`;
        setState('finished', summary);
        return;
      }
      case 'record': {
        const record: RunRecord = runRecordSchema.parse(m.record);
        const url = URL.createObjectURL(new Blob([`${JSON.stringify(record, null, 1)}\n`], { type: 'application/json' }));
        const a = Object.assign(document.createElement('a'), { href: url, download: `${record.id}.json` });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        return;
      }
      case 'error':
        setState('broken', `The lab stopped: ${m.message}`);
        return;
    }
  };

  presetSelect.addEventListener('change', () => applyPreset(presetSelect.value));
  applyPreset(presetSelect.value);
  form.addEventListener('input', (event) => {
    if ((event.target as HTMLElement).getAttribute('name') === 'preset') return;
    if (state === 'running' || state === 'paused') changed.hidden = false;
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    invalid.textContent = '';
    changed.hidden = true;
    const fields = readFields();
    const bad = Object.entries(fields).filter(([, v]) => typeof v === 'number' && !Number.isFinite(v));
    if (bad.length > 0) {
      invalid.textContent = `Not a number: ${bad.map(([k]) => k).join(', ')}.`;
      return;
    }
    curve = [];
    checkpoints = [];
    firstDeath = null;
    delete root.dataset.firstDeath;
    lastProgress = '';
    send({ type: 'start', config: labConfigInput(fields) });
    setState('running', 'Building the network and measuring it before training…');
  });
  buttons.pause.addEventListener('click', () => send({ type: 'pause' }));
  buttons.resume.addEventListener('click', () => {
    send({ type: 'resume' });
    setState('running', 'Training…');
  });
  buttons.reset.addEventListener('click', () => {
    send({ type: 'reset' });
    curve = [];
    checkpoints = [];
    firstDeath = null;
    delete root.dataset.firstDeath;
    lastProgress = '';
    meter.textContent = '';
    changed.hidden = true;
    for (const svg of [lossSvg, accuracySvg, deadSvg, gammaSvg, selectivitySvg]) svg.replaceChildren();
    deadTable.replaceChildren();
    setState('ready', 'Reset: choose a preset or edit the fields, then start.');
  });
  buttons.download.addEventListener('click', () => send({ type: 'record' }));

  void (async () => {
    try {
      const asset = parseLabDataAsset(dataValue, 'lab/fashion-mnist.js');
      await loadScript(simd ? root.dataset.wasmSimd! : root.dataset.wasmPlain!);
      const wasm = labGlobal(LAB_WASM_GLOBAL) as { base64?: unknown } | undefined;
      if (typeof wasm?.base64 !== 'string') throw new Error('the wasm script did not define the binary; rebuild the site');
      const binary = Uint8Array.from(atob(wasm.base64), (c) => c.charCodeAt(0));
      const files = labDataFiles(asset);
      send({ type: 'init', wasm: binary, simd, data: files, dataName: 'lab/fashion-mnist.js' }, [binary.buffer, ...Object.values(files).map((f) => f.buffer)]);
    } catch (error) {
      setState('broken', `The lab could not start: ${(error as Error).message}`);
    }
  })();
}

function boot(): void {
  const root = document.querySelector<HTMLElement>('[data-lab]');
  if (root) start(root);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
