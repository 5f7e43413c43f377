// The optimizers and the regularization, written out as their update rules (PyTorch's
// conventions, which the paper's hyperparameters follow), so that coupled L2 and decoupled
// weight decay are explicit and each step can be checked against its closed form.
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig, ResolvedOptimizer } from './config.js';
import type { Trainable } from './model.js';
import { flushSubnormals } from './backend/subnormals.js';
import {
  compiledFusedUpdatesAvailable,
  fusedUpdate,
  fusedUpdateGroup,
  fusedUpdateGroupAvailable,
  fusedUpdatesAvailable,
  RULE_SLOTS,
} from './backend/fused-updates.js';

interface Slots {
  [slot: string]: tf.Variable;
}

interface Rule {
  slots: readonly string[];
  /** Returns the parameter after the update; updates the slots in place (inside a tidy). */
  update(w: tf.Tensor, g: tf.Tensor, s: Slots, lr: number, t: number, h: ResolvedOptimizer): tf.Tensor;
}

/** Each optimizer's update rule and the slots it keeps, by optimizer name. */
const UPDATE_RULES: Record<ResolvedOptimizer['name'], Rule> = {
  sgd: { slots: RULE_SLOTS.sgd, update: (w, g, _s, lr) => tf.sub(w, tf.mul(g, lr)) },
  momentum: {
    slots: RULE_SLOTS.momentum,
    update(w, g, s, lr, _t, h) {
      // PyTorch: v = mu v + g with v starting at 0 (so the first step is plain SGD).
      const v = tf.add(tf.mul(s.velocity, h.momentum!), g);
      s.velocity.assign(v);
      return tf.sub(w, tf.mul(v, lr));
    },
  },
  adam: { slots: RULE_SLOTS.adam, update: adamUpdate },
  adamw: { slots: RULE_SLOTS.adamw, update: adamUpdate },
  adamax: {
    slots: RULE_SLOTS.adamax,
    update(w, g, s, lr, t, h) {
      const m = tf.add(tf.mul(s.m, h.beta1!), tf.mul(g, 1 - h.beta1!));
      const u = tf.maximum(tf.mul(s.u, h.beta2!), tf.add(tf.abs(g), h.epsilon!));
      s.m.assign(m);
      s.u.assign(u);
      return tf.sub(w, tf.mul(tf.div(m, u), lr / (1 - h.beta1! ** t)));
    },
  },
  adagrad: {
    slots: RULE_SLOTS.adagrad,
    update(w, g, s, lr, _t, h) {
      const sum = tf.add(s.sum, tf.square(g));
      s.sum.assign(sum);
      return tf.sub(w, tf.mul(tf.div(g, tf.add(tf.sqrt(sum), h.epsilon!)), lr));
    },
  },
  adadelta: {
    slots: RULE_SLOTS.adadelta,
    update(w, g, s, lr, _t, h) {
      const rho = h.rho!;
      const eps = h.epsilon!;
      const square = tf.add(tf.mul(s.square, rho), tf.mul(tf.square(g), 1 - rho));
      const d = tf.mul(tf.div(tf.sqrt(tf.add(s.delta, eps)), tf.sqrt(tf.add(square, eps))), g);
      s.square.assign(square);
      s.delta.assign(tf.add(tf.mul(s.delta, rho), tf.mul(tf.square(d), 1 - rho)));
      return tf.sub(w, tf.mul(d, lr));
    },
  },
  rmsprop: {
    slots: RULE_SLOTS.rmsprop,
    update(w, g, s, lr, _t, h) {
      const square = tf.add(tf.mul(s.square, h.rho!), tf.mul(tf.square(g), 1 - h.rho!));
      s.square.assign(square);
      const step = tf.div(g, tf.add(tf.sqrt(square), h.epsilon!));
      if (!h.momentum) return tf.sub(w, tf.mul(step, lr));
      const v = tf.add(tf.mul(s.velocity, h.momentum), step);
      s.velocity.assign(v);
      return tf.sub(w, tf.mul(v, lr));
    },
  },
};

function adamUpdate(w: tf.Tensor, g: tf.Tensor, s: Slots, lr: number, t: number, h: ResolvedOptimizer): tf.Tensor {
  const b1 = h.beta1!;
  const b2 = h.beta2!;
  const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
  const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(g), 1 - b2));
  s.m.assign(m);
  s.v.assign(v);
  // PyTorch: w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
  const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - b2 ** t)), h.epsilon!);
  return tf.sub(w, tf.mul(tf.div(m, denom), lr / (1 - b1 ** t)));
}

export interface Optimizer {
  /** Applies one update from the data-loss gradients (regularization is added here). */
  apply(grads: tf.NamedTensorMap, lr: number): void;
  /** Number of updates applied so far. */
  readonly iterations: number;
  /** Whether each update flushes subnormal parameters and slots to zero (see backend/subnormals.ts). */
  readonly flushesSubnormals: boolean;
  /** Whether each variable is updated by one fused kernel (backend/fused-updates.ts) rather than op by op. */
  readonly fusedUpdates: boolean;
  /** The optimizer's state tensors by name (`<parameter index>/<slot>`), for snapshots. */
  readonly slots: ReadonlyMap<string, tf.Variable>;
  /** Continues from `t` updates (when a run continues from its snapshot, after its slots are restored). */
  setIterations(t: number): void;
  dispose(): void;
}

