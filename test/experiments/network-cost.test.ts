// The network-cost function against counts worked out by hand, and the estimate that uses it.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../experiments/config.js';
import { basicNetSpec, blockSizes, flopCount, multiplyAccumulates, parameterCount } from '../../experiments/network-cost.js';
import { relativeCost } from '../../pipeline/estimate.js';

describe('network cost', () => {
  const config = resolveConfig({});
  const spec = basicNetSpec({ model: { ...config.model, width: 16 } }, [28, 28, 1], 10);

  it('pools BasicNet after blocks 1, 3 and 5', () => {
    expect(blockSizes(spec).map(([h]) => h)).toEqual([28, 14, 14, 7, 7, 3, 3]);
  });

  it('counts 7.5 M multiply-accumulates per 28x28 image for BasicNet width 16', () => {
    // 3x3 convs, h * w * 9 * in * out per block, filters 16 32 32 64 64 128 128:
    //   28*28*9*1*16 = 112,896      14*14*9*16*32 = 903,168    14*14*9*32*32 = 1,806,336
    //   7*7*9*32*64 = 903,168       7*7*9*64*64 = 1,806,336    3*3*9*64*128 = 663,552
    //   3*3*9*128*128 = 1,327,104   head 128*10 = 1,280        sum 7,523,840
    expect(multiplyAccumulates(spec)).toBe(7_523_840);
    expect(flopCount(spec)).toBe(2 * 7_523_840);
  });

  it('counts the parameters: kernels, γ and β per block, and the head', () => {
    // kernels 9 * (1*16 + 16*32 + 32*32 + 32*64 + 64*64 + 64*128 + 128*128) = 9 * 32,272 = 290,448;
    // γ and β 2 * 464 = 928; head 128 * 10 + 10 = 1,290
    expect(parameterCount(spec)).toBe(290_448 + 928 + 1_290);
  });

  it('gives the estimate the relative cost of CIFAR against Fashion-MNIST from the same count', () => {
    // 32x32x3 pools to 32 16 16 8 8 4 4: 442,368 + 1,179,648 + 2,359,296 + 1,179,648 + 2,359,296
    //   + 1,179,648 + 2,359,296 + head 1,280 = 11,060,480; / 7,523,840 = 1.470
    const cifar = resolveConfig({ data: { dataset: 'cifar10' } });
    expect(relativeCost(cifar)).toBeCloseTo(11_060_480 / 7_523_840, 12);
    expect(relativeCost(config)).toBe(1);
    // width 8: a quarter of the conv work (in x out halves twice; the first block's in is fixed,
    // 112,896 / 2) and half the head
    const convs8 = (7_522_560 - 112_896) / 4 + 112_896 / 2;
    expect(relativeCost(resolveConfig({ model: { width: 8 } }))).toBeCloseTo((convs8 + 640) / 7_523_840, 12);
  });
});
