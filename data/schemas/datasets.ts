// Schemas of the aggregated datasets under data/<scale>/datasets/: what the pipeline writes
// from run records and the only thing the site reads. Pure zod: safe to import at site build.
import { z } from 'zod';
import { runConfigSchema } from './run-config.js';

export const DATASET_VERSION = 2;
export const SCALES = ['quick', 'full'] as const;
export type Scale = (typeof SCALES)[number];

const thresholdsSchema = z.object({ gamma: z.number().positive(), activation: z.number().positive() }).strict();
const runId = z.string().regex(/^[0-9a-f]{16}$/);
const fraction = z.number().min(0).max(1);
const int = z.number().int();

/** A run's resolved configuration, copied from its record (the schema run records are validated with). */
const runConfig = runConfigSchema;

/** Every dataset file is this envelope around its rows. */
function envelope<Name extends string, Row extends z.ZodTypeAny>(name: Name, row: Row) {
  return z
    .object({
      schemaVersion: z.literal(DATASET_VERSION),
      dataset: z.literal(name),
      scale: z.enum(SCALES),
      thresholds: thresholdsSchema,
      definitionsVersion: int,
      /** Ids of the run records the dataset was built from, sorted. */
      runs: z.array(runId),
      rows: z.array(row),
    })
    .strict();
}

/** One row per run: its factors, outcome, provenance and full configuration (the run browser's table and run pages). */
export const runRow = z
  .object({
    run: runId,
    studies: z.array(z.string()),
    status: z.enum(['complete', 'diverged', 'failed']),
    failureReason: z.string().nullable(),
    failureIteration: int.nullable(),
    dataset: z.string(),
    classes: int,
    trainImages: int,
    arch: z.string(),
    width: int,
    activation: z.string(),
    optimizer: z.string(),
    lr: z.number(),
    batchSize: int,
    regularization: z.string(),
    /** Regularization strength applied: 0 when regularization is none (whatever the configuration holds). */
    strength: z.number(),
    iterations: int,
    seed: int,
    /** Iterations between checkpoints (measure.checkpointEvery; also at 0 and at the end). */
    checkpointEvery: int,
    filters: int,
    deadByGamma: int.nullable(),
    deadByActivation: int.nullable(),
    sparsityGamma: fraction.nullable(),
    sparsityActivation: fraction.nullable(),
    trainAccuracy: fraction.nullable(),
    testAccuracy: fraction.nullable(),
    trainLoss: z.number().nullable(),
    /** The whole resolved configuration; the fields above are the parts the tables filter and sort by. */
    config: runConfig,
    codeVersion: z.string(),
    tfjsVersion: z.string(),
    backend: z.string(),
    backendDetail: z.string(),
    node: z.string(),
    platform: z.string(),
    startedAt: z.string(),
    endedAt: z.string(),
    wallSeconds: z.number(),
    trainSeconds: z.number(),
    measureSeconds: z.number(),
    imagesPerSecond: z.number(),
    /** Iterations the run continued from after it was killed (its snapshots); empty if it ran in one go. */
    resumedFrom: z.array(int),
    /** The digest of the engine code the run trained with (provenance.engineCode); absent in records from before it was stored. */
    engineCode: z.string().optional(),
  })
  .strict();

/** Final per-layer sparsity by both criteria (full training set). */
export const layerRow = z
  .object({
    run: runId,
    layer: int,
    filters: int,
    deadByGamma: int,
    deadByActivation: int,
    deadByBoth: int,
    sparsityGamma: fraction,
    sparsityActivation: fraction,
  })
  .strict();

/** Per run, checkpoint and layer: sparsity and the selectivity distribution over the probe subset. */
export const emergenceRow = z
  .object({
    run: runId,
    iteration: int,
    layer: int,
    filters: int,
    deadByGamma: int,
    deadByActivation: int,
    selectivityMean: fraction,
    selectivityQ10: fraction,
    selectivityMedian: fraction,
    selectivityQ90: fraction,
    /**
     * The layer's lifetime sparseness (v2 selectivity) over its filters that responded: deciles
     * and quartiles (null when none responded), and how many had no response. Only in runs that
     * measured it (study v2 on).
     */
    lifetimeQ10: fraction.nullable().optional(),
    lifetimeQ25: fraction.nullable().optional(),
    lifetimeMedian: fraction.nullable().optional(),
    lifetimeQ75: fraction.nullable().optional(),
    lifetimeQ90: fraction.nullable().optional(),
    lifetimeUndefined: int.optional(),
    trainLoss: z.number().nullable(),
    trainAccuracy: fraction.nullable(),
    testAccuracy: fraction.nullable(),
  })
  .strict();

/**
 * One row per run and filter at the end of training, with its history summarised:
 * when it died (first checkpoint from which it stays dead by activation to the end),
 * its selectivity early in training (the measure H6 is decided on) and shortly before
 * its death (shown as a secondary view).
 */
