// Chooses and initialises the TensorFlow.js backend: tensorflow (tfjs-node[-gpu]), then wasm
// with this project's kernels, then cpu. Nothing else in the code depends on which one runs.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

export interface BackendInfo {
  name: BackendName;
  /** Human-readable detail, e.g. which package provided it or which project kernels are registered. */
  detail: string;
  tfjsVersion: string;
}

/** Placeholder until the wasm path lands: cpu only. */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (choice !== 'auto' && choice !== 'cpu') {
    throw new Error(`backend '${choice}' is not available yet; use --backend cpu`);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { name: 'cpu', detail: 'stock cpu backend', tfjsVersion: tf.version_core };
}
