// The fused optimizer updates against the op-by-op rules they replace: every optimizer with every
// regularization, 100 steps on wasm (the compiled kernels, and the JavaScript loops with them off)
// and on cpu, parameters and slots compared bit for bit (both round each step to float32 in the op
// path's order), including zero and subnormal parameters and gradients and sizes that are not a
// multiple of the SIMD width, with the flush on and off; and no tensor or wasm buffer left behind.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { OPTIMIZERS, REGULARIZATIONS, resolveConfig, type OptimizerName, type RunConfig } from '../../../experiments/config.js';
import { createOptimizer, type Optimizer } from '../../../experiments/optimizers.js';
import { createRandom } from '../../../experiments/random.js';
import { countSubnormals } from '../../../experiments/backend/subnormals.js';
import { compiledFusedUpdatesAvailable } from '../../../experiments/backend/fused-updates.js';
import { setNativeKernels } from '../../../experiments/backend/native.js';
import { setup } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });
beforeAll(setup);

// Not multiples of 4: the compiled kernels' last, partial vector is exercised too.
const W_SIZE = 303;
const B_SIZE = 10;
const STEPS = 100;

/** Values as a dying filter sees them: mostly normal, some exactly zero, some subnormal. */
function values(seed: string, scale: number, size = W_SIZE): Float32Array {
  const random = createRandom(7, seed);
  return Float32Array.from({ length: size }, (_, i) => {
    if (i % 10 === 0) return 0;
    if (i % 10 === 1) return (random.normal() > 0 ? 1 : -1) * 3e-40 * (1 + random.next());
    if (i % 10 === 2) return random.normal() * 1e-36; // becomes subnormal as it decays
    return random.normal() * scale;
  });
}

type Kind = (typeof REGULARIZATIONS)[number];

function configFor(name: OptimizerName, kind: Kind, extra: Record<string, number> = {}): RunConfig {
  return resolveConfig({ optimizer: { name, ...extra }, regularization: { kind, strength: kind === 'none' ? 0 : 5e-3, appliesTo: ['conv'] } });
}

/** The combinations a run may use: the configuration makes Adam with decoupled decay AdamW, and AdamW only decoupled. */
const COMBINATIONS: Array<{ name: OptimizerName; kind: Kind; extra?: Record<string, number>; label: string }> = [
  ...OPTIMIZERS.flatMap((name) =>
    REGULARIZATIONS.filter((kind) => (name === 'adamw' ? kind === 'decoupled' : !(name === 'adam' && kind === 'decoupled'))).map((kind) => ({
      name,
      kind,
      label: name,
    })),
  ),
  ...REGULARIZATIONS.map((kind) => ({ name: 'rmsprop' as const, kind, extra: { momentum: 0.9 }, label: 'rmsprop with momentum 0.9' })),
];

/** Trains one regularized and one unregularized parameter for STEPS steps; returns every state tensor's bits. */
function train(config: RunConfig, fused: boolean, flush: boolean): { bits: Map<string, Int32Array>; optimizer: boolean } {
  const w = tf.variable(tf.tensor1d(values('w', 0.5)), true, `fused-w-${fused}-${Math.random()}`);
  const b = tf.variable(tf.tensor1d(values('b', 0.1, B_SIZE)), true, `fused-b-${fused}-${Math.random()}`);
  const optimizer: Optimizer = createOptimizer(
    config,
    [
      { variable: w, group: 'conv' },
      { variable: b, group: 'gamma' },
    ],
    { fusedUpdates: fused, flushSubnormals: flush },
  );
  for (let step = 0; step < STEPS; step++) {
    const gw = tf.tensor1d(values(`gw${step}`, 0.05));
    const gb = tf.tensor1d(values(`gb${step}`, 0.05, B_SIZE));
    optimizer.apply({ [w.name]: gw, [b.name]: gb }, config.optimizer.lr);
    tf.dispose([gw, gb]);
  }
  const bits = new Map<string, Int32Array>();
  const read = (v: tf.Tensor) => new Int32Array((v.dataSync() as Float32Array).slice().buffer);
  bits.set('w', read(w));
  bits.set('b', read(b));
  for (const [name, v] of optimizer.slots) bits.set(name, read(v));
  const usedFused = optimizer.fusedUpdates;
  optimizer.dispose();
  tf.dispose([w, b]);
  return { bits, optimizer: usedFused };
}

