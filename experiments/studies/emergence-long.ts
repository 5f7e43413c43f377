// Study v2: the main configuration trained three times as long as v1's emergence study, with the
// mechanism and dense checkpoints, to see whether sparsity levels off (H7) and whether the
// features that die were selective by the lifetime sparseness (H6).
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const emergenceLongStudy: Study = {
  name: 'emergence-long',
  title: 'Emergence over a long run (v2)',
  question: 'Does sparsity level off in a long run, and were the features that die selective (lifetime sparseness) before they died?',
  hypotheses: [6, 7],
  factors: [],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const { iterations, checkpointEvery, seeds } = p.emergenceLong;
    const cell = withPatch(mainConfig(scale), {
      training: { ...mainConfig(scale).training, iterations },
      measure: { checkpointEvery, mechanism: true, testAtCheckpoints: p.emergenceTestAtCheckpoints },
    });
    return crossSeeds([cell], seeds);
  },
};
