/* The pure parts of the teaching modules: the quiz's checking, hints and
   marks (static/js/quiz.js), forward mode's frames and costs
   (static/js/forward_mode.js), the request read back off a document
   (doc_request.js) and the Code tab's line lookup (code_tab.js), on the
   app's own documents (tests/js/fixtures.py). */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { exampleSlug, lineOf } from '../../static/js/code_tab.js';
import { errorText } from '../../static/js/check_gradient.js';
import { requestOf } from '../../static/js/doc_request.js';
import { comparison, costs, dotName, tangentCount, tangentScene } from '../../static/js/forward_mode.js';
import { hintOf, isRight, markOf, parseAnswer, questionOf, quizPasses, scoreText, tally, withMark } from '../../static/js/quiz.js';
import { createPlayer } from '../../static/js/player.js';
import { num } from '../../static/js/format.js';
import { passesOf } from '../../static/js/scene.js';
import { clamp, queryOf, readUrl } from '../../static/js/state.js';
import { viewDocument } from '../../static/js/group_document.js';
import { placeDrawn } from '../../static/js/group_layout.js';
import { drawnGraph } from '../../static/js/group_view.js';
import { fixtures } from './support.mjs';

const { documents, forwardMode, tables } = fixtures();
const simple = documents.simple;

describe('the quiz', () => {
  test('quiz=1 and quiz=both ask in both passes, forward and backward in one, anything else in none', () => {
    assert.deepEqual(quizPasses('1'), ['forward', 'backward']);
    assert.deepEqual(quizPasses('both'), ['forward', 'backward']);
    assert.deepEqual(quizPasses('backward'), ['backward']);
    assert.deepEqual(quizPasses(null), []);
  });

  test('an answer is right within a relative 1e-3 or as the page rounds it, and not beyond', () => {
    const y = 9.487735836358526;   // simple's y = exp(2.25), shown as 9.488
    for (const text of ['9.488', '9.4877', '9.49', ' 9.488 ', '9,488', '9.487735836358526']) assert.ok(isRight(text, y), text);
    for (const text of ['9.5', '9.4', '', 'y', '9.48.8']) assert.ok(!isRight(text, y), text);
    assert.ok(isRight('−0.9992', -0.99921));   // the page's own minus sign
    assert.ok(isRight('-0.9992', -0.99921));
    assert.ok(isRight('0', 0));
    assert.ok(!isRight('0.0001', 0));            // nothing is within 1e-3 of 0 but 0
    assert.ok(isRight('1.5e-5', 1.5e-5));
    assert.ok(isRight('∞', Infinity) && isRight('inf', Infinity) && !isRight('1e308', Infinity));
    assert.ok(isRight('NaN', NaN));
  });

  test('parseAnswer reads numbers only', () => {
    assert.equal(parseAnswer('−2.5'), -2.5);
    assert.equal(parseAnswer('+3'), 3);
    assert.ok(Number.isNaN(parseAnswer('2+3')));
    assert.ok(Number.isNaN(parseAnswer('0x10')));
  });

  test('the questions of simple ask for each step\'s value, then gradient, with the chain-rule line as the hint', () => {
    const passes = passesOf(simple);
    const v = questionOf(simple, passes, 'forward', 2);
    assert.equal(v.prompt, 'What is the value of v = u + b?');
    assert.equal(v.expected, 2.25);
    assert.equal(v.hint, 'v = u + b = 0.25 + 2');
    const w = questionOf(simple, passes, 'backward', 7);
    assert.equal(simple.nodes[w.node].name, 'w');
    assert.equal(w.expected, simple.gradients.w);
    assert.equal(w.hint, 'w′ = u′·x = 161.059 × 0.5');
    assert.equal(w.prompt, 'What is the gradient w′ = ∂ℓ/∂w?');
    const output = questionOf(simple, passes, 'backward', 1);
    assert.equal(output.expected, 1);
    assert.equal(output.hint, 'ℓ′ is ∂ℓ/∂ℓ');
    assert.equal(questionOf(simple, passes, 'forward', 6), null);
  });

  test('marks: a character a step, the first mark kept, blanks trimmed', () => {
    let marks = withMark('', 3, '1');
    assert.equal(marks, '--1');
    marks = withMark(marks, 1, '0');
    assert.equal(marks, '0-1');
    assert.equal(withMark(marks, 1, '1'), '0-1');   // answered once: the mark stays
    assert.equal(markOf(marks, 2), null);
    assert.equal(markOf(marks, 3), '1');
    assert.deepEqual(tally(marks), { right: 1, asked: 2 });
    assert.equal(scoreText({ forward: '11', backward: '1-0' }, ['forward', 'backward']), 'forward 2/2 · backward 1/2');
    assert.equal(hintOf({ pass: 'forward', node: 0, text: 'x = 2' }, simple.nodes[simple.output]), 'x');
  });
});

