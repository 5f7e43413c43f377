// Run histories (a run record's checkpoints) built by hand for the exploratory tests: one layer
// per entry, each filter's readings given per checkpoint; unused fields are fixed placeholders.
import type { LayerMeasurement } from '../../../data/schemas/run-record.js';
import type { RunHistory } from '../../../analysis/exploratory/fates.js';
import { run } from '../rows.js';

export interface HandFilter {
  gamma?: number;
  beta?: number;
  lifetime?: number | null;
  dataGradKernel?: number;
  deadByActivation?: boolean;
}

/** A history whose checkpoint i has, for each layer, the filters `layers[l](iteration)` returns. */
export function history(
  id: string,
  seed: number,
  iterations: readonly number[],
  layers: ReadonlyArray<(iteration: number) => HandFilter[]>,
  lr = 1e-3,
): RunHistory {
  const config = run({ seed, lr }).config;
  return {
    id,
    config,
    checkpoints: iterations.map((iteration) => ({
      iteration,
      trainLoss: null,
      trainAccuracy: null,
      testAccuracy: null,
      images: 100,
      layers: layers.map((make, layer): LayerMeasurement => {
        const fs = make(iteration);
        const gamma = fs.map((f) => f.gamma ?? 1);
        return {
          layer,
          filters: fs.length,
          gamma,
          beta: fs.map((f) => f.beta ?? 0),
          selectivity: fs.map(() => 1),
          lifetimeSparseness: fs.map((f) => (f.lifetime === undefined ? 0.5 : f.lifetime)),
          peak: fs.map((f) => (f.deadByActivation ? 0 : 1)),
          deadByGamma: gamma.flatMap((g, i) => (Math.abs(g) < 1e-3 ? [i] : [])),
          deadByActivation: fs.flatMap((f, i) => (f.deadByActivation ? [i] : [])),
          mechanism: {
            dataGradGamma: fs.map(() => 0),
            regGradGamma: fs.map(() => 0),
            dataGradKernel: fs.map((f) => f.dataGradKernel ?? 0),
            regGradKernel: fs.map(() => 0),
          },
        };
      }),
    })),
  };
}
