// The exploratory findings file (data/<scale>/exploratory.json): an envelope that says what the
// findings are (found after looking at the data; they decide nothing) and which runs they read.
// Pure zod, so the site can parse it at build time.
import { z } from 'zod';
import { SCALES, type Scale } from '../../data/schemas/datasets.js';
import type { ExploratoryFindings } from './findings.js';

export const EXPLORATORY_VERSION = 1;

export const EXPLORATORY_STATUS =
  'Exploratory: found after looking at the committed v2 data, with no rule fixed before the runs. These findings decide nothing; the v3 rules (methods page) test some of them on fresh runs.';

const SECTIONS = ['constants', 'h6', 'gradient', 'emergence', 'batch', 'criteria', 'budgets', 'width'] as const;

export const exploratoryFileSchema = z
  .object({
    schemaVersion: z.literal(EXPLORATORY_VERSION),
    kind: z.literal('exploratory-findings'),
    scale: z.enum(SCALES),
    status: z.string(),
    definitionsVersion: z.number().int(),
    /** Ids of the runs of the datasets the findings were computed from, sorted. */
    runs: z.array(z.string().regex(/^[0-9a-f]{16}$/)),
    // The sections are typed by analysis/exploratory/findings.ts, which writes them; here only their presence is checked.
    findings: z.custom<ExploratoryFindings>((v) => typeof v === 'object' && v !== null && SECTIONS.every((s) => s in v), {
      message: `findings must have the sections ${SECTIONS.join(', ')}: regenerate the file with npm run findings:exploratory`,
    }),
  })
  .strict();

export type ExploratoryFile = z.infer<typeof exploratoryFileSchema>;

export function exploratoryFile(scale: Scale, runs: readonly string[], definitionsVersion: number, findings: ExploratoryFindings): ExploratoryFile {
  return { schemaVersion: EXPLORATORY_VERSION, kind: 'exploratory-findings', scale, status: EXPLORATORY_STATUS, definitionsVersion, runs: [...runs], findings };
}
