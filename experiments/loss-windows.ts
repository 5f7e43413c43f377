// The training loss of a run between measurements: running sums over the batches since the last
// checkpoint (the checkpoint's train loss and accuracy) and since the last curve point (the curve).
// A snapshot keeps them, so a continued run closes its windows on the same batches.
import type { Network } from './model.js';
import type { RunConfig } from './config.js';
import { round6 } from '../data/precision.js';
import { regularizationLoss, type StepResult } from './train.js';
import type { CurvePoint } from '../data/schemas/run-record.js';
import type { RunSnapshot } from '../data/schemas/run-snapshot.js';

export type LossWindows = RunSnapshot['windows'];

export function emptyWindows(): LossWindows {
  return { loss: 0, correct: 0, steps: 0, logLoss: 0, logCorrect: 0, logSteps: 0 };
}

/** Adds one training batch to both windows. */
export function addStep(windows: LossWindows, step: StepResult): void {
  windows.loss += step.loss;
  windows.correct += step.correct;
  windows.steps += 1;
  windows.logLoss += step.loss;
  windows.logCorrect += step.correct;
  windows.logSteps += 1;
}

/**
 * The curve point at `iteration` (mean loss and accuracy since the last one, the regularization
 * term now, read here unless given: webgpu reads it asynchronously); the log window restarts.
 */
export function closeCurveWindow(windows: LossWindows, net: Network, config: RunConfig, iteration: number, lr: number, regLoss?: number): CurvePoint {
  const point = {
    iteration,
    loss: round6(windows.logLoss / windows.logSteps),
    regLoss: round6(regLoss ?? regularizationLoss(net, config)),
    accuracy: round6(windows.logCorrect / (windows.logSteps * config.training.batchSize)),
    lr,
  };
  windows.logLoss = windows.logCorrect = windows.logSteps = 0;
  return point;
}

/** Mean training loss and accuracy over the batches since the last checkpoint; the checkpoint window restarts. */
export function closeCheckpointWindow(windows: LossWindows, batchSize: number): { loss: number; accuracy: number } {
  const means = { loss: windows.loss / windows.steps, accuracy: windows.correct / (windows.steps * batchSize) };
  windows.loss = windows.correct = windows.steps = 0;
  return means;
}
