// The study's definitions (dead filters, sparsity, selectivity): the single source of truth
// for the pipeline, the aggregation and the site. Pure: no TensorFlow.js here.

/** Thresholds that decide when a filter counts as dead. Recorded in every run and dataset. */
export interface Thresholds {
  /** A filter is dead by gamma when |gamma| < this. */
  gamma: number;
  /** A filter is dead by activation when max |a| over every position and image < this. */
  activation: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { gamma: 1e-3, activation: 1e-12 };

/**
 * Bumped whenever a definition below changes meaning; stored in every dataset. 2: adds the
 * lifetime sparseness (the v2 selectivity measure); the active share keeps its meaning. 3: adds
 * the paper's selectivity measure (study v3); the earlier measures keep their meaning.
 */
export const DEFINITIONS_VERSION = 3;

export function isDeadByGamma(gamma: number, t: Thresholds = DEFAULT_THRESHOLDS): boolean {
  return Math.abs(gamma) < t.gamma;
}

/** `peak` is the largest |activation| of the channel over all positions of all images. */
export function isDeadByActivation(peak: number, t: Thresholds = DEFAULT_THRESHOLDS): boolean {
  return peak < t.activation;
}

/**
 * The active share (v1's selectivity): the fraction of images on which the feature is active
 * (its output is positive at some position), from the per-image count. It saturates: with 9 to 784 positions per image nearly every
 * feature is positive somewhere on nearly every image, so it cannot tell selective features apart.
 */
export function selectivity(activeImages: number, images: number): number {
  if (images <= 0) throw new Error(`selectivity needs at least one image (got ${images})`);
  return activeImages / images;
}

/**
 * A feature's response to one image: the spatial mean of the positive part of its
 * post-activation output, max(a, 0). For ReLU that is the spatial mean of the output; for leaky
 * ReLU the negative leak counts as no response (lifetime sparseness is defined on non-negative
 * responses, and a leak below zero is the feature not firing).
 */
export function featureResponse(outputs: ArrayLike<number>): number {
  if (outputs.length === 0) throw new Error('a response needs at least one position');
  let sum = 0;
  for (let i = 0; i < outputs.length; i++) sum += Math.max(0, outputs[i]);
  return sum / outputs.length;
}

/**
 * Lifetime sparseness (Treves-Rolls, normalised as in Vinje and Gallant 2000) of a feature's
 * responses r over N images, from their sum and sum of squares:
 * S = (1 - (mean r)^2 / mean(r^2)) / (1 - 1/N). 0 when it responds equally to every image, 1 when
 * to a single one; null (undefined) when it responds to none (every r = 0) or N < 2. Rounding can
 * put S a hair outside [0, 1]; it is clamped.
 */
export function lifetimeSparseness(sum: number, sumOfSquares: number, images: number): number | null {
  if (images < 2 || !(sumOfSquares > 0)) return null;
  const mean = sum / images;
  const meanSquare = sumOfSquares / images;
  const s = (1 - (mean * mean) / meanSquare) / (1 - 1 / images);
  return Math.min(1, Math.max(0, s));
}

/** Lifetime sparseness of a list of responses (one per image); see lifetimeSparseness. */
export function lifetimeSparsenessOf(responses: ArrayLike<number>): number | null {
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < responses.length; i++) {
    if (responses[i] < 0) throw new Error(`responses are non-negative (got ${responses[i]} at ${i}); see featureResponse`);
    sum += responses[i];
    sumOfSquares += responses[i] * responses[i];
  }
  return lifetimeSparseness(sum, sumOfSquares, responses.length);
}

/** The paper's selectivity: an image counts as "not responded to" below this share of the feature's largest response. */
export const PAPER_SELECTIVITY_THRESHOLD = 1e-3;

/**
 * The paper's selectivity measure (Mehta, Kim and Theobalt 2019; study v3): for each image the
 * maximum over positions of the feature's |activation| (post-activation, inference mode), divided
 * by the feature's maximum of that over the N images; the selectivity is the share of images whose
 * normalised maximum is below the threshold (1e-3). 0 when the feature answers every image
 * (universal, universality = 1 - selectivity), near 1 when it answers few. Null when the feature
 * answers no image (every maximum 0: dead by activation) or N < 2.
 * `maxima[offset + i * stride]` is image i's maximum (a [images, features] array: stride = features).
 */
