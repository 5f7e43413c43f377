// How a study's factors and levels read on the site: names of configuration paths, levels as
// text, short labels for cells. The cells themselves are analysis/cells.ts. Pure.
import type { FactorValue } from '../../../analysis/cells.js';

const LABELS: Record<string, string> = {
  'optimizer.name': 'optimizer',
  'optimizer.lr': 'learning rate',
  'regularization.kind': 'regularization',
  'regularization.strength': 'regularization strength',
  'training.batchSize': 'mini-batch size',
  'training.iterations': 'iterations',
  'data.classes': 'classes',
  'data.dataset': 'dataset',
  'model.activation': 'activation',
  'model.width': 'width',
};

/** A reader's name for a configuration path. */
export function factorLabel(path: string): string {
  return LABELS[path] ?? path.split('.').pop() ?? path;
}

export function formatLevel(value: FactorValue): string {
  if (value === null) return '(none)';
  if (typeof value === 'number') {
    if (value !== 0 && (Math.abs(value) < 1e-2 || Math.abs(value) >= 1e5)) return value.toExponential().replace('e-', 'e−');
    return String(value);
  }
  return String(value);
}

/** A short label for a cell, e.g. "adam · l2". */
export function cellLabel(factors: Record<string, FactorValue>, paths: readonly string[]): string {
  return paths.map((p) => formatLevel(factors[p] ?? null)).join(' · ') || 'all runs';
}
