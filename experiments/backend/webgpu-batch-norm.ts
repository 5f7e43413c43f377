// Batch normalisation in training mode as WGSL kernels for tfjs-backend-webgpu (batch-norm.ts's
// ProjectBatchNormTraining and ProjectBatchNormTrainingGrad): each direction is two dispatches, a
// per-channel reduction (one workgroup a channel) and one element pass, instead of the ~14 ops of
// the forward (moments by average pooling, rsqrt, scale and shift) and ~15 of the backward. The
// formulas and their float32 operations are channel-ops.ts's; only the order of the sums differs
// (a workgroup's 256 strided partial sums, then a tree), so results agree to float32 rounding.
import * as tf from '@tensorflow/tfjs-core';
import { rowsAndChannels } from './channel-ops.js';
import { dispatch, FLUSH_WGSL, INDEX_WGSL, type WebgpuBackendLike } from './webgpu-dispatch.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** Threads of a reduction workgroup (one workgroup per channel). */
const REDUCE = 256;

/** Storage bindings in order: outputs read_write, then inputs read-only; then the uniforms `k`. */
function bindings(outputs: string[], inputs: string[], uniforms: string): string {
  return [
    ...outputs.map((name, b) => `@group(0) @binding(${b}) var<storage, read_write> ${name}: array<f32>;`),
    ...inputs.map((name, b) => `@group(0) @binding(${outputs.length + b}) var<storage, read> ${name}: array<f32>;`),
    `struct K { ${uniforms} };`,
    `@group(0) @binding(${outputs.length + inputs.length}) var<uniform> k: K;`,
  ].join('\n');
}

/** Sums `term(r)` (an f32 expression of row r of channel ch) over all rows into part[0]; every invocation of the workgroup runs it. */
function channelSum(name: string, term: string): string {
  return `
  var ${name}_acc = 0.0;
  for (var r = t; r < k.m; r += ${REDUCE}u) { let e = r * k.c + ch; ${name}_acc += ${term}; }
  part[t] = ${name}_acc;
  workgroupBarrier();
  for (var w = ${REDUCE / 2}u; w > 0u; w >>= 1u) {
    if (t < w) { part[t] += part[t + w]; }
    workgroupBarrier();
  }
  let ${name} = part[0];
  workgroupBarrier();`;
}

const REDUCE_HEAD = `
var<workgroup> part: array<f32, ${REDUCE}>;
@compute @workgroup_size(${REDUCE})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3<u32>) {
  let ch = wg.x;`;

const ELEMENT_HEAD = `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${INDEX_WGSL}
  if (i >= k.n) { return; }
  let ch = i % k.c;`;

/** mean = sum(x)/m, variance = sum((x - mean)^2)/m (two passes, as channelMoments), invstd = 1/sqrt(variance + eps). */
const MOMENTS_SHADER = `${bindings(['mean', 'variance', 'invstd'], ['x'], 'm: u32, c: u32, eps: f32')}
${REDUCE_HEAD}
${channelSum('total', 'x[e]')}
  let mu = total / f32(k.m);
${channelSum('squares', '(x[e] - mu) * (x[e] - mu)')}
  if (t == 0u) {
    let v = squares / f32(k.m);
    mean[ch] = mu;
    variance[ch] = v;
    invstd[ch] = 1.0 / sqrt(v + k.eps);
  }
}`;

/** y = x * scale + shift with scale = gamma * invstd, shift = beta - mean * scale (batch-norm.ts's op path). */
const NORMALIZE_SHADER = `${bindings(['y'], ['x', 'gamma', 'beta', 'mean', 'invstd'], 'n: u32, c: u32')}
${ELEMENT_HEAD}
  let scale = gamma[ch] * invstd[ch];
  let shift = beta[ch] - mean[ch] * scale;
  y[i] = x[i] * scale + shift;
}`;

