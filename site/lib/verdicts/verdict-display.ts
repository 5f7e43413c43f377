// The verdicts as the pages show them (verdicts.ts words v1's, verdicts-v2.ts v2's, verdicts-v3.ts
// v3's): types only, so that the wording modules share them without importing each other.
import type { Outcome, UnitOutcome } from '../../../analysis/rules/result.js';

export interface Unit {
  label: string;
  outcome: UnitOutcome;
  detail: string;
  /** The number the rule compares with its thresholds for this unit, in the units of the verdict's `band` (verdict-chart.ts draws it). */
  value?: number | null;
  /** Where the value is one of several the rule read for the unit (H2: its margin at each learning rate), their least and greatest: the chart draws them as a whisker. */
  range?: [number, number];
  /** The runs behind the unit: the card links them to a compare view. */
  runs?: string[];
}

/**
 * The rule's thresholds on a unit's `value`: a unit supports at or past `supports`, contradicts past
 * `contradicts`; between them it is unclear. Where the two are one line (a rule that also reads the
 * seeds' spread: H1, H2, H3, H5), `supportsAbove` says on which side of it a unit supports; a unit on
 * that side may still be unclear (its seeds overlap), one on the other side never supports.
 */
export interface ThresholdBand {
  /** What the value is, with its unit ("gap in lifetime sparseness"). */
  label: string;
  supports: number;
  contradicts: number;
  /** How values are written: a share as %, points of a share, or a plain number. */
  format: 'share' | 'points' | 'number';
  /** With one line (`supports` equal to `contradicts`): whether a unit supports above it (else below). */
  supportsAbove?: boolean;
}

export interface Verdict {
  hypothesis: number;
  statement: string;
  outcome: Outcome;
  /** Why, in one sentence. */
  reason: string;
  effect: { label: string; value: number | null; text: string };
  seeds: number[];
  minSeeds: number;
  runs: string[];
  studies: string[];
  /** Page route and figure id of the figure that shows the evidence. */
  figure: { route: string; id: string } | null;
  units: Unit[];
  /** The rule's thresholds on its units' values, where the rule reads one number per unit. */
  band?: ThresholdBand;
  pending: number;
  /** The rule version that decided it (absent: v1's). */
  version?: number;
  /** The dead criterion that decided it, where the rule reads both (v3: "dead by |γ|"). */
  criterion?: string;
  /** Results the rule reports beside the deciding one (v3: the other criterion; for H6 the paper's measure), each with whether it agrees. */
  reported?: Array<{ label: string; outcome: Outcome; text: string; agrees: boolean }>;
  /**
   * The verdict of the version before the deciding one (v1 for a v2 rule, v2 for a v3 rule), which
   * the deciding rule supersedes (it stays visible), and the change of method.
   */
  superseded?: {
    outcome: Outcome;
    effect: Verdict['effect'];
    /** Which verdict this is: as published, or the earlier rule on these datasets. */ basis: string;
  };
  change?: { commit: string; supersedes: string; reason: string };
}

/** A verdict that a later rule supersedes. */
export type SupersededVerdict = Pick<Verdict, 'hypothesis' | 'outcome' | 'effect'>;

/** The version a verdict's `superseded` result is of: the one before the deciding version. */
export const supersededVersion = (v: Pick<Verdict, 'version'>): number => Math.max(1, (v.version ?? 1) - 1);
