// The datasets the site reads, built from the valid run records of one scale: one builder per
// dataset (runs, layers, emergence, filters, mechanism, pruning, curves, studies), their rows sorted
// and checked against their schemas, serialised deterministically (sorted keys and rows, no
// timestamps, derived numbers rounded to 12 significant digits). Pure: pipeline/aggregate.ts reads
// the records and writes the files.
import { canonicalJson } from '../experiments/config-hash.js';
import { quantile } from '../analysis/statistics.js';
import {
  DEFAULT_THRESHOLDS,
  DEFINITIONS_VERSION,
  deadCounts,
  diedAt,
  earlyCheckpointIndex,
  isDeadByActivation,
  isDeadByGamma,
  lastCheckpointBefore,
  sparsity,
  survivorReadPoint,
  type Thresholds,
} from '../data/definitions.js';
import type { Study, StudyContext } from '../experiments/studies/index.js';
import {
  DATASET_NAMES,
  DATASET_VERSION,
  datasetSchemas,
  type CurveRow,
  type DatasetName,
  type EmergenceRow,
  type FilterRow,
  type LayerRow,
  type MechanismRow,
  type PruningRow,
  type RunRow,
  type Scale,
  type StudyRow,
} from '../data/schemas/datasets.js';
import type { LayerMeasurement, RunRecord } from '../data/schemas/run-record.js';
import { planStudies, type Plan } from './plan.js';

/** Derived numbers are rounded so that summation order or platform cannot change a digit. */
export function stable(x: number): number {
  if (!Number.isFinite(x)) throw new Error(`cannot write ${x} to a dataset`);
  const r = Number(x.toPrecision(12));
  return r === 0 ? 0 : r; // no -0
}

/** The thresholds every record shares; records that disagree make the datasets meaningless. */
function sharedThresholds(records: readonly RunRecord[]): Thresholds {
  const groups = new Map<string, string[]>();
  for (const r of records) {
    const key = canonicalJson(r.config.thresholds);
    groups.set(key, [...(groups.get(key) ?? []), r.id]);
  }
  if (groups.size > 1) {
    const lines = [...groups].map(([t, ids]) => `  ${t}: ${ids.length} run(s), e.g. ${ids.slice(0, 3).join(', ')}`);
    throw new Error(
      `the run records of this scale use different dead-filter thresholds, so their counts cannot be compared:\n${lines.join('\n')}\n` +
        'move the records with the odd thresholds out of the runs folder (or to another scale) and aggregate again',
    );
  }
  const [only] = records;
  return only ? { gamma: only.config.thresholds.gamma, activation: only.config.thresholds.activation } : { ...DEFAULT_THRESHOLDS };
}

const byLayer = (layers: readonly LayerMeasurement[]) => new Map(layers.map((l) => [l.layer, l]));

/** Dead filters of a network, summed over its conv layers. */
function networkDeadCounts(layers: readonly LayerMeasurement[], t: Thresholds) {
  let gamma = 0;
  let activation = 0;
  for (const l of layers) {
    const d = deadCounts(l, t);
    gamma += d.gamma;
    activation += d.activation;
  }
  return { gamma, activation };
}

