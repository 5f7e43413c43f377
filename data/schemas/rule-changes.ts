// The history of the verdict rules: each change, the commit that made it (before the records it
// decides existed), the studies whose records it decides, and why. Shown on the methods page.
import { z } from 'zod';

export const ruleChangeSchema = z
  .object({
    hypothesis: z.number().int().min(1).max(12),
    /** The rule's version after the change (v1 is the published study's). */
    version: z.number().int().positive(),
    /** The commit that fixed the rule, and the file that holds it there. */
    commit: z.string().regex(/^[0-9a-f]{40}$/),
    file: z.string(),
    /** Studies whose records the rule decides; its commit precedes every record they add. */
    studies: z.array(z.string()).min(1),
    /** What the superseded version did, and why it was changed. */
    supersedes: z.string(),
    reason: z.string(),
  })
  .strict();

export const ruleChangesSchema = z.object({ kind: z.literal('rule-changes'), changes: z.array(ruleChangeSchema) }).strict();

export type RuleChange = z.infer<typeof ruleChangeSchema>;
