// The paper's main table: every optimizer without regularization, with L2 in the loss, and with
// decoupled weight decay, each at its own default learning rate (experiments/config.ts; Adam's
// default, 1e-3, is the main configuration's, so the Adam + L2 cell is the main configuration).
// Adam with decoupled weight decay is named AdamW (one name per update rule), so the table has
// 7 update rules x 3 regularizations = 21 cells at quick scale; the full scale keeps decoupled
// decay for Adam only (AdamW), 15 cells (see protocol.ts: tableDecoupled).
import { OPTIMIZERS, REGULARIZATIONS } from '../config.js';
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withOptimizer, withPatch, type Study } from './study.js';

export const optimizerStudy: Study = {
  name: 'optimizer',
  title: 'Optimizer and regularization',
  question: 'Which optimizers leave dead filters behind, and does it take regularization?',
  hypotheses: [1, 2],
  factors: ['optimizer.name', 'regularization.kind'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const cells = OPTIMIZERS.filter((name) => name !== 'adamw').flatMap((base) =>
      REGULARIZATIONS.filter((kind) => kind !== 'decoupled' || base === 'adam' || p.tableDecoupled === 'every-optimizer').map((kind) => {
        const name = base === 'adam' && kind === 'decoupled' ? 'adamw' : base;
        return withPatch(withOptimizer(mainConfig(scale), { name }), { regularization: { kind } });
      }),
    );
    return crossSeeds(cells, p.tableSeeds);
  },
};