function runRows(records: readonly RunRecord[], plan: Plan, t: Thresholds): RunRow[] {
  const studiesOf = new Map(plan.runs.map((r) => [r.hash, [...r.studies].sort()]));
  return records.map((r) => {
    const filters = r.model.filters.reduce((a, b) => a + b, 0);
    const dead = r.final ? networkDeadCounts(r.final.layers, t) : null;
    const c = r.config;
    return {
      run: r.id,
      studies: studiesOf.get(r.id) ?? [],
      status: r.status,
      failureReason: r.failure?.reason ?? null,
      failureIteration: r.failure?.iteration ?? null,
      dataset: c.data.dataset,
      classes: r.dataset.classes,
      trainImages: r.dataset.trainImages,
      arch: c.model.arch,
      width: c.model.width,
      activation: c.model.activation,
      optimizer: c.optimizer.name,
      lr: c.optimizer.lr,
      batchSize: c.training.batchSize,
      regularization: c.regularization.kind,
      // With no regularization the configured strength is unused: report the strength applied.
      strength: c.regularization.kind === 'none' ? 0 : c.regularization.strength,
      iterations: c.training.iterations,
      seed: c.training.seed,
      checkpointEvery: c.measure.checkpointEvery,
      filters,
      deadByGamma: dead?.gamma ?? null,
      deadByActivation: dead?.activation ?? null,
      sparsityGamma: dead ? stable(sparsity(dead.gamma, filters)) : null,
      sparsityActivation: dead ? stable(sparsity(dead.activation, filters)) : null,
      trainAccuracy: r.final?.trainAccuracy ?? null,
      testAccuracy: r.final?.testAccuracy ?? null,
      trainLoss: r.final?.trainLoss ?? null,
      // The record's configuration as is (already validated against runConfigSchema); keys are
      // sorted when the dataset is written.
      config: structuredClone(c) as RunRow['config'],
      codeVersion: r.provenance.codeVersion,
      tfjsVersion: r.provenance.tfjsVersion,
      backend: r.provenance.backend,
      backendDetail: r.provenance.backendDetail,
      node: r.provenance.node,
      platform: r.provenance.platform,
      startedAt: r.provenance.startedAt,
      endedAt: r.provenance.endedAt,
      wallSeconds: r.provenance.wallSeconds,
      trainSeconds: r.provenance.trainSeconds,
      measureSeconds: r.provenance.measureSeconds,
      imagesPerSecond: r.provenance.imagesPerSecond,
      resumedFrom: (r.provenance.resumed ?? []).map((x) => x.iteration),
      ...(r.provenance.engineCode ? { engineCode: r.provenance.engineCode } : {}),
    };
  });
}

function layerRows(records: readonly RunRecord[], t: Thresholds): LayerRow[] {
  const rows: LayerRow[] = [];
  for (const r of records) {
    for (const l of r.final?.layers ?? []) {
      const dead = deadCounts(l, t);
      rows.push({
        run: r.id,
        layer: l.layer,
        filters: l.filters,
        deadByGamma: dead.gamma,
        deadByActivation: dead.activation,
        deadByBoth: dead.both,
        sparsityGamma: stable(sparsity(dead.gamma, l.filters)),
        sparsityActivation: stable(sparsity(dead.activation, l.filters)),
      });
    }
  }
  return rows;
}

function emergenceRows(records: readonly RunRecord[], t: Thresholds): EmergenceRow[] {
  const rows: EmergenceRow[] = [];
  for (const r of records) {
    for (const c of r.checkpoints) {
      for (const l of c.layers) {
        const s = [...l.selectivity].sort((a, b) => a - b);
        const dead = deadCounts(l, t);
        rows.push({
          run: r.id,
          iteration: c.iteration,
          layer: l.layer,
          filters: l.filters,
          deadByGamma: dead.gamma,
          deadByActivation: dead.activation,
          selectivityMean: stable(s.reduce((a, b) => a + b, 0) / s.length),
          selectivityQ10: stable(quantile(s, 0.1)),
          selectivityMedian: stable(quantile(s, 0.5)),
          selectivityQ90: stable(quantile(s, 0.9)),
          ...(l.lifetimeSparseness ? lifetimeSummary(l.lifetimeSparseness) : {}),
          trainLoss: c.trainLoss,
          trainAccuracy: c.trainAccuracy,
          testAccuracy: c.testAccuracy,
        });
      }
    }
  }
  return rows;
}

/**
 * The distribution of a layer's lifetime sparseness at a checkpoint, over the filters that
 * responded (the others have none): quartiles, deciles and how many were undefined.
 */
function lifetimeSummary(
  values: ReadonlyArray<number | null>,
): Pick<EmergenceRow, 'lifetimeQ10' | 'lifetimeQ25' | 'lifetimeMedian' | 'lifetimeQ75' | 'lifetimeQ90' | 'lifetimeUndefined'> {
  const s = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const q = (p: number) => (s.length ? stable(quantile(s, p)) : null);
  return {
    lifetimeQ10: q(0.1),
    lifetimeQ25: q(0.25),
    lifetimeMedian: q(0.5),
    lifetimeQ75: q(0.75),
    lifetimeQ90: q(0.9),
    lifetimeUndefined: values.length - s.length,
  };
}

/**
 * Per filter at the end, with when it died, its selectivity at the early checkpoint and shortly
 * before its death (see filterRow in datasets.ts).
 */
