// Finding and validating the datasets: scale choice, overrides, clear errors, no data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatasetError, describeFolder, locateData } from '../../../../site/lib/model/data.js';
import { writeSyntheticDatasets } from '../../../../pipeline/synthetic-study.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'site-data-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('naming the data folder on the site', () => {
  it('is relative to the repository, and never an absolute path of the build machine', () => {
    expect(describeFolder('/work/repo/data/full/datasets', '/work/repo/data', '/work/repo')).toEqual({ path: 'data/full/datasets', inRepository: true });
    expect(describeFolder('/work/repo/.cache/synthetic-data/quick/datasets', '/work/repo/.cache/synthetic-data', '/work/repo')).toEqual({
      path: '.cache/synthetic-data/quick/datasets',
      inRepository: true,
    });
    expect(describeFolder('/work/repo', '/work/repo', '/work/repo')).toEqual({ path: '.', inRepository: true });
    // Outside the repository (a sibling whose name starts like it, too): named from the data root down.
    expect(describeFolder('/tmp/site-x/data/quick/datasets', '/tmp/site-x/data', '/work/repo')).toEqual({ path: 'data/quick/datasets', inRepository: false });
    expect(describeFolder('/work/repo-2/data/quick/datasets', '/work/repo-2/data', '/work/repo')).toEqual({ path: 'data/quick/datasets', inRepository: false });
    expect(describeFolder('/tmp/flat', '/tmp/flat', '/work/repo')).toEqual({ path: 'flat', inRepository: false });
  });
});

describe('locating the datasets', () => {
  it('prefers full when it has a complete run, else quick; SITE_SCALE forces one', () => {
    const root = tmp();
    writeSyntheticDatasets(root, { scale: 'quick' });
    expect(locateData({ SITE_DATA_DIR: root })).toMatchObject({ kind: 'loaded', data: { scale: 'quick' } });
    writeSyntheticDatasets(root, { scale: 'full' });
    const full = locateData({ SITE_DATA_DIR: root });
    expect(full).toMatchObject({ kind: 'loaded', data: { scale: 'full', folder: join(root, 'full', 'datasets') } });
    expect(locateData({ SITE_DATA_DIR: root, SITE_SCALE: 'quick' })).toMatchObject({ kind: 'loaded', data: { scale: 'quick' } });
  }, 60_000);

  it('skips a full scale without a complete run', () => {
    const root = tmp();
    writeSyntheticDatasets(root, { scale: 'quick' });
    const full = writeSyntheticDatasets(root, { scale: 'full' });
    const runs = { ...full.runs, rows: full.runs.rows.map((r) => ({ ...r, status: 'failed', failureReason: 'x' })) };
    writeFileSync(join(root, 'full', 'datasets', 'runs.json'), JSON.stringify(runs));
    expect(locateData({ SITE_DATA_DIR: root })).toMatchObject({ kind: 'loaded', data: { scale: 'quick' } });
  });

  it('accepts a folder that holds the dataset files directly', () => {
    const root = tmp();
    writeSyntheticDatasets(root, { scale: 'quick' });
    expect(locateData({ SITE_DATA_DIR: join(root, 'quick', 'datasets') })).toMatchObject({ kind: 'loaded', data: { scale: 'quick' } });
  });

  it('says how to produce the datasets when there are none', () => {
    const source = locateData({ SITE_DATA_DIR: tmp() });
    expect(source.kind).toBe('missing');
    if (source.kind === 'missing') expect(source.missing.reason).toContain('npm run pipeline -- --scale quick');
  });

  it('fails with the name of an invalid file and the field', () => {
    const root = tmp();
    const d = writeSyntheticDatasets(root, { scale: 'quick' });
    const file = join(root, 'quick', 'datasets', 'layers.json');
    writeFileSync(file, JSON.stringify({ ...d.layers, rows: [{ ...d.layers.rows[0], sparsityGamma: 1.5 }] }));
    expect(() => locateData({ SITE_DATA_DIR: root })).toThrow(DatasetError);
    expect(() => locateData({ SITE_DATA_DIR: root })).toThrow(
      new RegExp(`${file.replace(/[.]/g, '\\.')} does not match the "layers" schema[\\s\\S]*rows\\.0\\.sparsityGamma`),
    );
  });

  it('fails on unreadable JSON, a missing dataset, a scale mismatch and a bad SITE_SCALE', () => {
    const root = tmp();
    writeSyntheticDatasets(root, { scale: 'quick' });
    writeFileSync(join(root, 'quick', 'datasets', 'curves.json'), '{ not json');
    expect(() => locateData({ SITE_DATA_DIR: root })).toThrow(/curves\.json is not readable JSON/);
    rmSync(join(root, 'quick', 'datasets', 'curves.json'));
    expect(() => locateData({ SITE_DATA_DIR: root })).toThrow(/curves\.json are missing/);
    const other = tmp();
    const d = writeSyntheticDatasets(other, { scale: 'quick' });
    writeFileSync(join(other, 'quick', 'datasets', 'pruning.json'), JSON.stringify({ ...d.pruning, scale: 'full' }));
    expect(() => locateData({ SITE_DATA_DIR: other })).toThrow(/scales never mix/);
    expect(() => locateData({ SITE_DATA_DIR: other, SITE_SCALE: 'huge' })).toThrow(/SITE_SCALE="huge"/);
  });

  it('writes the same synthetic datasets for the same seed', () => {
    const a = tmp();
    const b = tmp();
    expect(JSON.stringify(writeSyntheticDatasets(a, { seed: 3 }))).toBe(JSON.stringify(writeSyntheticDatasets(b, { seed: 3 })));
  });
});
