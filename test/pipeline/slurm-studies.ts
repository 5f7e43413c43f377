// Studies for the tests on a real Slurm (passed with --studies): two tiny runs, and a longer one
// that a test cancels after its first snapshot.
import type { Study } from '../../experiments/studies/index.js';
import { withPatch } from '../../experiments/studies/study.js';
import { tinyInput } from './fixtures.js';

const short: Study = {
  name: 'short',
  title: 'Short',
  question: 'Adam or SGD?',
  hypotheses: [],
  factors: ['optimizer.name'],
  configs: () => (['adam', 'sgd'] as const).map((name) => withPatch(tinyInput(), { optimizer: { name } })),
};

// Snapshots at every 20th iteration: a cancel after the first leaves most of the run to resume.
const long: Study = {
  name: 'long',
  title: 'Long',
  question: 'Does a cancelled task continue?',
  hypotheses: [],
  factors: ['training.iterations'],
  configs: () => [tinyInput({ training: { iterations: 120 }, measure: { checkpointEvery: 20, logEvery: 10 } })],
};

export const STUDIES: Study[] = [short, long];
