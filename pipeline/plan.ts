// Expands studies into the runs of a scale: validates every configuration (before anything
// trains), hashes it, and merges identical configurations so each is trained once.
import { ConfigError, configHash, resolveConfig, type RunConfig } from '../experiments/config.js';
import type { Study, StudyContext } from '../experiments/studies/index.js';
import { valueAt } from '../experiments/studies/study.js';
import type { Scale } from '../data/schemas/datasets.js';

export type FactorValue = string | number | boolean | null;

export interface PlannedRun {
  hash: string;
  config: RunConfig;
  /** Studies that include the run, in study order. */
  studies: string[];
  /** A short human label, e.g. "optimizer: adamw/decoupled seed 1". */
  label: string;
}

export interface StudyMember {
  hash: string;
  seed: number;
  factors: Record<string, FactorValue>;
}

export interface StudyPlan {
  study: Study;
  /** In the study's order; a configuration listed twice by a study appears once. */
  members: StudyMember[];
}

export interface Plan {
  scale: Scale;
  context: StudyContext;
  /** Unique runs in sweep order (study order, then each study's own order). */
  runs: PlannedRun[];
  studies: StudyPlan[];
}

/** Every configuration error of every study, each line naming the study, the configuration and the field. */
export class PlanError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid study definitions (nothing was trained):\n${problems.join('\n')}`);
    this.name = 'PlanError';
  }
}

export function planStudies(studies: readonly Study[], scale: Scale, context: StudyContext): Plan {
  const problems: string[] = [];
  const runs = new Map<string, PlannedRun>();
  const studyPlans: StudyPlan[] = [];
  const names = new Set<string>();
  for (const study of studies) {
    if (names.has(study.name)) problems.push(`study '${study.name}' is defined twice`);
    names.add(study.name);
    let inputs: unknown[];
    try {
      inputs = study.configs(scale, context);
    } catch (error) {
      problems.push(`study '${study.name}' (scale ${scale}): configs() threw: ${(error as Error).message}`);
      continue;
    }
    const members: StudyMember[] = [];
    const seen = new Set<string>();
    inputs.forEach((input, index) => {
      let config: RunConfig;
      try {
        config = resolveConfig(input, `study '${study.name}' (scale ${scale}), configuration #${index}`);
      } catch (error) {
        if (error instanceof ConfigError) problems.push(error.message);
        else throw error;
        return;
      }
      for (const path of study.factors) {
        if (valueAt(config, path) === null && !pathExists(config, path)) {
          problems.push(`study '${study.name}': factor '${path}' is not a field of the run configuration`);
        }
      }
      const hash = configHash(config);
      const factors: Record<string, FactorValue> = {};
      for (const path of study.factors) factors[path] = valueAt(config, path);
      if (!seen.has(hash)) {
        seen.add(hash);
        members.push({ hash, seed: config.training.seed, factors });
      }
      const existing = runs.get(hash);
      if (existing) {
        if (!existing.studies.includes(study.name)) existing.studies.push(study.name);
      } else {
        runs.set(hash, { hash, config, studies: [study.name], label: runLabel(study, factors, config.training.seed) });
      }
    });
    studyPlans.push({ study, members });
  }
  if (problems.length > 0) throw new PlanError([...new Set(problems)]);
  return { scale, context, runs: [...runs.values()], studies: studyPlans };
}

function pathExists(config: unknown, path: string): boolean {
  let value: unknown = config;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !(key in (value as object))) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return true;
}

function runLabel(study: Study, factors: Record<string, FactorValue>, seed: number): string {
  const values = Object.values(factors).map((v) => String(v));
  return `${study.name}${values.length ? `: ${values.join('/')}` : ''} seed ${seed}`;
}

/** Keeps the studies called `names` (all when empty); unknown names fail listing the known ones. */
export function selectStudies(studies: readonly Study[], names: readonly string[]): Study[] {
  if (names.length === 0) return [...studies];
  const known = studies.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown study ${unknown.map((n) => `'${n}'`).join(', ')}; known studies: ${known.join(', ')}`);
  return studies.filter((s) => names.includes(s.name));
}