export function paperSelectivity(
  maxima: ArrayLike<number>,
  images: number,
  stride = 1,
  offset = 0,
  threshold: number = PAPER_SELECTIVITY_THRESHOLD,
): number | null {
  if (images < 2) return null;
  let top = 0;
  for (let i = 0; i < images; i++) {
    const m = maxima[offset + i * stride];
    if (m < 0) throw new Error(`per-image maxima are maxima of |activation|, never negative (got ${m} at image ${i})`);
    if (m > top) top = m;
  }
  if (!(top > 0)) return null;
  let below = 0;
  for (let i = 0; i < images; i++) if (maxima[offset + i * stride] / top < threshold) below++;
  return below / images;
}

/** e-folds of pure decay that take a gamma from 1 to the gamma threshold 1e-3: ln(1000) = 6.9 (eFoldsToCollapse at the default threshold). */
export const COLLAPSE_EFOLDS = eFoldsToCollapse();

/**
 * Study v3's task pairs of Fashion-MNIST labels, chosen from the dataset's well-known confusions
 * before any v3 run: T-shirt/top (0) against Shirt (6), its most confused pair, and Trouser (1)
 * against Bag (8), which share no shape. Each task keeps 2 classes, so the two differ in difficulty
 * only; whether the hard pair is in fact harder is checked on the runs' own test accuracy.
 */
export const TASK_PAIRS = { hard: [0, 6], easy: [1, 8] } as const;

/**
 * The early checkpoint of a run is its first checkpoint at or after this share of the run's
 * iterations. A feature's selectivity there (selectivityEarly in the filters dataset) is read
 * before the deaths are under way: a dying feature's selectivity falls towards 0 as it dies, so
 * read just before its death it is low almost by construction. H6 is decided on this reading.
 */
export const EARLY_FRACTION = 0.1;

/**
 * Whether a checkpoint at `iteration` of a run of `iterations` is at or after EARLY_FRACTION of
 * it. Compared as a quotient (correctly rounded, so 7 of 70 is exactly 0.1), never as
 * EARLY_FRACTION * iterations (0.1 * 70 = 7.000000000000001 would skip the checkpoint at 7).
 */
export function isAtOrAfterEarly(iteration: number, iterations: number): boolean {
  return iterations > 0 && iteration / iterations >= EARLY_FRACTION;
}

/** Dead filters / filters, of one layer or summed over the conv layers of a network. */
export function sparsity(dead: number, filters: number): number {
  if (filters <= 0) throw new Error(`sparsity needs at least one filter (got ${filters})`);
  return dead / filters;
}

/** Per-layer counts summed into the network's sparsity, as the paper reports it. */
export function networkSparsity(layers: ReadonlyArray<{ dead: number; filters: number }>): number {
  let dead = 0;
  let filters = 0;
  for (const l of layers) {
    dead += l.dead;
    filters += l.filters;
  }
  return sparsity(dead, filters);
}

/** Filters of one layer dead by gamma, by activation and by both, from its per-filter |γ| and activation peaks. */
export function deadCounts(
  layer: { gamma: readonly number[]; peak: readonly number[] },
  t: Thresholds = DEFAULT_THRESHOLDS,
): { gamma: number; activation: number; both: number } {
  let gamma = 0;
  let activation = 0;
  let both = 0;
  for (let f = 0; f < layer.peak.length; f++) {
    const g = isDeadByGamma(layer.gamma[f], t);
    const a = isDeadByActivation(layer.peak[f], t);
    gamma += g ? 1 : 0;
    activation += a ? 1 : 0;
    both += g && a ? 1 : 0;
  }
  return { gamma, activation, both };
}

/**
 * When a filter died, from its activation peak at each checkpoint in iteration order (undefined
 * where it was not measured): the first checkpoint from which it is dead by activation at every
 * later one; `finalIteration` when no checkpoint shows it dead (the probe missed the images it
 * still fired on, while the final measurement on the full training set found it dead).
 */
export function diedAt(
  peaks: ReadonlyArray<{ iteration: number; peak: number | undefined }>,
  finalIteration: number,
  t: Thresholds = DEFAULT_THRESHOLDS,
): number {
  let from: number | null = null;
  for (const { iteration, peak } of peaks) {
    const dead = peak !== undefined && isDeadByActivation(peak, t);
    if (dead && from === null) from = iteration;
    if (!dead) from = null;
  }
  return from ?? finalIteration;
}

