// L2 strength sweep for an adaptive optimizer (Adam) and for SGD with momentum, each at its
// default learning rate as in the main table.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withOptimizer, withPatch, type Study } from './study.js';

export const strengthStudy: Study = {
  name: 'strength',
  title: 'Regularization strength',
  question: 'Does the share of dead filters grow with the L2 strength, for Adam and for SGD with momentum?',
  hypotheses: [3],
  factors: ['optimizer.name', 'regularization.strength'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const cells = p.strengthOptimizers.flatMap((name) =>
      p.strengths.map((strength) => withPatch(withOptimizer(mainConfig(scale), { name }), { regularization: { strength } })),
    );
    return crossSeeds(cells, p.seeds);
  },
};
