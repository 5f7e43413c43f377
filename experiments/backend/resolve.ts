// Chooses and initialises the TensorFlow.js backend: a hardware GPU through WebGPU, tensorflow
// (tfjs-node[-gpu]), then wasm with this project's kernels, then cpu. Nothing else in the code
// depends on which one runs, except that webgpu reads tensors back only asynchronously (readback.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients; the union package's bundle does (tfjs-node uses it too).
import '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerWasmKernels } from './wasm-kernels.js';
import { describeAdapter, initWebgpu, WebgpuUnavailableError, type GpuAdapter } from './webgpu.js';
import { registerWebgpuKernels } from './webgpu-kernels.js';

export type BackendName = 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** Human-readable detail, e.g. which package provided it or which project kernels are registered. */
  detail: string;
  tfjsVersion: string;
  /** The package that provided the backend. */
  package: string;
  /** Kernels of this project registered over or beside the backend's own. */
  kernels: string[];
  /** wasm only: whether the SIMD build runs, and whether its threaded build does (never in Node). */
  simd?: boolean;
  threads?: boolean;
  /** webgpu only: the adapter that runs the kernels. */
  adapter?: GpuAdapter;
}

const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

export class BackendUnavailableError extends Error {}

function isMissingModule(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

async function initTensorflow(): Promise<BackendInfo> {
  const failures: string[] = [];
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      await import(pkg);
    } catch (error) {
      failures.push(isMissingModule(error) ? `${pkg} is not installed` : `${pkg} failed to load: ${(error as Error).message}`);
      continue;
    }
    if (!(await tf.setBackend('tensorflow'))) {
      failures.push(`${pkg} loaded but the 'tensorflow' backend did not initialise`);
      continue;
    }
    return {
      name: 'tensorflow',
      detail: `${pkg} (native libtensorflow${pkg.endsWith('-gpu') ? ', CUDA' : ''})`,
      tfjsVersion: tf.version_core,
      package: pkg,
      kernels: [],
    };
  }
  throw new BackendUnavailableError(
    `backend 'tensorflow' is unavailable: ${failures.join('; ')}. ` +
      `Install @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA GPU) with npm; ` +
      `their install downloads libtensorflow, so it needs internet access. Or choose --backend wasm.`,
  );
}

/** The folder holding tfjs-backend-wasm's .wasm binaries (TFJS_WASM_DIR where the package is bundled: the GPU kit). */
export function wasmBinaryFolder(): string {
  if (process.env.TFJS_WASM_DIR) return process.env.TFJS_WASM_DIR;
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

async function initWasm(): Promise<BackendInfo> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new BackendUnavailableError(
      `backend 'wasm' is unavailable: @tensorflow/tfjs-backend-wasm ${isMissingModule(error) ? 'is not installed' : `failed to load: ${(error as Error).message}`}. ` +
        `Run npm ci (it is a dependency of this project), or choose --backend cpu.`,
    );
  }
  const folder = wasmBinaryFolder();
  wasm.setWasmPaths(folder);
  const registered = registerWasmKernels();
  if (!(await tf.setBackend('wasm'))) {
    throw new BackendUnavailableError(`backend 'wasm' did not initialise from ${folder}; check that the .wasm files are there`);
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  // tfjs-backend-wasm turns its threaded build off in Node (it needs browser workers), and its
  // XNNPACK calls get no thread pool anyway: one process per core is the way to use the cores.
  const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  const build = simd ? (threads ? 'threaded SIMD' : 'SIMD') : 'plain (no SIMD: slow)';
  return {
    name: 'wasm',
    detail: `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm}, ${build} build, project kernels: ${registered.join(', ')}`,
    tfjsVersion: tf.version_core,
    package: '@tensorflow/tfjs-backend-wasm',
    kernels: registered,
    simd,
    threads,
  };
}

async function initWebgpuBackend(hardwareOnly: boolean): Promise<BackendInfo> {
  let adapter: GpuAdapter;
  try {
    adapter = await initWebgpu({ hardwareOnly });
  } catch (error) {
    if (error instanceof WebgpuUnavailableError) throw new BackendUnavailableError(`backend 'webgpu' is unavailable: ${error.message}`);
    throw error;
  }
  let version = tf.version_core;
  try {
    version = (createRequire(import.meta.url)('@tensorflow/tfjs-backend-webgpu/package.json') as { version: string }).version;
  } catch {
    // Bundled (the GPU kit): the package ships in step with tfjs-core.
  }
  const kernels = registerWebgpuKernels();
  return {
    name: 'webgpu',
    detail: `@tensorflow/tfjs-backend-webgpu ${version} on Dawn (webgpu package), adapter: ${describeAdapter(adapter)}, project kernels: ${kernels.join(', ')}`,
    tfjsVersion: tf.version_core,
    package: '@tensorflow/tfjs-backend-webgpu',
    kernels,
    adapter,
  };
}

async function initCpu(): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  return {
    name: 'cpu',
    detail: '@tensorflow/tfjs-backend-cpu (plain JavaScript: very slow for training)',
    tfjsVersion: tf.version_core,
    package: '@tensorflow/tfjs-backend-cpu',
    kernels: [],
  };
}

/**
 * Initialises the backend: a forced choice fails with what to install; 'auto' takes the first
 * that works of webgpu on a hardware GPU, tensorflow, wasm and cpu ('webgpu' forced also takes a
 * software GPU, pipeline/software-gpu.sh's lavapipe).
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  // The cpu backend's "install tfjs-node" greeting would interrupt progress bars; the backend
  // resolution below already says which backend runs and what to install for a faster one.
  tf.env().set('PROD', true);
  let info: BackendInfo;
  switch (choice) {
    case 'webgpu':
      info = await initWebgpuBackend(false);
      break;
    case 'tensorflow':
      info = await initTensorflow();
      break;
    case 'wasm':
      info = await initWasm();
      break;
    case 'cpu':
      info = await initCpu();
      break;
    case 'auto': {
      const attempts: Array<() => Promise<BackendInfo>> = [() => initWebgpuBackend(true), initTensorflow, initWasm, initCpu];
      let found: BackendInfo | null = null;
      const skipped: string[] = [];
      for (const attempt of attempts) {
        try {
          found = await attempt();
          break;
        } catch (error) {
          if (!(error instanceof BackendUnavailableError)) throw error;
          skipped.push(error.message.split(':')[0]);
        }
      }
      info = found!;
      if (skipped.length > 0) info = { ...info, detail: `${info.detail}; skipped: ${skipped.join(', ')}` };
      break;
    }
    default:
      throw new Error(`unknown backend '${String(choice)}': choose one of ${BACKEND_CHOICES.join(', ')}`);
  }
  await tf.ready();
  return info;
}
