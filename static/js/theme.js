/* The colour theme: html[data-theme] is light, dark or contrast (app.css
   holds the colours). The URL's `theme` (the page's state, app/url_state.py)
   chooses one; without it the system's prefers-color-scheme does, and a
   change of it is followed. The toggle steps through automatic, dark, high
   contrast and light, and writes `theme=` through the store, so a link or
   an embed can force a theme. The server writes html[data-theme] as well
   when the URL names one, so the page does not flash in the wrong colours. */

export const THEMES = ['dark', 'contrast', 'light'];   // the toggle's order, after automatic
const NAMES = { null: 'automatic', dark: 'dark', contrast: 'high contrast', light: 'light' };
const darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

let chosen = null;

/** The theme on show for a choice (null: the system's). */
export function resolveTheme(choice) {
  if (THEMES.includes(choice)) return choice;
  return darkQuery && darkQuery.matches ? 'dark' : 'light';
}

export function applyTheme(choice) {
  chosen = THEMES.includes(choice) ? choice : null;
  document.documentElement.dataset.theme = resolveTheme(chosen);
}

/** The next choice of the toggle: automatic → dark → contrast → light → automatic. */
export function nextTheme(choice) {
  const at = THEMES.indexOf(choice);
  return at === THEMES.length - 1 ? null : THEMES[at + 1];
}

/** The toggle button, wired to the store (its `theme` is the URL's). */
export function setupThemeToggle(button, store) {
  if (!button) return;
  function paint() {
    const choice = store.get().theme ?? null;
    const name = button.querySelector('[data-theme-name]');
    if (name) name.textContent = NAMES[choice];
    button.dataset.theme = choice ?? 'auto';
  }
  button.addEventListener('click', () => {
    store.update({ theme: nextTheme(store.get().theme ?? null) });
    applyTheme(store.get().theme ?? null);
    paint();
  });
  applyTheme(store.get().theme ?? null);
  paint();
}

// Every page: the URL's choice at once, and the system's changes followed.
applyTheme(new URLSearchParams(location.search).get('theme'));
if (darkQuery && darkQuery.addEventListener) darkQuery.addEventListener('change', () => applyTheme(chosen));
