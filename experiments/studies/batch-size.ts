// Mini-batch size with the main configuration otherwise unchanged. The iteration count is held
// fixed (the same number of regularized updates), so larger batches also see more epochs.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const batchSizeStudy: Study = {
  name: 'batch-size',
  title: 'Mini-batch size',
  question: 'Does the share of dead filters change with the mini-batch size (Adam, L2, same number of updates)?',
  hypotheses: [4],
  factors: ['training.batchSize'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const cells = p.batchSizes.map((batchSize) => withPatch(mainConfig(scale), { training: { batchSize } }));
    return crossSeeds(cells, p.seeds);
  },
};
