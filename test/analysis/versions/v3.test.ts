// Study v3 on the committed datasets: every rule's deciding studies are planned, its status counts
// the planned configurations, and no outcome is claimed for a rule before any of its runs exist.
import { describe, expect, it } from 'vitest';
import { V3_STUDIES } from '../../../analysis/versions/v3.js';
import { STUDIES } from '../../../experiments/studies/index.js';
import { planStudies } from '../../../pipeline/plan.js';
import { readCrosscheck, studyV3Status } from '../../../site/lib/verdicts/study-v3.js';
import { readRunRecord } from '../../../experiments/record-file.js';
import { join } from 'node:path';
import { hasFull, readFull, REPO } from '../committed.js';

describe.skipIf(!hasFull)('study v3 on the committed data', () => {
  it('counts each rule’s planned configurations and claims an outcome only from recorded runs', () => {
    const d = readFull();
    const plan = planStudies(STUDIES, 'full', { cifar: false });
    const status = studyV3Status({
      runs: d.runs.rows,
      studies: d.studies.rows,
      filters: d.filters.rows,
      mechanism: d.mechanism.rows,
      emergence: d.emergence.rows,
    });
    expect(status.map((s) => s.hypothesis)).toEqual(Object.keys(V3_STUDIES).map(Number));
    for (const s of status) {
      const planned = new Set(plan.runs.filter((r) => r.studies.some((x) => s.studies.includes(x))).map((r) => r.hash));
      expect(s.configurations, `H${s.hypothesis}`).toBe(planned.size);
      expect(s.recorded + s.pending, `H${s.hypothesis}`).toBe(planned.size);
      expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
      if (s.recorded === 0) expect(s.outcomes).toBeNull();
      else expect(['supported', 'contradicted', 'inconclusive']).toContain(s.outcomes!.gamma);
    }
  }, 120_000);

  it('the engine side of the PyTorch comparison is what the engine’s emergence-long records say', () => {
    const c = readCrosscheck(join(REPO, 'data'), 'full');
    if (c === null) return;
    const d = readFull();
    const long = d.studies.rows.find((s) => s.study === 'emergence-long')!;
    expect(c.rows.length).toBe(c.seeds.length * (c.steps / c.every));
    for (const row of c.rows) {
      const member = long.members.find((m) => m.seed === row.seed)!;
      const record = readRunRecord(join(REPO, 'data', 'full', 'runs', `${member.run}.json`));
      const at = record.checkpoints.find((k) => k.iteration === row.iteration)!;
      expect(row.engine).toEqual(at.layers.map((l) => l.deadByGamma.length));
      expect(row.torch).toHaveLength(row.engine.length);
    }
  }, 120_000);
});
