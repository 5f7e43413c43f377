// Study v3: RMSprop without regularization around the learning rate (1e-2) at which study v2 saw
// 9-10 % of the filters dead by activation and none by gamma. Decides H1 (v3), by both criteria,
// with each death labelled by its mechanism.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const rmspropUnregularizedStudy: Study = {
  name: 'rmsprop-unregularized',
  title: 'RMSprop without regularization (v3)',
  question: 'Without regularization, do filters die under RMSprop, and by which mechanism: gamma collapse or a negative batch-norm shift?',
  hypotheses: [1],
  factors: ['optimizer.lr'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const base = mainConfig(scale);
    const cells = p.v3.rmspropRates.map((lr) =>
      withPatch(base, { optimizer: { name: 'rmsprop', lr }, regularization: { ...base.regularization, kind: 'none', strength: 0 } }),
    );
    return crossSeeds(cells, p.v3.seeds);
  },
};
