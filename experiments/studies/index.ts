// Every study, in the order a sweep runs them: study v3's first (the runs that decide most first:
// the paper's width, then the short designs), then study v2's, in the order issue 14 asks (the
// runs deciding H6/H7, H5, H2, then H3), then v1's (recorded at full scale but for the seeds v2 adds).
import { activationStudy } from './activation.js';
import { bnUnregularizedStudy } from './bn-unregularized.js';
import { decayBudgetStudy } from './decay-budget.js';
import { emergence60kStudy } from './emergence-60k.js';
import { paperWidthStudy } from './paper-width.js';
import { rmspropUnregularizedStudy } from './rmsprop-unregularized.js';
import { taskIdentityStudy } from './task-identity.js';
import { batchSizeStudy } from './batch-size.js';
import { decoupledStrengthStudy } from './decoupled-strength.js';
import { emergenceLongStudy } from './emergence-long.js';
import { lrRangeStudy } from './lr-range.js';
import { taskEqualStudy } from './task-equal.js';
import { emergenceStudy } from './emergence.js';
import { learningRateStudy } from './learning-rate.js';
import { optimizerStudy } from './optimizer.js';
import { pruningStudy } from './pruning.js';
import { strengthStudy } from './strength.js';
import type { Study } from './study.js';
import { taskStudy } from './task.js';
import { widthStudy } from './width.js';

export type { Study, StudyContext } from './study.js';

export const STUDIES: readonly Study[] = [
  paperWidthStudy,
  rmspropUnregularizedStudy,
  bnUnregularizedStudy,
  decayBudgetStudy,
  taskIdentityStudy,
  emergence60kStudy,
  emergenceLongStudy,
  taskEqualStudy,
  lrRangeStudy,
  decoupledStrengthStudy,
  optimizerStudy,
  emergenceStudy,
  pruningStudy,
  strengthStudy,
  learningRateStudy,
  batchSizeStudy,
  activationStudy,
  taskStudy,
  widthStudy,
];

/** The study called `name`; the error lists the known ones. */
export function studyNamed(name: string, studies: readonly Study[] = STUDIES): Study {
  const study = studies.find((s) => s.name === name);
  if (!study) throw new Error(`unknown study '${name}'; known studies: ${studies.map((s) => s.name).join(', ')}`);
  return study;
}
