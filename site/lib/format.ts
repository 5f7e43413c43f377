// How numbers and times read on the site. Pure.

/** 0.312 -> "31.2 %". */
export function percent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return `${(x * 100).toFixed(digits)} %`;
}

/** A difference of fractions in percentage points, signed: 0.05 -> "+5.0 pts". */
export function points(d: number | null | undefined, digits = 1): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return 'n/a';
  const v = d * 100;
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)} pts`;
}

/** Mean ± sd of fractions as percentages: "31.2 ± 2.0 %". */
export function percentSpread(meanValue: number, sdValue: number, digits = 1): string {
  return `${(meanValue * 100).toFixed(digits)} ± ${(sdValue * 100).toFixed(digits)} %`;
}

export function ratio(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return `${x.toFixed(digits)}×`;
}

export function number(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toLocaleString('en-US');
}

export function integer(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return Math.round(x).toLocaleString('en-US');
}

/** Seconds as a short duration: "42 s", "3.5 min", "2.1 h". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Seeds as a compact list: [0,1,2,5] -> "0–2, 5". */
export function seedList(seeds: readonly number[]): string {
  if (seeds.length === 0) return 'none';
  const sorted = [...new Set(seeds)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0];
  let prev = sorted[0];
  for (const s of [...sorted.slice(1), Number.NaN]) {
    if (s === prev + 1) {
      prev = s;
      continue;
    }
    parts.push(start === prev ? `${start}` : prev === start + 1 ? `${start}, ${prev}` : `${start}–${prev}`);
    start = s;
    prev = s;
  }
  return parts.join(', ');
}
