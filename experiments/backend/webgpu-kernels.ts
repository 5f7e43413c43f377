// This project's WGSL kernels for tfjs-backend-webgpu: the fused optimizer update (the parameter and
// all its slots with the subnormal flush in one pass, instead of ~12 ops; one variable, or every
// variable of a step in one kernel call and as few dispatches as the binding limit allows), the
// subnormal flush alone, and batch norm in training mode, with or without the ReLU
// (webgpu-batch-norm.ts). tfjs programs have one output, so these record their own compute passes
// (webgpu-dispatch.ts).
import * as tf from '@tensorflow/tfjs-core';
import { constants, FUSED_UPDATE_GROUP_KERNEL, FUSED_UPDATE_KERNEL, RULE_SLOTS, type FusedUpdateStep } from './fused-updates.js';
import { FLUSH_KERNEL } from './subnormals.js';
import {
  BATCH_NORM_BACKWARD_KERNEL,
  BATCH_NORM_FORWARD_KERNEL,
  BATCH_NORM_RELU_BACKWARD_KERNEL,
  BATCH_NORM_RELU_FORWARD_KERNEL,
  RUNNING_STATISTICS_KERNEL,
} from './batch-norm.js';
import {
  webgpuBatchNormBackward,
  webgpuBatchNormForward,
  webgpuBatchNormReluBackward,
  webgpuBatchNormReluForward,
  webgpuRunningStatistics,
} from './webgpu-batch-norm.js';
import { dispatch, FLUSH_WGSL, INDEX_WGSL, WORKGROUP, type WebgpuBackendLike } from './webgpu-dispatch.js';
import type { OptimizerName } from '../config.js';

/**
 * Per rule: the WGSL body from gi (regularized gradient) and wi (decayed parameter) to `out` and
 * the new slots, in the order of fused-updates.ts's loops (float32 at every step, as there).
 */
const RULE_WGSL: Record<OptimizerName, { body: string; slots: string[] }> = {
  sgd: { slots: [], body: `let out = wi - gi * k.lr;` },
  momentum: { slots: ['vi'], body: `let vi = s0[i] * k.a + gi; let out = wi - vi * k.lr;` },
  adam: {
    slots: ['mi', 'vi'],
    body: `let mi = s0[i] * k.a + gi * k.b;
  let vi = s1[i] * k.c + (gi * gi) * k.d;
  let denom = sqrt(vi) / k.correction + k.e;
  let out = wi - (mi / denom) * k.lr;`,
  },
  adamw: { slots: [], body: '' },
  adamax: {
    slots: ['mi', 'ui'],
    body: `let mi = s0[i] * k.a + gi * k.b;
  let ui = max(s1[i] * k.c, abs(gi) + k.e);
  let out = wi - (mi / ui) * k.lr;`,
  },
  adagrad: { slots: ['si'], body: `let si = s0[i] + gi * gi; let out = wi - (gi / (sqrt(si) + k.e)) * k.lr;` },
  adadelta: {
    slots: ['si', 'ni'],
    body: `let si = s0[i] * k.a + (gi * gi) * k.b;
  let di = (sqrt(s1[i] + k.e) / sqrt(si + k.e)) * gi;
  let ni = s1[i] * k.a + (di * di) * k.b;
  let out = wi - di * k.lr;`,
  },
  rmsprop: {
    slots: ['si', 'vi'],
    body: `let si = s0[i] * k.a + (gi * gi) * k.b;
  let step = gi / (sqrt(si) + k.e);
  var vi = s1[i];
  var stepped = step;
  if (k.c != 0.0) { vi = s1[i] * k.c + step; stepped = vi; }
  let out = wi - stepped * k.lr;`,
  },
};
RULE_WGSL.adamw = RULE_WGSL.adam;

