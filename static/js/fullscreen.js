/* The full-screen (presenter) button: the player, graph and panel, fills
   the screen (the Fullscreen API; app.css lays it out). Hidden where the
   browser allows no full screen (a frame without allowfullscreen). */

export function setupFullscreen(root) {
  const button = root.querySelector('[data-testid="fullscreen"]');
  if (!button) return;
  if (!document.fullscreenEnabled || !root.requestFullscreen) {
    button.hidden = true;
    return;
  }
  function paint() {
    const on = document.fullscreenElement === root;
    button.setAttribute('aria-pressed', String(on));
    root.classList.toggle('presenting', on);
  }
  button.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else root.requestFullscreen().catch(() => {});
  });
  document.addEventListener('fullscreenchange', paint);
  paint();
}
