// Summaries of a sample (of seeds, of features): the few statistics the analysis uses, from
// d3-array, with the empty-sample cases made explicit. Pure.
import { deviation, mean as d3mean, quantile as d3quantile } from 'd3-array';

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of no values: check that the sample has at least one value before summarising it');
  return d3mean(values) as number;
}

/** Sample standard deviation; 0 when there are fewer than two values. */
export function sd(values: readonly number[]): number {
  return values.length < 2 ? 0 : (deviation(values) as number);
}

export function summarise(values: readonly number[]): Summary {
  return { n: values.length, mean: mean(values), sd: sd(values), min: Math.min(...values), max: Math.max(...values) };
}

/** The q-quantile (0..1) by linear interpolation between order statistics (R-7, numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values: check that the sample has at least one value before summarising it');
  return d3quantile(values, q) as number;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
