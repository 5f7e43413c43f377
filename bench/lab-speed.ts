// Training speed of the live lab (Chromium, the page's Web Worker) against the Node engine, in one
// sitting and alternating, on the lab's data and a preset's configuration; and, with --deaths,
// the iteration of each preset's first dead filter (the same in both: their numbers agree).
// Usage: npx tsx bench/lab-speed.ts --site dist [--iterations 100] [--rounds 2] [--deaths 500]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { resolveConfig } from '../experiments/config.js';
import { runExperiment } from '../experiments/run.js';
import { runRecordSchema, type RunRecord } from '../data/schemas/run-record.js';
import { labDataFiles, parseLabDataScript } from '../site/lab/data-asset.js';
import { labConfigInput, LAB_PRESETS } from '../site/lab/presets.js';

const { values } = parseArgs({
  options: {
    site: { type: 'string', default: 'dist' },
    iterations: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    deaths: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: npx tsx bench/lab-speed.ts [--site dist] [--iterations 100] [--rounds 2] [--deaths N]
  --site DIR        a built site with the live lab (npm run build)
  --iterations N    iterations of the main preset per timed round, in Node and in the browser
  --rounds N        alternating Node/browser rounds
  --deaths N        also run every preset N iterations in the browser and report its first death`);
  process.exit(0);
}
const site = resolve(values.site!);
const iterations = Number(values.iterations);
const dataDir = mkdtempSync(join(tmpdir(), 'lab-speed-'));
const asset = parseLabDataScript(readFileSync(join(site, 'lab', 'fashion-mnist.js'), 'utf8'), 'lab/fashion-mnist.js');
for (const [name, bytes] of Object.entries(labDataFiles(asset))) writeFileSync(join(dataDir, name), bytes);

const firstDeath = (r: RunRecord) =>
  r.checkpoints.find((c) => c.iteration > 0 && c.layers.some((l) => l.deadByGamma.length + l.deadByActivation.length > 0))?.iteration ?? null;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
await page.goto(pathToFileURL(join(site, 'lab.html')).href);
await page.waitForFunction(() => document.querySelector('[data-lab]')?.getAttribute('data-state') === 'ready', undefined, { timeout: 300_000 });

async function inBrowser(presetId: string, n: number): Promise<RunRecord> {
  await page.selectOption('[name=preset]', presetId);
  await page.fill('[name=iterations]', String(n));
  await page.click('[data-lab-start]');
  await page.waitForFunction(() => ['finished', 'broken'].includes(document.querySelector('[data-lab]')?.getAttribute('data-state') ?? ''), undefined, {
    timeout: 3_600_000,
  });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-lab-download]')]);
  const file = join(dataDir, 'record.json');
  await download.saveAs(file);
  return runRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

const main = LAB_PRESETS[0];
for (let round = 1; round <= Number(values.rounds); round++) {
  const node = await runExperiment(resolveConfig(labConfigInput({ ...main.fields, iterations })), { dataDir, backend: 'wasm' });
  const lab = await inBrowser(main.id, iterations);
  console.log(
    JSON.stringify({
      round,
      preset: main.id,
      iterations,
      nodeImagesPerSecond: node.provenance.imagesPerSecond,
      browserImagesPerSecond: lab.provenance.imagesPerSecond,
      ratio: lab.provenance.imagesPerSecond / node.provenance.imagesPerSecond,
      sameCurve: JSON.stringify(node.curve) === JSON.stringify(lab.curve),
    }),
  );
}

if (values.deaths) {
  for (const preset of LAB_PRESETS) {
    const lab = await inBrowser(preset.id, Number(values.deaths));
    const at = firstDeath(lab);
    // "<iteration> <seconds>": the page's clock from start to the checkpoint that first showed a dead filter (training and measuring, no pauses).
    const shown = await page.getAttribute('[data-lab]', 'data-first-death');
    const last = lab.checkpoints.at(-1)!;
    console.log(
      JSON.stringify({
        preset: preset.id,
        iterations: Number(values.deaths),
        firstDeathIteration: at,
        firstDeathSeconds: shown ? Number(shown.split(' ')[1]) : null,
        browserImagesPerSecond: lab.provenance.imagesPerSecond,
        deadAtEnd: {
          gamma: last.layers.reduce((s, l) => s + l.deadByGamma.length, 0),
          activation: last.layers.reduce((s, l) => s + l.deadByActivation.length, 0),
          filters: last.layers.reduce((s, l) => s + l.filters, 0),
        },
      }),
    );
  }
}
await browser.close();
