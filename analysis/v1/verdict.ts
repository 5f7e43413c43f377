// What a v1 verdict is, and what every rule shares: the datasets it reads, the studies that test
// a hypothesis, grouping a study's members by its other factors. Pure: numbers, never prose.
import type { EmergenceRow, FilterRow, PruningRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { cellsOf, membersOf, seedsOf, type FactorValue, type Member } from '../cells.js';
import { byMajority, tally, type Outcome, type UnitOutcome } from '../rules/result.js';
import { MIN_SEEDS } from '../seeds.js';
import { v1StudiesFor } from '../studies.js';

export interface VerdictInput {
  runs: readonly RunRow[];
  studies: readonly StudyRow[];
  filters: readonly FilterRow[];
  emergence: readonly EmergenceRow[];
  pruning: readonly PruningRow[];
}

/** The study figures a verdict can point to as its evidence. */
export type EvidenceFigure = 'sparsity' | 'sparsityOverTime' | 'selectivityBefore' | 'pruning';

/** A group of a study's members that share every factor except the ones a rule varies. */
export interface Group {
  /** The factors the group shares, in the study's order (empty: all runs of the study). */
  paths: string[];
  factors: Record<string, FactorValue>;
  members: Member[];
}

/** A unit of a rule: what it says and the numbers it was decided on (E: per hypothesis). */
export type Unit<E> = { outcome: UnitOutcome } & E;

export interface Verdict<H extends number = number, E = unknown, X = unknown> {
  hypothesis: H;
  outcome: Outcome;
  /** No study that tests the hypothesis is in the data. */
  missing: boolean;
  units: Array<Unit<E>>;
  /** The rule's effect size (null without data), with what it was computed from. */
  effect: { value: number | null } & X;
  /** Distinct seeds among the runs used, and the fewest seeds of any compared cell. */
  seeds: number[];
  minSeeds: number;
  runs: string[];
  studies: string[];
  /** The study and figure that show the evidence. */
  figure: { study: string; figure: EvidenceFigure } | null;
  /**
   * Per-run rules: fewer than MIN_SEEDS informative runs, so the outcome is inconclusive whatever
   * they say.
   */
  tooFewRuns: boolean;
  /**
   * Configurations of the studies that test this hypothesis without a record yet (each counted
   * once): while there are any, the verdict is provisional. It does not change the rule's outcome.
   */
  pending: number;
}

export interface Context {
  runsById: Map<string, RunRow>;
  input: VerdictInput;
}

export function contextOf(input: VerdictInput): Context {
  return { runsById: new Map(input.runs.map((r) => [r.run, r])), input };
}

/** Studies that test hypothesis h under v1's rules (analysis/studies.ts). */
export function studiesFor(h: number, input: VerdictInput): StudyRow[] {
  return v1StudiesFor(h, input.studies);
}

export function missingVerdict<H extends number, E, X>(h: H, effect: X): Verdict<H, E, X> {
  return {
    hypothesis: h,
    outcome: 'inconclusive',
    missing: true,
    units: [],
    effect: { value: null, ...effect },
    seeds: [],
    minSeeds: 0,
    runs: [],
    studies: [],
    figure: null,
    tooFewRuns: false,
    pending: 0,
  };
}

export function verdictOf<H extends number, E, X>(
  h: H,
  outcome: Outcome,
  units: Array<Unit<E>>,
  used: readonly Member[],
  minSeeds: number,
  studies: readonly StudyRow[],
  figure: Verdict['figure'],
  effect: Verdict<H, E, X>['effect'],
): Verdict<H, E, X> {
  return {
    hypothesis: h,
    outcome,
    missing: false,
    units,
    effect,
    seeds: seedsOf(used),
    minSeeds,
    runs: [...new Set(used.map((m) => m.run.run))].sort(),
    studies: studies.map((s) => s.study),
    figure,
    tooFewRuns: false,
    pending: 0,
  };
}

/** A rule decided run by run: a strict majority, and at least MIN_SEEDS informative runs. */
export function perRunVerdict<H extends number, E, X>(
  h: H,
  units: Array<Unit<E>>,
  used: readonly Member[],
  studies: readonly StudyRow[],
  figure: Verdict['figure'],
  effect: Verdict<H, E, X>['effect'],
): Verdict<H, E, X> {
  const informative = tally(units).informative;
  const outcome = informative >= MIN_SEEDS ? byMajority(units) : 'inconclusive';
  const v = verdictOf(h, outcome, units, used, seedsOf(used).length, studies, figure, effect);
  v.tooFewRuns = informative < MIN_SEEDS && units.length > 0;
  return v;
}

/** Groups a study's members by every factor except the ones named. */
export function groupsExcept(study: StudyRow, members: readonly Member[], except: readonly string[]): Group[] {
  const paths = study.factors.filter((f) => !except.includes(f));
  return cellsOf(members, paths).map((g) => ({ paths, factors: g.factors, members: g.members }));
}

export function minSeedsOf(cells: ReadonlyArray<readonly Member[]>): number {
  return cells.length === 0 ? 0 : Math.min(...cells.map((c) => seedsOf(c).length));
}

/** Members of the studies that test a hypothesis whose runs completed (any measure), each run once. */
export function completeMembers(studies: readonly StudyRow[], ctx: Context): Member[] {
  const seen = new Set<string>();
  const out: Member[] = [];
  for (const s of studies) {
    for (const m of membersOf(s, ctx.runsById)) {
      if (m.run.status !== 'complete' || seen.has(m.run.run)) continue;
      seen.add(m.run.run);
      out.push(m);
    }
  }
  return out;
}

/** A unit about one run. */
export interface RunUnit {
  run: string;
  seed: number;
}
