// Resolving a user's run configuration: validation with errors that name the field, every
// default filled in, and only the hyperparameters the optimizer uses kept; and the learning-rate
// schedule it describes. The schema is data/schemas/run-config.ts, the identity config-hash.ts.
import type { z } from 'zod';
import { OPTIMIZER_DEFAULTS, runConfigInputSchema, type ResolvedOptimizer, type RunConfig } from '../data/schemas/run-config.js';

// Re-exported for the modules that read the configuration through this one.
export * from '../data/schemas/run-config.js';
export { canonicalJson, configHash } from './config-hash.js';
export { CONFIG_FIELDS, type ConfigField } from './config-fields.js';

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Turns zod issues into lines that name the field and what is allowed. */
function describeIssues(error: z.ZodError, where: string): ConfigError {
  const issues = error.issues.map((issue) => {
    const path = issue.path.join('.') || '(root)';
    let message = issue.message;
    if (issue.code === 'invalid_value' && 'values' in issue) {
      message = `must be one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (issue.code === 'unrecognized_keys') {
      message = `unknown field(s) ${issue.keys.join(', ')}`;
    }
    return { path, message };
  });
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  return new ConfigError(`invalid configuration in ${where}:\n${lines}`, issues);
}

/** Validates a user's configuration, fills every default and keeps only the hyperparameters the optimizer uses. */
export function resolveConfig(input: unknown, where = 'configuration'): RunConfig {
  const parsed = runConfigInputSchema.safeParse(input);
  if (!parsed.success) throw describeIssues(parsed.error, where);
  const cfg = parsed.data;
  const defaults = OPTIMIZER_DEFAULTS[cfg.optimizer.name];
  const given = cfg.optimizer as Record<string, unknown>;
  const unused = Object.keys(given).filter((k) => k !== 'name' && given[k] !== undefined && !(k in defaults));
  if (unused.length > 0) {
    throw new ConfigError(
      `invalid configuration in ${where}:\n  optimizer: ${cfg.optimizer.name} does not use ${unused.join(', ')} (it uses ${Object.keys(defaults).join(', ')})`,
      unused.map((k) => ({ path: `optimizer.${k}`, message: `not used by ${cfg.optimizer.name}` })),
    );
  }
  const optimizer: ResolvedOptimizer = { name: cfg.optimizer.name, lr: defaults.lr };
  for (const key of Object.keys(defaults)) {
    (optimizer as unknown as Record<string, number>)[key] = (given[key] as number | undefined) ?? defaults[key];
  }
  // AdamW *is* Adam with decoupled weight decay: one name per update rule, so no run is trained twice.
  const reg = cfg.regularization.kind;
  if ((cfg.optimizer.name === 'adamw') !== (cfg.optimizer.name.startsWith('adam') && cfg.optimizer.name !== 'adamax' && reg === 'decoupled')) {
    const message =
      cfg.optimizer.name === 'adamw'
        ? `adamw is Adam with decoupled weight decay: use regularization.kind "decoupled" with it (or optimizer "adam" for ${reg === 'l2' ? 'L2' : 'no regularization'})`
        : 'Adam with decoupled weight decay is AdamW: use optimizer.name "adamw"';
    throw new ConfigError(`invalid configuration in ${where}:\n  optimizer.name: ${message}`, [{ path: 'optimizer.name', message }]);
  }
  if (cfg.schedule.kind === 'step' && cfg.schedule.milestones.length === 0) {
    throw new ConfigError(`invalid configuration in ${where}:\n  schedule.milestones: a step schedule needs at least one milestone`, [
      { path: 'schedule.milestones', message: 'needs at least one milestone' },
    ]);
  }
  return { ...cfg, optimizer };
}

/** Learning rate at an iteration under the configured schedule. */
export function learningRateAt(config: RunConfig, iteration: number): number {
  if (config.schedule.kind === 'constant') return config.optimizer.lr;
  const passed = config.schedule.milestones.filter((m) => iteration >= m).length;
  return config.optimizer.lr * config.schedule.factor ** passed;
}
