// The paper's hypotheses as the site states them and the studies that test them. Pure data,
// imported by the study definitions and by the site's verdict rules.

export interface Hypothesis {
  id: number;
  statement: string;
  /** The study (experiments/studies) whose runs decide the verdict. */
  study: string;
}

export const HYPOTHESES: ReadonlyArray<Hypothesis> = [
  { id: 1, statement: 'Without regularization, no optimizer produces substantial sparsity.', study: 'optimizer' },
  { id: 2, statement: 'With L2, adaptive optimizers produce far more sparsity than SGD.', study: 'optimizer' },
  { id: 3, statement: 'Sparsity grows with the regularization strength.', study: 'strength' },
  { id: 4, statement: 'Sparsity changes with mini-batch size and learning rate.', study: 'batch-size' },
  { id: 5, statement: 'Harder tasks (more classes) show less sparsity.', study: 'task' },
  { id: 6, statement: 'The features that die were selective before they died.', study: 'emergence' },
  { id: 7, statement: 'Sparsity appears early in training and persists.', study: 'emergence' },
  { id: 8, statement: 'Leaky ReLU removes activation-based sparsity.', study: 'activation' },
  { id: 9, statement: 'Removing dead filters keeps accuracy and gives a measured speed-up.', study: 'pruning' },
];
