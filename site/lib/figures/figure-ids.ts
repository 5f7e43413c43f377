// Names of the site's figures and of the pages that hold them, shared by the figure
// builders, the verdicts (which link to the figure that shows them) and the pages. Pure.

/** Route of a page without extension, relative to the site root: "studies/optimizer". */
export const studyRoute = (study: string): string => `studies/${study}`;
export const runRoute = (run: string): string => `runs/${run}`;

export const studyFigureId = {
  sparsity: (study: string) => `${study}-sparsity`,
  accuracy: (study: string) => `${study}-accuracy`,
  layers: (study: string) => `${study}-layers`,
  sparsityOverTime: (study: string) => `${study}-sparsity-over-time`,
  selectivityOverTime: (study: string) => `${study}-selectivity-over-time`,
  selectivityBefore: (study: string) => `${study}-selectivity-before-death`,
  lifetimeOverTime: (study: string) => `${study}-lifetime-sparseness-over-time`,
  lifetimeBefore: (study: string) => `${study}-lifetime-sparseness-before-death`,
  mechanism: (study: string) => `${study}-mechanism`,
  pruning: (study: string) => `${study}-pruning`,
} as const;

export const runFigureId = {
  layers: 'layers',
  emergence: 'emergence',
  selectivity: 'selectivity',
  gamma: 'gamma',
  curves: 'training-curves',
} as const;
