// Fused optimizer updates: one kernel per variable that reads the parameter, its gradient and its
// slots once and writes the regularized update, the new slots and the subnormal flush in one pass,
// instead of ~12 TF.js ops per variable. On wasm it is compiled SIMD code on the backend's heap
// (native/kernels.c); on cpu, and where the compiled module cannot run, the JavaScript loops below.
// Both compute the op-by-op rules of optimizers.ts in their order, rounded to float32 at every
// step (here with Math.fround: float32 +, -, *, / and sqrt computed in double and rounded once are
// correctly rounded, binary64 having more than 2*24+2 bits), so each is the op path's to the bit.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerName, ResolvedOptimizer } from '../config.js';
import { address, asWasm, f32 } from './heap.js';
import { nativeKernels, type NativeKernels } from './native.js';
import { MIN_NORMAL_FLOAT32 } from './subnormals.js';

export const FUSED_UPDATE_KERNEL = 'FusedOptimizerUpdate';
/**
 * Every variable of a step in one kernel call; registered on webgpu only (webgpu-kernels.ts), where
 * it binds as many variables to one dispatch as the device's storage-buffer limit allows.
 */
export const FUSED_UPDATE_GROUP_KERNEL = 'FusedOptimizerUpdateGroup';

/** The slots each rule keeps, in the order the kernel takes and returns them. */
export const RULE_SLOTS: Record<OptimizerName, readonly string[]> = {
  sgd: [],
  momentum: ['velocity'],
  adam: ['m', 'v'],
  adamw: ['m', 'v'],
  adamax: ['m', 'u'],
  adagrad: ['sum'],
  adadelta: ['square', 'delta'],
  rmsprop: ['square', 'velocity'],
};

/** What one variable's update needs besides its tensors. */
export interface FusedUpdateStep {
  rule: OptimizerName;
  hyper: ResolvedOptimizer;
  lr: number;
  /** The update's number, from 1 (for the bias corrections). */
  t: number;
  /** Coupled L2 (strength * w added to the gradient), decoupled decay (w shrunk by 1 - lr * strength), or neither. */
  regularization: 'none' | 'l2' | 'decoupled';
  strength: number;
  flush: boolean;
}

const f = Math.fround;

/**
 * The float32 scalars of the op path: TF.js turns each number operand into a float32 scalar
 * tensor, so each constant is rounded once, from the same double expression as in optimizers.ts.
 */
export interface Constants {
  /** l2: f(strength); decoupled: f(1 - lr * strength). */
  reg: number;
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  lr: number;
  /** Adam's sqrt(1 - beta2^t), which divides sqrt(v). */
  correction: number;
}

export function constants(s: FusedUpdateStep): Constants {
  const h = s.hyper;
  const reg = s.regularization === 'l2' ? f(s.strength) : s.regularization === 'decoupled' ? f(1 - s.lr * s.strength) : 0;
  const base = { reg, a: 0, b: 0, c: 0, d: 0, e: 0, lr: f(s.lr), correction: 1 };
  switch (s.rule) {
    case 'sgd':
      return base;
    case 'momentum':
      return { ...base, a: f(h.momentum!) };
    case 'adam':
    case 'adamw':
      return {
        ...base,
        a: f(h.beta1!),
        b: f(1 - h.beta1!),
        c: f(h.beta2!),
        d: f(1 - h.beta2!),
        e: f(h.epsilon!),
        // Bias corrections: sqrt(1 - b2^t) divides sqrt(v); lr / (1 - b1^t) scales the step.
        lr: f(s.lr / (1 - h.beta1! ** s.t)),
        correction: f(Math.sqrt(1 - h.beta2! ** s.t)),
      };
    case 'adamax':
      return { ...base, a: f(h.beta1!), b: f(1 - h.beta1!), c: f(h.beta2!), e: f(h.epsilon!), lr: f(s.lr / (1 - h.beta1! ** s.t)) };
    case 'adagrad':
      return { ...base, e: f(h.epsilon!) };
    case 'adadelta':
    case 'rmsprop':
      return { ...base, a: f(h.rho!), b: f(1 - h.rho!), c: f(h.momentum ?? 0), e: f(h.epsilon!) };
  }
}

/** A float32 value with a subnormal magnitude becomes +0 (as flushInto in subnormals.ts; -0 stays). */
function flushed(x: number): number {
  return x !== 0 && x > -MIN_NORMAL_FLOAT32 && x < MIN_NORMAL_FLOAT32 ? 0 : x;
}

type Loop = (w: Float32Array, g: Float32Array, s: Float32Array[], ow: Float32Array, os: Float32Array[], k: Constants, reg: 0 | 1 | 2, flush: boolean) => void;

