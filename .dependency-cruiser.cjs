// The layering of the code, checked by `npm run lint:deps` (part of `npm test`). The floors, from
// the ground up: data/ (definitions, hypotheses, the records' precision, the schemas) -> experiments/
// (the engine) -> pipeline/ and analysis/ -> site/. An arrow may only point down, and no module may
// reach itself through its imports.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle: two modules that need each other belong together, or what both need belongs in a third (see the README, "Where things live").',
      from: {},
      to: { circular: true },
    },
    {
      name: 'data-is-the-ground-floor',
      severity: 'error',
      comment: 'data/ (definitions, hypotheses, precision, schemas) is read by every layer and imports none of them.',
      from: { path: '^data/' },
      to: { path: '^(experiments|pipeline|analysis|site|bench|test)/' },
    },
    {
      name: 'analysis-reads-only-the-ground-floor',
      severity: 'error',
      comment: 'analysis/ decides from datasets: it imports data/ only, never the engine, the pipeline or the site.',
      from: { path: '^analysis/' },
      to: { path: '^(experiments|pipeline|site|bench)/' },
    },
    {
      name: 'site-trains-only-in-the-lab',
      severity: 'error',
      comment: 'The site outside its lab (site/lab/, which runs the engine in the browser) imports no training code.',
      from: { path: '^site/', pathNot: '^site/lab/' },
      to: { path: '^experiments/' },
    },
    {
      name: 'pipeline-does-not-build-the-site',
      severity: 'error',
      comment: 'pipeline/ trains and aggregates; the site reads what it writes, not the other way round.',
      from: { path: '^pipeline/' },
      to: { path: '^site/' },
    },
    {
      name: 'production-does-not-import-tests',
      severity: 'error',
      comment: 'Production code (anything outside test/) imports nothing from test/.',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.cache|data/full|data/runs)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
