// Schema of a run record: one JSON document per training run, written by the experiment
// engine and read by the aggregation. Validated whenever it crosses a process boundary.
import { z } from 'zod';
import { runConfigSchema } from './run-config.js';

export const RUN_RECORD_VERSION = 1;

const num = z.number();
const nums = z.array(z.number());

/** One conv layer's per-filter measurements (index i of every array is filter i). */
export const layerMeasurementSchema = z
  .object({
    layer: z.number().int().nonnegative(),
    filters: z.number().int().positive(),
    gamma: nums,
    beta: nums,
    /** Fraction of measured images on which the filter is active (max over positions > 0). */
    selectivity: nums,
    /**
     * Lifetime sparseness of each filter's responses over the measured images (the v2 selectivity,
     * data/definitions.ts); null for a filter that responded to none. Absent in records
     * written before it was measured.
     */
    lifetimeSparseness: z.array(z.number().min(0).max(1).nullable()).optional(),
    /**
     * The paper's selectivity of each filter over the measured images (experiments/definitions.ts
     * paperSelectivity): the share of images whose maximum |activation| is below 1e-3 of the
     * filter's largest; null for a filter that answered none. Checkpoints of records from study v3 on.
     */
    paperSelectivity: z.array(z.number().min(0).max(1).nullable()).optional(),
    /** Largest |activation| over every position of every measured image. */
    peak: nums,
    /** Indices of filters dead by each criterion, under the record's thresholds. */
    deadByGamma: z.array(z.number().int()),
    deadByActivation: z.array(z.number().int()),
    /** Per filter: data-loss vs regularization gradient norms (mechanism checkpoints only). */
    mechanism: z
      .object({
        dataGradGamma: nums,
        regGradGamma: nums,
        dataGradKernel: nums,
        regGradKernel: nums,
      })
      .optional(),
  })
  .strict();

export const checkpointSchema = z
  .object({
    iteration: z.number().int().nonnegative(),
    /** Mean data loss and accuracy over the training batches since the previous checkpoint (null at 0). */
    trainLoss: num.nullable(),
    trainAccuracy: num.nullable(),
    testAccuracy: num.nullable(),
    /** Images the per-filter measurements were taken on (the probe subset). */
    images: z.number().int().positive(),
    layers: z.array(layerMeasurementSchema),
  })
  .strict();

export const curvePointSchema = z
  .object({
    iteration: z.number().int().positive(),
    loss: num,
    regLoss: num,
    accuracy: num,
    lr: num,
  })
  .strict();

export const pruningSchema = z
  .object({
    /** Filters removed per layer (dead by activation on the full training set). */
    removed: z.array(z.number().int().nonnegative()),
    filtersBefore: z.array(z.number().int().positive()),
    filtersAfter: z.array(z.number().int().positive()),
    params: z.object({ before: num, after: num }).strict(),
    flops: z.object({ before: num, after: num }).strict(),
    imagesPerSecond: z.object({ before: num, after: num }).strict(),
    testAccuracy: z.object({ before: num, after: num }).strict(),
    /** Largest |logit difference| between the original and slim network over the test set. */
    maxLogitDifference: num,
    batchSize: z.number().int().positive(),
  })
  .strict();

/** A run continued from its snapshot: the iteration, when, and the commit it continued under. */
export const resumeSchema = z.object({ iteration: z.number().int().nonnegative(), at: z.string(), codeVersion: z.string() }).strict();

export const runRecordSchema = z
  .object({
    schemaVersion: z.literal(RUN_RECORD_VERSION),
    kind: z.literal('run-record'),
    id: z.string().regex(/^[0-9a-f]{16}$/),
    config: runConfigSchema,
    status: z.enum(['complete', 'diverged', 'failed']),
    failure: z.object({ reason: z.string(), iteration: z.number().int().nonnegative().nullable() }).strict().nullable(),
    provenance: z
      .object({
        codeVersion: z.string(),
        tfjsVersion: z.string(),
        backend: z.string(),
        backendDetail: z.string(),
        node: z.string(),
        platform: z.string(),
        startedAt: z.string(),
        endedAt: z.string(),
        wallSeconds: num,
        trainSeconds: num,
        measureSeconds: num,
        imagesPerSecond: num,
        /**
         * When the run was killed and continued from its snapshot: the iteration it continued
         * from, when, and the commit it continued under (the engine code is the same as at the
         * start, which codeVersion names); wallSeconds then counts the work kept, not the work lost.
         */
        resumed: z.array(resumeSchema).optional(),
        /**
         * A digest of the engine's code (experiments/, data/schemas/, the dependencies) the run
         * trained with: records of one figure can be told apart by engine version. Absent in
         * records written before it was stored.
         */
        engineCode: z.string().optional(),
        /**
         * Whether every update flushed subnormal parameters, optimizer slots and running
         * statistics to zero (experiments/backend/subnormals.ts). Absent in records written
         * before the flush existed, which trained without it.
         */
        flushSubnormals: z.boolean().optional(),
      })
      .strict(),
    dataset: z
      .object({
        name: z.string(),
        trainImages: z.number().int().nonnegative(),
        testImages: z.number().int().nonnegative(),
        classes: z.number().int().positive(),
        probeImages: z.number().int().nonnegative(),
        normalization: z.object({ mean: nums, std: nums }).strict(),
        files: z.array(z.string()),
      })
      .strict(),
    model: z
      .object({
        arch: z.string(),
        filters: z.array(z.number().int().positive()),
        params: z.number().int().nonnegative(),
        flops: num,
        initializers: z.record(z.string(), z.string()),
      })
      .strict(),
    curve: z.array(curvePointSchema),
    checkpoints: z.array(checkpointSchema),
    /** Measured on the full training set in inference mode after the last iteration (null if the run did not finish). */
    final: z
      .object({
        iteration: z.number().int().nonnegative(),
        trainLoss: num,
        trainAccuracy: num,
        testLoss: num,
        testAccuracy: num,
        images: z.number().int().positive(),
        layers: z.array(layerMeasurementSchema),
      })
      .strict()
      .nullable(),
    pruning: pruningSchema.nullable(),
  })
  .strict();

export type RunRecord = z.infer<typeof runRecordSchema>;
export type LayerMeasurement = z.infer<typeof layerMeasurementSchema>;
export type Checkpoint = z.infer<typeof checkpointSchema>;
export type CurvePoint = z.infer<typeof curvePointSchema>;
export type PruningResult = z.infer<typeof pruningSchema>;