/** dbeta = sum(dy), dgamma = sum(dy * (x - mean)) * invstd. */
const GRAD_SUMS_SHADER = `${bindings(['dgamma', 'dbeta'], ['dy', 'x', 'mean', 'invstd'], 'm: u32, c: u32')}
${REDUCE_HEAD}
  let mu = mean[ch];
${channelSum('sdy', 'dy[e]')}
${channelSum('sdyx', 'dy[e] * (x[e] - mu)')}
  if (t == 0u) {
    dbeta[ch] = sdy;
    dgamma[ch] = sdyx * invstd[ch];
  }
}`;

/** dx = dy*k1 + (x - mean)*k2 + k3, k1 = gamma*invstd, k2 = -(k1*invstd*dgamma)/m, k3 = -(k1*dbeta)/m (channel-ops.ts's batchNormGrad). */
const GRAD_X_SHADER = `${bindings(['dx'], ['dy', 'x', 'gamma', 'mean', 'invstd', 'dgamma', 'dbeta'], 'n: u32, c: u32, m: f32')}
${ELEMENT_HEAD}
  let k1 = gamma[ch] * invstd[ch];
  let k2 = -((k1 * invstd[ch]) * dgamma[ch]) / k.m;
  let k3 = -(k1 * dbeta[ch]) / k.m;
  dx[i] = (dy[i] * k1 + (x[i] - mean[ch]) * k2) + k3;
}`;

function shape(x: tf.TensorInfo): { m: number; c: number; n: number } {
  if (x.dtype !== 'float32') throw new Error(`batch norm on webgpu takes float32 tensors, got ${x.dtype}`);
  const [m, c] = rowsAndChannels(x);
  return { m, c, n: m * c };
}

