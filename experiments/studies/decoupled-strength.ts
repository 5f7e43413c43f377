// Study v2: AdamW's decoupled weight decay over a strength range whose per-step shrink (lr *
// strength, PyTorch's convention) runs from v1's 5e-7 to 5e-4, spanning what L2 does to SGD's
// weights per step, so decoupled decay is compared with L2 at comparable strength (H3).
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withOptimizer, withPatch, type Study } from './study.js';

export const decoupledStrengthStudy: Study = {
  name: 'decoupled-strength',
  title: 'Decoupled weight decay strength (v2)',
  question: 'Does the share of dead filters grow with the strength of AdamW’s decoupled weight decay?',
  hypotheses: [3],
  factors: ['regularization.strength'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const cells = p.decoupledStrengths.map((strength) =>
      withPatch(withOptimizer(mainConfig(scale), { name: 'adamw' }), { regularization: { kind: 'decoupled', strength } }),
    );
    return crossSeeds(cells, p.seeds);
  },
};
