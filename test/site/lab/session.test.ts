// The live lab in a real browser (Debian's Chromium through playwright-core): the site is built
// (without study data, so the build is quick), served under a base path and opened from disk. A
// preset runs for a fixed number of iterations in the page's worker and its record is compared,
// number for number, with the Node engine's record of the same configuration on the same data.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configHash, resolveConfig } from '../../../experiments/config.js';
import { runExperiment } from '../../../experiments/run.js';
import { runRecordSchema, type RunRecord } from '../../../data/schemas/run-record.js';
import {
  idxImagesBytes,
  idxLabelsBytes,
  labDataFiles,
  labDataScript,
  LAB_DATA_FORMAT,
  parseLabDataScript,
  rawDatasetFromIdx,
} from '../../../site/lab/data-asset.js';
import { createHash as labCreateHash } from '../../../site/lab/node-crypto.js';
import { LabSession } from '../../../site/lab/session.js';
import { labConfigInput, LAB_PRESETS, type LabFields } from '../../../site/lab/presets.js';
import { FASHION_MNIST_DEFAULT_DIR, FASHION_MNIST_FILES } from '../../../experiments/data/idx.js';
import { labAvailability, labDataAssetScript, labDataKey, LAB_SUBSET } from '../../../site/lab/assets.js';
import { astroBuildOk } from '../../helpers/astro.js';
import { launch, pageWatcher, PHONE, problemList, serveSite, type SiteServer } from '../../helpers/browser.js';

const BASE = '/lab-base/';
/** Iterations of the compared run: past one checkpoint (every 50) and two training-curve points more. */
const ITERATIONS = 60;

const hasData = labAvailability().available;

let work: string;
let out: string;
let server: SiteServer | undefined;
let browser: Browser | undefined;
const pages = pageWatcher(
  () => browser!,
  () => server!.origin,
);

const labState = (page: Page) => page.getAttribute('[data-lab]', 'data-state');
const waitForState = (page: Page, states: string[], timeout: number) =>
  page.waitForFunction((s) => s.includes(document.querySelector('[data-lab]')?.getAttribute('data-state') ?? ''), states, { timeout });

describe("the lab's SHA-256 stand-in for node:crypto", () => {
  it('hashes as node:crypto does, so a lab run has the id the pipeline would give it', () => {
    const texts = ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'é – γ unicode', JSON.stringify(resolveConfig({}))];
    for (const text of texts) {
      expect(labCreateHash('sha256').update(text).digest('hex')).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });
});

describe("the lab's data asset", () => {
  it('keeps IDX files that the engine reads back as written, and refuses other scripts', () => {
    const pixels = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 20);
    const files = {
      'train-images-idx3-ubyte.gz': idxImagesBytes(pixels, 3, 2, 2),
      'train-labels-idx1-ubyte.gz': idxLabelsBytes([0, 9, 4]),
      't10k-images-idx3-ubyte.gz': idxImagesBytes(pixels.subarray(0, 4), 1, 2, 2),
      't10k-labels-idx1-ubyte.gz': idxLabelsBytes([7]),
    };
    const script = labDataScript({
      format: LAB_DATA_FORMAT,
      dataset: 'fashion-mnist',
      selection: 'by hand',
      trainImages: 3,
      testImages: 1,
      source: [],
      files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    });
    const back = labDataFiles(parseLabDataScript(script, 'test.js'));
    expect(back).toEqual(files);
    const raw = rawDatasetFromIdx(back, 'test.js');
    expect([raw.height, raw.width, raw.train.count, raw.test.count]).toEqual([2, 2, 3, 1]);
    expect(Array.from(raw.train.pixels)).toEqual(Array.from(pixels));
    expect(Array.from(raw.train.labels)).toEqual([0, 9, 4]);
    expect(Array.from(raw.test.labels)).toEqual([7]);
    expect(() => parseLabDataScript('window.x = 1;', 'other.js')).toThrow(/other\.js is not a lab data script/);
  });
});

