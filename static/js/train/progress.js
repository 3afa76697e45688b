/* The progress indicator: a spinner, a moving bar and a sentence ("Training
   50,000 steps…"), shown only for work that takes longer than a moment, so
   quick steps do not flicker. The train container's data-busy says whether
   anything is under way, at once (the browser tests wait on it). */

const DELAY_MS = 150;

export function createProgress(box, container) {
  const text = box.querySelector('[data-testid="train-progress-text"]');
  const active = new Map();   // token → what
  let next = 1;
  let timer = 0;

  function refresh() {
    const busy = active.size > 0;
    container.dataset.busy = busy ? '1' : '0';
    container.setAttribute('aria-busy', String(busy));
    if (!busy) {
      clearTimeout(timer);
      timer = 0;
      box.hidden = true;
      return;
    }
    const latest = [...active.values()].pop();
    if (text.textContent !== latest) text.textContent = latest;
    if (box.hidden && !timer) {
      timer = setTimeout(() => {
        timer = 0;
        if (active.size) box.hidden = false;
      }, DELAY_MS);
    }
  }

  return {
    /** Something started; `what` says what. Returns a token for end(). */
    begin(what) {
      const token = next;
      next += 1;
      active.set(token, what || 'Working…');
      refresh();
      return token;
    },
    end(token) {
      active.delete(token);
      refresh();
    },
  };
}
