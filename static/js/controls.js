/* Buttons, keys and the scrubber, wired to the player and the store.
   Keys (as slide clickers send them): → and PageDown step forward, ← and
   PageUp step back, space plays or pauses, Home and End go to the start and
   the end of the pass. */

const KEYS = {
  ArrowRight: 'step-forward',
  PageDown: 'step-forward',
  ArrowLeft: 'step-back',
  PageUp: 'step-back',
  ' ': 'play',
  Home: 'to-start',
  End: 'to-end',
};

function typing(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function setupControls(root, { store, player, zoom, actions }) {
  const found = new Map();
  const find = (id) => {
    // Looked up once: a query through a big graph's SVG on every step is not free.
    if (!found.has(id)) found.set(id, root.querySelector(`[data-testid="${id}"]`));
    return found.get(id);
  };
  const playButton = find('play');
  const scrubber = find('scrubber');
  const speed = find('speed');

  const run = {
    'step-forward': () => player.stepForward(),
    'step-back': () => player.stepBack(),
    play: () => player.toggle(),
    'to-start': () => player.toStart(),
    'to-end': () => player.toEnd(),
    forward: () => player.goPass('forward'),
    backward: () => player.goPass('backward'),
    big: () => store.update({ big: !store.get().big }),
    fit: () => zoom.fit(),
    'zoom-in': () => zoom.zoomBy(1.25),
    'zoom-out': () => zoom.zoomBy(0.8),
    ...actions,
  };

  root.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (button && root.contains(button) && run[button.dataset.action]) run[button.dataset.action]();
  });

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    const action = KEYS[event.key];
    if (!action) return;
    // Space on a focused button would click it as well: take the key here only.
    event.preventDefault();
    run[action]();
  });

  document.addEventListener('keyup', (event) => {
    if (event.key === ' ' && event.target instanceof HTMLButtonElement) event.preventDefault();
  });

  scrubber.addEventListener('input', () => player.goTo(Number(scrubber.value)));
  speed.addEventListener('change', () => {
    store.update({ speed: Number(speed.value) });
    player.speedChanged();
  });

  function paint() {
    const state = store.get();
    const index = player.index();
    const last = player.lastIndex();
    scrubber.max = String(last);
    scrubber.value = String(index);
    scrubber.setAttribute('aria-valuetext', `${state.pass} pass, step ${state.step}`);
    find('step-back').disabled = index === 0;
    find('step-forward').disabled = index === last;
    find('pass-forward').setAttribute('aria-pressed', String(state.pass === 'forward'));
    find('pass-backward').setAttribute('aria-pressed', String(state.pass === 'backward'));
    find('big-text').setAttribute('aria-pressed', String(state.big));
    speed.value = String(state.speed);   // one of the table's choices: the store clamps it
    document.body.classList.toggle('big', state.big);
  }

  function paintPlaying(playing) {
    playButton.setAttribute('aria-label', playing ? 'Pause (space)' : 'Play (space)');
    playButton.classList.toggle('playing', playing);
    playButton.dataset.playing = String(playing);
  }

  player.onChange(paintPlaying);
  paintPlaying(false);
  return { paint };
}
