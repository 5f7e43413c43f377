// Browser: the run browser's sorting (click a column header) and filtering (text, study,
// status). Works on the server-rendered table; without scripts the full table shows.

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
  const headers = Array.from(table.querySelectorAll<HTMLTableCellElement>('thead th'));
  const text = document.querySelector<HTMLInputElement>('#runs-filter');
  const study = document.querySelector<HTMLSelectElement>('#runs-study');
  const status = document.querySelector<HTMLSelectElement>('#runs-status');
  const count = document.querySelector<HTMLElement>('#runs-count');
  for (const el of [text, study, status]) el?.closest('[hidden]')?.removeAttribute('hidden');

  headers.forEach((th, index) => {
    const button = th.querySelector('button');
    if (!button) return;
    button.addEventListener('click', () => {
      const next: Direction = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      for (const other of headers) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', next);
      const numeric = th.dataset.type === 'number';
      const sign = next === 'ascending' ? 1 : -1;
      const sorted = Array.from(body.rows).sort((a, b) => {
        const x = cellValue(a, index, numeric);
        const y = cellValue(b, index, numeric);
        return (x < y ? -1 : x > y ? 1 : 0) * sign;
      });
      body.append(...sorted);
    });
  });

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
  text?.addEventListener('input', apply);
  study?.addEventListener('change', apply);
  status?.addEventListener('change', apply);
  apply();
}
