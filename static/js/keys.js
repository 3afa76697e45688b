/* The player's keys, as slide clickers send them: → and PageDown step
   forward, ← and PageUp step back, space plays or pauses, Home and End go
   to the start and the end of the pass.

   Whose key is it? The player takes a key only when focus is on the page's
   body or inside the player, and never a key that the focused control uses
   itself: Space and Enter press a button, a select or a slider uses every
   key it is sent, a text field too. PageDown, PageUp and Space scroll a page
   that needs scrolling: with focus on the body they step the graph only
   while the player is in view (or the page cannot scroll), so the part of
   the page below the fold stays reachable from the keyboard. */

export const KEYS = {
  ArrowRight: 'step-forward',
  PageDown: 'step-forward',
  ArrowLeft: 'step-back',
  PageUp: 'step-back',
  ' ': 'play',
  Home: 'to-start',
  End: 'to-end',
};

const SCROLL_KEYS = new Set(['PageDown', 'PageUp', ' ']);
const PRESS_KEYS = new Set([' ', 'Enter']);

/** Does the focused element use this key itself? */
export function ownsKey(el, key) {
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  if (el.isContentEditable || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    if (type === 'checkbox' || type === 'radio' || type === 'button' || type === 'submit') return PRESS_KEYS.has(key);
    return true;   // text fields and sliders (range) use every key
  }
  if (tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'A' || el.getAttribute('role') === 'button') return PRESS_KEYS.has(key);
  return false;
}

/** Is the player as much in view as it can be? (Within 1 px.) */
function inView(root) {
  const box = root.getBoundingClientRect();
  const h = window.innerHeight;
  if (box.height <= h + 1) return box.top >= -1 && box.bottom <= h + 1;
  return box.top <= 1 && box.bottom >= h - 1;
}

function pageScrolls() {
  const page = document.scrollingElement || document.documentElement;
  return page.scrollHeight > window.innerHeight + 1;
}

/** Should the player act on this key event? */
export function playerTakes(event, root) {
  if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return false;
  if (!KEYS[event.key]) return false;
  const active = document.activeElement;
  const onBody = !active || active === document.body || active === document.documentElement;
  if (!onBody && !root.contains(active)) return false;
  if (!onBody && ownsKey(active, event.key)) return false;
  if (onBody && SCROLL_KEYS.has(event.key) && pageScrolls() && !inView(root)) return false;
  return true;
}

/** Wire the keys: `run` maps an action to what it does; `atEdge(direction)`,
    when given, is asked first at the last frame (forward keys, 'next') and at
    the first (backward keys, 'prev'), and returns true when it took the key
    (an embed hands it back to its deck: embed_protocol.js). */
export function setupKeys(root, { run, player, atEdge = null }) {
  document.addEventListener('keydown', (event) => {
    if (!playerTakes(event, root)) return;
    event.preventDefault();
    const action = KEYS[event.key];
    if (atEdge && action === 'step-forward' && player.index() >= player.lastIndex() && atEdge('next')) return;
    if (atEdge && action === 'step-back' && player.index() <= 0 && atEdge('prev')) return;
    run[action]();
  });
}
