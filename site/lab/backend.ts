// The wasm backend inside the lab's worker: tfjs-backend-wasm with this project's kernels
// (experiments/backend/wasm-kernels.ts), the .wasm binary handed over by the page. The threaded
// build is kept off: it needs a cross-origin-isolated page, which neither file:// nor an
// ordinary static host gives, and with it the lab runs the same binary as the Node engine.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../../experiments/backend/wasm-kernels.js';
import { registerFlushKernels } from '../../experiments/backend/subnormals.js';

export interface LabBackend {
  detail: string;
  tfjsVersion: string;
  simd: boolean;
}

/** Starts the wasm backend from the binary's bytes: the SIMD build, or the plain one where SIMD is missing. */
export async function initLabBackend(binary: Uint8Array, simd: boolean): Promise<LabBackend> {
  tf.env().set('PROD', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', simd);
  const url = URL.createObjectURL(new Blob([binary as BlobPart], { type: 'application/wasm' }));
  setWasmPaths({ 'tfjs-backend-wasm.wasm': url, 'tfjs-backend-wasm-simd.wasm': url, 'tfjs-backend-wasm-threaded-simd.wasm': url });
  const registered = registerWasmKernels();
  registerFlushKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start in this browser');
  await tf.ready();
  return {
    detail: `@tensorflow/tfjs-backend-wasm ${version_wasm}, ${simd ? 'SIMD' : 'plain (no SIMD: slow)'} build, project kernels: ${registered.join(', ')}; in a browser Web Worker (live lab)`,
    tfjsVersion: tf.version_core,
    simd,
  };
}
