// The site's page model: what buildSite (site.ts) gives the pages, and what the narrative's
// values (narrative-values.ts) and the run comparison read. Types only, so that those modules do
// not import the builder that imports them.
import type { LayerRow, PruningRow, RunRow, Scale, StudyRow } from '../../../data/schemas/datasets.js';
import type { Thresholds } from '../../../data/definitions.js';
import type { Member } from '../../../analysis/cells.js';
import type { Figure } from '../figures/figure-model.js';
import type { Segment } from '../text/narrative.js';
import type { Verdict } from '../verdicts/verdict-display.js';
import type { Findings } from '../verdicts/findings.js';
import type { StudyV3 } from '../verdicts/study-v3.js';

export interface CellSummary {
  label: string;
  levels: string[];
  seeds: number[];
  runs: number;
  failed: number;
  activation: string;
  gamma: string;
  accuracy: string;
}

export interface StudyPage {
  row: StudyRow;
  members: Member[];
  runs: RunRow[];
  figures: Figure[];
  verdicts: Verdict[];
  cells: CellSummary[];
  /** For two-factor studies: the main table, levels of the first factor by the second. */
  pivot: { rowFactor: string; colFactor: string; rows: string[]; cols: string[]; cells: Record<string, Record<string, string>> } | null;
}

export interface RunPage {
  run: RunRow;
  figures: Figure[];
  layers: LayerRow[];
  pruning: PruningRow | null;
  studies: Array<{ study: StudyRow; factors: Record<string, string> }>;
}

export interface Site {
  loaded: boolean;
  scale: Scale | null;
  /** Folder the datasets came from (absolute; or the data root searched when there are none). */
  folder: string;
  /** The folder as pages print it: relative to the repository, or named by its data root when outside it. */
  folderShown: { path: string; inRepository: boolean };
  missingReason: string | null;
  thresholds: Thresholds;
  definitionsVersion: number;
  runs: RunRow[];
  studies: StudyPage[];
  runPages: RunPage[];
  verdicts: Verdict[];
  /** Study v3's rules: how far their runs are and their verdicts (null without the mechanism rows). */
  studyV3: StudyV3 | null;
  /** How far the studies of the scale are: distinct configurations, those with a record, those pending. */
  progress: StudyProgress;
  headline: Figure | null;
  /** What the study found, as the home page opens with it (findings.ts). */
  findings: Findings;
  /** Every figure of the site, study and run figures alike. */
  figures: Figure[];
  figureAt(route: string, id: string): Figure | undefined;
  narrative(name: string): Segment[] | null;
}

export interface StudyProgress {
  configurations: number;
  recorded: number;
  /** Configurations with no record or a failed one (each counted once, however many studies share it). */
  pending: number;
}
