// The datasets committed in data/<scale>/datasets are what a reviewer checks the site against:
// they must match their schemas and be byte-identical to what the committed run records rebuild.
// In a git checkout only the tracked records count, so records a running sweep has just written
// (and not yet aggregated) do not make this test fail; on a fresh clone every record is tracked.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STUDIES } from '../../experiments/studies/index.js';
import { SCALES, datasetSchemas } from '../../data/schemas/datasets.js';
import { checkDatasets, loadRecords } from '../../pipeline/aggregate.js';
import { staleJsonSchemas } from '../../pipeline/schemas.js';
import { recordFiles } from '../../pipeline/records.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA = join(REPO, 'data');

/** Tracked files under data/ (null outside a git checkout: then every file counts). */
function trackedFiles(): Set<string> | null {
  try {
    const out = execFileSync('git', ['ls-files', '-z', 'data'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return new Set(
      out
        .split('\0')
        .filter(Boolean)
        .map((f) => join(REPO, f)),
    );
  } catch {
    return null;
  }
}

const tracked = trackedFiles();

/** A shallow clone lacks older commits: then only the form of the version is checked. */
const shallow = (() => {
  try {
    return (
      execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'true'
    );
  } catch {
    return true;
  }
})();

function commitExists(commit: string): boolean {
  try {
    execFileSync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: REPO, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const isCommitted = (file: string) => tracked === null || tracked.has(file);
const committedScales = SCALES.filter(
  (scale) => isCommitted(join(DATA, scale, 'datasets', 'runs.json')) && existsSync(join(DATA, scale, 'datasets', 'runs.json')),
);

describe('the committed datasets', () => {
  it('include at least one scale', () => {
    expect(committedScales.length).toBeGreaterThan(0);
  });

  it('have current JSON Schema files', () => {
    expect(staleJsonSchemas(join(DATA, 'schemas'))).toEqual([]);
  });

  describe.each(committedScales)('of the %s scale', (scale) => {
    it('match their schemas and rebuild byte-identically from the committed run records', () => {
      const report = checkDatasets(DATA, scale, STUDIES, isCommitted);
      expect(report.invalid).toEqual([]);
      expect(report.problems).toEqual([]);
      expect(report.records).toBeGreaterThan(0);
    }, 120_000);

    it('list exactly the committed records as their runs', () => {
      const committed = recordFiles(DATA, scale)
        .filter(isCommitted)
        .map((f) => basename(f, '.json'));
      const runs = datasetSchemas.runs.parse(JSON.parse(readFileSync(join(DATA, scale, 'datasets', 'runs.json'), 'utf8')));
      expect(runs.runs).toEqual(committed);
      expect(runs.rows.map((r) => r.run)).toEqual(committed);
    });

    it('come from commits of this repository (an uncommitted change named by its digest) and record their timing', () => {
      const { records } = loadRecords(DATA, scale, isCommitted);
      for (const r of records) {
        // A commit, or a commit with "-dirty-" and the digest of the uncommitted diff (experiments/run.ts); never "unknown".
        const version = /^([0-9a-f]{40})(?:-dirty-[0-9a-f]{12})?$/.exec(r.provenance.codeVersion);
        expect(version, `${r.id}: ${r.provenance.codeVersion}`).not.toBeNull();
        if (tracked !== null && !shallow) expect(commitExists(version![1]), `${r.id}: commit ${version![1]}`).toBe(true);
        const p = r.provenance;
        // Training and measuring happen within the run's wall time; the speed is the images
        // trained over the training time (both rounded to 6 significant digits in the record).
        expect(p.trainSeconds + p.measureSeconds, r.id).toBeLessThanOrEqual(p.wallSeconds);
        if (r.status === 'complete') {
          const images = r.config.training.iterations * r.config.training.batchSize;
          expect(Math.abs(p.imagesPerSecond - images / p.trainSeconds) / p.imagesPerSecond, r.id).toBeLessThan(2e-5);
        }
      }
    }, 120_000);
  });
});
