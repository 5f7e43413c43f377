// Network width: BasicNet with w, 2w, 2w, 4w, 4w, 8w, 8w filters.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const widthStudy: Study = {
  name: 'width',
  title: 'Network width',
  question: 'How does the share of dead filters change with the width of the network?',
  hypotheses: [],
  factors: ['model.width'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const cells = p.widths.map((width) => withPatch(mainConfig(scale), { model: { width } }));
    return crossSeeds(cells, p.seeds);
  },
};
