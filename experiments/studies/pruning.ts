// Removing the dead filters of the main configuration. At full scale every run prunes, so these
// are the main table's Adam + L2 runs, trained once; at quick scale only this study prunes.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const pruningStudy: Study = {
  name: 'pruning',
  title: 'Pruning and speed-up',
  question: 'Does removing the dead filters keep the test accuracy, and how much faster is the slim network?',
  hypotheses: [9],
  factors: [],
  configs(scale) {
    return crossSeeds([withPatch(mainConfig(scale), { measure: { prune: true } })], PROTOCOLS[scale].tableSeeds);
  },
};