function filterRows(record: RunRecord, t: Thresholds): FilterRow[] {
  const final = record.final;
  if (!final) return [];
  const checkpoints = [...record.checkpoints].sort((a, b) => a.iteration - b.iteration);
  const layersAt = checkpoints.map((c) => byLayer(c.layers));
  const iterations = checkpoints.map((c) => c.iteration);
  const early = earlyCheckpointIndex(iterations, record.config.training.iterations);
  const earlyLayers = early < 0 ? null : layersAt[early];
  const rows: FilterRow[] = [];
  for (const l of final.layers) {
    for (let f = 0; f < l.filters; f++) {
      const deadA = isDeadByActivation(l.peak[f], t);
      const atEarly = earlyLayers?.get(l.layer);
      rows.push({
        run: record.id,
        layer: l.layer,
        filter: f,
        gamma: l.gamma[f],
        beta: l.beta[f],
        selectivity: l.selectivity[f],
        peak: l.peak[f],
        deadByGamma: isDeadByGamma(l.gamma[f], t),
        deadByActivation: deadA,
        diedAt: deadA
          ? diedAt(
              checkpoints.map((c, k) => ({ iteration: c.iteration, peak: layersAt[k].get(l.layer)?.peak[f] })),
              final.iteration,
              t,
            )
          : null,
        selectivityEarly: atEarly ? atEarly.selectivity[f] : null,
        selectivityEarlyAt: atEarly ? checkpoints[early].iteration : null,
        selectivityBefore: null,
        selectivityBeforeAt: null,
        // Only in records that measured it (study v2 on), so v1's datasets stay as they were.
        ...(l.lifetimeSparseness ? { lifetimeSparseness: l.lifetimeSparseness[f] } : {}),
        ...(atEarly?.lifetimeSparseness ? { lifetimeSparsenessEarly: atEarly.lifetimeSparseness[f] } : {}),
        ...(atEarly?.paperSelectivity ? { paperSelectivityEarly: atEarly.paperSelectivity[f] } : {}),
      });
    }
  }
  const deaths = rows.filter((r) => r.diedAt !== null).map((r) => r.diedAt as number);
  const survivorIndex = survivorReadPoint(iterations, deaths);
  for (const row of rows) {
    const k = row.diedAt === null ? survivorIndex : lastCheckpointBefore(iterations, row.diedAt);
    if (k < 0) continue;
    const l = layersAt[k].get(row.layer);
    if (!l) continue;
    row.selectivityBefore = l.selectivity[row.filter];
    row.selectivityBeforeAt = checkpoints[k].iteration;
  }
  return rows;
}

function mechanismDatasetRows(records: readonly RunRecord[], t: Thresholds): MechanismRow[] {
  const rows: MechanismRow[] = [];
  for (const r of records) {
    for (const c of r.checkpoints) {
      for (const l of c.layers) {
        const m = l.mechanism;
        if (!m) continue;
        for (let f = 0; f < l.filters; f++) {
          rows.push({
            run: r.id,
            iteration: c.iteration,
            layer: l.layer,
            filter: f,
            selectivity: l.selectivity[f],
            gamma: l.gamma[f],
            // Study v3 on: what the v3 rules read beside the gradients (v2's mechanism rows stay as they were).
            ...(l.paperSelectivity ? { beta: l.beta[f], lifetimeSparseness: l.lifetimeSparseness?.[f] ?? null, paperSelectivity: l.paperSelectivity[f] } : {}),
            dataGradGamma: m.dataGradGamma[f],
            regGradGamma: m.regGradGamma[f],
            dataGradKernel: m.dataGradKernel[f],
            regGradKernel: m.regGradKernel[f],
            deadByActivation: isDeadByActivation(l.peak[f], t),
          });
        }
      }
    }
  }
  return rows;
}

function pruningRows(records: readonly RunRecord[]): PruningRow[] {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return records
    .filter((r) => r.pruning !== null)
    .map((r) => {
      const p = r.pruning!;
      return {
        run: r.id,
        removedFilters: sum(p.removed),
        filtersBefore: sum(p.filtersBefore),
        filtersAfter: sum(p.filtersAfter),
        paramsBefore: p.params.before,
        paramsAfter: p.params.after,
        flopsBefore: p.flops.before,
        flopsAfter: p.flops.after,
        imagesPerSecondBefore: p.imagesPerSecond.before,
        imagesPerSecondAfter: p.imagesPerSecond.after,
        testAccuracyBefore: p.testAccuracy.before,
        testAccuracyAfter: p.testAccuracy.after,
        maxLogitDifference: p.maxLogitDifference,
      };
    });
}

