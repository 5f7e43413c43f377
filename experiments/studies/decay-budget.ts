// Study v3: SGD with momentum and L2, and AdamW's decoupled decay, at strengths whose decay budgets
// (experiments/definitions.ts decayBudget) can collapse a gamma: 7, 14 and 28 e-folds at full scale.
// Study v2's SGD cells had at most 1.5, so their zeros said nothing about the optimizer. Decides H2
// (v3, against the paper-width study's Adam) and H3 (v3).
import { mainConfig, PROTOCOLS, v3Strengths } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const decayBudgetStudy: Study = {
  name: 'decay-budget',
  title: 'Regularization with enough decay budget (v3)',
  question:
    'When the regularization can shrink a gamma below 1e-3 within the run, do SGD with momentum and AdamW leave dead filters, and more at higher strengths?',
  hypotheses: [2, 3],
  factors: ['optimizer.name', 'regularization.strength'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const base = mainConfig(scale);
    const strengths = v3Strengths(scale);
    const momentum = strengths.momentum.map((strength) =>
      withPatch(base, { optimizer: { name: 'momentum', lr: p.v3.momentumLr }, regularization: { ...base.regularization, kind: 'l2', strength } }),
    );
    const adamw = strengths.adamw.map((strength) =>
      withPatch(base, { optimizer: { name: 'adamw', lr: 1e-3 }, regularization: { ...base.regularization, kind: 'decoupled', strength } }),
    );
    return crossSeeds([...momentum, ...adamw], p.v3.seeds);
  },
};
