// Study v3: the main configuration at the paper's width (BasicNet 64-128-128-256-256-512-512) and at
// 32, beside width 16, on fresh seeds, with the mechanism at every checkpoint: decides H11 (the
// phenomenon at the paper's width), H6 (v3) and H10 (little data-loss gradient early, then death),
// and gives H2's and H12's width-16 reference.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const paperWidthStudy: Study = {
  name: 'paper-width',
  title: 'The paper’s width (v3)',
  question:
    'Do filters die at the paper’s network width, and do the features that die receive little data-loss gradient, or respond selectively, early in training?',
  hypotheses: [2, 6, 10, 11, 12],
  factors: ['model.width'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const base = mainConfig(scale);
    const cells = p.v3.widths.map((width) => withPatch(base, { model: { ...base.model, width }, measure: { ...base.measure, mechanism: true } }));
    return crossSeeds(cells, p.v3.seeds);
  },
};