describe('forward mode', () => {
  const doc = forwardMode;

  test('dot names as engine/tangent.py writes them', () => {
    assert.equal(dotName('w'), 'ẇ');
    assert.equal(dotName('y*'), 'ẏ*');
    assert.equal(dotName('y − y*'), '(y − y*)˙');
    for (const step of doc.steps.filter((s) => s.pass === 'tangent')) {
      const node = doc.nodes[step.node];
      assert.ok(step.text.startsWith(`${dotName(node.label)} = `), step.text);
    }
  });

  test('the frames: the seed first, then each node\'s tangent, ending at the gradient of the seeded input', () => {
    const passes = passesOf(doc);
    const T = tangentCount(doc);
    assert.equal(T, passes.forward_steps.length);
    assert.equal(tangentCount(simple), null);
    const start = tangentScene(doc, passes, { pass: 'tangent', step: 0, runs: 1 });
    assert.equal(start.intro.text, "Seed the inputs' tangents: ẇ = 1, ẋ = 0, ḃ = 0, ẏ* = 0.");
    assert.equal(start.current, null);
    const end = tangentScene(doc, passes, { pass: 'tangent', step: T, runs: 1 });
    assert.equal(end.tangent.get(doc.output), doc.gradients.w);   // exactly: the same products, the same order here
    assert.equal(end.value[doc.output], simple.value);
    assert.equal(end.drawAs, 'forward');
  });

  test('the player steps forward 0…N, backward 0…M, then forward mode 0…T when the document has it', () => {
    let state = { pass: 'forward', step: 0, speed: 1 };
    const store = { get: () => state, update: (patch) => { state = { ...state, ...patch }; } };
    const player = createPlayer(store);
    player.setCounts({ forward: 5, backward: 7 });
    assert.equal(player.lastIndex(), 13);
    player.setCounts({ forward: 5, backward: 7, tangent: 5 });
    assert.equal(player.lastIndex(), 19);
    assert.deepEqual(player.frameAt(13), { pass: 'backward', step: 7 });
    assert.deepEqual(player.frameAt(14), { pass: 'tangent', step: 0 });
    player.goTo(13);
    player.stepForward();
    assert.deepEqual([state.pass, state.step, player.index()], ['tangent', 0, 14]);
    player.toEnd();
    assert.deepEqual([state.pass, state.step], ['tangent', 5]);
    player.stepForward();   // the last frame: nothing further
    assert.deepEqual([state.pass, state.step], ['tangent', 5]);
    player.stepBack();
    player.goTo(14);
    player.stepBack();
    assert.deepEqual([state.pass, state.step], ['backward', 7]);
  });

  test('pass=tangent&seed=w is read, kept with forward mode\'s document, and forward without it', () => {
    const state = readUrl('http://localhost/examples/simple?pass=tangent&seed=w&step=3&quiz=1&score=backward:1-0', tables.example);
    assert.deepEqual([state.pass, state.seed, state.step, state.quiz, state.score], ['tangent', 'w', 3, '1', { backward: '1-0' }]);
    assert.deepEqual(clamp(state, tables.example, { forward: 5, backward: 7, tangent: 5 }).pass, 'tangent');
    const plain = clamp(state, tables.example, { forward: 5, backward: 7 });
    assert.deepEqual([plain.pass, plain.step], ['forward', 3]);
    assert.equal(queryOf(state, tables.example), 'pass=tangent&step=3&quiz=1&score=backward:1-0&seed=w');
  });

  test('the costs: n forward-mode passes against one reverse pass', () => {
    const cost = costs(doc);
    // 5 op nodes; 8 edges from non-constant nodes (u: w, x; v: u, b; y: v; y − y*: y, y*; ℓ: y − y*)
    assert.deepEqual(cost, { inputs: 2, perForwardPass: 13, forwardMode: 26, reverseMode: 5 + 6 });
    assert.match(comparison(doc), /need 2 forward-mode passes of 13 operations: 26 operations\. One reverse pass .* 11 operations\./);
  });
});

describe('what the page asks the server', () => {
  test('a document gives back its request', () => {
    assert.deepEqual(requestOf(simple), {
      source: simple.source, values: { w: 0.5, x: 0.5, b: 2, ystar: 1 }, data: ['x', 'ystar'],
      labels: { ystar: 'y*', l: 'ℓ' }, title: simple.title,
    });
    assert.equal(requestOf({ ...simple, source: null }), null);
  });

  test('the example of a path, and the line of a frame', () => {
    assert.equal(exampleSlug('/examples/simple'), 'simple');
    assert.equal(exampleSlug('/embed/examples/challenge-2'), 'challenge-2');
    assert.equal(exampleSlug('/examples/simple/train'), null);
    assert.equal(exampleSlug('/graph'), null);
    const lines = { forward: { 4: 67 }, backward: { 0: 82 } };
    assert.equal(lineOf(lines, { pass: 'forward', current: 4 }), 67);
    assert.equal(lineOf(lines, { pass: 'backward', current: 0 }), 82);
    assert.equal(lineOf(lines, { pass: 'tangent', current: 4 }), null);
    assert.equal(lineOf(lines, { pass: 'forward', current: null }), null);
  });

  test('the check\'s small numbers', () => {
    assert.equal(errorText(0), '0');
    assert.equal(errorText(5.445446997959534e-11), '5.45e−11');
    assert.equal(errorText(1), '1');
  });
});

test('predict mode asks a collapsed group for its output, as the group view steps it', () => {
  const doc = documents['mlp-2-4-4-1'];
  // The MLP and its last layer open: layers 0 and 1 and the last layer's neuron closed.
  const drawn = drawnGraph(doc, new Set([0, 11]));
  const view = viewDocument(doc, drawn, placeDrawn(doc, drawn));
  const passes = passesOf(view);
  const asked = passes.forward_steps.map((s, k) => ({ s, q: questionOf(view, passes, 'forward', k + 1) }))
    .filter(({ s }) => view.nodes[s.node].kind === 'group');
  assert.equal(asked.length, 3);
  for (const { s, q } of asked) {
    assert.ok(!q.prompt.includes(': '), q.prompt);
    assert.equal(q.expected, num(s.value));
  }
});
