// Study v2: every update rule over a learning-rate range, with L2 and without regularization, so
// that H2 and H1 are decided over step sizes rather than at one default per optimizer.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withOptimizer, withPatch, type Study } from './study.js';

export const lrRangeStudy: Study = {
  name: 'lr-range',
  title: 'Optimizers over a learning-rate range (v2)',
  question: 'Which optimizers leave dead filters behind at which learning rates, with L2 and without regularization?',
  hypotheses: [1, 2],
  factors: ['optimizer.name', 'optimizer.lr', 'regularization.kind'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    // Kind by kind (L2 first), each seed-major: the runs that decide H2 come first.
    return p.lrRangeKinds.flatMap((kind) => {
      const cells = Object.entries(p.lrRanges).flatMap(([name, lrs]) =>
        lrs.map((lr) => withPatch(withOptimizer(mainConfig(scale), { name: name as keyof typeof p.lrRanges, lr }), { regularization: { kind } })),
      );
      return crossSeeds(cells, p.lrRangeSeeds);
    });
  },
};
