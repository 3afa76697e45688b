/* The teaching parts of the player, wired once: the board's tabs with the
   Code tab and the gradient check, predict mode and forward mode. */

import { setupCheckGradient } from './check_gradient.js';
import { setupBoardTabs, setupCodeTab } from './code_tab.js';
import { setupForwardMode, tangentCount, withTangent } from './forward_mode.js';
import { setupQuiz } from './quiz.js';

export function setupTeaching(root, { store, view }) {
  const tabs = setupBoardTabs(root);
  setupCodeTab(root, { view, tabs });
  setupCheckGradient(root, { view, tabs });
  setupQuiz(root, { store, view });
  setupForwardMode(root, { store, view });
}

/** The document to open with: a link to forward mode (pass=tangent) asks for
    it first, so that the player lands on its frame (else the plain one). */
export async function openingDocument(doc, initial) {
  if (!doc || initial.pass !== 'tangent' || tangentCount(doc) !== null) return doc;
  const answer = await withTangent(doc, initial.seed);
  if (answer.error) return doc;
  initial.seed = answer.seed;
  return answer.document;
}
