// The benchmarks' count flags (--steps, --iterations, ...): a positive integer, or commander's
// error naming the flag.
import { InvalidArgumentError } from 'commander';

export function positiveInteger(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('needs a positive integer');
  return n;
}
