/* The player: play, pause and stepping through the frames (forward 0…N,
   then backward 0…M, then forward mode's tangent 0…T when the document
   has it; see state.js). It owns the one timer and cancels it
   before any other move, so no stale tick ever fires. Every move is a
   store.update, which also writes the URL. */

const BASE_DELAY_MS = 1300;   // one step per 1.3 s at speed 1×
const PASS_ORDER = ['forward', 'backward', 'tangent'];

export function createPlayer(store) {
  let counts = { forward: 0, backward: 0 };
  let timer = 0;
  let playing = false;
  const listeners = [];

  // The passes in frame order; forward mode's, when the document has it, comes last.
  const order = () => PASS_ORDER.filter((pass) => counts[pass] !== undefined);
  const lastIndex = () => order().reduce((sum, pass) => sum + counts[pass] + 1, 0) - 1;
  const indexOf = (s) => {
    let before = 0;
    for (const pass of order()) {
      if (pass === s.pass) return before + s.step;
      before += counts[pass] + 1;
    }
    return s.step;
  };
  const frameAt = (i) => {
    let rest = i;
    for (const pass of order()) {
      if (rest <= counts[pass]) return { pass, step: rest };
      rest -= counts[pass] + 1;
    }
    return { pass: 'backward', step: counts.backward };
  };

  function emit() {
    for (const listener of listeners) listener(playing);
  }

  function stopTimer() {
    clearTimeout(timer);
    timer = 0;
  }

  function schedule() {
    stopTimer();
    timer = setTimeout(tick, BASE_DELAY_MS / store.get().speed);
  }

  function tick() {
    timer = 0;
    if (!advance()) pause();
    else if (indexOf(store.get()) >= lastIndex()) pause();
    else schedule();
  }

  function advance() {
    const i = indexOf(store.get());
    if (i >= lastIndex()) return false;
    store.update(frameAt(i + 1));
    return true;
  }

  function pause() {
    stopTimer();
    if (playing) {
      playing = false;
      emit();
    }
  }

  function play() {
    if (indexOf(store.get()) >= lastIndex()) store.update(frameAt(0));
    playing = true;
    schedule();
    emit();
  }

  return {
    setCounts(next) {
      pause();
      counts = next;
    },
    get playing() {
      return playing;
    },
    index: () => indexOf(store.get()),
    lastIndex,
    frameAt,
    play,
    pause,
    toggle: () => (playing ? pause() : play()),
    stepForward() {
      pause();
      advance();
    },
    stepBack() {
      pause();
      const i = indexOf(store.get());
      if (i > 0) store.update(frameAt(i - 1));
    },
    /** Start of this pass; pressed again at the start of backward, start of forward. */
    toStart() {
      pause();
      const s = store.get();
      store.update(s.step > 0 ? { step: 0 } : { pass: 'forward', step: 0 });
    },
    /** End of this pass; pressed again at the end of forward, end of backward. */
    toEnd() {
      pause();
      const s = store.get();
      store.update(s.step < counts[s.pass] ? { step: counts[s.pass] } : frameAt(lastIndex()));
    },
    goTo(index) {
      pause();
      store.update(frameAt(Math.min(Math.max(0, index), lastIndex())));
    },
    goPass(pass) {
      pause();
      store.update({ pass, step: 0 });
    },
    /** Speed changes apply at once, also in the middle of playing. */
    speedChanged() {
      if (playing) schedule();
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