/**
 * How a dead filter died. "gamma-collapse": its batch-norm scale is negligible (dead by gamma).
 * "negative-beta": dead by activation with |gamma| at or above the gamma threshold and a negative
 * beta, so the batch-norm shift keeps the pre-activation below zero on every image (the classic
 * dying ReLU, not a collapse). "other": dead by activation with a non-negative beta and a live
 * gamma (its inputs went silent, say). Null for a filter alive by both criteria.
 */
export type DeathMechanism = 'gamma-collapse' | 'negative-beta' | 'other';

export function deathMechanism(filter: { gamma: number; beta: number; deadByActivation: boolean }, t: Thresholds = DEFAULT_THRESHOLDS): DeathMechanism | null {
  if (isDeadByGamma(filter.gamma, t)) return 'gamma-collapse';
  if (!filter.deadByActivation) return null;
  return filter.beta < 0 ? 'negative-beta' : 'other';
}

/** The parts of a run configuration the decay budget depends on. */
export interface DecayBudgetConfig {
  optimizer: { name: string; lr?: number; momentum?: number };
  regularization: { kind: 'none' | 'l2' | 'decoupled'; strength: number; appliesTo: readonly string[] };
  schedule: { kind: 'constant' | 'step'; milestones: readonly number[]; factor: number };
  training: { iterations: number };
}

/** E-folds of decay a gamma must undergo to fall from 1 to the gamma threshold: ln(1 / 1e-3) = 6.9. */
export function eFoldsToCollapse(t: Thresholds = DEFAULT_THRESHOLDS): number {
  return Math.log(1 / t.gamma);
}

/**
 * The decay budget of a configuration: how many e-folds of pure decay its regularization can apply
 * to a batch-norm gamma over the run, with the data-loss gradient left out. SGD with L2 (gradient
 * + strength * w) shrinks w by lr * strength per step: lr * strength * T; heavy-ball momentum mu
 * sums a constant pull into 1 / (1 - mu) of it; decoupled decay (PyTorch's AdamW convention,
 * w <- w (1 - lr * strength)) applies lr * strength per step whatever the optimizer. A step
 * schedule sums the rate it has at each step. An adaptive optimizer with L2 divides the pull by its
 * running gradient statistics, so the formula does not apply: null with the reason. Compare with
 * eFoldsToCollapse: a smaller budget cannot collapse a gamma by construction.
 */
export function decayBudget(config: DecayBudgetConfig): { eFolds: number; reason: null } | { eFolds: null; reason: string } {
  const { kind, strength, appliesTo } = config.regularization;
  if (kind === 'none' || strength === 0) return { eFolds: 0, reason: null };
  if (!appliesTo.includes('gamma')) return { eFolds: 0, reason: null };
  const lr = config.optimizer.lr;
  if (lr === undefined)
    throw new Error(`decayBudget needs the resolved learning rate of ${config.optimizer.name}: pass a resolved configuration (experiments/config.ts)`);
  const { iterations } = config.training;
  let lrSum = lr * iterations;
  if (config.schedule.kind === 'step') {
    lrSum = 0;
    for (let t = 0; t < iterations; t++) lrSum += lr * config.schedule.factor ** config.schedule.milestones.filter((m) => m <= t).length;
  }
  if (kind === 'decoupled') return { eFolds: lrSum * strength, reason: null };
  if (config.optimizer.name === 'sgd') return { eFolds: lrSum * strength, reason: null };
  if (config.optimizer.name === 'momentum') {
    const mu = config.optimizer.momentum ?? 0;
    if (mu >= 1) return { eFolds: null, reason: `momentum ${mu} does not damp: the budget diverges` };
    return { eFolds: (lrSum * strength) / (1 - mu), reason: null };
  }
  return {
    eFolds: null,
    reason: `${config.optimizer.name} with L2 divides the decay by its running gradient statistics per parameter, so the pull per step is not lr x strength: the budget formula does not apply`,
  };
}

/** Index, in a run's checkpoint iterations (ascending), of its early checkpoint (isAtOrAfterEarly); -1 when it has none. */
export function earlyCheckpointIndex(iterations: readonly number[], runIterations: number): number {
  return iterations.findIndex((i) => isAtOrAfterEarly(i, runIterations));
}