/**
 * The configured optimizer over the network's trainables. L2 adds strength * w to the gradient
 * (the loss term strength/2 ||w||^2); decoupled weight decay shrinks w by (1 - lr * strength)
 * before the update, as AdamW does; both only on the configured parameter groups. Unless told
 * not to, every update then flushes subnormal values of the parameters and slots to zero (what a
 * native framework gets from the CPU's flush-to-zero mode): they are 25 orders of magnitude below
 * both dead thresholds, and wasm arithmetic on them is ~100x slower. With `fusedUpdates` (wasm
 * and cpu) each variable is updated by one fused kernel that gives the op-by-op rules above to the
 * bit. It is on by default where it runs as compiled code (wasm, backend/native.ts; webgpu, a WGSL
 * kernel that updates all variables of a step in one call) and off elsewhere, where it is a
 * JavaScript loop no faster than the ops (npm run bench times both); `fusedUpdates: false` keeps
 * the op-by-op path.
 */
export function createOptimizer(config: RunConfig, params: Trainable[], options: { flushSubnormals?: boolean; fusedUpdates?: boolean } = {}): Optimizer {
  const flush = options.flushSubnormals ?? true;
  const fused = (options.fusedUpdates ?? compiledFusedUpdatesAvailable()) && fusedUpdatesAvailable();
  const h = config.optimizer;
  const rule = UPDATE_RULES[h.name];
  const { kind, strength, appliesTo } = config.regularization;
  const slots = params.map((p) => {
    const s: Slots = {};
    for (const name of rule.slots) {
      const init = name === 'sum' ? (h.initialAccumulator ?? 0) : 0;
      s[name] = tf.variable(tf.fill(p.variable.shape, init), false);
    }
    return s;
  });
  let t = 0;
  const named = new Map(slots.flatMap((s, i) => Object.entries(s).map(([slot, v]) => [`${i}/${slot}`, v] as const)));
  return {
    get iterations() {
      return t;
    },
    slots: named,
    flushesSubnormals: flush,
    fusedUpdates: fused,
    setIterations(value) {
      if (!Number.isInteger(value) || value < 0) throw new Error(`an optimizer cannot continue from ${value} updates`);
      t = value;
    },
    apply(grads, lr) {
      t += 1;
      tf.tidy(() => {
        if (fused && fusedUpdateGroupAvailable()) {
          // webgpu: every variable in one kernel call (a few dispatches, as many variables each as the device binds).
          const entries = params.map((p, i) => {
            const g = grads[p.variable.name];
            if (!g) throw new Error(`no gradient for ${p.variable.name}`);
            const regularization = strength > 0 && appliesTo.includes(p.group) ? kind : 'none';
            return { step: { rule: h.name, hyper: h, lr, t, regularization, strength, flush }, w: p.variable, g, slots: Object.values(slots[i]) };
          });
          fusedUpdateGroup(entries).forEach((out, i) => {
            params[i].variable.assign(out.w);
            entries[i].slots.forEach((slot, j) => slot.assign(out.slots[j]));
          });
          return;
        }
        params.forEach((p, i) => {
          const w = p.variable;
          let g = grads[w.name];
          if (!g) throw new Error(`no gradient for ${w.name}`);
          const regularized = strength > 0 && appliesTo.includes(p.group);
          if (fused) {
            const order = Object.values(slots[i]);
            const regularization = regularized ? kind : 'none';
            const out = fusedUpdate({ rule: h.name, hyper: h, lr, t, regularization, strength, flush }, w, g, order);
            w.assign(out.w);
            order.forEach((slot, j) => slot.assign(out.slots[j]));
            return;
          }
          let current: tf.Tensor = w;
          if (regularized && kind === 'l2') g = tf.add(g, tf.mul(w, strength));
          if (regularized && kind === 'decoupled') current = tf.mul(w, 1 - lr * strength);
          const updated = rule.update(current, g, slots[i], lr, t, h);
          w.assign(flush ? flushSubnormals(updated) : updated);
          if (flush) for (const slot of Object.values(slots[i])) slot.assign(flushSubnormals(slot));
        });
      });
    },
    dispose() {
      for (const s of slots) tf.dispose(Object.values(s));
    },
  };
}

/**
 * The regularization gradient reaching a parameter (the paper's mechanism): strength * w for
 * both L2 and decoupled decay (for decoupled decay it is the decay per unit learning rate), 0 without.
 */
export function regularizationScale(config: RunConfig, group: Trainable['group']): number {
  const { kind, strength, appliesTo } = config.regularization;
  return kind !== 'none' && appliesTo.includes(group) ? strength : 0;
}
