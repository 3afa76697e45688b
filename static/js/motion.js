/* prefers-reduced-motion: every animation becomes a jump. CSS transitions
   and the flowing dashes are switched off in app.css; the zoom's glide and
   the training run's progressive readout ask `reducedMotion()`; and after
   each step the fade-ins that the graph starts (Web Animations) are
   finished at once, where they are started (render.js) or anywhere else.
   Steps that come faster than their animations play (a held key, a dragged
   scrubber) jump too, for everyone: see scrubbing(). */

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

/* Steps closer than this are scrubbing, not watching: each step's fades
   (380 ms), colour changes (0.3 s) and glide (450 ms) would be cut off by the
   next one, and on a big drawing every frame of them repaints it all. A
   deliberate click every 250 ms still animates. */
export const SCRUB_MS = 200;

/** A watch on the steps shown in `element`: call it at each step; it says
    whether that step is part of a scrub, and keeps `data-scrubbing` on the
    element (app.css drops the graph's transitions under it) until the steps
    rest for SCRUB_MS. */
export function scrubbing(element) {
  let last = -Infinity;
  let timer = null;
  return function stepped(now = performance.now()) {
    const scrub = now - last < SCRUB_MS;
    last = now;
    clearTimeout(timer);
    element.toggleAttribute('data-scrubbing', scrub);
    if (scrub) timer = setTimeout(() => element.removeAttribute('data-scrubbing'), SCRUB_MS);
    return scrub;
  };
}
