// Study v3: the main configuration to 60,000 iterations (32 epochs), twice v2's longest, to decide
// H7 (v3) by onset (in epochs) and recovery, which do not move with the length of the run.
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const emergence60kStudy: Study = {
  name: 'emergence-60k',
  title: 'Emergence to 60,000 iterations (v3)',
  question: 'When do filters start dying (in epochs), do they level off, and does any dead filter come back?',
  hypotheses: [7],
  factors: [],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const base = mainConfig(scale);
    const cell = withPatch(base, {
      training: { ...base.training, iterations: p.v3.emergence.iterations },
      measure: { testAtCheckpoints: p.emergenceTestAtCheckpoints },
    });
    return crossSeeds([cell], p.v3.emergence.seeds);
  },
};
