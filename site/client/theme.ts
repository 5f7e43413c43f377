// Browser: the light / dark switch. The page starts from the saved choice or the system's
// (prefers-color-scheme); the inline script in the layout applies it before first paint. A switch
// sends THEME_EVENT, on which the live figures redraw in the new theme (client/figures.ts).
import { THEME_EVENT } from './figures.js';

export function initThemeToggle(): void {
  const button = document.querySelector<HTMLButtonElement>('[data-theme-toggle]');
  if (!button) return;
  const root = document.documentElement;
  const current = () => root.dataset.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  const label = () => {
    const next = current() === 'dark' ? 'light' : 'dark';
    button.setAttribute('aria-label', `Switch to the ${next} theme`);
    button.title = `Switch to the ${next} theme`;
    button.setAttribute('aria-pressed', String(current() === 'dark'));
  };
  button.hidden = false;
  label();
  button.addEventListener('click', () => {
    const next = current() === 'dark' ? 'light' : 'dark';
    root.dataset.theme = next;
    try {
      localStorage.setItem('theme', next);
    } catch {
      // Storage may be off (private mode, file://): the choice then lasts for this page.
    }
    label();
    document.dispatchEvent(new Event(THEME_EVENT));
  });
}