export const filterRow = z
  .object({
    run: runId,
    layer: int,
    filter: int,
    gamma: z.number(),
    beta: z.number(),
    selectivity: fraction,
    peak: z.number(),
    deadByGamma: z.boolean(),
    deadByActivation: z.boolean(),
    /** Iteration of the checkpoint from which it stays dead by activation (null: alive at the end). */
    diedAt: int.nullable(),
    /**
     * Selectivity on the probe subset at the run's early checkpoint: the first checkpoint at or
     * after EARLY_FRACTION of its iterations (data/definitions.ts), the same one for every
     * filter of the run. Null when the run has no such checkpoint. A filter whose diedAt is at or
     * before selectivityEarlyAt was already dead there (and reads 0).
     */
    selectivityEarly: fraction.nullable(),
    /** Iteration of the early checkpoint at which selectivityEarly was measured. */
    selectivityEarlyAt: int.nullable(),
    /**
     * Selectivity on the probe subset at the last checkpoint before diedAt; for survivors, at
     * the checkpoint that precedes the run's median death (or the first after 0 when none died).
     * Secondary: a dying feature's selectivity falls towards 0 as it dies, so this reading is low
     * almost by construction and does not decide H6 (selectivityEarly does).
     */
    selectivityBefore: fraction.nullable(),
    /** Iteration at which selectivityBefore was measured. */
    selectivityBeforeAt: int.nullable(),
    /**
     * Lifetime sparseness (the v2 selectivity, data/definitions.ts) on the full training
     * set at the end, and on the probe at the early checkpoint (selectivityEarlyAt). Null for a
     * feature with no response, and in records measured before it existed (absent there).
     */
    lifetimeSparseness: fraction.nullable().optional(),
    lifetimeSparsenessEarly: fraction.nullable().optional(),
    /** The paper's selectivity (experiments/definitions.ts) on the probe at the early checkpoint; records from study v3 on. */
    paperSelectivityEarly: fraction.nullable().optional(),
  })
  .strict();

/** Mechanism checkpoints: per run, iteration and filter, data-loss vs regularization gradients. */
export const mechanismRow = z
  .object({
    run: runId,
    iteration: int,
    layer: int,
    filter: int,
    selectivity: fraction,
    gamma: z.number(),
    /** Records from study v3 on: beta, and both selectivity measures on the probe at this checkpoint (null: no response). */
    beta: z.number().optional(),
    lifetimeSparseness: fraction.nullable().optional(),
    paperSelectivity: fraction.nullable().optional(),
    dataGradGamma: z.number(),
    regGradGamma: z.number(),
    dataGradKernel: z.number(),
    regGradKernel: z.number(),
    deadByActivation: z.boolean(),
  })
  .strict();

export const pruningRow = z
  .object({
    run: runId,
    removedFilters: int,
    filtersBefore: int,
    filtersAfter: int,
    paramsBefore: z.number(),
    paramsAfter: z.number(),
    flopsBefore: z.number(),
    flopsAfter: z.number(),
    imagesPerSecondBefore: z.number(),
    imagesPerSecondAfter: z.number(),
    testAccuracyBefore: fraction,
    testAccuracyAfter: fraction,
    maxLogitDifference: z.number(),
  })
  .strict();

/** Training curves (logged every measure.logEvery iterations). */
export const curveRow = z
  .object({
    run: runId,
    iteration: int,
    loss: z.number(),
    regLoss: z.number(),
    accuracy: fraction,
    lr: z.number(),
  })
  .strict();

/** Which runs make up each study, and the value of the study's factors for each run. */
export const studyRow = z
  .object({
    study: z.string(),
    title: z.string(),
    question: z.string(),
    /** Hypothesis numbers of the brief this study tests (1..9). */
    hypotheses: z.array(int),
    /** Config paths varied by the study, e.g. ["optimizer.name", "regularization.kind"]. */
    factors: z.array(z.string()),
    members: z.array(
      z
        .object({
          run: runId,
          seed: int,
          factors: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
        })
        .strict(),
    ),
    /**
     * Run ids (configuration hashes) of the study's configurations with no record or a failed one
     * (a diverged run is a result, not pending); a configuration shared by studies is listed by each.
     */
    pending: z.array(runId),
  })
  .strict();

export const datasetSchemas = {
  runs: envelope('runs', runRow),
  layers: envelope('layers', layerRow),
  emergence: envelope('emergence', emergenceRow),
  filters: envelope('filters', filterRow),
  mechanism: envelope('mechanism', mechanismRow),
  pruning: envelope('pruning', pruningRow),
  curves: envelope('curves', curveRow),
  studies: envelope('studies', studyRow),
} as const;

export type DatasetName = keyof typeof datasetSchemas;
export const DATASET_NAMES = Object.keys(datasetSchemas) as DatasetName[];
export type Dataset<N extends DatasetName> = z.infer<(typeof datasetSchemas)[N]>;
export type RunRow = z.infer<typeof runRow>;
export type LayerRow = z.infer<typeof layerRow>;
export type EmergenceRow = z.infer<typeof emergenceRow>;
export type FilterRow = z.infer<typeof filterRow>;
export type MechanismRow = z.infer<typeof mechanismRow>;
export type PruningRow = z.infer<typeof pruningRow>;
export type CurveRow = z.infer<typeof curveRow>;
export type StudyRow = z.infer<typeof studyRow>;

/** Relative path of a dataset file inside the data folder. */
export function datasetPath(scale: Scale, name: DatasetName): string {
  return `${scale}/datasets/${name}.json`;
}
