// How long the site takes to build: (a) cold (empty render cache) on a synthetic study of about
// 1,000 runs, then again with its figures in the cache (what the pages cost without drawing), (b) the committed full study rebuilt after one new run (the render cache warmed by a
// first build of it), printing seconds and how many figures were rendered or taken from the
// cache. Targets (issue 15): (a) <= 120 s, (b) <= 20 s. Wall-clock on whatever else the machine runs.
// With --compare-resvg, (a)'s cold build is also made with the stable resvg-js (SITE_RESVG=stable)
// and the ratio to the default rasteriser (the 2.7 alpha where installed: site/lib/render/svg-raster.ts) printed.
// Usage: npx tsx bench/site-build.ts [--runs 1000] [--skip-synthetic] [--skip-rebuild] [--compare-resvg] [--json FILE] [--figure-cache DIR]
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DATASET_NAMES } from '../data/schemas/datasets.js';
import { syntheticDatasets, writeSyntheticDatasets } from '../pipeline/synthetic-study.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    'skip-synthetic': { type: 'boolean' },
    'skip-rebuild': { type: 'boolean' },
    'compare-resvg': { type: 'boolean' },
    json: { type: 'string' },
    'figure-cache': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: npx tsx bench/site-build.ts [--runs 1000] [--skip-synthetic] [--skip-rebuild] [--compare-resvg] [--json FILE]   (npm run bench:site)
  --runs N           runs of the synthetic study (at least N: the generator adds seeds of every configuration)
  --skip-synthetic   leave out (a), the cold and the unchanged build of the synthetic study
  --skip-rebuild     leave out (b), the committed full study built cold, unchanged and after one new run
  --compare-resvg    for (a), also build cold with the stable resvg-js (SITE_RESVG=stable) first,
                     and print the default rasteriser's time as a ratio of it
  --json FILE        also write the results as JSON
  --figure-cache DIR for (b): a render cache already warm from a build of the committed study
                     (it is copied, not changed); (b) then skips its own cold first build`);
  process.exit(0);
}

const REPO = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'bench-site-'));

interface Build {
  name: string;
  runs: number;
  seconds: number;
  /** User + system CPU seconds of the build and its children. */
  cpuSeconds: number | null;
  rendered: number;
  cached: number;
}

/**
 * One `astro build` on a data root, with its render cache folder; the seconds and the render
 * counts it reports. The builds of one site share their output and Astro cache folders, as a
 * researcher's rebuilds do (each replaces the previous site: astro.config.mjs atomicOutput).
 */
function build(
  name: string,
  site: 'synthetic' | 'full',
  data: string,
  figureCache: string,
  runs: number,
  extraEnv: Record<string, string> = {},
): Promise<Build> {
  const out = join(work, `dist-${site}`);
  const started = performance.now();
  return new Promise((done, fail) => {
    // bash's `time` adds the CPU seconds the build used: on a loaded machine the wall clock mostly measures the others.
    const command = `TIMEFORMAT='cpu-seconds %U %S'; time "$0" "$1" build`;
    const child = spawn('bash', ['-c', command, process.execPath, join(REPO, 'node_modules', 'astro', 'astro.js')], {
      cwd: REPO,
      env: {
        ...process.env,
        ASTRO_TELEMETRY_DISABLED: '1',
        SITE_SCALE: 'full',
        SITE_DATA_DIR: data,
        SITE_OUT_DIR: out,
        SITE_CACHE_DIR: join(work, `astro-${site}`),
        SITE_FIGURE_CACHE: figureCache,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return fail(new Error(`astro build (${name}) exited ${code}:\n${log.slice(-3000)}`));
      const m = /figures: (\d+) rendered, (\d+) from the cache/.exec(log);
      if (!m) return fail(new Error(`astro build (${name}) did not report its figure renders:\n${log.slice(-2000)}`));
      const cpu = /cpu-seconds ([\d.]+) ([\d.]+)/.exec(log);
      const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : null;
      const result = { name, runs, seconds, cpuSeconds, rendered: Number(m[1]), cached: Number(m[2]) };
      console.log(
        `${name}: ${runs} runs, ${seconds.toFixed(1)} s (${cpuSeconds?.toFixed(1) ?? '?'} s of CPU), figures ${result.rendered} rendered, ${result.cached} from the cache`,
      );
      done(result);
    });
  });
}

type Json = Record<string, unknown> & { runs: string[]; rows: Array<Record<string, unknown>> };

/**
 * A copied row as a new run's: its training loss, surviving γ and lifetime sparseness moved by 1 %
 * (`NEW_RUN_SHIFT`), so that the new run's figures differ from its source's and are drawn, as a
 * real new run's are, instead of being found in the render cache. Dead filters stay dead (γ at or
 * below the dead threshold is left as it is) and sparseness stays in [0, 1].
 */
const NEW_RUN_SHIFT = 1.01;
function asNewRunRow(row: Record<string, unknown>, gammaThreshold: number): Record<string, unknown> {
  const out = { ...row };
  const scale = (field: string, factor: number) => {
    if (typeof out[field] === 'number') out[field] = (out[field] as number) * factor;
  };
  for (const field of ['loss', 'regLoss', 'trainLoss']) scale(field, NEW_RUN_SHIFT);
  if (typeof out.gamma === 'number' && Math.abs(out.gamma) > gammaThreshold) scale('gamma', NEW_RUN_SHIFT);
  for (const field of ['lifetimeSparseness', 'lifetimeSparsenessEarly', 'lifetimeMedian', 'lifetimeQ10', 'lifetimeQ25', 'lifetimeQ75', 'lifetimeQ90'])
    scale(field, 1 / NEW_RUN_SHIFT);
  return out;
}

/** The committed full study with one more run: a copy of a complete run of the strength study under a new id and the next seed, its numbers moved as asNewRunRow says. */
function withOneMoreRun(root: string): string {
  const folder = join(root, 'full', 'datasets');
  const read = (n: string) => JSON.parse(readFileSync(join(folder, `${n}.json`), 'utf8')) as Json;
  const runs = read('runs');
  const studies = read('studies');
  const strength = studies.rows.find((s) => s.study === 'strength') as { members: Array<{ run: string; seed: number; factors: object }> };
  const source = runs.rows.find((r) => r.status === 'complete' && strength.members.some((m) => m.run === r.run))!;
  const gammaThreshold = (runs.thresholds as { gamma: number }).gamma;
  const id = 'beefbeefbeef0001';
  const seed = Math.max(...strength.members.map((m) => m.seed)) + 1;
  for (const name of DATASET_NAMES) {
    const d = read(name);
    if (name === 'runs') d.rows.push({ ...source, run: id, seed });
    else if (name === 'studies') {
      for (const s of d.rows as Array<{ members: Array<{ run: string; seed: number; factors: object }> }>) {
        const m = s.members.find((x) => x.run === source.run);
        if (m) s.members.push({ ...m, run: id, seed });
      }
    } else d.rows.push(...d.rows.filter((r) => r.run === source.run).map((r) => ({ ...asNewRunRow(r, gammaThreshold), run: id })));
    if (d.runs.includes(source.run as string)) d.runs.push(id);
    writeFileSync(join(folder, `${name}.json`), JSON.stringify(d));
  }
  return id;
}

console.log(
  `bench:site on ${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (wall-clock: other work on the machine counts)`,
);
const results: Build[] = [];
try {
  if (!values['skip-synthetic']) {
    const wanted = Number(values.runs);
    // The generator's size grows with the seeds per configuration: take the fewest that reach `wanted`.
    let seeds = 1;
    while (syntheticDatasets({ size: 'full', scale: 'full', seeds }).runs.rows.length < wanted) seeds = Math.max(seeds + 1, Math.floor(seeds * 1.5));
    while (seeds > 1 && syntheticDatasets({ size: 'full', scale: 'full', seeds: seeds - 1 }).runs.rows.length >= wanted) seeds--;
    const data = join(work, 'synthetic');
    const d = writeSyntheticDatasets(data, { size: 'full', scale: 'full', seeds });
    const stable = values['compare-resvg']
      ? await build('synthetic-cold-stable-resvg', 'synthetic', data, join(work, 'figures-synthetic-stable'), d.runs.rows.length, { SITE_RESVG: 'stable' })
      : null;
    if (stable) results.push(stable);
    const cold = await build('synthetic-cold', 'synthetic', data, join(work, 'figures-synthetic'), d.runs.rows.length);
    results.push(cold);
    if (stable) {
      const cpu = stable.cpuSeconds && cold.cpuSeconds ? `, ${(stable.cpuSeconds / cold.cpuSeconds).toFixed(2)}x in CPU` : '';
      console.log(`the default rasteriser against the stable resvg-js, cold: ${(stable.seconds / cold.seconds).toFixed(2)}x faster in wall time${cpu}`);
    }
    // The same build again with every figure in the render cache: what the pages cost without drawing.
    results.push(await build('synthetic-unchanged', 'synthetic', data, join(work, 'figures-synthetic'), d.runs.rows.length));
  }
  if (!values['skip-rebuild']) {
    const data = join(work, 'full-data');
    mkdirSync(join(data, 'full'), { recursive: true });
    cpSync(join(REPO, 'data', 'full', 'datasets'), join(data, 'full', 'datasets'), { recursive: true });
    cpSync(join(REPO, 'data', 'full', 'verdicts'), join(data, 'full', 'verdicts'), { recursive: true });
    const cache = join(work, 'figures-full');
    const count = () => (JSON.parse(readFileSync(join(data, 'full', 'datasets', 'runs.json'), 'utf8')) as Json).rows.length;
    if (values['figure-cache']) cpSync(resolve(values['figure-cache']), cache, { recursive: true });
    else results.push(await build('full-cold', 'full', data, cache, count()));
    results.push(await build('full-unchanged', 'full', data, cache, count()));
    withOneMoreRun(data);
    results.push(await build('full-one-more-run', 'full', data, cache, count()));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (values.json) writeFileSync(values.json, `${JSON.stringify({ loadAverage: loadavg(), results }, null, 2)}\n`);
