// Relative links between the site's pages, so the output works under any base path and
// opened from disk. A route is a page path without extension ("runs/0123abcd", "index").

/** The prefix from a page back to the site root: "" or "../", "../../"... */
export function rootOf(route: string): string {
  const depth = route.split('/').length - 1;
  return depth === 0 ? './' : '../'.repeat(depth);
}

/** Link from the page at `from` to the page at `to` (optionally to an anchor in it). */
export function pageHref(from: string, to: string, anchor?: string): string {
  return `${rootOf(from)}${to}.html${anchor ? `#${anchor}` : ''}`;
}

/** Link from the page at `from` to a file of the site ("assets/site.css", "studies/x/fig.svg"). */
export function fileHref(from: string, path: string): string {
  return `${rootOf(from)}${path}`;
}

/**
 * Where the site publishes a dataset: gzip-compressed JSON (the datasets are most of the site's
 * weight and compress about tenfold; `gunzip` or any JSON tool that reads gzip opens them).
 */
export function datasetPath(name: string): string {
  return `datasets/${name}.json.gz`;
}
