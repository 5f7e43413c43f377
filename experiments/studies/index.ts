// Every study, in the order a sweep runs them: the main table first (issue 6).
import { activationStudy } from './activation.js';
import { batchSizeStudy } from './batch-size.js';
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
