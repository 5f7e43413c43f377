// Recording this project's WGSL compute passes into tfjs-backend-webgpu's command stream (4.22):
// tfjs programs have one output, so these kernels bind their own buffers, uniforms and pipeline,
// and go through the backend's submission batching as its own programs do.
import * as tf from '@tensorflow/tfjs-core';
import { countProjectDispatch } from './webgpu-profile.js';

/** The parts of tfjs-backend-webgpu's WebGPUBackend these kernels drive (4.22). */
export interface WebgpuBackendLike {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** Releases a tensor's buffer, deferred while the command queue still uses it. */
  disposeData(dataId: object): boolean;
  uploadToGPU(dataId: object): void;
  tensorToBinding(t: tf.TensorInfo): GPUBufferBinding;
  makeUniforms(u: Array<{ type: 'float32' | 'int32' | 'uint32'; data: number[] }>): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

export const WORKGROUP = 64;
const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

function pipeline(device: GPUDevice, key: string, code: () => string): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  let p = cache.get(key);
  if (!p) {
    p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: code() }), entryPoint: 'main' } });
    cache.set(key, p);
  }
  return p;
}

export type Uniforms = Array<{ type: 'float32' | 'int32' | 'uint32'; data: number[] }>;

/**
 * Records one dispatch reading `inputs` and writing `outputs` (bindings: outputs, inputs, then the
 * uniforms), as runWebGPUProgram does for one output: `n` invocations of 64 a workgroup (spread
 * over x and y), or `{ workgroups }` workgroups of the shader's own size along x.
 */
export function dispatch(
  backend: WebgpuBackendLike,
  key: string,
  code: () => string,
  inputs: tf.TensorInfo[],
  outputs: tf.TensorInfo[],
  uniforms: Uniforms,
  size: number | { workgroups: number },
): void {
  for (const t of [...outputs, ...inputs]) backend.uploadToGPU(t.dataId);
  const p = pipeline(backend.device, key, code);
  const entries = [...outputs, ...inputs].map((t, i) => ({ binding: i, resource: backend.tensorToBinding(t) }));
  entries.push({ binding: entries.length, resource: backend.makeUniforms(uniforms) });
  for (const t of [...outputs, ...inputs]) backend.commandQueueOwnedIds.add(t.dataId);
  const bindGroup = backend.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries });
  backend.ensureCommandEncoderReady();
  if (!backend.computePassEncoder) backend.computePassEncoder = backend.commandEncoder!.beginComputePass({});
  backend.computePassEncoder.setPipeline(p);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  if (typeof size === 'number') {
    const groups = Math.ceil(size / WORKGROUP);
    // At most 65,535 workgroups a dimension: larger tensors spread over y.
    const x = Math.min(groups, 65535);
    backend.computePassEncoder.dispatchWorkgroups(x, Math.ceil(groups / x));
  } else {
    if (size.workgroups > 65535) throw new Error(`${key}: ${size.workgroups} workgroups exceed the 65,535 of one dimension`);
    backend.computePassEncoder.dispatchWorkgroups(size.workgroups);
  }
  backend.dispatchCountInPass++;
  countProjectDispatch();
  if ((tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= backend.dispatchCountInPass) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}

export const FLUSH_WGSL = `
fn flushed(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  if ((b & 0x7f800000u) == 0u && (b & 0x007fffffu) != 0u) { return 0.0; }
  return x;
}`;

/** The index of this invocation over a grid of (x, y) workgroups. */
export const INDEX_WGSL = `let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;`;
