// How a duration reads wherever one is shown: the site's pages and the pipeline's status, progress
// and cluster script. One format for both, in the layer both read. Pure.

/** Seconds as a short duration: "42 s", "3.5 min", "2.1 h" ("n/a" when not finite). */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
