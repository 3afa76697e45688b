/* prefers-reduced-motion: every animation becomes a jump. CSS transitions
   and the flowing dashes are switched off in app.css; the zoom's glide and
   the training run's progressive readout ask `reducedMotion()`; and after
   each step the fade-ins that the graph starts (Web Animations) are
   finished at once, where they are started (render.js) or anywhere else. */

const query = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;

export function reducedMotion() {
  return Boolean(query && query.matches);
}

/** Jump every running animation of the document to its end. */
export function finishAnimations() {
  if (!reducedMotion() || !document.getAnimations) return;
  for (const animation of document.getAnimations()) {
    try {
      animation.finish();
    } catch {
      animation.cancel();   // an infinite one cannot finish
    }
  }
}

/** After each change of the store's state (subscribed after the view, so after its paint). */
export function jumpAfterEachStep(store) {
  store.subscribe(finishAnimations);
  finishAnimations();
}
