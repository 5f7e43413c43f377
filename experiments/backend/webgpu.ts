// The WebGPU backend in Node: Dawn's binding (the `webgpu` package, a prebuilt dawn.node) as
// navigator.gpu, then @tensorflow/tfjs-backend-webgpu and this project's WGSL kernels. On Linux
// Dawn drives the GPU through Vulkan; where no GPU driver exists, the software GPU that
// pipeline/software-gpu.sh unpacks into .cache/software-gpu (Mesa's lavapipe) stands in.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerWebgpuKernels } from './webgpu-kernels.js';

/** What the record says about the adapter the run used. */
export interface GpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (lavapipe, SwiftShader): right numbers, no GPU speed. */
  software: boolean;
}

export class WebgpuUnavailableError extends Error {}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where pipeline/software-gpu.sh puts lavapipe (SOFTWARE_GPU_DIR overrides, as in the script). */
export function softwareGpuDir(): string {
  return process.env.SOFTWARE_GPU_DIR ?? path.join(REPO_ROOT, '.cache', 'software-gpu');
}

/** Whether the software GPU is unpacked (its ICD file is there). */
export function softwareGpuInstalled(): boolean {
  return existsSync(path.join(softwareGpuDir(), 'lvp_icd.json'));
}

// glibc's RTLD_NODELETE: the library stays loaded after process.dlopen closes it (it is no Node addon).
const RTLD_NODELETE = 0x1000;

/**
 * Loads a shared library into the process for good, so that Dawn's later dlopen of the same
 * soname (libvulkan.so.1) gets it whatever LD_LIBRARY_PATH said at start. Returns false when the
 * library cannot be found.
 */
function preload(library: string): boolean {
  const { RTLD_NOW, RTLD_GLOBAL } = os.constants.dlopen;
  try {
    process.dlopen({ exports: {} }, library, (RTLD_NOW ?? 2) | (RTLD_GLOBAL ?? 0x100) | RTLD_NODELETE);
  } catch (error) {
    // A library that loads but registers no Node module is what we want here.
    return /did not self-register|Module did not|undefined symbol: node_register/i.test((error as Error).message);
  }
  return true;
}

/** Whether the system has a Vulkan loader (Linux); elsewhere Dawn uses Metal or Direct3D 12. */
function systemVulkan(): boolean {
  return process.platform !== 'linux' || preload('libvulkan.so.1');
}

/** Makes lavapipe visible to the Vulkan loader: the system's loader if there is one, else the unpacked one. */
function useSoftwareGpu(): void {
  const dir = softwareGpuDir();
  const lib = path.join(dir, 'lib');
  // lavapipe's own dependencies in their unpacked versions, then the loader if the system has none.
  for (const name of ['libdrm.so.2', 'libxshmfence.so.1']) preload(path.join(lib, name));
  if (!systemVulkan()) preload(path.join(lib, 'libvulkan.so.1'));
  const icd = path.join(dir, 'lvp_icd.json');
  // VK_ADD_DRIVER_FILES adds lavapipe to the system's drivers; VK_ICD_FILENAMES would hide them.
  const added = process.env.VK_ADD_DRIVER_FILES;
  if (!added?.split(path.delimiter).includes(icd)) process.env.VK_ADD_DRIVER_FILES = added ? `${added}${path.delimiter}${icd}` : icd;
}

function isSoftware(info: { vendor: string; architecture: string; device: string; description: string }, fallback: boolean): boolean {
  return (
    fallback || /llvmpipe|lavapipe|swiftshader|software|microsoft basic render/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`)
  );
}

type Dawn = { create(flags: string[]): GPU; globals: Record<string, unknown> };

async function loadDawn(): Promise<Dawn> {
  try {
    return (await import('webgpu')) as unknown as Dawn;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    throw new WebgpuUnavailableError(
      `the 'webgpu' package (Dawn's Node binding) ${missing ? 'is not installed' : `failed to load: ${(error as Error).message}`}: ` +
        `it is an optional dependency with a prebuilt dawn.node for linux-x64/arm64, macOS and Windows; run npm ci on one of those`,
    );
  }
}

export interface WebgpuOptions {
  /** Refuse software adapters (what 'auto' wants: a CPU rendering GPU work is slower than wasm). */
  hardwareOnly: boolean;
}

let active: { gpu: GPU; adapter: GpuAdapter } | null = null;

/**
 * Defines navigator.gpu from Dawn, registers tfjs-backend-webgpu and this project's kernels, and
 * makes 'webgpu' the backend. Throws WebgpuUnavailableError saying what to install when no
 * (suitable) adapter exists.
 */
export async function initWebgpu(options: WebgpuOptions): Promise<GpuAdapter> {
  if (active && tf.getBackend() === 'webgpu') {
    if (options.hardwareOnly && active.adapter.software) throw new WebgpuUnavailableError(`only a software adapter (${active.adapter.description}) is present`);
    return active.adapter;
  }
  if (options.hardwareOnly && !systemVulkan()) {
    throw new WebgpuUnavailableError(
      'no Vulkan loader (libvulkan.so.1): install the GPU driver (NVIDIA: the driver with its Vulkan ICD; AMD/Intel: mesa-vulkan-drivers)',
    );
  }
  if (!options.hardwareOnly && softwareGpuInstalled()) useSoftwareGpu();
  const dawn = await loadDawn();
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const found = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!found) {
    throw new WebgpuUnavailableError(
      'Dawn found no GPU adapter: install the GPU driver with Vulkan support (NVIDIA: the proprietary driver, whose package ships the Vulkan ICD; ' +
        'AMD/Intel: mesa-vulkan-drivers), or for a software GPU run bash pipeline/software-gpu.sh (Mesa lavapipe into .cache/software-gpu)',
    );
  }
  const info = found.info;
  const adapter: GpuAdapter = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: isSoftware(info, (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false),
  };
  if (options.hardwareOnly && adapter.software) throw new WebgpuUnavailableError(`only a software adapter (${adapter.description}) is present`);

  // tfjs-backend-webgpu registers its backend at import only if navigator.gpu exists then (Node 20
  // has no navigator); this registers it on the adapter found above, with the limits it asks for.
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const limits = found.limits;
      const device = await found.requestDevice({
        requiredFeatures: found.features.has('timestamp-query') ? ['timestamp-query'] : [],
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
          // Kernels that bind many inputs (AddN of gradient sums) need more than the default 8.
          maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
        },
      });
      return new WebGPUBackend(device, info);
    },
    3,
  );
  registerWebgpuKernels();
  if (!(await tf.setBackend('webgpu'))) throw new WebgpuUnavailableError(`the webgpu backend did not initialise on ${adapter.description}`);
  active = { gpu, adapter };
  return adapter;
}

/** One line for the record: which adapter ran. */
export function describeAdapter(adapter: GpuAdapter): string {
  const name = adapter.description || [adapter.vendor, adapter.architecture, adapter.device].filter(Boolean).join(' ');
  return `${name}${adapter.software ? ' (software GPU: right numbers, no GPU speed)' : ''}`;
}
