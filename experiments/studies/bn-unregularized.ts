// Study v3, an intervention: the main configuration with L2 on the kernels and the head only, none
// on the batch-norm parameters (gamma and beta). Decides H12 against the paper-width study's width-16 runs.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const bnUnregularizedStudy: Study = {
  name: 'bn-unregularized',
  title: 'No L2 on gamma and beta (v3)',
  question: 'Do filters still die when gamma and beta are not regularized?',
  hypotheses: [12],
  factors: ['regularization.appliesTo'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const base = mainConfig(scale);
    const cell = withPatch(base, { regularization: { ...base.regularization, appliesTo: ['conv', 'head'] }, measure: { ...base.measure, mechanism: true } });
    return crossSeeds([cell], p.v3.seeds);
  },
};
