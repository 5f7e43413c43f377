// Schema of a run snapshot: the state of an unfinished run at its last checkpoint (network and
// optimizer tensors, sampler position, what the record has gathered so far), written next to the
// record so that a killed run continues where it was instead of starting again.
import { z } from 'zod';
import { checkpointSchema, curvePointSchema, resumeSchema } from './run-record.js';

export const RUN_SNAPSHOT_VERSION = 2;

const tensorSchema = z
  .object({
    shape: z.array(z.number().int().nonnegative()),
    /** Little-endian float32 values, base64. */
    data: z.string(),
  })
  .strict();

export const runSnapshotSchema = z
  .object({
    schemaVersion: z.literal(RUN_SNAPSHOT_VERSION),
    kind: z.literal('run-snapshot'),
    /** Configuration hash of the run (the record's id). */
    id: z.string().regex(/^[0-9a-f]{16}$/),
    /** The commit the run started from (the record's codeVersion). */
    codeVersion: z.string(),
    /**
     * Digest of the engine's code (experiments/run.ts engineCode): the run continues only under
     * the same engine code and backend, so that its record stays one computation.
     */
    engineCode: z.string(),
    backend: z.string(),
    iteration: z.number().int().positive(),
    startedAt: z.string(),
    wallSeconds: z.number().nonnegative(),
    trainSeconds: z.number().nonnegative(),
    measureSeconds: z.number().nonnegative(),
    resumed: z.array(resumeSchema),
    /** Running sums of the training-loss windows (between checkpoints and between curve points). */
    windows: z
      .object({
        loss: z.number(),
        correct: z.number(),
        steps: z.number().int().nonnegative(),
        logLoss: z.number(),
        logCorrect: z.number(),
        logSteps: z.number().int().nonnegative(),
      })
      .strict(),
    optimizerStep: z.number().int().nonnegative(),
    /** Network variables and optimizer slots by name. */
    tensors: z.record(z.string(), tensorSchema),
    curve: z.array(curvePointSchema),
    checkpoints: z.array(checkpointSchema),
  })
  .strict();

export type RunSnapshot = z.infer<typeof runSnapshotSchema>;
