/* The teaching parts of the player, wired once: the board's tabs with the
   Code tab and the gradient check, predict mode and forward mode. What asks
   the server gets `post` (api.js's postJSON) from the page's entry; the
   offline copy's entry gives none, so its file carries no API client and
   its tabs say that the server is missing. */

import { setupCheckGradient } from './check_gradient.js';
import { setupBoardTabs, setupCodeTab } from './code_tab.js';
import { hasServer } from './doc_request.js';
import { setupForwardMode, tangentCount, withTangent } from './forward_mode.js';
import { setupQuiz } from './quiz.js';

export function setupTeaching(root, { store, view, post = null }) {
  const server = post && hasServer() ? post : null;
  const tabs = setupBoardTabs(root);
  setupCodeTab(root, { view, tabs, post: server });
  setupCheckGradient(root, { view, tabs, post: server });
  setupQuiz(root, { store, view });
  setupForwardMode(root, { store, view, post: server });
}

/** The document to open with: a link to forward mode (pass=tangent) asks for
    it first, so that the player lands on its frame (else the plain one). */
export async function openingDocument(doc, initial, post) {
  if (!doc || initial.pass !== 'tangent' || tangentCount(doc) !== null || !hasServer()) return doc;
  const answer = await withTangent(doc, initial.seed, post);
  if (answer.error) return doc;
  initial.seed = answer.seed;
  return answer.document;
}