// Math.fround is called by name in the loops: V8 inlines the builtin then (not through an alias).
// In every loop: gi is the regularized gradient (reg 1: + f(w * strength)), wi the decayed
// parameter (reg 2: f(w * (1 - lr * strength))), exactly as optimizers.ts composes them.
const LOOPS: Record<OptimizerName, Loop> = {
  sgd(w, g, _s, ow, _os, k, reg, flush) {
    for (let i = 0; i < w.length; i++) {
      const gi = reg === 1 ? Math.fround(g[i] + Math.fround(w[i] * k.reg)) : g[i];
      const wi = reg === 2 ? Math.fround(w[i] * k.reg) : w[i];
      const out = Math.fround(wi - Math.fround(gi * k.lr));
      ow[i] = flush ? flushed(out) : out;
    }
  },
  momentum(w, g, [v], ow, [ov], k, reg, flush) {
    for (let i = 0; i < w.length; i++) {
      const gi = reg === 1 ? Math.fround(g[i] + Math.fround(w[i] * k.reg)) : g[i];
      const wi = reg === 2 ? Math.fround(w[i] * k.reg) : w[i];
      const vi = Math.fround(Math.fround(v[i] * k.a) + gi);
      const out = Math.fround(wi - Math.fround(vi * k.lr));
      ow[i] = flush ? flushed(out) : out;
      ov[i] = flush ? flushed(vi) : vi;
    }
  },
  adam: adamLoop,
  adamw: adamLoop,
  adamax(w, g, [m, u], ow, [om, ou], k, reg, flush) {
    for (let i = 0; i < w.length; i++) {
      const gi = reg === 1 ? Math.fround(g[i] + Math.fround(w[i] * k.reg)) : g[i];
      const wi = reg === 2 ? Math.fround(w[i] * k.reg) : w[i];
      const mi = Math.fround(Math.fround(m[i] * k.a) + Math.fround(gi * k.b));
      const ui = Math.max(Math.fround(u[i] * k.c), Math.fround(Math.abs(gi) + k.e));
      const out = Math.fround(wi - Math.fround(Math.fround(mi / ui) * k.lr));
      ow[i] = flush ? flushed(out) : out;
      om[i] = flush ? flushed(mi) : mi;
      ou[i] = flush ? flushed(ui) : ui;
    }
  },
  adagrad(w, g, [sum], ow, [osum], k, reg, flush) {
    for (let i = 0; i < w.length; i++) {
      const gi = reg === 1 ? Math.fround(g[i] + Math.fround(w[i] * k.reg)) : g[i];
      const wi = reg === 2 ? Math.fround(w[i] * k.reg) : w[i];
      const si = Math.fround(sum[i] + Math.fround(gi * gi));
      const out = Math.fround(wi - Math.fround(Math.fround(gi / Math.fround(Math.fround(Math.sqrt(si)) + k.e)) * k.lr));
      ow[i] = flush ? flushed(out) : out;
      osum[i] = flush ? flushed(si) : si;
    }
  },
  adadelta(w, g, [sq, delta], ow, [osq, odelta], k, reg, flush) {
    for (let i = 0; i < w.length; i++) {
      const gi = reg === 1 ? Math.fround(g[i] + Math.fround(w[i] * k.reg)) : g[i];
      const wi = reg === 2 ? Math.fround(w[i] * k.reg) : w[i];
      const si = Math.fround(Math.fround(sq[i] * k.a) + Math.fround(Math.fround(gi * gi) * k.b));
      const di = Math.fround(Math.fround(Math.fround(Math.sqrt(Math.fround(delta[i] + k.e))) / Math.fround(Math.sqrt(Math.fround(si + k.e)))) * gi);
      const ni = Math.fround(Math.fround(delta[i] * k.a) + Math.fround(Math.fround(di * di) * k.b));
      const out = Math.fround(wi - Math.fround(di * k.lr));
      ow[i] = flush ? flushed(out) : out;
      osq[i] = flush ? flushed(si) : si;
      odelta[i] = flush ? flushed(ni) : ni;
    }
  },
  rmsprop(w, g, [sq, v], ow, [osq, ov], k, reg, flush) {
    const momentum = k.c !== 0;
    for (let i = 0; i < w.length; i++) {
      const gi = reg === 1 ? Math.fround(g[i] + Math.fround(w[i] * k.reg)) : g[i];
      const wi = reg === 2 ? Math.fround(w[i] * k.reg) : w[i];
      const si = Math.fround(Math.fround(sq[i] * k.a) + Math.fround(Math.fround(gi * gi) * k.b));
      const step = Math.fround(gi / Math.fround(Math.fround(Math.sqrt(si)) + k.e));
      // Without momentum the velocity slot is kept (and stays as it was), as in the op path.
      const vi = momentum ? Math.fround(Math.fround(v[i] * k.c) + step) : v[i];
      const out = Math.fround(wi - Math.fround((momentum ? vi : step) * k.lr));
      ow[i] = flush ? flushed(out) : out;
      osq[i] = flush ? flushed(si) : si;
      ov[i] = flush ? flushed(vi) : vi;
    }
  },
};

