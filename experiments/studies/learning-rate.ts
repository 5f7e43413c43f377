// Adam's learning rate with the main configuration otherwise unchanged.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const learningRateStudy: Study = {
  name: 'learning-rate',
  title: 'Learning rate',
  question: "Does the share of dead filters change with Adam's learning rate?",
  hypotheses: [4],
  factors: ['optimizer.lr'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const cells = p.learningRates.map((lr) => withPatch(mainConfig(scale), { optimizer: { name: 'adam', lr } }));
    return crossSeeds(cells, p.seeds);
  },
};
