// The one function of vega-statistics (a dependency of vega, without its own types) the analysis uses.
declare module 'vega-statistics' {
  /** The p-quantile of the normal distribution (mean 0 and sd 1 by default). */
  export function quantileNormal(p: number, mean?: number, stdev?: number): number;
}