function adamLoop(
  w: Float32Array,
  g: Float32Array,
  [m, v]: Float32Array[],
  ow: Float32Array,
  [om, ov]: Float32Array[],
  k: Constants,
  reg: 0 | 1 | 2,
  flush: boolean,
): void {
  const correction = k.correction;
  for (let i = 0; i < w.length; i++) {
    const gi = reg === 1 ? Math.fround(g[i] + Math.fround(w[i] * k.reg)) : g[i];
    const wi = reg === 2 ? Math.fround(w[i] * k.reg) : w[i];
    const mi = Math.fround(Math.fround(m[i] * k.a) + Math.fround(gi * k.b));
    const vi = Math.fround(Math.fround(v[i] * k.c) + Math.fround(Math.fround(gi * gi) * k.d));
    const denom = Math.fround(Math.fround(Math.fround(Math.sqrt(vi)) / correction) + k.e);
    const out = Math.fround(wi - Math.fround(Math.fround(mi / denom) * k.lr));
    ow[i] = flush ? flushed(out) : out;
    om[i] = flush ? flushed(mi) : mi;
    ov[i] = flush ? flushed(vi) : vi;
  }
}

/** Runs one rule's loop over plain arrays: writes the new parameter to `ow` and the new slots to `os`. */
function fusedUpdateInto(step: FusedUpdateStep, w: Float32Array, g: Float32Array, slots: Float32Array[], ow: Float32Array, os: Float32Array[]): void {
  const expected = RULE_SLOTS[step.rule].length;
  if (slots.length !== expected || os.length !== expected) {
    throw new Error(
      `the fused ${step.rule} update takes ${expected} slots (${RULE_SLOTS[step.rule].join(', ') || 'none'}), got ${slots.length} in and ${os.length} out`,
    );
  }
  for (const a of [g, ...slots, ow, ...os]) {
    if (a.length !== w.length) throw new Error(`the fused ${step.rule} update needs tensors of the parameter's size ${w.length}, got one of ${a.length}`);
  }
  const reg = step.regularization === 'l2' ? 1 : step.regularization === 'decoupled' ? 2 : 0;
  LOOPS[step.rule](w, g, slots, ow, os, constants(step), reg, step.flush);
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function inputsOf(args: KernelArgs): { w: tf.TensorInfo; g: tf.TensorInfo; slots: tf.TensorInfo[]; step: FusedUpdateStep } {
  const step = (args.attrs as unknown as { step: FusedUpdateStep }).step;
  const n = RULE_SLOTS[step.rule].length;
  const slots = Array.from({ length: n }, (_, i) => args.inputs[`s${i}`] as tf.TensorInfo);
  return { w: args.inputs.w as tf.TensorInfo, g: args.inputs.g as tf.TensorInfo, slots, step };
}

const NATIVE_RULES: Record<OptimizerName, keyof NativeKernels> = {
  sgd: 'update_sgd',
  momentum: 'update_momentum',
  adam: 'update_adam',
  adamw: 'update_adam',
  adamax: 'update_adamax',
  adagrad: 'update_adagrad',
  adadelta: 'update_adadelta',
  rmsprop: 'update_rmsprop',
};

function wasmFusedUpdate(args: KernelArgs): tf.TensorInfo[] {
  const backend = asWasm(args.backend);
  const { w, g, slots, step } = inputsOf(args);
  const outs = [w, ...slots].map((t) => backend.makeOutput([...t.shape], 'float32'));
  const native = nativeKernels(backend);
  if (native) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    for (const t of [g, ...slots]) {
      if (!t)
        throw new Error(`the fused ${step.rule} update takes ${RULE_SLOTS[step.rule].length} slots (${RULE_SLOTS[step.rule].join(', ')}); one is missing`);
      if (t.shape.reduce((a, b) => a * b, 1) !== n)
        throw new Error(`the fused ${step.rule} update needs tensors of the parameter's size ${n}, got shape [${t.shape.join(', ')}]`);
    }
    const at = (t: tf.TensorInfo | undefined) => (t ? address(backend, t) : 0);
    const k = constants(step);
    const reg = step.regularization === 'l2' ? 1 : step.regularization === 'decoupled' ? 2 : 0;
    const update = native[NATIVE_RULES[step.rule]] as NativeKernels['update_sgd'];
    update(
      n,
      at(w),
      at(g),
      at(slots[0]),
      at(slots[1]),
      at(outs[0]),
      at(outs[1]),
      at(outs[2]),
      reg,
      k.reg,
      k.a,
      k.b,
      k.c,
      k.d,
      k.e,
      k.lr,
      k.correction,
      step.flush ? 1 : 0,
    );
    return outs;
  }
  // Views only after the last allocation: makeOutput may grow (and move) the heap.
  const view = (t: tf.TensorInfo) => f32(backend, t);
  fusedUpdateInto(step, view(w), view(g), slots.map(view), view(outs[0]), outs.slice(1).map(view));
  return outs;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function cpuFusedUpdate(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as CpuBackendLike;
  const { w, g, slots, step } = inputsOf(args);
  const values = (t: tf.TensorInfo) => backend.data.get(t.dataId).values;
  const outs = [w, ...slots].map((t) => new Float32Array(t.shape.reduce((a, b) => a * b, 1)));
  fusedUpdateInto(step, values(w), values(g), slots.map(values), outs[0], outs.slice(1));
  return [w, ...slots].map((t, i) => backend.makeTensorInfo([...t.shape], 'float32', outs[i]));
}

let registered = false;

/** Registers the fused update for the wasm and cpu backends (idempotent). */
function registerFusedUpdateKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: FUSED_UPDATE_KERNEL, backendName: 'wasm', kernelFunc: wasmFusedUpdate as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: FUSED_UPDATE_KERNEL, backendName: 'cpu', kernelFunc: cpuFusedUpdate as unknown as tf.KernelFunc });
}