/** ProjectBatchNormTraining on webgpu: [y, mean, variance, invstd], as the wasm kernel returns them. */
export function webgpuBatchNormForward({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as WebgpuBackendLike;
  const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
  const { m, c, n } = shape(x);
  const [mean, variance, invstd] = [0, 1, 2].map(() => backend.makeTensorInfo([c], 'float32'));
  const y = backend.makeTensorInfo([...x.shape], 'float32');
  const eps = attrs!.epsilon as number;
  dispatch(
    backend,
    'bn-moments',
    () => MOMENTS_SHADER,
    [x],
    [mean, variance, invstd],
    [
      { type: 'uint32', data: [m] },
      { type: 'uint32', data: [c] },
      { type: 'float32', data: [eps] },
    ],
    { workgroups: c },
  );
  dispatch(
    backend,
    'bn-normalize',
    () => NORMALIZE_SHADER,
    [x, gamma, beta, mean, invstd],
    [y],
    [
      { type: 'uint32', data: [n] },
      { type: 'uint32', data: [c] },
    ],
    n,
  );
  return [y, mean, variance, invstd];
}

/** ProjectBatchNormTrainingGrad on webgpu: [dx, dgamma, dbeta]. */
export function webgpuBatchNormBackward({ inputs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const backend = b as WebgpuBackendLike;
  const { dy, x, gamma, mean, invstd } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'invstd', tf.TensorInfo>;
  const { m, c, n } = shape(x);
  const [dgamma, dbeta] = [0, 1].map(() => backend.makeTensorInfo([c], 'float32'));
  const dx = backend.makeTensorInfo([...x.shape], 'float32');
  dispatch(
    backend,
    'bn-grad-sums',
    () => GRAD_SUMS_SHADER,
    [dy, x, mean, invstd],
    [dgamma, dbeta],
    [
      { type: 'uint32', data: [m] },
      { type: 'uint32', data: [c] },
    ],
    { workgroups: c },
  );
  dispatch(
    backend,
    'bn-grad-x',
    () => GRAD_X_SHADER,
    [dy, x, gamma, mean, invstd, dgamma, dbeta],
    [dx],
    [
      { type: 'uint32', data: [n] },
      { type: 'uint32', data: [c] },
      { type: 'float32', data: [m] },
    ],
    n,
  );
  return [dx, dgamma, dbeta];
}

// Batch norm then ReLU (batch-norm.ts's batchNormReluTraining): the same passes, with the ReLU in
// the normalize pass and its mask (the output > 0, as tf.relu's gradient) in the gradient's passes,
// instead of a Relu dispatch forward and a Step and a Multiply backward. Every pass binds at most 8
// storage buffers (WebGPU's default limit): the forward writes each channel's mean and invstd
// interleaved (`stats`), and the gradient's sums pass writes the input gradient's coefficients
// (k1, k2, k3 and the mean, per channel) for its element pass.

/** MOMENTS_SHADER's statistics, also written as stats[2ch] = mean, stats[2ch + 1] = invstd. */
const MOMENTS_RELU_SHADER = `${bindings(['mean', 'variance', 'stats'], ['x'], 'm: u32, c: u32, eps: f32')}
${REDUCE_HEAD}
${channelSum('total', 'x[e]')}
  let mu = total / f32(k.m);
${channelSum('squares', '(x[e] - mu) * (x[e] - mu)')}
  if (t == 0u) {
    let v = squares / f32(k.m);
    let s = 1.0 / sqrt(v + k.eps);
    mean[ch] = mu;
    variance[ch] = v;
    stats[2u * ch] = mu;
    stats[2u * ch + 1u] = s;
  }
}`;

/** y = max(0, x * scale + shift), NORMALIZE_SHADER's value through the ReLU. */
const NORMALIZE_RELU_SHADER = `${bindings(['y'], ['x', 'gamma', 'beta', 'stats'], 'n: u32, c: u32')}
${ELEMENT_HEAD}
  let scale = gamma[ch] * stats[2u * ch + 1u];
  let shift = beta[ch] - stats[2u * ch] * scale;
  y[i] = max(x[i] * scale + shift, 0.0);
}`;

/**
 * GRAD_SUMS_SHADER on the masked gradient dz = (y > 0 ? dy : 0), then GRAD_X_SHADER's coefficients
 * from the sums, in its float32 operations: coef[4ch..4ch+3] = k1, k2, k3, mean.
 */
const GRAD_SUMS_RELU_SHADER = `${bindings(['dgamma', 'dbeta', 'coef'], ['dy', 'x', 'y', 'gamma', 'stats'], 'm: u32, c: u32')}
${REDUCE_HEAD}
  let mu = stats[2u * ch];
  let invstd = stats[2u * ch + 1u];
${channelSum('sdy', 'select(0.0, dy[e], y[e] > 0.0)')}
${channelSum('sdyx', 'select(0.0, dy[e], y[e] > 0.0) * (x[e] - mu)')}
  if (t == 0u) {
    let dg = sdyx * invstd;
    dbeta[ch] = sdy;
    dgamma[ch] = dg;
    let k1 = gamma[ch] * invstd;
    coef[4u * ch] = k1;
    coef[4u * ch + 1u] = -((k1 * invstd) * dg) / f32(k.m);
    coef[4u * ch + 2u] = -(k1 * sdy) / f32(k.m);
    coef[4u * ch + 3u] = mu;
  }
}`;

/** dx = dz*k1 + (x - mean)*k2 + k3 with dz = (y > 0 ? dy : 0). */
const GRAD_X_RELU_SHADER = `${bindings(['dx'], ['dy', 'x', 'y', 'coef'], 'n: u32, c: u32')}
${ELEMENT_HEAD}
  let dz = select(0.0, dy[i], y[i] > 0.0);
  dx[i] = (dz * coef[4u * ch] + (x[i] - coef[4u * ch + 3u]) * coef[4u * ch + 1u]) + coef[4u * ch + 2u];
}`;

/** ProjectBatchNormReluTraining on webgpu: [max(0, y), mean, variance, stats (mean and invstd interleaved)]. */
export function webgpuBatchNormReluForward({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as WebgpuBackendLike;
  const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
  const { m, c, n } = shape(x);
  const [mean, variance] = [0, 1].map(() => backend.makeTensorInfo([c], 'float32'));
  const stats = backend.makeTensorInfo([2 * c], 'float32');
  const y = backend.makeTensorInfo([...x.shape], 'float32');
  const eps = attrs!.epsilon as number;
  dispatch(
    backend,
    'bn-relu-moments',
    () => MOMENTS_RELU_SHADER,
    [x],
    [mean, variance, stats],
    [
      { type: 'uint32', data: [m] },
      { type: 'uint32', data: [c] },
      { type: 'float32', data: [eps] },
    ],
    { workgroups: c },
  );
  dispatch(
    backend,
    'bn-relu-normalize',
    () => NORMALIZE_RELU_SHADER,
    [x, gamma, beta, stats],
    [y],
    [
      { type: 'uint32', data: [n] },
      { type: 'uint32', data: [c] },
    ],
    n,
  );
  return [y, mean, variance, stats];
}

/** ProjectBatchNormReluTrainingGrad on webgpu: [dx, dgamma, dbeta] from dy, the forward's input, gamma, its stats and its output y. */
export function webgpuBatchNormReluBackward({ inputs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const backend = b as WebgpuBackendLike;
  const { dy, x, gamma, stats, y } = inputs as Record<'dy' | 'x' | 'gamma' | 'stats' | 'y', tf.TensorInfo>;
  const { m, c, n } = shape(x);
  const [dgamma, dbeta] = [0, 1].map(() => backend.makeTensorInfo([c], 'float32'));
  const coef = backend.makeTensorInfo([4 * c], 'float32');
  const dx = backend.makeTensorInfo([...x.shape], 'float32');
  dispatch(
    backend,
    'bn-relu-grad-sums',
    () => GRAD_SUMS_RELU_SHADER,
    [dy, x, y, gamma, stats],
    [dgamma, dbeta, coef],
    [
      { type: 'uint32', data: [m] },
      { type: 'uint32', data: [c] },
    ],
    { workgroups: c },
  );
  dispatch(
    backend,
    'bn-relu-grad-x',
    () => GRAD_X_RELU_SHADER,
    [dy, x, y, coef],
    [dx],
    [
      { type: 'uint32', data: [n] },
      { type: 'uint32', data: [c] },
    ],
    n,
  );
  // Released once the queue has run the dispatches that use it (the backend defers it).
  backend.disposeData(coef.dataId);
  return [dx, dgamma, dbeta];
}

/** The running statistics' update (model.ts's updateRunningStatistics, in its float32 operations), both tensors in one dispatch. */
const RUNNING_SHADER = `${bindings(['newMean', 'newVariance'], ['runningMean', 'runningVariance', 'mean', 'variance'], 'n: u32, c: u32, keep: f32, momentum: f32, varianceMomentum: f32, flush: i32')}
${FLUSH_WGSL}
${ELEMENT_HEAD}
  let m = runningMean[i] * k.keep + mean[i] * k.momentum;
  let v = runningVariance[i] * k.keep + variance[i] * k.varianceMomentum;
  newMean[i] = select(m, flushed(m), k.flush != 0);
  newVariance[i] = select(v, flushed(v), k.flush != 0);
}`;

/** ProjectRunningStatistics on webgpu: [runningMean', runningVariance']. */
export function webgpuRunningStatistics({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as WebgpuBackendLike;
  const { runningMean, runningVariance, mean, variance } = inputs as Record<'runningMean' | 'runningVariance' | 'mean' | 'variance', tf.TensorInfo>;
  const { momentum, unbias, flush } = attrs as unknown as { momentum: number; unbias: number; flush: boolean };
  const n = runningMean.shape[0];
  const outs = [0, 1].map(() => backend.makeTensorInfo([n], 'float32'));
  // The scalars as the ops' float32 scalars: 1 - momentum and momentum * unbias rounded once.
  dispatch(
    backend,
    'bn-running-statistics',
    () => RUNNING_SHADER,
    [runningMean, runningVariance, mean, variance],
    outs,
    [
      { type: 'uint32', data: [n] },
      { type: 'uint32', data: [n] },
      { type: 'float32', data: [1 - momentum] },
      { type: 'float32', data: [momentum] },
      { type: 'float32', data: [momentum * unbias] },
      { type: 'int32', data: [flush ? 1 : 0] },
    ],
    n,
  );
  return outs;
}