function firstDifference(a: Int32Array, b: Int32Array): string | null {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      const fa = new Float32Array(a.buffer)[i];
      const fb = new Float32Array(b.buffer)[i];
      return `element ${i}: fused ${fa} vs ops ${fb}`;
    }
  }
  return null;
}

describe('fused optimizer updates', () => {
  it('runs compiled on wasm, and is then the default', () => {
    tf.setBackend('wasm');
    expect(compiledFusedUpdatesAvailable()).toBe(true);
    const w = tf.variable(tf.zeros([3]));
    const optimizer = createOptimizer(configFor('adam', 'l2'), [{ variable: w, group: 'conv' }]);
    expect(optimizer.fusedUpdates).toBe(true);
    optimizer.dispose();
    w.dispose();
  });

  for (const backend of ['wasm', 'wasm without the compiled kernels', 'cpu'] as const) {
    for (const { name, kind, extra, label } of COMBINATIONS) {
      it(`${label} with ${kind} regularization on ${backend}: ${STEPS} steps equal the op path to the bit`, () => {
        tf.setBackend(backend === 'cpu' ? 'cpu' : 'wasm');
        const config = configFor(name, kind, extra);
        setNativeKernels(backend !== 'wasm without the compiled kernels');
        let fused: ReturnType<typeof train>;
        try {
          fused = train(config, true, true);
        } finally {
          setNativeKernels(true);
        }
        const ops = train(config, false, true);
        expect(fused.optimizer).toBe(true);
        expect(ops.optimizer).toBe(false);
        expect([...fused.bits.keys()]).toEqual([...ops.bits.keys()]);
        for (const [tensor, bits] of fused.bits) {
          expect(firstDifference(bits, ops.bits.get(tensor)!), `${tensor}`).toBeNull();
          expect(countSubnormals(new Float32Array(bits.buffer)), `${tensor} flushed`).toBe(0);
        }
      });
    }
  }

  for (const { name, kind, extra, label } of COMBINATIONS) {
    it(`without the flush the compiled ${label} update (${kind}) keeps the subnormal values the op path keeps`, () => {
      tf.setBackend('wasm');
      const config = configFor(name, kind, extra);
      const fused = train(config, true, false);
      const ops = train(config, false, false);
      let subnormal = 0;
      for (const [tensor, bits] of fused.bits) {
        expect(firstDifference(bits, ops.bits.get(tensor)!), `${tensor}`).toBeNull();
        subnormal += countSubnormals(new Float32Array(bits.buffer));
      }
      // Adam keeps some (its steps do not move a zero-gradient parameter); Adagrad and RMSprop need not.
      if (name === 'adam') expect(subnormal).toBeGreaterThan(0);
    });
  }

  it('leaves tensor and wasm buffer counts flat over steps', () => {
    tf.setBackend('wasm');
    const config = configFor('adam', 'l2');
    const w = tf.variable(tf.tensor1d(values('w', 0.5)));
    const optimizer = createOptimizer(config, [{ variable: w, group: 'conv' }], { fusedUpdates: true });
    expect(optimizer.fusedUpdates).toBe(true);
    const g = tf.tensor1d(values('g', 0.05));
    const step = () => optimizer.apply({ [w.name]: g }, 1e-3);
    step();
    const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    const heap = heapBytes();
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    expect(heapBytes()).toBe(heap);
    optimizer.dispose();
    tf.dispose([w, g]);
  });
});