/** Whether the current backend runs the fused update (wasm and cpu; tfjs-node and GPUs use the op path). */
export function fusedUpdatesAvailable(): boolean {
  registerFusedUpdateKernels();
  return tf.getKernel(FUSED_UPDATE_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * Whether the fused update runs as compiled code here, where it beats the op path: the wasm
 * backend with native.ts's module, or webgpu (a WGSL kernel, webgpu-kernels.ts).
 */
export function compiledFusedUpdatesAvailable(): boolean {
  if (tf.getBackend() === 'webgpu') return fusedUpdatesAvailable();
  return tf.getBackend() === 'wasm' && fusedUpdatesAvailable() && nativeKernels(asWasm(tf.backend())) !== null;
}

/** One variable's update in one kernel: returns the new parameter and the new slots (in RULE_SLOTS order). */
export function fusedUpdate(step: FusedUpdateStep, w: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[]): { w: tf.Tensor; slots: tf.Tensor[] } {
  registerFusedUpdateKernels();
  const inputs: tf.NamedTensorMap = { w, g };
  slots.forEach((s, i) => (inputs[`s${i}`] = s));
  const out = tf.engine().runKernel(FUSED_UPDATE_KERNEL, inputs, { step } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return { w: out[0], slots: out.slice(1) };
}

/** Whether the current backend updates all variables of a step in one kernel call (webgpu). */
export function fusedUpdateGroupAvailable(): boolean {
  return tf.getKernel(FUSED_UPDATE_GROUP_KERNEL, tf.getBackend()) !== undefined;
}

/** One variable of a grouped update: its step (the same rule, lr, t and flush for all), parameter, gradient and slots. */
export interface FusedUpdateEntry {
  step: FusedUpdateStep;
  w: tf.Tensor;
  g: tf.Tensor;
  slots: tf.Tensor[];
}

/**
 * All variables' updates in one kernel call (where fusedUpdateGroupAvailable): each entry's new
 * parameter and slots, as fusedUpdate returns them. Inputs are named w<j>, g<j> and s<j>_<slot>.
 */
export function fusedUpdateGroup(entries: FusedUpdateEntry[]): Array<{ w: tf.Tensor; slots: tf.Tensor[] }> {
  const inputs: tf.NamedTensorMap = {};
  entries.forEach(({ w, g, slots }, j) => {
    inputs[`w${j}`] = w;
    inputs[`g${j}`] = g;
    slots.forEach((t, i) => (inputs[`s${j}_${i}`] = t));
  });
  const steps = entries.map((e) => e.step);
  const out = tf.engine().runKernel(FUSED_UPDATE_GROUP_KERNEL, inputs, { steps } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  let at = 0;
  return entries.map(({ slots }) => {
    const w = out[at];
    const next = out.slice(at + 1, at + 1 + slots.length);
    at += 1 + slots.length;
    return { w, slots: next };
  });
}
