// The pipeline end to end, with the fake engine (test/pipeline/fake-engine.ts) and the tiny
// studies (test/pipeline/tiny-studies.ts): cache, failures, corrupt records, kill -9, two
// pipelines at once, status.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATASET_NAMES } from '../../data/schemas/datasets.js';
import { loadRecords } from '../../pipeline/aggregate.js';
import { ASSUMED_IMAGES_PER_SECOND } from '../../pipeline/estimate.js';
import { isAlive } from '../../pipeline/lock.js';
import { planStudies } from '../../pipeline/plan.js';
import { recordPath } from '../../pipeline/records.js';
import { statusReport } from '../../pipeline/status.js';
import { engineCode } from '../../experiments/provenance.js';
import { STUDIES as TINY } from './tiny-studies.js';
import { FAKE_ENGINE, runPipeline, startPipeline, TINY_STUDIES, trainings, waitFor, writeHalfwaySnapshot } from './harness.js';

/** alpha: adam/sgd x seeds 0,1; beta: adam l2 (shared with alpha) and adam none. */
const DISTINCT_RUNS = 5;

// Each test runs the pipeline (a zx process with engine processes) up to four times: under a minute
// on an idle 2-core machine, several times that while a sweep shares it. A limit, not a measurement.
describe('pipeline with the fake engine', { timeout: 300_000 }, () => {
  let root: string;
  let log: string;
  let args: string[];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ifs-pipe-'));
    log = join(root, 'trainings.log');
    args = ['--studies', TINY_STUDIES, '--results', root, '--engine', FAKE_ENGINE, '--workers', '2', '--progress', 'lines', '--poll-ms', '100'];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const runsDir = () => join(root, 'quick', 'runs');
  const recordNames = () =>
    existsSync(runsDir())
      ? readdirSync(runsDir())
          .filter((f) => /^[0-9a-f]{16}\.json$/.test(f))
          .sort()
      : [];
  const datasets = () => Object.fromEntries(DATASET_NAMES.map((n) => [n, readFileSync(join(root, 'quick', 'datasets', `${n}.json`), 'utf8')]));

  it('fails on a bad study field before anything trains, naming study and field', async () => {
    const r = await runPipeline(args, { TINY_STUDIES_BAD: '1', FAKE_ENGINE_LOG: log });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing was trained/);
    expect(r.stderr).toMatch(/study 'broken' \(scale quick\), configuration #0:\n\s+training\.batchSize: /);
    expect(trainings(log)).toEqual([]);
    expect(existsSync(runsDir())).toBe(false);
    // --study selects, but every study is still validated first.
    const only = await runPipeline([...args, '--study', 'alpha'], { TINY_STUDIES_BAD: '1', FAKE_ENGINE_LOG: log });
    expect(only.code).toBe(1);
    expect(trainings(log)).toEqual([]);
  });

  it('trains each distinct run once, then nothing, with byte-identical datasets', async () => {
    const first = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(first.code, first.stderr).toBe(0);
    expect(trainings(log)).toHaveLength(DISTINCT_RUNS);
    expect(new Set(trainings(log)).size).toBe(DISTINCT_RUNS);
    expect(first.stderr).toMatch(/5 trained \(5 complete, 0 diverged, 0 failed\), 0 already done/);
    expect(loadRecords(root, 'quick')).toMatchObject({ invalid: [] });
    expect(recordNames()).toHaveLength(DISTINCT_RUNS);
    expect(readdirSync(join(root, 'quick', 'locks'))).toEqual([]);
    const before = datasets();
    const studies = JSON.parse(before.studies) as { rows: Array<{ study: string; members: unknown[]; pending: string[] }> };
    expect(studies.rows.map((s) => [s.study, s.members.length, s.pending.length])).toEqual([
      ['alpha', 4, 0],
      ['beta', 2, 0],
    ]);

    const second = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/0 trained .*, 5 already done/);
    expect(second.stderr).toMatch(/no change/);
    expect(trainings(log)).toHaveLength(DISTINCT_RUNS);
    expect(datasets()).toEqual(before);

    // The other scale is separate: its own runs, its own datasets.
    const full = await runPipeline([...args, '--scale', 'full'], { FAKE_ENGINE_LOG: log });
    expect(full.code, full.stderr).toBe(0);
    expect(trainings(log)).toHaveLength(2 * DISTINCT_RUNS);
    expect(readdirSync(join(root, 'full', 'runs')).filter((f) => f.endsWith('.json'))).toHaveLength(DISTINCT_RUNS);
    expect(datasets()).toEqual(before);
    expect(JSON.parse(readFileSync(join(root, 'full', 'datasets', 'runs.json'), 'utf8'))).toMatchObject({ scale: 'full' });
  });

  it('records failed and diverged runs with their reason, goes on, and retries failures only when asked', async () => {
    const env = { TINY_STUDIES_TROUBLE: '1', FAKE_ENGINE_LOG: log };
    const r = await runPipeline(args, env);
    expect(r.code).toBe(1);
    // 5 + trouble: failed (seed 666), diverged (lr 1000), crash without record (seed 667), fine (seed 5).
    expect(trainings(log)).toHaveLength(DISTINCT_RUNS + 4);
    expect(r.stderr).toMatch(/failed [0-9a-f]{16} trouble: 666\/0\.001 seed 666 .*fake failure \(seed 666\)/);
    expect(r.stderr).toMatch(/diverged [0-9a-f]{16} trouble: 0\/1000 seed 0 .*became NaN/);
    expect(r.stderr).toMatch(/no record: [0-9a-f]{16} trouble: 667\/0\.001 seed 667: the engine exited with 1 and wrote no record: .*crashed on purpose/);
    expect(recordNames()).toHaveLength(DISTINCT_RUNS + 3);
    const runs = JSON.parse(readFileSync(join(root, 'quick', 'datasets', 'runs.json'), 'utf8')) as {
      rows: Array<{ status: string; failureReason: string | null }>;
    };
    expect(runs.rows.filter((x) => x.status === 'failed').map((x) => x.failureReason)).toEqual(['fake failure (seed 666)']);
    expect(runs.rows.filter((x) => x.status === 'diverged')).toHaveLength(1);

    const status = await runPipeline(['status', '--studies', TINY_STUDIES, '--results', root, '--workers', '2'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/trouble\s+4\s+1\s+1\s+1\s+0\s+1/);
    expect(status.stdout).toMatch(/failed runs \(kept; retrain them with --retry-failed\):\n\s+[0-9a-f]{16} trouble: 666\/0\.001 seed 666: fake failure/);

    // Next call: only the run without a record trains; the failure is kept. (Two workers start
    // runs in either order, so runs are named by hash, not by their place in the log.)
    const crashed = /no record: ([0-9a-f]{16}) trouble: 667/.exec(r.stderr)![1];
    const failed = /failed ([0-9a-f]{16}) trouble: 666/.exec(r.stderr)![1];
    await runPipeline(args, env);
    expect(trainings(log)).toHaveLength(DISTINCT_RUNS + 5);
    expect(trainings(log).at(-1)).toBe(crashed);
    // With --retry-failed the failed run trains again too.
    await runPipeline([...args, '--retry-failed'], env);
    const retried = trainings(log).slice(DISTINCT_RUNS + 5);
    expect(retried.sort()).toEqual([crashed, failed].sort());
  });

  it('reports a corrupt record and redoes it', async () => {
    await runPipeline(args, { FAKE_ENGINE_LOG: log });
    const [victim] = recordNames();
    writeFileSync(join(runsDir(), victim), '{"schemaVersion": 1, "kind": "run-rec');
    const r = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`corrupt record, will be redone: run record .*${victim} is not readable JSON`));
    expect(trainings(log).slice(DISTINCT_RUNS)).toEqual([victim.replace('.json', '')]);
    expect(loadRecords(root, 'quick')).toMatchObject({ invalid: [] });
  });

  it('finishes after kill -9 of the whole sweep, with every record valid and nothing completed trained twice', async () => {
    const env = { FAKE_ENGINE_LOG: log, FAKE_ENGINE_MS_PER_ITERATION: '150' };
    const p = startPipeline(args, env);
    await waitFor(() => recordNames().length >= 1, 20_000, 'a first record');
    process.kill(-p.pid!, 'SIGKILL'); // the pipeline and its engines
    const killed = await p.finished;
    expect(killed.signal).toBe('SIGKILL');
    const done = recordNames().map((f) => f.replace('.json', ''));
    expect(done.length).toBeLessThan(DISTINCT_RUNS);
    expect(loadRecords(root, 'quick').invalid).toEqual([]);
    const before = trainings(log).length;

    const r = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    expect(loadRecords(root, 'quick')).toMatchObject({ invalid: [] });
    expect(recordNames()).toHaveLength(DISTINCT_RUNS);
    const after = trainings(log).slice(before);
    expect(after.filter((h) => done.includes(h))).toEqual([]);
    expect(after).toHaveLength(DISTINCT_RUNS - done.length);
  });

  it('after kill -9 of the pipeline alone, trains only the runs its engines did not finish', async () => {
    // The orphaned engines either finish their record or die at their next progress line (the
    // pipe to the dead pipeline is gone); while one runs, its pid in the lock keeps the run held.
    const env = { FAKE_ENGINE_LOG: log, FAKE_ENGINE_MS_PER_ITERATION: '150' };
    const p = startPipeline(args, env);
    await waitFor(() => trainings(log).length >= 2, 20_000, 'two engines');
    await new Promise((r) => setTimeout(r, 200));
    process.kill(p.pid!, 'SIGKILL');
    await p.finished;

    const restart = startPipeline(args, env);
    // Runs with a record when the restart looks at them are never trained again.
    const withRecord = new Set(recordNames());
    const before = trainings(log).length;
    const r = await restart.finished;
    expect(r.code, r.stderr).toBe(0);
    expect(loadRecords(root, 'quick')).toMatchObject({ invalid: [] });
    expect(recordNames()).toHaveLength(DISTINCT_RUNS);
    const again = trainings(log)
      .slice(before)
      .filter((h) => withRecord.has(`${h}.json`));
    expect(again).toEqual([]);
    expect(readdirSync(join(root, 'quick', 'locks'))).toEqual([]);
  });

  it('clears the lock an orphaned engine left on a run that has its record, once that engine has exited', async () => {
    await runPipeline(args, { FAKE_ENGINE_LOG: log });
    const [name] = recordNames();
    // What an engine orphaned by kill -9 of its pipeline leaves: its record, and the pipeline's lock naming it, both processes gone.
    const gone = spawnSync('true').pid!;
    expect(isAlive(gone)).toBe(false);
    const lock = join(root, 'quick', 'locks', name.replace('.json', '.lock'));
    writeFileSync(
      lock,
      JSON.stringify({
        pid: gone,
        host: hostname(),
        bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
        child: gone,
        startedAt: new Date().toISOString(),
      }),
    );
    const before = trainings(log).length;
    const r = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    expect(trainings(log)).toHaveLength(before);
    expect(readdirSync(join(root, 'quick', 'locks'))).toEqual([]);
  });

  it('stops on SIGTERM: engines stopped, locks released, and the stopped runs trained next time', async () => {
    const pids = join(root, 'engine-pids');
    const env = { FAKE_ENGINE_LOG: log, FAKE_ENGINE_PIDS: pids, FAKE_ENGINE_MS_PER_ITERATION: '300' };
    const p = startPipeline(args, env);
    await waitFor(() => trainings(log).length >= 2, 20_000, 'two engines');
    process.kill(p.pid!, 'SIGTERM');
    const stopped = await p.finished;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/SIGTERM: stopping the running engines/);
    expect(readdirSync(join(root, 'quick', 'locks'))).toEqual([]);
    // Every engine it started has exited by the time the pipeline has (none survives to write
    // a record later), and none wrote a record.
    const started = readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number);
    expect(started.length).toBeGreaterThanOrEqual(2);
    expect(started.filter(isAlive)).toEqual([]);
    expect(recordNames()).toEqual([]);
    const r = await runPipeline(args, { FAKE_ENGINE_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    expect(recordNames()).toHaveLength(DISTINCT_RUNS);
  });

  it('lets two pipelines share a sweep without training any run twice', async () => {
    const env = { FAKE_ENGINE_LOG: log, FAKE_ENGINE_MS_PER_ITERATION: '60' };
    const [a, b] = await Promise.all([runPipeline(args, env), runPipeline(args, env)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const all = trainings(log);
    expect(all.sort()).toEqual(recordNames().map((f) => f.replace('.json', '')));
    expect(all).toHaveLength(DISTINCT_RUNS);
    expect(`${a.stderr}${b.stderr}`).toMatch(/finished by another process|being trained by/);
    expect(loadRecords(root, 'quick')).toMatchObject({ invalid: [] });
  });

  it('shows per-study status and the compute estimate', async () => {
    const s = await runPipeline(['status', '--studies', TINY_STUDIES, '--results', root, '--workers', '2']);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/scale quick: 5 distinct runs in 2 studies/);
    expect(s.stdout).toMatch(/alpha\s+4\s+0\s+0\s+0\s+0\s+4/);
    expect(s.stdout).toMatch(new RegExp(`speed: ${ASSUMED_IMAGES_PER_SECOND} reference img/s per worker .* assumed`));
    expect(s.stdout).toMatch(/compute of the whole scale: .* on 2 worker\(s\)/);
    await runPipeline([...args, '--study', 'beta'], { FAKE_ENGINE_LOG: log });
    expect(trainings(log)).toHaveLength(2);
    const after = await runPipeline(['status', '--studies', TINY_STUDIES, '--results', root]);
    expect(after.stdout).toMatch(/beta\s+2\s+2\s+0\s+0\s+0\s+0/);
    expect(after.stdout).toMatch(/alpha\s+4\s+1\s+0\s+0\s+0\s+3/);

    // A pending run killed halfway left a snapshot: status lists it and counts only the rest as remaining.
    const plan = planStudies(TINY, 'quick', { cifar: false });
    const before = statusReport(root, plan, 1);
    const pending = plan.runs.find((r) => !existsSync(recordPath(root, 'quick', r.hash)))!;
    const half = pending.config.training.iterations / 2;
    const snapshotBy = (engine: string) => writeHalfwaySnapshot(root, pending.hash, half, engine);
    snapshotBy(engineCode());
    const withSnapshot = statusReport(root, plan, 1);
    expect(withSnapshot.text).toContain(
      `runs with a snapshot (they continue from it, not from iteration 0):\n  ${pending.hash} ${pending.label}: iteration ${half} of ${half * 2}`,
    );
    expect(withSnapshot.totalSeconds).toBeCloseTo(before.totalSeconds, 6);
    expect(before.remainingSeconds - withSnapshot.remainingSeconds).toBeGreaterThan(0);
    expect(withSnapshot.counts).toEqual(before.counts);

    // Written by other engine code, the same snapshot is not continued from: the whole run remains.
    snapshotBy('0123456789abcdef');
    const foreign = statusReport(root, plan, 1);
    expect(foreign.text).toContain(`these runs start again from iteration 0):\n  ${pending.hash} ${pending.label}: iteration ${half} of ${half * 2}`);
    expect(foreign.text).not.toContain('runs with a snapshot (they continue');
    expect(foreign.remainingSeconds).toBeCloseTo(before.remainingSeconds, 6);
  });
});
