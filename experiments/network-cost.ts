// The shape of a network and what it costs: its blocks, their pooling, its parameters and
// multiply-accumulates, from the spec the model is built from. Pure (no TF.js), so the run's
// pruning, the pipeline's time estimate and the test fixtures count the network the model builds.
import type { RunConfig } from '../data/schemas/run-config.js';

/** The shape of a network: enough to build it, count it and rebuild it slimmer. */
export interface NetworkSpec {
  arch: string;
  inputShape: [number, number, number];
  /** Filters of each conv block. */
  filters: number[];
  /** Block indices followed by a 2x2 max-pool. */
  poolAfter: number[];
  classes: number;
  activation: 'relu' | 'leaky-relu';
  leakySlope: number;
  bnEpsilon: number;
  bnMomentum: number;
}

/** BasicNet from the paper: widths w, 2w, 2w, 4w, 4w, 8w, 8w; pooling after blocks 1, 3 and 5. */
export function basicNetSpec(config: Pick<RunConfig, 'model'>, inputShape: [number, number, number], classes: number): NetworkSpec {
  const w = config.model.width;
  return {
    arch: 'basicnet',
    inputShape,
    filters: [w, 2 * w, 2 * w, 4 * w, 4 * w, 8 * w, 8 * w],
    poolAfter: [0, 2, 4],
    classes,
    activation: config.model.activation,
    leakySlope: config.model.leakySlope,
    bnEpsilon: config.model.bnEpsilon,
    bnMomentum: config.model.bnMomentum,
  };
}

/** Spatial size of each block's output (before its pooling). */
export function blockSizes(spec: NetworkSpec): Array<[number, number]> {
  let [h, w] = spec.inputShape;
  return spec.filters.map((_, i) => {
    const size: [number, number] = [h, w];
    if (spec.poolAfter.includes(i)) {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
    return size;
  });
}

/** Trainable parameters: conv kernels, BN scale and shift, and the head. */
export function parameterCount(spec: NetworkSpec): number {
  let inChannels = spec.inputShape[2];
  let total = 0;
  for (const out of spec.filters) {
    total += 9 * inChannels * out + 2 * out;
    inChannels = out;
  }
  return total + inChannels * spec.classes + spec.classes;
}

/** Multiply-accumulates of one image's forward pass through the conv layers and the linear head. */
export function multiplyAccumulates(spec: NetworkSpec): number {
  const sizes = blockSizes(spec);
  let inChannels = spec.inputShape[2];
  let macs = 0;
  spec.filters.forEach((out, i) => {
    macs += sizes[i][0] * sizes[i][1] * 9 * inChannels * out;
    inChannels = out;
  });
  return macs + inChannels * spec.classes;
}

/** FLOPs of one image's forward pass: 2 x its multiply-accumulates. */
export function flopCount(spec: NetworkSpec): number {
  return 2 * multiplyAccumulates(spec);
}
