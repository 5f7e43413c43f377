// `status` says when the records of one study come from different engine code (provenance.engineCode).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../experiments/record-file.js';
import type { Study } from '../../experiments/studies/study.js';
import { planStudies } from '../../pipeline/plan.js';
import { recordPath, runsDir } from '../../pipeline/records.js';
import { engineVersions, statusReport, UNRECORDED_ENGINE } from '../../pipeline/status.js';
import { syntheticRecord, tinyInput } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'ifs-status-engines-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const inputs = [0, 1, 2].map((seed) => tinyInput({ training: { seed, iterations: 10 } }));
const mixed: Study = { name: 'mixed', title: 'mixed', question: '', hypotheses: [], factors: [], configs: () => inputs.slice(0, 3) };
const same: Study = { name: 'same', title: 'same', question: '', hypotheses: [], factors: [], configs: () => inputs.slice(0, 1) };

describe('engine versions in status', () => {
  it('counts records per engine digest, older records apart', () => {
    const records = ['aaaa', 'aaaa', undefined, 'bbbb'].map((engineCode) => {
      const r = syntheticRecord(tinyInput(), { final: [{ gamma: [1], peak: [1], selectivity: [1] }] });
      return { provenance: { ...r.provenance, ...(engineCode ? { engineCode } : {}) } };
    });
    expect([...engineVersions(records)]).toEqual([
      ['aaaa', 2],
      [UNRECORDED_ENGINE, 1],
      ['bbbb', 1],
    ]);
  });

  it('names a study whose records come from more than one engine version, and not one whose records agree', () => {
    mkdirSync(runsDir(root, 'quick'), { recursive: true });
    const engines = ['e1', 'e2', undefined];
    inputs.forEach((input, i) => {
      const r = syntheticRecord(input, { final: [{ gamma: [1], peak: [1], selectivity: [1] }] });
      const engineCode = engines[i];
      writeJsonAtomic(recordPath(root, 'quick', r.id), { ...r, provenance: { ...r.provenance, ...(engineCode ? { engineCode } : {}) } });
    });
    const report = statusReport(root, planStudies([mixed, same], 'quick', { cifar: false }), 1);
    expect(report.engines.mixed).toEqual({ e1: 1, e2: 1, [UNRECORDED_ENGINE]: 1 });
    expect(report.engines.same).toEqual({ e1: 1 });
    expect(report.text).toContain('studies whose records come from more than one engine version');
    expect(report.text).toMatch(/ {2}mixed: 1 from engine e1, 1 from engine e2, 1 from before the digest was stored \(1 code version\(s\)\)/);
    expect(report.text).not.toMatch(/ {2}same: /);
  });
});