describe("the lab's data script kept between builds", () => {
  it("is keyed by the dataset files' bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-key-'));
    const names = Object.values(FASHION_MNIST_FILES);
    names.forEach((name, i) => writeFileSync(join(dir, name), Uint8Array.from([i, 1, 2, 3])));
    const key = labDataKey(dir);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(labDataKey(dir)).toBe(key);
    writeFileSync(join(dir, names[2]), Uint8Array.from([2, 1, 2, 4]));
    expect(labDataKey(dir)).not.toBe(key);
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasData)(
    'is written on first use and read back at the next build',
    async () => {
      const [first, second] = [mkdtempSync(join(tmpdir(), 'lab-cache-')), mkdtempSync(join(tmpdir(), 'lab-cache-'))];
      const made = await labDataAssetScript(first);
      const file = `fashion-mnist-${labDataKey(process.env.LAB_DATA_DIR ?? FASHION_MNIST_DEFAULT_DIR)}.js`;
      expect(readFileSync(join(first, file), 'utf8')).toBe(made);
      expect(parseLabDataScript(made, file).trainImages).toBe(LAB_SUBSET.trainPerClass * 10);
      // A build that finds the file under its key takes it as it is.
      writeFileSync(join(second, file), `${made}// kept\n`);
      expect(await labDataAssetScript(second)).toBe(`${made}// kept\n`);
      for (const d of [first, second]) rmSync(d, { recursive: true, force: true });
    },
    60_000,
  );
});

describe.skipIf(!hasData)("the lab's run loop (the worker's session, in Node)", () => {
  it('trains with the configuration\'s initializer (model.init "pytorch") and gives the Node engine\'s record number for number', async () => {
    const input = labConfigInput({ ...LAB_PRESETS[0].fields, iterations: ITERATIONS });
    const config = resolveConfig({ ...input, model: { ...input.model, init: 'pytorch' } });
    expect(config.model.init).toBe('pytorch');

    // The lab's data asset, as the worker reads it and as IDX files for the Node engine.
    const cache = mkdtempSync(join(tmpdir(), 'lab-session-'));
    try {
      const file = `fashion-mnist-${labDataKey(process.env.LAB_DATA_DIR ?? FASHION_MNIST_DEFAULT_DIR)}.js`;
      const files = labDataFiles(parseLabDataScript(await labDataAssetScript(cache), file));
      const dataDir = join(cache, 'idx');
      mkdirSync(dataDir);
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dataDir, name), bytes);
      const nodeRecord = await runExperiment(config, { dataDir, backend: 'wasm' });
      expect(nodeRecord.status).toBe('complete');
      // The worker's way in: the files gunzipped, parsed by the engine's IDX reader.
      const raw = () => rawDatasetFromIdx(Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, new Uint8Array(gunzipSync(bytes))])), file);

      const environment = { codeVersion: 'test', engineCode: 'test', tfjsVersion: 'test', backendDetail: 'test', runtime: 'node', platform: 'test' };
      const session = new LabSession(config, raw(), environment);
      try {
        while (!session.done) session.step();
        session.finish();
        const labRecord = session.record(1);
        expect(labRecord.id).toBe(nodeRecord.id);
        expect(labRecord.config).toEqual(nodeRecord.config);
        expect(labRecord.model).toEqual(nodeRecord.model);
        expect(labRecord.curve).toEqual(nodeRecord.curve);
        expect(labRecord.checkpoints).toEqual(nodeRecord.checkpoints);
        expect(labRecord.final).toEqual(nodeRecord.final);
        expect(labRecord.status).toBe('complete');
      } finally {
        session.dispose();
      }

      // The initializer matters: the He-normal run of the same configuration starts elsewhere.
      const heNormal = new LabSession(resolveConfig(input), raw(), environment);
      try {
        expect(heNormal.checkpoints[0]).not.toEqual(nodeRecord.checkpoints[0]);
      } finally {
        heNormal.dispose();
      }
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the lab without the dataset', () => {
  it('says how to get the files', () => {
    const saved = process.env.LAB_DATA_DIR;
    process.env.LAB_DATA_DIR = mkdtempSync(join(tmpdir(), 'lab-nodata-'));
    try {
      const availability = labAvailability();
      expect(availability.available).toBe(false);
      if (!availability.available) expect(availability.reason).toMatch(/apt-get install -y dataset-fashion-mnist/);
    } finally {
      rmSync(process.env.LAB_DATA_DIR, { recursive: true, force: true });
      if (saved === undefined) delete process.env.LAB_DATA_DIR;
      else process.env.LAB_DATA_DIR = saved;
    }
  });
});

