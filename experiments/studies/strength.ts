// L2 strength sweep for an adaptive optimizer (Adam) and, where the scale's protocol includes it
// (quick), for SGD with momentum, each at its default learning rate as in the main table.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withOptimizer, withPatch, type Study } from './study.js';

export const strengthStudy: Study = {
  name: 'strength',
  title: 'Regularization strength',
  question: 'Does the share of dead filters grow with the L2 strength (Adam; SGD with momentum at quick scale)?',
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
