// Study v3 on the committed datasets: every rule's deciding studies are planned, its status counts
// the planned configurations, its outcome is the one analysis/verdicts.ts computes, and a rule
// whose studies still have runs pending decides nothing.
import { describe, expect, it } from 'vitest';
import { V3_STUDIES } from '../../../analysis/versions/v3.js';
import { STUDIES } from '../../../experiments/studies/index.js';
import { planStudies } from '../../../pipeline/plan.js';
import { readCrosscheck, studyV3Status } from '../../../site/lib/verdicts/study-v3.js';
import { readRunRecord } from '../../../experiments/record-file.js';
import { join } from 'node:path';
import { hasFull, readFull, REPO, verdictInput } from '../committed.js';
import { allVerdicts, type V3Hypothesis } from '../../../analysis/verdicts.js';

describe.skipIf(!hasFull)('study v3 on the committed data', () => {
  it('counts each rule’s planned configurations and shows each rule’s outcome as analysis/ computes it, deciding nothing while runs are pending', () => {
    const d = readFull();
    const plan = planStudies(STUDIES, 'full', { cifar: false });
    const input = { ...verdictInput(d), mechanism: d.mechanism.rows };
    const all = allVerdicts(input);
    const v3 = studyV3Status(input, all)!;
    expect(v3.rules.map((s) => s.hypothesis)).toEqual(Object.keys(V3_STUDIES).map(Number));
    const every = new Set(plan.runs.filter((r) => r.studies.some((x) => Object.values(V3_STUDIES).flat().includes(x))).map((r) => r.hash));
    expect(v3.configurations).toBe(every.size);
    for (const s of v3.rules) {
      const planned = new Set(plan.runs.filter((r) => r.studies.some((x) => s.studies.includes(x))).map((r) => r.hash));
      expect(s.configurations, `H${s.hypothesis}`).toBe(planned.size);
      expect(s.recorded + s.pending, `H${s.hypothesis}`).toBe(planned.size);
      expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
      const h = s.hypothesis as V3Hypothesis;
      const result = h === 6 ? all.v3!.results[6].lifetimeSparseness : all.v3!.results[h];
      expect(s.verdict.outcome, `H${h}`).toBe(result.outcome);
      expect(s.verdict.reported?.[0].outcome, `H${h}`).toBe(result.byCriterion.activation.outcome);
      expect(s.verdict.version).toBe(3);
      // While its studies have runs pending, a v3 rule decides nothing.
      expect(s.decides, `H${h}`).toBe(s.pending === 0);
    }
    if (v3.rules.some((s) => s.pending > 0)) expect(v3.remaining).toBeGreaterThan(0);
  }, 300_000);

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