function updateShader(rule: OptimizerName): string {
  const { body, slots } = RULE_WGSL[rule];
  const outs = ['ow', ...slots.map((_, j) => `os${j}`)];
  const ins = ['w', 'g', ...slots.map((_, j) => `s${j}`)];
  const decl = [
    ...outs.map((name, b) => `@group(0) @binding(${b}) var<storage, read_write> ${name}: array<f32>;`),
    ...ins.map((name, b) => `@group(0) @binding(${outs.length + b}) var<storage, read> ${name}: array<f32>;`),
  ];
  return `${decl.join('\n')}
struct K { n: u32, reg: i32, flush: i32, kreg: f32, a: f32, b: f32, c: f32, d: f32, e: f32, lr: f32, correction: f32 };
@group(0) @binding(${outs.length + ins.length}) var<uniform> k: K;
${FLUSH_WGSL}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${INDEX_WGSL}
  if (i >= k.n) { return; }
  var gi = g[i];
  var wi = w[i];
  if (k.reg == 1) { gi = g[i] + w[i] * k.kreg; }
  if (k.reg == 2) { wi = w[i] * k.kreg; }
  ${body}
  let f = k.flush != 0;
  ow[i] = select(out, flushed(out), f);
${slots.map((v, j) => `  os${j}[i] = select(${v}, flushed(${v}), f);`).join('\n')}
}`;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function webgpuFusedUpdate(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WebgpuBackendLike;
  const step = (args.attrs as unknown as { step: FusedUpdateStep }).step;
  const names = RULE_SLOTS[step.rule];
  const w = args.inputs.w as tf.TensorInfo;
  const g = args.inputs.g as tf.TensorInfo;
  const slots = names.map((_, i) => args.inputs[`s${i}`] as tf.TensorInfo);
  const n = w.shape.reduce((a, b) => a * b, 1);
  for (const t of [g, ...slots]) {
    if (!t) throw new Error(`the fused ${step.rule} update takes ${names.length} slots (${names.join(', ')}); one is missing`);
    if (t.shape.reduce((a, b) => a * b, 1) !== n)
      throw new Error(`the fused ${step.rule} update needs tensors of the parameter's size ${n}, got shape [${t.shape.join(', ')}]`);
  }
  const outs = [w, ...slots].map((t) => backend.makeTensorInfo([...t.shape], 'float32'));
  const k = constants(step);
  const reg = step.regularization === 'l2' ? 1 : step.regularization === 'decoupled' ? 2 : 0;
  const rule = step.rule === 'adamw' ? 'adam' : step.rule;
  dispatch(
    backend,
    `fused-update-${rule}`,
    () => updateShader(rule),
    [w, g, ...slots],
    outs,
    [
      { type: 'uint32', data: [n] },
      { type: 'int32', data: [reg] },
      { type: 'int32', data: [step.flush ? 1 : 0] },
      ...[k.reg, k.a, k.b, k.c, k.d, k.e, k.lr, k.correction].map((v) => ({ type: 'float32' as const, data: [v] })),
    ],
    n,
  );
  return outs;
}

// The grouped update (FusedOptimizerUpdateGroup): one dispatch updates several variables, each
// bound as its own buffers (tfjs keeps every tensor in its own GPUBuffer, and a binding is a
// buffer), so a dispatch takes as many variables as fit the device's maxStorageBuffersPerShaderStage
// (Dawn allows at most 16; WebGPU's default is 8): a variable binds its parameter, gradient and
// slots, and writes the new parameter and slots (sgd 3 buffers, momentum 5, adam 7). Invocation i
// runs the element of the variable whose range [start, end) holds it, with the rule's own WGSL
// (RULE_WGSL, the single update's float32 operations) and that variable's regularization.

/** The rule's WGSL as a function of one element (its parameter, gradient and slots) returning the new values. */
function ruleFunction(rule: OptimizerName): string {
  const { body, slots } = RULE_WGSL[rule];
  const args = ['wIn: f32', 'gIn: f32', ...slots.map((_, j) => `s${j}v: f32`), 'reg: i32', 'kreg: f32'];
  const values = ['out', ...slots];
  return `
struct Updated { ${values.map((v, j) => `v${j}: f32`).join(', ')} };
fn updated(${args.join(', ')}) -> Updated {
  var gi = gIn;
  var wi = wIn;
  if (reg == 1) { gi = gIn + wIn * kreg; }
  if (reg == 2) { wi = wIn * kreg; }
  ${body.replace(/s(\d)\[i\]/g, 's$1v')}
  let f = k.flush != 0;
  return Updated(${values.map((v) => `select(${v}, flushed(${v}), f)`).join(', ')});
}`;
}

function groupShader(rule: OptimizerName, count: number): string {
  const slots = RULE_WGSL[rule].slots.length;
  const perVariable = (j: number) => ({
    outs: [`ow${j}`, ...Array.from({ length: slots }, (_, s) => `os${j}_${s}`)],
    ins: [`w${j}`, `g${j}`, ...Array.from({ length: slots }, (_, s) => `s${j}_${s}`)],
  });
  const outs = Array.from({ length: count }, (_, j) => perVariable(j).outs).flat();
  const ins = Array.from({ length: count }, (_, j) => perVariable(j).ins).flat();
  const decl = [
    ...outs.map((name, b) => `@group(0) @binding(${b}) var<storage, read_write> ${name}: array<f32>;`),
    ...ins.map((name, b) => `@group(0) @binding(${outs.length + b}) var<storage, read> ${name}: array<f32>;`),
  ];
  const fields = [
    'n: u32, flush: i32, a: f32, b: f32, c: f32, d: f32, e: f32, lr: f32, correction: f32',
    ...Array.from({ length: count }, (_, j) => `end${j}: u32, reg${j}: i32, kreg${j}: f32`),
  ];
  const branches = Array.from({ length: count }, (_, j) => {
    const {
      outs: o,
      ins: [w, g, ...s],
    } = perVariable(j);
    const start = j === 0 ? '0u' : `k.end${j - 1}`;
    return `  if (i < k.end${j}) {
    let e = i - ${start};
    let r = updated(${[`${w}[e]`, `${g}[e]`, ...s.map((x) => `${x}[e]`), `k.reg${j}`, `k.kreg${j}`].join(', ')});
${o.map((name, v) => `    ${name}[e] = r.v${v};`).join('\n')}
    return;
  }`;
  });
  return `${decl.join('\n')}
struct K { ${fields.join(', ')} };
@group(0) @binding(${outs.length + ins.length}) var<uniform> k: K;
${FLUSH_WGSL}
${ruleFunction(rule)}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${INDEX_WGSL}
  if (i >= k.n) { return; }
${branches.join('\n')}
}`;
}

/** Variables a dispatch of `rule` can bind within `limit` storage buffers (at least one). */
export function variablesPerDispatch(rule: OptimizerName, limit: number): number {
  const buffers = 3 + 2 * RULE_WGSL[rule === 'adamw' ? 'adam' : rule].slots.length;
  return Math.max(1, Math.floor(limit / buffers));
}

function webgpuFusedUpdateGroup(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WebgpuBackendLike;
  const steps = (args.attrs as unknown as { steps: FusedUpdateStep[] }).steps;
  if (steps.length === 0) return [];
  const first = steps[0];
  const hyper = JSON.stringify(first.hyper);
  for (const s of steps) {
    if (s.rule !== first.rule || s.lr !== first.lr || s.t !== first.t || s.flush !== first.flush || JSON.stringify(s.hyper) !== hyper)
      throw new Error('a grouped fused update takes steps of one rule, learning rate, update number, flush and hyperparameters; update the others apart');
  }
  const rule = first.rule === 'adamw' ? 'adam' : first.rule;
  const names = RULE_SLOTS[first.rule];
  const variables = steps.map((step, j) => {
    const w = args.inputs[`w${j}`] as tf.TensorInfo;
    const g = args.inputs[`g${j}`] as tf.TensorInfo;
    const slots = names.map((_, i) => args.inputs[`s${j}_${i}`] as tf.TensorInfo);
    const n = w.shape.reduce((a, b) => a * b, 1);
    for (const t of [g, ...slots]) {
      if (!t) throw new Error(`the fused ${step.rule} update takes ${names.length} slots (${names.join(', ')}); one of variable ${j}'s is missing`);
      if (t.shape.reduce((a, b) => a * b, 1) !== n)
        throw new Error(`the fused ${step.rule} update needs tensors of the parameter's size ${n}, got shape [${t.shape.join(', ')}]`);
    }
    const k = constants(step);
    const reg = step.regularization === 'l2' ? 1 : step.regularization === 'decoupled' ? 2 : 0;
    return { w, g, slots, n, reg, kreg: k.reg, outs: [w, ...slots].map((t) => backend.makeTensorInfo([...t.shape], 'float32')) };
  });
  const k = constants(first);
  const per = variablesPerDispatch(rule, backend.device.limits.maxStorageBuffersPerShaderStage);
  for (let from = 0; from < variables.length; from += per) {
    const group = variables.slice(from, from + per);
    let end = 0;
    const ends = group.map((v) => (end += v.n));
    dispatch(
      backend,
      `fused-update-group-${rule}-${group.length}`,
      () => groupShader(rule, group.length),
      group.flatMap((v) => [v.w, v.g, ...v.slots]),
      group.flatMap((v) => v.outs),
      [
        { type: 'uint32', data: [end] },
        { type: 'int32', data: [first.flush ? 1 : 0] },
        ...[k.a, k.b, k.c, k.d, k.e, k.lr, k.correction].map((v) => ({ type: 'float32' as const, data: [v] })),
        ...group.flatMap((v, j) => [
          { type: 'uint32' as const, data: [ends[j]] },
          { type: 'int32' as const, data: [v.reg] },
          { type: 'float32' as const, data: [v.kreg] },
        ]),
      ],
      end,
    );
  }
  return variables.flatMap((v) => v.outs);
}

const FLUSH_SHADER = `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
struct K { n: u32 };
@group(0) @binding(2) var<uniform> k: K;
${FLUSH_WGSL}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${INDEX_WGSL}
  if (i < k.n) { out[i] = flushed(x[i]); }
}`;

function webgpuFlush(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WebgpuBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  const out = backend.makeTensorInfo([...x.shape], 'float32');
  const n = x.shape.reduce((a, b) => a * b, 1);
  dispatch(backend, 'flush-subnormals', () => FLUSH_SHADER, [x], [out], [{ type: 'uint32', data: [n] }], n);
  return out;
}

let registered = false;

/** Registers this project's kernels for the webgpu backend (idempotent). */
export function registerWebgpuKernels(): string[] {
  const kernels: Array<[string, unknown]> = [
    [FUSED_UPDATE_KERNEL, webgpuFusedUpdate],
    [FUSED_UPDATE_GROUP_KERNEL, webgpuFusedUpdateGroup],
    [FLUSH_KERNEL, webgpuFlush],
    [BATCH_NORM_FORWARD_KERNEL, webgpuBatchNormForward],
    [BATCH_NORM_BACKWARD_KERNEL, webgpuBatchNormBackward],
    [BATCH_NORM_RELU_FORWARD_KERNEL, webgpuBatchNormReluForward],
    [BATCH_NORM_RELU_BACKWARD_KERNEL, webgpuBatchNormReluBackward],
    [RUNNING_STATISTICS_KERNEL, webgpuRunningStatistics],
  ];
  if (!registered) {
    registered = true;
    for (const [kernelName, kernelFunc] of kernels) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as tf.KernelFunc });
  }
  return kernels.map(([name]) => name);
}
