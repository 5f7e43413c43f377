// ReLU against leaky ReLU: a leaky unit is never exactly zero, so activation-based death should vanish.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const activationStudy: Study = {
  name: 'activation',
  title: 'Activation function',
  question: 'Does leaky ReLU remove the activation-based sparsity, and what happens to gamma?',
  hypotheses: [8],
  factors: ['model.activation'],
  configs(scale) {
    const cells = (['relu', 'leaky-relu'] as const).map((activation) => withPatch(mainConfig(scale), { model: { activation } }));
    return crossSeeds(cells, PROTOCOLS[scale].seeds);
  },
};
