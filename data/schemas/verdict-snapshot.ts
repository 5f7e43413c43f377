// Schema of a published version's verdict summary (data/<scale>/verdicts/<version>.json) and of
// the list of verdict-rule changes (data/rule-changes.json): what the changes page compares the
// current build against. Pure zod.
import { z } from 'zod';

const runId = z.string().regex(/^[0-9a-f]{16}$/);
const commit = z.string().regex(/^[0-9a-f]{7,40}$/);

export const verdictSnapshotSchema = z
  .object({
    /** Name of the published version, e.g. "v1". */
    version: z.string().min(1),
    scale: z.enum(['quick', 'full']),
    /** Commit the verdicts were computed at, and its date (ISO 8601). */
    commit,
    committedAt: z.string(),
    /** Content hash of the dataset files (site/lib/publication/versions.ts dataVersion). */
    dataVersion: z.string(),
    runs: z.array(runId),
    verdicts: z.array(
      z
        .object({
          hypothesis: z.number().int().min(1),
          outcome: z.enum(['supported', 'contradicted', 'inconclusive']),
          effect: z.object({ label: z.string(), value: z.number().nullable(), text: z.string() }).strict(),
          runs: z.array(runId),
          seeds: z.array(z.number().int()),
        })
        .strict(),
    ),
  })
  .strict();
export type VerdictSnapshot = z.infer<typeof verdictSnapshotSchema>;

export const ruleChangesSchema = z
  .object({
    /** Commits that changed a verdict rule, oldest first. */
    changes: z.array(z.object({ commit, committedAt: z.string(), hypotheses: z.array(z.number().int().min(1)), subject: z.string() }).strict()),
  })
  .strict();
export type RuleChanges = z.infer<typeof ruleChangesSchema>;
