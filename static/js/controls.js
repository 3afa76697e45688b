/* Buttons, keys (keys.js) and the scrubber, wired to the player and the store. */

import { setupKeys } from './keys.js';

export function setupControls(root, { store, player, zoom, actions, atEdge = null }) {
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

  // Native buttons keep Space and Enter: the keys are the player's only where no control uses them.
  setupKeys(root, { run, player, atEdge });

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
  return { paint, run };
}
