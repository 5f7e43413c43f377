// Browser: a box that scrolls (a table wider than a phone, a figure wider than its column, a long
// line of code) takes the keyboard's focus, so that a reader without a mouse can scroll it with
// the arrow keys (WCAG 2.1.1; axe's rule scrollable-region-focusable). Only boxes that do scroll
// get a tab stop, checked again when the window resizes and when a figure, the comparison or the
// lab redraws (their data-live and data-state attributes).
const BOXES = '.table-wrap, .fig-canvas, pre, .lab-table-wrap';

function markScrollRegions(): void {
  for (const box of Array.from(document.querySelectorAll<HTMLElement>(BOXES))) {
    const style = getComputedStyle(box);
    const scrolls =
      (box.scrollWidth > box.clientWidth + 1 && /auto|scroll/.test(style.overflowX)) ||
      (box.scrollHeight > box.clientHeight + 1 && /auto|scroll/.test(style.overflowY));
    if (scrolls && !box.hasAttribute('tabindex')) {
      box.tabIndex = 0;
      box.dataset.scrollRegion = '';
    } else if (!scrolls && box.dataset.scrollRegion !== undefined) {
      box.removeAttribute('tabindex');
      delete box.dataset.scrollRegion;
    }
  }
}

export function initScrollRegions(): void {
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      markScrollRegions();
    });
  };
  markScrollRegions();
  window.addEventListener('resize', later);
  new MutationObserver(later).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-live', 'data-state'] });
}
