// Browser: page state kept in the address's fragment (#runs=a,b&sort=lr), so a link reproduces
// a view. The fragment, not the query: it changes without a reload, also on file:// pages.

export function readHashState(): URLSearchParams {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

/** Replaces the fragment with `state` (empty values dropped) without adding a history entry. */
export function writeHashState(state: Record<string, string>): void {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v !== '') params.set(k, v);
  // Commas, colons and semicolons are allowed in a fragment: kept readable in shared links.
  const hash = params.toString().replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%3B/gi, ';');
  const url = `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`;
  history.replaceState(null, '', url);
}

/** Run ids listed in a `runs` parameter ("a,b,c"), without blanks and repeats, in order. */
export function runList(value: string | null): string[] {
  return [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
