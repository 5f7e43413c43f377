// Browser: the run browser's sorting (click a column header), filtering (text, study, status)
// and ticking runs to compare. All of it lives in the address (#sort=lr&dir=descending&q=adam&
// study=optimizer&status=complete&runs=a,b), so a link reopens the same view. Works on the
// server-rendered table; without scripts the full table shows.
import { readHashState, runList, writeHashState } from './hash-state.js';

type Direction = 'ascending' | 'descending';

function cellValue(row: HTMLTableRowElement, index: number, numeric: boolean): string | number {
  const cell = row.cells[index];
  const raw = cell?.dataset.value ?? cell?.textContent ?? '';
  if (!numeric) return raw.trim().toLowerCase();
  const n = Number(raw);
  return raw === '' || Number.isNaN(n) ? Number.NEGATIVE_INFINITY : n;
}

export function initRunsTable(): void {
  const table = document.querySelector<HTMLTableElement>('table[data-runs-table]');
  if (!table) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const original = [...rows];
  const headers = Array.from(table.querySelectorAll<HTMLTableCellElement>('thead th'));
  const text = document.querySelector<HTMLInputElement>('#runs-filter');
  const study = document.querySelector<HTMLSelectElement>('#runs-study');
  const status = document.querySelector<HTMLSelectElement>('#runs-status');
  const count = document.querySelector<HTMLElement>('#runs-count');
  const ticks = Array.from(table.querySelectorAll<HTMLInputElement>('input[data-select]'));
  const compare = document.querySelector<HTMLAnchorElement>('a[data-compare-link]');
  const compareBase = compare?.getAttribute('href') ?? 'compare.html';
  for (const el of [text, study, status]) el?.closest('[hidden]')?.removeAttribute('hidden');
  for (const t of ticks) t.hidden = false;
  let sorted: { key: string; direction: Direction } | null = null;

  const save = () =>
    writeHashState({
      sort: sorted?.key ?? '',
      dir: sorted?.direction === 'descending' ? 'descending' : '',
      q: text?.value.trim() ?? '',
      study: study?.value ?? '',
      status: status?.value ?? '',
      runs: ticks
        .filter((t) => t.checked)
        .map((t) => t.value)
        .join(','),
    });

  const sortBy = (key: string, direction: Direction) => {
    const index = headers.findIndex((th) => th.dataset.key === key);
    if (index < 0) return;
    for (const other of headers) other.removeAttribute('aria-sort');
    headers[index].setAttribute('aria-sort', direction);
    const numeric = headers[index].dataset.type === 'number';
    const sign = direction === 'ascending' ? 1 : -1;
    // Ties keep the table's first order, so a reopened link shows the same rows in the same order.
    const order = [...original].sort((a, b) => {
      const x = cellValue(a, index, numeric);
      const y = cellValue(b, index, numeric);
      return (x < y ? -1 : x > y ? 1 : 0) * sign || original.indexOf(a) - original.indexOf(b);
    });
    body.append(...order);
    sorted = { key, direction };
  };

  headers.forEach((th) => {
    const button = th.querySelector('button');
    if (!button || !th.dataset.key) return;
    button.addEventListener('click', () => {
      sortBy(th.dataset.key!, th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending');
      save();
    });
  });

  const showTicks = () => {
    const chosen = ticks.filter((t) => t.checked).map((t) => t.value);
    if (!compare) return;
    compare.href = chosen.length ? `${compareBase}#runs=${chosen.join(',')}` : compareBase;
    compare.querySelector('[data-compare-count]')!.textContent = String(chosen.length);
    if (chosen.length < 2) compare.setAttribute('aria-disabled', 'true');
    else compare.removeAttribute('aria-disabled');
  };

  const apply = () => {
    const q = (text?.value ?? '').trim().toLowerCase();
    const s = study?.value ?? '';
    const st = status?.value ?? '';
    let shown = 0;
    for (const row of rows) {
      const ok =
        (!q || (row.textContent ?? '').toLowerCase().includes(q)) &&
        (!s || (row.dataset.studies ?? '').split(' ').includes(s)) &&
        (!st || row.dataset.status === st);
      row.hidden = !ok;
      if (ok) shown++;
    }
    if (count) count.textContent = `Showing ${shown} of ${rows.length} runs`;
  };

  // The address first: a shared link reopens with its filters, sort and ticks.
  const state = readHashState();
  const pick = (el: HTMLSelectElement | null, value: string | null) => {
    if (el && value && Array.from(el.options).some((o) => o.value === value)) el.value = value;
  };
  if (text && state.get('q')) text.value = state.get('q')!;
  pick(study, state.get('study'));
  pick(status, state.get('status'));
  const chosen = new Set(runList(state.get('runs')));
  for (const t of ticks) t.checked = chosen.has(t.value);
  const key = state.get('sort');
  if (key) sortBy(key, state.get('dir') === 'descending' ? 'descending' : 'ascending');

  const changed = () => {
    apply();
    save();
  };
  text?.addEventListener('input', changed);
  study?.addEventListener('change', changed);
  status?.addEventListener('change', changed);
  for (const t of ticks)
    t.addEventListener('change', () => {
      showTicks();
      save();
    });
  apply();
  showTicks();
}