describe.skipIf(!hasData)('the live lab in Chromium', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'site-lab-'));
    out = join(work, 'dist');
    mkdirSync(join(work, 'no-data'));
    await astroBuildOk({ SITE_DATA_DIR: join(work, 'no-data'), SITE_OUT_DIR: out, SITE_BASE: BASE, SITE_CACHE_DIR: join(work, 'cache') });
    server = await serveSite(out, BASE);
    browser = await launch();
  }, 600_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('trains a preset as the Node engine does, answers input during the run, and downloads a valid record', async () => {
    const preset = LAB_PRESETS[0];
    const fields: LabFields = { ...preset.fields, iterations: ITERATIONS };
    const config = resolveConfig(labConfigInput(fields));

    // The Node engine on the lab's own data: the asset's IDX files written to a folder.
    const dataDir = join(work, 'lab-data');
    mkdirSync(dataDir);
    const asset = parseLabDataScript(readFileSync(join(out, 'lab', 'fashion-mnist.js'), 'utf8'), 'lab/fashion-mnist.js');
    for (const [name, bytes] of Object.entries(labDataFiles(asset))) writeFileSync(join(dataDir, name), bytes);
    const nodeRecord = await runExperiment(config, { dataDir, backend: 'wasm' });
    expect(nodeRecord.status).toBe('complete');

    const { page, problems } = await pages.open();
    await page.goto(`${server!.origin}${BASE}lab.html`);
    await waitForState(page, ['ready', 'broken'], 120_000);
    expect(await labState(page), (await page.textContent('[data-lab-status]')) ?? '').toBe('ready');
    await page.selectOption('[name=preset]', preset.id);
    await page.fill('[name=iterations]', String(ITERATIONS));
    await page.click('[data-lab-start]');

    // While it trains: an edit is noticed at once, and pause and resume take effect.
    await page.waitForFunction(() => Number(document.querySelector('[data-lab]')?.getAttribute('data-iteration') ?? 0) >= 1, undefined, { timeout: 120_000 });
    await page.fill('[name=seed]', '7');
    expect(await page.isVisible('[data-lab-changed]')).toBe(true);
    await page.click('[data-lab-pause]');
    await waitForState(page, ['paused', 'finishing', 'finished'], 60_000);
    const pausedAt = Number(await page.getAttribute('[data-lab]', 'data-iteration'));
    if ((await labState(page)) === 'paused') {
      expect(pausedAt).toBeLessThan(ITERATIONS);
      await page.waitForTimeout(300);
      expect(Number(await page.getAttribute('[data-lab]', 'data-iteration'))).toBe(pausedAt);
      await page.click('[data-lab-resume]');
    }
    await waitForState(page, ['finished', 'broken'], 300_000);
    expect(await page.textContent('[data-lab-status]')).toMatch(/^Finished/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-lab-download]')]);
    const file = join(work, 'lab-record.json');
    await download.saveAs(file);
    const parsed = runRecordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
    const labRecord = parsed.data as RunRecord;

    // Same configuration, so the same id; same data, binary and kernels, so the same numbers.
    expect(labRecord.id).toBe(configHash(config));
    expect(labRecord.id).toBe(nodeRecord.id);
    expect(labRecord.config).toEqual(nodeRecord.config);
    expect(labRecord.provenance.backendDetail).toMatch(/SIMD build/);
    expect(labRecord.dataset).toMatchObject({
      trainImages: nodeRecord.dataset.trainImages,
      testImages: nodeRecord.dataset.testImages,
      normalization: nodeRecord.dataset.normalization,
    });
    expect(labRecord.curve).toEqual(nodeRecord.curve);
    expect(labRecord.checkpoints.map((c) => c.iteration)).toEqual([0, 50, ITERATIONS]);
    expect(labRecord.checkpoints).toEqual(nodeRecord.checkpoints);
    expect(labRecord.final).toEqual(nodeRecord.final);
    const dead = (r: RunRecord) => r.checkpoints.map((c) => c.layers.map((l) => [l.deadByGamma.length, l.deadByActivation.length]));
    expect(dead(labRecord)).toEqual(dead(nodeRecord));

    expect(await page.locator('[data-lab-dead] tbody tr').count()).toBe(7);
    // Not asserted (other test files share the CPU); bench/lab-speed.ts measures it properly.
    console.log(`lab training: browser ${labRecord.provenance.imagesPerSecond} images/s, Node ${nodeRecord.provenance.imagesPerSecond} images/s`);
    expect(problemList(problems)).toEqual([]);
  }, 900_000);

  it('loads from disk and starts the engine there, and fits a phone', async () => {
    const { page, problems } = await pages.open(PHONE);
    await page.goto(pathToFileURL(join(out, 'lab.html')).href);
    await waitForState(page, ['ready', 'broken'], 120_000);
    expect(await labState(page), (await page.textContent('[data-lab-status]')) ?? '').toBe('ready');
    expect(await page.getAttribute('[data-lab]', 'data-simd')).toBe('true');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'lab.html scrolls sideways on a phone').toBeLessThanOrEqual(0);
    expect(problemList(problems)).toEqual([]);
  }, 180_000);
});
