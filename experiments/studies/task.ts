// Task difficulty: the first 2, 5 or 10 classes of Fashion-MNIST, and CIFAR-10 against CIFAR-100
// when the user has given a CIFAR folder (never downloaded by the pipeline).
import { mainConfig, PROTOCOLS } from './protocol.js';
import { crossSeeds, withPatch, type Study } from './study.js';

export const taskStudy: Study = {
  name: 'task',
  title: 'Task difficulty',
  question: 'Do harder tasks (more classes) leave fewer dead filters?',
  hypotheses: [5],
  factors: ['data.dataset', 'data.classes'],
  configs(scale, context) {
    const p = PROTOCOLS[scale];
    const cells = p.classes.map((classes) => withPatch(mainConfig(scale), { data: { classes } }));
    if (context.cifar) {
      for (const [dataset, classes] of [
        ['cifar10', 10],
        ['cifar100', 100],
      ] as const) {
        cells.push(withPatch(mainConfig(scale), { data: { dataset, classes } }));
      }
    }
    return crossSeeds(cells, p.seeds);
  },
};
