// Hand-built dataset rows for the analysis tests: only the fields the analysis reads are
// meaningful; the rest are fixed placeholders so the rows have the datasets' shape.
import type { EmergenceRow, FilterRow, PruningRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import type { V1Verdict, VerdictInput } from '../../analysis/rules/v1-context.js';

let next = 0;
/** A run id (16 hex digits), unique within a test file. */
export const runId = () => (next++).toString(16).padStart(16, '0');

export function run(fields: Partial<RunRow> = {}): RunRow {
  const r: RunRow = {
    run: runId(),
    studies: [],
    status: 'complete',
    failureReason: null,
    failureIteration: null,
    dataset: 'fashion-mnist',
    classes: 10,
    trainImages: 60000,
    arch: 'basic',
    width: 16,
    activation: 'relu',
    optimizer: 'adam',
    lr: 1e-3,
    batchSize: 32,
    regularization: 'l2',
    strength: 5e-4,
    iterations: 1000,
    seed: 0,
    checkpointEvery: 100,
    filters: 100,
    deadByGamma: 0,
    deadByActivation: 0,
    sparsityGamma: 0,
    sparsityActivation: 0,
    trainAccuracy: 0.9,
    testAccuracy: 0.9,
    trainLoss: 0.3,
    config: {} as RunRow['config'], // replaced below
    codeVersion: 'test',
    tfjsVersion: 'test',
    backend: 'cpu',
    backendDetail: '',
    node: 'v20',
    platform: 'linux',
    startedAt: '',
    endedAt: '',
    wallSeconds: 1,
    trainSeconds: 1,
    measureSeconds: 0,
    imagesPerSecond: 1,
    resumedFrom: [],
    ...fields,
  };
  return { ...r, config: fields.config ?? configOf(r) };
}

/** The resolved configuration a run with these fields would have recorded. */
function configOf(r: RunRow): RunRow['config'] {
  type C = RunRow['config'];
  return {
    data: { dataset: r.dataset as C['data']['dataset'], classes: r.classes === 10 ? null : r.classes, trainSubset: null, probeSize: 2048 },
    model: { arch: 'basicnet', width: r.width, activation: r.activation as C['model']['activation'], leakySlope: 0.01, bnMomentum: 0.1, bnEpsilon: 1e-5 },
    optimizer: { name: r.optimizer as C['optimizer']['name'], lr: r.lr },
    regularization: { kind: r.regularization as C['regularization']['kind'], strength: r.strength, appliesTo: ['conv', 'gamma', 'beta', 'head'] },
    schedule: { kind: 'constant', milestones: [], factor: 0.1 },
    training: { iterations: r.iterations, batchSize: r.batchSize, seed: r.seed },
    measure: { checkpointEvery: r.checkpointEvery, logEvery: 50, mechanism: false, mechanismBatch: 256, testAtCheckpoints: true, prune: true },
    thresholds: { gamma: 1e-3, activation: 1e-12 },
  };
}

/** A study over the given runs, each member's factors read from its run by the factor paths. */
export function study(
  name: string,
  hypotheses: number[],
  factors: string[],
  runs: readonly RunRow[],
  values: (r: RunRow) => Record<string, string | number | boolean | null>,
): StudyRow {
  return {
    study: name,
    title: name,
    question: '',
    hypotheses,
    factors,
    members: runs.map((r) => ({ run: r.run, seed: r.seed, factors: values(r) })),
    pending: [],
  };
}

export function input(fields: Partial<VerdictInput>): VerdictInput {
  return { runs: [], studies: [], filters: [], emergence: [], pruning: [], ...fields };
}

export function emergenceRow(run: string, iteration: number, layer: number, filters: number, deadByActivation: number, deadByGamma = 0): EmergenceRow {
  return {
    run,
    iteration,
    layer,
    filters,
    deadByActivation,
    deadByGamma,
    selectivityMean: 0,
    selectivityQ10: 0,
    selectivityMedian: 0,
    selectivityQ90: 0,
    trainLoss: null,
    trainAccuracy: null,
    testAccuracy: null,
  };
}

export function filterRow(run: string, fields: Partial<FilterRow>): FilterRow {
  return {
    run,
    layer: 0,
    filter: 0,
    gamma: 1,
    beta: 0,
    selectivity: 0.5,
    peak: 1,
    deadByGamma: false,
    deadByActivation: false,
    diedAt: null,
    selectivityEarly: null,
    selectivityEarlyAt: null,
    selectivityBefore: null,
    selectivityBeforeAt: null,
    ...fields,
  };
}

export function pruningRow(run: string, fields: Partial<PruningRow>): PruningRow {
  return {
    run,
    removedFilters: 10,
    filtersBefore: 100,
    filtersAfter: 90,
    paramsBefore: 1000,
    paramsAfter: 900,
    flopsBefore: 1000,
    flopsAfter: 900,
    imagesPerSecondBefore: 100,
    imagesPerSecondAfter: 110,
    testAccuracyBefore: 0.9,
    testAccuracyAfter: 0.9,
    maxLogitDifference: 0,
    ...fields,
  };
}

/**
 * A v1 decision flattened for assertions: the result's outcome, units (outcome with their numbers)
 * and effect, its evidence, and whether it was missing its study or had too few runs (the notes).
 */
export function flat<N, E>(v: V1Verdict<number, N, E>) {
  return {
    hypothesis: v.hypothesis,
    outcome: v.result.outcome,
    units: v.result.units.map((u) => ({ outcome: u.outcome, ...u.numbers })),
    effect: v.result.effect,
    ...v.evidence,
    missing: v.result.note === 'no-study',
    tooFewRuns: v.result.note === 'too-few-runs',
  };
}