/** Index, in a run's checkpoint iterations (ascending), of the last checkpoint before `iteration`; -1 when none is. */
export function lastCheckpointBefore(iterations: readonly number[], iteration: number): number {
  let k = -1;
  iterations.forEach((at, i) => {
    if (at < iteration) k = i;
  });
  return k;
}

/**
 * Where a surviving filter's selectivity "before" is read, to compare with the dying filters'
 * (each read at lastCheckpointBefore its death): at the last checkpoint before the run's (lower)
 * median death, or at the first checkpoint after iteration 0 when nothing died. An index into the
 * run's checkpoint iterations (ascending); -1 when there is no such checkpoint.
 */
export function survivorReadPoint(iterations: readonly number[], deaths: readonly number[]): number {
  const sorted = [...deaths].sort((a, b) => a - b);
  const medianDeath = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
  return medianDeath === null ? iterations.findIndex((i) => i > 0) : lastCheckpointBefore(iterations, medianDeath);
}

/** The definitions as prose, shown on the site's methods page next to the values above. */
export const GLOSSARY: ReadonlyArray<{ term: string; definition: string }> = [
  {
    term: 'Filter (feature)',
    definition: 'One output channel of a Conv-BN-activation block.',
  },
  {
    term: 'Dead by gamma',
    definition: 'The batch-norm scale of the filter is negligible: |γ| < the gamma threshold.',
  },
  {
    term: 'Dead by activation',
    definition:
      'After the activation, the channel is zero (max |a| < the activation threshold) at every spatial position for every training image, measured in inference mode.',
  },
  {
    term: 'Sparsity',
    definition: 'Dead filters divided by filters, for one layer or summed over all conv layers of the network. Reported for both criteria.',
  },
  {
    term: 'Selectivity: lifetime sparseness (v2, primary)',
    definition:
      'A feature’s response to an image is the spatial mean of its post-activation output (its positive part: a leaky ReLU’s negative leak counts as no response), in inference mode. Over the N images, S = (1 − (mean r)² / mean(r²)) / (1 − 1/N) (Treves-Rolls, normalised as in Vinje and Gallant 2000): 0 when the feature responds equally to every image, 1 when it responds to a single one; undefined for a feature that responds to none. Measured at checkpoints on the probe subset and at the end on the training set.',
  },
  {
    term: 'Selectivity: the paper’s measure (v3)',
    definition:
      'As Mehta, Kim and Theobalt define it: for each image, the maximum over positions of the feature’s |activation| (after the activation, inference mode), divided by the feature’s largest such maximum over the probe images; the selectivity is the share of images below 1e-3 (universality = 1 − selectivity). 0 when the feature answers every image; undefined for a feature that answers none. Recorded at checkpoints on the probe subset from study v3 on, next to lifetime sparseness.',
  },
  {
    term: 'Selectivity: active share (v1)',
    definition:
      'The fraction of images for which the feature is active (its maximum over positions is > 0). It saturates: with 9 to 784 positions per image nearly every feature is positive somewhere on nearly every image (in the v1 study the features that later died read ≥ 0.957, half of them 1.0), so it cannot tell selective features apart. Kept for comparison; v1’s H6 verdict was decided on it.',
  },
  {
    term: 'Early selectivity',
    definition: `A feature's selectivity at its run's early checkpoint: the first checkpoint at or after ${Number((EARLY_FRACTION * 100).toPrecision(12))} % of the run's iterations, before the deaths are under way. Its selectivity at the last checkpoint before it died is shown too, but falls towards 0 as a feature dies, so it says little about whether the feature was selective before.`,
  },
  {
    term: 'Emergence',
    definition: 'Sparsity and selectivity measured at checkpoints during training, on a fixed probe subset of the training set.',
  },
  {
    term: 'Mechanism',
    definition:
      'At checkpoints, the norm of the data-loss gradient and of the regularization gradient reaching each feature (its γ and its kernel), against the feature’s selectivity.',
  },
  {
    term: 'Speed-up',
    definition:
      'The dead-by-activation filters (and the matching input channels of the next layer) are removed; the slim network is checked to give the same test accuracy, and parameters, FLOPs and measured inference images/s are compared.',
  },
];
