/* The Train view's moves, as the toolbar's buttons and fields call them:
     step one update   the next frame's passes play in the player, then its
                       update lands on the parameters and on the charts;
     run N steps       run.js draws the frame N steps on progressively;
     pause             stops a run on the step reached, or the player;
     reset             back to step 0;
     settings          a new lr, order, seed, points or N. */

import { standing } from './state.js';

/** `page`: the page's parts (main.js); `frames`: frames.js. */
export function createMoves(page, frames) {
  const { store, view } = page;
  const session = store.session;

  function pause() {
    if (page.run.active) {
      store.update({ step: page.run.stop(), pass: null, passStep: null });
      frames.sync();
      return;
    }
    view.player.pause();
    page.paintControls();
  }

  function stepOnce() {
    if (page.run.active) {
      pause();
      return;
    }
    const { frame } = session;
    if (!frame || session.wanted) return;
    const state = store.get();
    const counts = store.counts();
    if (view.player.playing) {   // pressed again: straight to the update
      view.player.pause();
      store.update({ pass: 'backward', passStep: counts.backward });
      return;
    }
    const { landed } = standing(state, counts, frame.t);
    if (frame.t >= 1 && !landed) {   // this frame's update first
      view.player.play();
      return;
    }
    if (frame.t === 0 && state.pass === 'backward' && state.passStep === counts.backward) {
      // The first sample's passes are through already (frame 1 shows the same sample): land its update.
      store.update({ step: 1 });
      return;
    }
    session.playOnLoad = true;
    store.update({ step: state.step + 1, pass: 'forward', passStep: 0 });
  }

  function settings(values) {
    const changed = ['lr', 'order', 'seed', 'points'].some((key) => key in values && values[key] !== store.get()[key]);
    if (changed) {
      page.run.stop();
      view.player.pause();
    }
    store.update(values);
  }

  return {
    'train-step': stepOnce,
    'train-run': () => {
      view.player.pause();
      page.run.start(store.get());
    },
    'train-pause': pause,
    'train-reset': () => {
      page.run.stop();
      view.player.pause();
      store.update({ step: 0, pass: null, passStep: null });
    },
    settings,
  };
}
