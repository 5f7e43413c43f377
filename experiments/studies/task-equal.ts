// Study v2: task difficulty at equal training-set size and equal epochs. Keeping the first k
// classes of Fashion-MNIST shrinks the training set (2 classes: 12,000 images), so every task
// here trains on the same number of class-stratified images for the same iterations (H5).
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const taskEqualStudy: Study = {
  name: 'task-equal',
  title: 'Task difficulty at equal size (v2)',
  question: 'With the same training images and epochs for every task, do harder tasks (more classes) leave fewer dead filters?',
  hypotheses: [5],
  factors: ['data.classes'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const base = mainConfig(scale);
    const cells = p.classes.map((classes) => withPatch(base, { data: { ...base.data, classes, trainSubset: p.taskEqual.trainImages } }));
    return crossSeeds(cells, p.taskEqual.seeds);
  },
};
