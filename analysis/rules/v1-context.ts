// What the v1 rules share: the datasets they read, the studies that test a hypothesis, grouping a
// study's members by its other factors, and the evidence a decision rests on (runs, seeds,
// studies, figure). Every v1 rule returns a RuleResult (analysis/rules/result.ts) with that
// evidence. Pure: numbers, never prose.
import type { EmergenceRow, FilterRow, PruningRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { cellsOf, membersOf, seedsOf, valuesOf, type FactorValue, type Member } from '../cells.js';
import { MIN_SEEDS } from '../seeds.js';
import { v1StudiesFor } from '../studies.js';
import { byMajority, tally, type Outcome, type RuleResult, type RuleUnit } from './result.js';
import { RULE_CONSTANTS } from './v1-constants.js';
import { trendUnit, type TrendNumbers } from './trend.js';

export interface VerdictInput {
  runs: readonly RunRow[];
  studies: readonly StudyRow[];
  filters: readonly FilterRow[];
  emergence: readonly EmergenceRow[];
  pruning: readonly PruningRow[];
}

/** The study figures a verdict can point to as its evidence. */
export type EvidenceFigure = 'sparsity' | 'sparsityOverTime' | 'selectivityBefore' | 'lifetimeBefore' | 'pruning';

/** What a decision rests on: the runs it used, their seeds, its studies and the figure that shows it. */
export interface Evidence {
  /** Distinct seeds among the runs used, and the fewest seeds of any compared cell. */
  seeds: number[];
  minSeeds: number;
  runs: string[];
  studies: string[];
  /** The study and figure that show the evidence. */
  figure: { study: string; figure: EvidenceFigure } | null;
  /**
   * Configurations of the deciding studies without a record yet (each counted once): while there
   * are any, the verdict is provisional. It does not change the rule's outcome.
   */
  pending: number;
}

/** A v1 rule's decision: its result (the effect has a headline value) and its evidence. */
export interface V1Verdict<H extends number = number, N = unknown, E = unknown> {
  hypothesis: H;
  result: RuleResult<N, { value: number | null } & E>;
  evidence: Evidence;
}

/** A group of a study's members that share every factor except the ones a rule varies. */
export interface Group {
  /** The factors the group shares, in the study's order (empty: all runs of the study). */
  paths: string[];
  factors: Record<string, FactorValue>;
  members: Member[];
}

/** A group's factors as a unit key (data, not prose). */
export function groupKey(g: { paths: readonly string[]; factors: Record<string, FactorValue> }): string {
  return g.paths.length ? g.paths.map((p) => `${p}=${String(g.factors[p])}`).join(', ') : 'all runs';
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

/** No study that tests the hypothesis is in the data (note 'no-study'). */
export function missingVerdict<H extends number, N, E>(h: H, effect: E): V1Verdict<H, N, E> {
  return {
    hypothesis: h,
    result: { outcome: 'inconclusive', note: 'no-study', units: [], effect: { value: null, ...effect } },
    evidence: { seeds: [], minSeeds: 0, runs: [], studies: [], figure: null, pending: 0 },
  };
}

export interface Decided<H extends number, N, E> {
  hypothesis: H;
  outcome: Outcome;
  units: Array<RuleUnit<N>>;
  /** The members the decision read. */
  used: readonly Member[];
  /** The fewest seeds of any compared cell. */
  minSeeds: number;
  studies: readonly StudyRow[];
  figure: Evidence['figure'];
  effect: { value: number | null } & E;
  note?: string | null;
}

export function verdictOf<H extends number, N, E>(d: Decided<H, N, E>): V1Verdict<H, N, E> {
  return {
    hypothesis: d.hypothesis,
    result: { outcome: d.outcome, note: d.note ?? null, units: d.units, effect: d.effect },
    evidence: {
      seeds: seedsOf(d.used),
      minSeeds: d.minSeeds,
      runs: [...new Set(d.used.map((m) => m.run.run))].sort(),
      studies: d.studies.map((s) => s.study),
      figure: d.figure,
      pending: 0,
    },
  };
}

/**
 * A rule decided run by run: a strict majority, and at least MIN_SEEDS informative runs (else
 * inconclusive whatever they say, note 'too-few-runs').
 */
export function perRunVerdict<H extends number, N, E>(d: Omit<Decided<H, N, E>, 'outcome' | 'minSeeds' | 'note'>): V1Verdict<H, N, E> {
  const informative = tally(d.units).informative;
  const outcome = informative >= MIN_SEEDS ? byMajority(d.units) : 'inconclusive';
  const tooFewRuns = informative < MIN_SEEDS && d.units.length > 0;
  return verdictOf({ ...d, outcome, minSeeds: seedsOf(d.used).length, note: tooFewRuns ? 'too-few-runs' : null });
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
export interface RunNumbers {
  run: string;
  seed: number;
}

/** One group of a v1 study's other factors along an ordered factor (H3 and H5 of v1). */
export interface V1TrendNumbers extends TrendNumbers {
  group: { paths: string[]; factors: Record<string, FactorValue> };
  /** The ordered factor's levels, lowest first (fewer than two: the unit is insufficient). */
  levels: number[];
  /** Sparsity of the seeds at the lowest and at the highest level. */
  low: number[];
  high: number[];
}

/**
 * H3 and H5 (v1) on the one trend rule (analysis/rules/trend.ts), per group of the study's other
 * factors, with v1's seed requirement (MIN_SEEDS at the end levels, the ones compared). expectRise:
 * the highest level is expected clearly above the lowest (else the lowest above the highest).
 * diffs: per group, expected-higher minus expected-lower mean.
 */
export function v1TrendUnits(
  groups: readonly Group[],
  levelOf: (m: Member) => number,
  expectRise: boolean,
): { units: Array<RuleUnit<V1TrendNumbers>>; diffs: number[]; cells: Member[][] } {
  const units: Array<RuleUnit<V1TrendNumbers>> = [];
  const diffs: number[] = [];
  const cells: Member[][] = [];
  for (const g of groups) {
    const group = { paths: g.paths, factors: g.factors };
    const levels = [...new Set(g.members.map(levelOf))].sort((a, b) => a - b);
    const byLevel = levels.map((l) => g.members.filter((m) => levelOf(m) === l));
    cells.push(...byLevel);
    const sparsities = byLevel.map((ms) => valuesOf(ms, 'activation'));
    const key = groupKey(group);
    const unit = trendUnit(
      key,
      levels.map((level, i) => ({ level, sparsities: sparsities[i] })),
      expectRise,
      RULE_CONSTANTS.CLEAR_EFFECT,
      0,
    );
    const ends = levels.length < 2 ? { low: [], high: [] } : { low: sparsities[0], high: sparsities[sparsities.length - 1] };
    if (unit.numbers.difference !== null) diffs.push(unit.numbers.difference);
    units.push({ ...unit, numbers: { ...unit.numbers, group, levels, ...ends } });
  }
  return { units, diffs, cells };
}
