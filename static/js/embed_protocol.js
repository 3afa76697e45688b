/* The embed's postMessage protocol, so a slide deck (or any page) that
   frames the player can drive it with the clicker and hand the keys back
   and forth. Messages are plain objects with `chainrule: 1`.

   The parent sends:
     {chainrule: 1, command: 'next' | 'prev' | 'first' | 'last'}
     {chainrule: 1, command: 'goto', pass: 'forward' | 'backward', step: k}
     {chainrule: 1, command: 'state'}          (answered with a 'state' event)
   The embed announces, to its parent, on load and after every change:
     {chainrule: 1, event: 'state', pass, step, steps (of this pass),
      index, last (frames 0…last in order), atStart, atEnd}
   and, when a forward key or 'next' comes at the last frame (or a backward
   key or 'prev' at the first), it hands control back:
     {chainrule: 1, event: 'edge', direction: 'next' | 'prev'}
   followed by reveal.js's own postMessage call, the string
   '{"method":"next"}' or '{"method":"prev"}', so a reveal.js deck moves on
   even without the chainrule plugin (static/deck/reveal-chainrule.js).

   Only the parent window is listened to; the state is sent to any origin
   (a deck opened from file:// has none), and it holds nothing private. */

const COMMANDS = new Set(['next', 'prev', 'first', 'last', 'goto', 'state']);

export function setupEmbedProtocol({ store, player }) {
  const parent = window.parent;
  if (!parent || parent === window) return { atEdge: () => false };

  function stateMessage() {
    const s = store.get();
    const index = player.index();
    const last = player.lastIndex();
    const counts = store.counts();
    return {
      chainrule: 1, event: 'state', pass: s.pass, step: s.step,
      steps: counts ? counts[s.pass] : 0,
      index, last, atStart: index <= 0, atEnd: index >= last,
    };
  }

  let lastSent = '';
  function announce(force = false) {
    const message = stateMessage();
    const key = JSON.stringify(message);
    if (key === lastSent && !force) return;
    lastSent = key;
    parent.postMessage(message, '*');
  }

  /** Control goes back to the deck: the generic message, then reveal.js's own. */
  function atEdge(direction) {
    parent.postMessage({ chainrule: 1, event: 'edge', direction }, '*');
    parent.postMessage(JSON.stringify({ method: direction }), '*');
    return true;
  }

  const run = {
    next: () => (player.index() >= player.lastIndex() ? atEdge('next') : player.stepForward()),
    prev: () => (player.index() <= 0 ? atEdge('prev') : player.stepBack()),
    first: () => player.goTo(0),
    last: () => player.goTo(player.lastIndex()),
    goto: (data) => {
      player.pause();
      // The store clamps the step into the pass's length.
      store.update({ pass: data.pass === 'backward' ? 'backward' : 'forward', step: Math.max(0, Math.trunc(Number(data.step) || 0)) });
    },
    state: () => announce(true),
  };

  window.addEventListener('message', (event) => {
    if (event.source !== parent) return;
    const data = event.data;
    if (!data || typeof data !== 'object' || data.chainrule !== 1 || !COMMANDS.has(data.command)) return;
    run[data.command](data);
    announce();
  });
  store.subscribe(() => announce());
  announce(true);
  return { atEdge };
}
