// The main configuration with dense checkpoints and the mechanism measurement (data-loss versus
// regularization gradient per feature), to see when filters die and whether they were selective.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const emergenceStudy: Study = {
  name: 'emergence',
  title: 'Emergence and mechanism',
  question: 'When during training do filters die, were they selective before, and which gradient dominates them?',
  hypotheses: [6, 7],
  factors: [],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const cell = withPatch(mainConfig(scale), {
      measure: { checkpointEvery: p.emergenceCheckpointEvery, mechanism: true, testAtCheckpoints: p.emergenceTestAtCheckpoints },
    });
    return crossSeeds([cell], p.emergenceSeeds);
  },
};