function curveRows(records: readonly RunRecord[]): CurveRow[] {
  return records.flatMap((r) => r.curve.map((p) => ({ run: r.id, iteration: p.iteration, loss: p.loss, regLoss: p.regLoss, accuracy: p.accuracy, lr: p.lr })));
}

/**
 * Members of each study are its configurations that have a record (any status); `pending`
 * lists the run ids of those with no record or a failed one. A diverged run is a result, not pending.
 */
function studyRows(plan: Plan, byId: ReadonlyMap<string, RunRecord>): StudyRow[] {
  return plan.studies
    .map(({ study, members }) => ({
      study: study.name,
      title: study.title,
      question: study.question,
      hypotheses: [...study.hypotheses].sort((a, b) => a - b),
      factors: [...study.factors],
      members: members.filter((m) => byId.has(m.hash)).map((m) => ({ run: m.hash, seed: m.seed, factors: m.factors })),
      pending: [
        ...new Set(
          members
            .filter((m) => {
              const r = byId.get(m.hash);
              return !r || r.status === 'failed';
            })
            .map((m) => m.hash),
        ),
      ].sort(),
    }))
    .sort((a, b) => (a.study < b.study ? -1 : 1));
}

type Row = Record<string, unknown>;
const compareRows = (keys: string[]) => (a: Row, b: Row) => {
  for (const k of keys) {
    const x = a[k] as string | number;
    const y = b[k] as string | number;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
};

/** Every dataset of a scale from its valid records; `studies` decides membership and pending counts. */
export function buildDatasets(scale: Scale, records: readonly RunRecord[], studies: readonly Study[]): Record<DatasetName, string> {
  const thresholds = sharedThresholds(records);
  const context: StudyContext = { cifar: records.some((r) => r.config.data.dataset !== 'fashion-mnist') };
  const plan = planStudies(studies, scale, context);
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : 1));
  const byId = new Map(sorted.map((r) => [r.id, r]));
  const tables: Record<DatasetName, Row[]> = {
    runs: runRows(sorted, plan, thresholds),
    layers: layerRows(sorted, thresholds),
    emergence: emergenceRows(sorted, thresholds),
    filters: sorted.flatMap((r) => filterRows(r, thresholds)),
    mechanism: mechanismDatasetRows(sorted, thresholds),
    pruning: pruningRows(sorted),
    curves: curveRows(sorted),
    studies: studyRows(plan, byId),
  };
  const order: Record<DatasetName, string[]> = {
    runs: ['run'],
    layers: ['run', 'layer'],
    emergence: ['run', 'iteration', 'layer'],
    filters: ['run', 'layer', 'filter'],
    mechanism: ['run', 'iteration', 'layer', 'filter'],
    pruning: ['run'],
    curves: ['run', 'iteration'],
    studies: ['study'],
  };
  const out = {} as Record<DatasetName, string>;
  for (const name of DATASET_NAMES) {
    const rows = [...tables[name]].sort(compareRows(order[name]));
    const runs =
      name === 'studies'
        ? [...new Set(rows.flatMap((r) => (r.members as Array<{ run: string }>).map((m) => m.run)))].sort()
        : name === 'runs'
          ? sorted.map((r) => r.id)
          : [...new Set(rows.map((r) => r.run as string))].sort();
    const dataset = { schemaVersion: DATASET_VERSION, dataset: name, scale, thresholds, definitionsVersion: DEFINITIONS_VERSION, runs, rows };
    const parsed = datasetSchemas[name].safeParse(dataset);
    if (!parsed.success) {
      const first = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ');
      throw new Error(`the ${name} dataset built for scale ${scale} does not match its schema (${first}); this is a bug in pipeline/aggregate.ts`);
    }
    out[name] = serializeDataset(dataset);
  }
  return out;
}

/** Sorted keys, one row per line: small diffs when runs are added, and the same bytes every time. */
export function serializeDataset(dataset: Record<string, unknown>): string {
  const keys = Object.keys(dataset).sort();
  const fields = keys.map((k) => {
    const v = dataset[k];
    if (k !== 'rows' || !Array.isArray(v)) return ` ${JSON.stringify(k)}: ${canonicalJson(v)}`;
    if (v.length === 0) return ` "rows": []`;
    return ` "rows": [\n${v.map((row) => `  ${canonicalJson(row)}`).join(',\n')}\n ]`;
  });
  return `{\n${fields.join(',\n')}\n}\n`;
}
