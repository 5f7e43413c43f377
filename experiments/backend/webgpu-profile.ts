// A dispatch profile of work on the webgpu backend: how many kernel calls of each kind it makes
// and how many GPU compute dispatches each kind records. A kernel call that records no dispatch
// is a reshape, a view, or a small op tfjs-backend-webgpu ran on the CPU (WEBGPU_CPU_FORWARD);
// at small widths the host's cost per dispatch, not the GPU, sets the speed, so this says which
// ops are worth a fused WGSL kernel. Profiling only: it wraps the registered kernels and the
// backend's dispatch recorder for the duration of one call and restores them after.
import * as tf from '@tensorflow/tfjs-core';

export interface KernelProfile {
  kernel: string;
  /** Calls of the kernel made through the registry (nested kernel functions count to their caller). */
  calls: number;
  /** GPU compute dispatches recorded while the kernel ran. */
  dispatches: number;
}

export interface DispatchProfile {
  /** Kernel calls through the registry, all kinds. */
  calls: number;
  /** GPU compute dispatches, all kinds (with any made outside a kernel call). */
  dispatches: number;
  /** Dispatches recorded outside any kernel call (none expected). */
  outside: number;
  /** Per kernel name, most dispatches first. */
  kernels: KernelProfile[];
}

/** The part of tfjs-backend-webgpu's backend that records a dispatch (4.22); this project's kernels go through it too (webgpu-kernels.ts). */
interface Recording {
  recordAndSubmit(...args: unknown[]): unknown;
}

let counting: ((kernel: string | null) => void) | null = null;

/** Called by this project's WGSL kernels, which record their own dispatches (webgpu-kernels.ts). */
export function countProjectDispatch(): void {
  counting?.(null);
}

/**
 * Runs `work` (which may be asynchronous) on the webgpu backend and counts its kernel calls and
 * dispatches per kernel. The work's own results are returned with the profile.
 */
export async function profileDispatches<R>(work: () => R | Promise<R>): Promise<{ result: R; profile: DispatchProfile }> {
  if (tf.getBackend() !== 'webgpu') throw new Error(`profileDispatches needs the webgpu backend (the current one is ${tf.getBackend()})`);
  const backend = tf.backend() as unknown as Recording;
  const table = new Map<string, KernelProfile>();
  const stack: string[] = [];
  let outside = 0;
  const entry = (kernel: string) => {
    let e = table.get(kernel);
    if (!e) table.set(kernel, (e = { kernel, calls: 0, dispatches: 0 }));
    return e;
  };
  counting = () => {
    const top = stack.at(-1);
    if (top === undefined) outside++;
    else entry(top).dispatches++;
  };
  const record = backend.recordAndSubmit;
  backend.recordAndSubmit = function (this: Recording, ...args: unknown[]) {
    counting?.(null);
    return record.apply(this, args);
  };
  // Registered kernel configs are the registry's own objects: wrapping kernelFunc there wraps every call.
  const configs = tf.getKernelsForBackend('webgpu');
  const originals = configs.map((c) => c.kernelFunc);
  configs.forEach((config, i) => {
    const original = originals[i];
    config.kernelFunc = ((args: Parameters<tf.KernelFunc>[0]) => {
      entry(config.kernelName).calls++;
      stack.push(config.kernelName);
      try {
        return original(args);
      } finally {
        stack.pop();
      }
    }) as tf.KernelFunc;
  });
  try {
    const result = await work();
    const kernels = [...table.values()].sort((a, b) => b.dispatches - a.dispatches || b.calls - a.calls || a.kernel.localeCompare(b.kernel));
    return {
      result,
      profile: {
        calls: kernels.reduce((n, k) => n + k.calls, 0),
        dispatches: kernels.reduce((n, k) => n + k.dispatches, 0) + outside,
        outside,
        kernels,
      },
    };
  } finally {
    configs.forEach((config, i) => (config.kernelFunc = originals[i]));
    backend.recordAndSubmit = record;
    counting = null;
  }
}

/** The profile as a table, one line per kernel kind, per step where `steps` > 1. */
export function formatProfile(profile: DispatchProfile, steps = 1): string {
  const per = (n: number) => (steps === 1 ? String(n) : (n / steps).toFixed(1).replace(/\.0$/, ''));
  const width = Math.max(6, ...profile.kernels.map((k) => k.kernel.length));
  const lines = [`${'kernel'.padEnd(width)}  ${'calls'.padStart(7)}  ${'dispatches'.padStart(10)}`];
  for (const k of profile.kernels) lines.push(`${k.kernel.padEnd(width)}  ${per(k.calls).padStart(7)}  ${per(k.dispatches).padStart(10)}`);
  lines.push(`${'total'.padEnd(width)}  ${per(profile.calls).padStart(7)}  ${per(profile.dispatches).padStart(10)}`);
  if (profile.outside > 0) lines.push(`(${per(profile.outside)} dispatches outside any kernel call)`);
  return lines.join('\n');
}
