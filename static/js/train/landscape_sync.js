/* The loss landscape of the two parameters the state names: where to draw
   it (the course's range, or around the example's own run, asked for once),
   then its grid from /api/train; the latest request wins. */

import { landscapeRequest, referenceRequest } from './api.js';
import { hasCourseRange, landscapeRanges } from './ranges.js';

const cells = (range) => Math.max(1, Math.ceil((range[1] - range[0]) / range[2]));

/** `page`: the page's parts (main.js); `repaint()` once a grid is drawn. */
export function createLandscapeSync({ setup, store, api, landscape, find, guard }, repaint) {
  const session = store.session;

  return async function syncLandscape() {
    const state = store.get();
    if (!state.landscape) {
      landscape.clear('The landscape needs two parameters; this model has one.');
      find('landscape-axes').hidden = true;
      return;
    }
    if (!state.landscape.every((name) => hasCourseRange(setup, name)) && !session.reference) {
      session.reference = api.train(referenceRequest(setup), 'Running the course’s training to place the landscape…');
    }
    const ref = session.reference ? await session.reference : null;
    const ranges = landscapeRanges(setup, ref && ref.answer, state.landscape);
    const body = landscapeRequest(state, setup, ...state.landscape, ranges.x, ranges.y);
    const key = JSON.stringify(body);
    if (key === session.landscapeKey) return;
    session.landscapeKey = key;
    const result = await api.train(body, `Computing the loss landscape (${cells(ranges.x)} × ${cells(ranges.y)} grid)…`);
    if (session.landscapeKey !== key) return;
    if (result.error) {
      landscape.clear(`The landscape cannot be drawn: ${result.error.message}`);
      return;
    }
    guard('Drawing the landscape', () => {
      landscape.setGrid(result.answer.landscape);
      repaint();
    });
  };
}
