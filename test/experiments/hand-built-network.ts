// A two-block network whose dead filters and selectivities are known by construction.
import { buildNetwork, type Network, type NetworkSpec } from '../../experiments/model.js';
import type { ImageBatchSource } from '../../experiments/train.js';

export const SPEC: NetworkSpec = {
  arch: 'basicnet',
  inputShape: [4, 4, 1],
  filters: [3, 2],
  poolAfter: [0],
  classes: 2,
  activation: 'relu',
  leakySlope: 0.01,
  bnEpsilon: 1e-5,
  bnMomentum: 0.1,
};

/** Centre tap of a 3x3 kernel [3,3,in,out] from input `ci` to output `co` set to `value`. */
function centre(inC: number, outC: number, taps: Array<[number, number, number]>): Float32Array {
  const k = new Float32Array(9 * inC * outC);
  for (const [ci, co, value] of taps) k[(4 * inC + ci) * outC + co] = value;
  return k;
}

/**
 * Layer 0: filter 0 passes the image (active where a pixel > 0); filter 1 has gamma 5e-4 but
 * beta 0.5, so it is dead by gamma and always active; filter 2 has a zero kernel, gamma 0 and
 * beta -1: dead by both. Layer 1: filter 0 passes layer-0 filter 0; filter 1 has a zero kernel
 * and beta -0.1: dead by activation only.
 */
export function handBuiltNetwork(activation: 'relu' | 'leaky-relu' = 'relu'): Network {
  return buildNetwork(
    { ...SPEC, activation },
    {
      kernels: [
        centre(1, 3, [
          [0, 0, 1],
          [0, 1, -1],
        ]),
        centre(3, 2, [[0, 0, 1]]),
      ],
      gammas: [Float32Array.from([1, 5e-4, 0]), Float32Array.from([1, 1])],
      betas: [Float32Array.from([0, 0.5, -1]), Float32Array.from([0, -0.1])],
      runningMeans: [new Float32Array(3), new Float32Array(2)],
      runningVariances: [new Float32Array(3).fill(1), new Float32Array(2).fill(1)],
      headWeight: Float32Array.from([1, -1, 0.5, 0.25]),
      headBias: Float32Array.from([0.1, -0.1]),
    },
  );
}

/** Four 4x4 images: all +1, all -1, one +2 pixel among -1, all -2. Filter (0,0) fires on the 1st and 3rd. */
export function probeImages(): ImageBatchSource {
  const images = new Float32Array(4 * 16);
  images.fill(1, 0, 16);
  images.fill(-1, 16, 32);
  images.fill(-1, 32, 48);
  images[32 + 5] = 2;
  images.fill(-2, 48, 64);
  return { images, labels: Int32Array.from([0, 1, 0, 1]), count: 4 };
}
