// The messages between the lab page and its training worker.
import type { RunConfig } from '../../experiments/config.js';
import type { Checkpoint, CurvePoint, RunRecord } from '../../data/schemas/run-record.js';

export type ToWorker =
  | { type: 'init'; wasm: Uint8Array; simd: boolean; data: Record<string, Uint8Array>; dataName: string }
  | { type: 'start'; config: unknown }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' }
  | { type: 'record' };

export type FromWorker =
  | { type: 'ready'; backend: string; simd: boolean; trainImages: number; testImages: number }
  | { type: 'invalid'; message: string; fields: Array<{ path: string; message: string }> }
  | { type: 'started'; config: RunConfig; id: string; trainImages: number; filters: number[] }
  | { type: 'checkpoint'; checkpoint: Checkpoint; /** Seconds the run has been active (not paused). */ seconds: number }
  | {
      type: 'progress';
      iteration: number;
      iterations: number;
      curve: CurvePoint[];
      imagesPerSecond: number;
      /** Seconds of training left at the recent speed. */
      etaSeconds: number;
      trainSeconds: number;
    }
  | { type: 'paused'; iteration: number }
  | { type: 'phase'; phase: 'final' }
  | { type: 'finished'; status: RunRecord['status']; final: RunRecord['final']; failure: RunRecord['failure'] }
  | { type: 'record'; record: RunRecord }
  | { type: 'error'; message: string };
