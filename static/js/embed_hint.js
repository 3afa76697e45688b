/* In an embed the keys reach the player only while its frame has the
   keyboard focus. A click anywhere in the frame gives it (the graph's
   pan and zoom cancel the mousedown's default, which would), and a small
   hint on the stage says whether the keys are on. */

const HINT_OFF = 'Click for the keys: → ← PageDown PageUp';
const HINT_ON = 'Keys on: → ← step · space plays';

export function setupEmbedHint(root) {
  const hint = root.querySelector('[data-testid="keys-hint"]');
  // An embed, or any view in a frame (the offline copy in a deck's iframe).
  const framed = document.body.classList.contains('embed') || window.parent !== window;
  if (!hint || !framed) return;
  document.body.dataset.framed = '1';
  function paint() {
    const on = document.hasFocus();
    hint.dataset.keys = on ? 'on' : 'off';
    hint.textContent = on ? HINT_ON : HINT_OFF;
  }
  root.addEventListener('pointerdown', () => { if (!document.hasFocus()) window.focus(); }, true);
  window.addEventListener('focus', paint);
  window.addEventListener('blur', paint);
  paint();
}
