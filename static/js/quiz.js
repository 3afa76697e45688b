/* Predict mode (?quiz=1, or quiz=forward|backward|both): before a step is
   revealed the board asks for what it will show, the node's value (forward)
   or its gradient (backward). An answer is right to the digits the page
   shows: within a relative 1e-3, or written as the page rounds it (format.js).
   A miss gives the step's chain-rule line without its result as a hint, a
   second miss the answer. The marks live in the URL (`score`, a character a
   step: 1 right, 0 missed, - not asked), so a shared link keeps the score.
   Stepping on without answering (→, PageDown: the lecturer's clicker) skips
   the question unmarked. The pure parts are tested with node --test. */

import { fmt, num, primeOf } from './format.js';
import { passesOf } from './scene.js';

const RELATIVE = 1e-3;
const QUIZ_PASSES = { 1: ['forward', 'backward'], both: ['forward', 'backward'], forward: ['forward'], backward: ['backward'] };

/** The passes a `quiz` value asks in ([] when the quiz is off). */
export function quizPasses(quiz) {
  return QUIZ_PASSES[quiz] || [];
}

/** A typed answer as a number (true minus, a decimal comma, spaces allowed); NaN if none. */
export function parseAnswer(text) {
  const clean = String(text).trim().replace(/[−–]/g, '-').replace(/\s+/g, '').replace(/^\+/, '');
  if (/^-?∞$|^-?inf(inity)?$/i.test(clean)) return clean.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(clean)) return NaN;
  const number = clean.replace(/^(-?\d*),(\d+)$/, '$1.$2');
  return /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(number) ? Number(number) : NaN;
}

/** Is `text` the number `expected` to the digits shown? */
export function isRight(text, expected) {
  const typed = String(text).trim().replace(/-/g, '−');
  if (typed === fmt(expected)) return true;   // as the page writes it, NaN and ∞ included
  const x = parseAnswer(text);
  if (!Number.isFinite(x) || !Number.isFinite(expected)) return x === expected;
  if (fmt(x) === fmt(expected)) return true;
  return Math.abs(x - expected) <= RELATIVE * Math.abs(expected);
}

/** The step's chain-rule line without its result: the hint after a miss. */
export function hintOf(step, output) {
  const parts = step.text.split(' = ');
  if (parts.length > 2) return parts.slice(0, -1).join(' = ');
  if (step.pass === 'backward' && step.node === output.id) return `${parts[0]} is ∂${output.label}/∂${output.label}`;
  return parts[0];
}

/** The question about step `step` (from 1) of `pass`: {pass, step, node, expected, prompt, answerText}. */
export function questionOf(doc, passes, pass, step) {
  const steps = pass === 'forward' ? passes.forward_steps : passes.backward_steps;
  const s = steps[step - 1];
  if (!s) return null;
  const node = doc.nodes[s.node];
  const output = doc.nodes[doc.output];
  // A collapsed group is asked for its output: "h3 = tanh(a3·x + c3)" (its expression names the group first).
  const named = node.kind === 'group' ? node.expression.slice(node.expression.indexOf(': ') + 2)
    : node.label === node.expression ? node.label : `${node.label} = ${node.expression}`;
  const expected = num(pass === 'forward' ? s.value : s.grad);
  const prompt = pass === 'forward'
    ? `What is the value of ${named}?`
    : `What is the gradient ${primeOf(node)} = ∂${output.label}/∂${node.label}?`;
  return { pass, step, node: s.node, expected, prompt, hint: hintOf(s, output), full: s.text };
}

/** A pass's marks with step `step` (from 1) marked `mark` ('1' or '0'); a step already marked keeps its mark. */
export function withMark(marks, step, mark) {
  const chars = [...(marks || '')];
  while (chars.length < step) chars.push('-');
  if (chars[step - 1] === '-') chars[step - 1] = mark;
  return chars.join('').replace(/-+$/, '');
}

export function markOf(marks, step) {
  const c = (marks || '')[step - 1];
  return c === '1' || c === '0' ? c : null;
}

/** {right, asked} of a pass's marks. */
export function tally(marks) {
  const chars = [...(marks || '')];
  return { right: chars.filter((c) => c === '1').length, asked: chars.filter((c) => c === '1' || c === '0').length };
}

export function scoreText(score, quizPassList) {
  return quizPassList.map((pass) => {
    const { right, asked } = tally(score[pass]);
    return `${pass} ${right}/${asked}`;
  }).join(' · ');
}

/** The quiz on the page: the box of _quiz.html, driven by the store. */
export function setupQuiz(root, { store, view }) {
  const box = root.querySelector('[data-testid="quiz"]');
  if (!box) return;
  const find = (id) => box.querySelector(`[data-testid="${id}"]`);
  const [prompt, input, feedback, scoreLine, check, reveal] = ['quiz-question', 'quiz-answer', 'quiz-feedback',
    'quiz-score', 'quiz-check', 'quiz-reveal'].map(find);
  let question = null;
  let questionKey = '';
  let misses = 0;
  let keepFeedback = false;

  const asked = () => quizPasses(store.get().quiz);

  function mark(q, value) {
    const score = { ...store.get().score };
    score[q.pass] = withMark(score[q.pass], q.step, value);
    store.update({ score });
  }

  function advance() {
    keepFeedback = true;
    view.player.stepForward();
    keepFeedback = false;
  }

  /** The question for the frame after this one, if the quiz asks it. */
  function nextQuestion(state) {
    const next = view.player.frameAt(view.player.index() + 1);
    if (view.player.index() >= view.player.lastIndex() || next.pass !== state.pass || next.step < 1) return null;
    if (!asked().includes(next.pass)) return null;
    return questionOf(view.doc, passesOf(view.doc), next.pass, next.step);
  }

  function paint(scene, state) {
    const on = asked().length > 0;
    box.hidden = !on;
    root.classList.toggle('quiz-on', on);
    if (!on) return;
    question = nextQuestion(state);
    const key = question ? `${question.pass}:${question.step}` : `none:${state.pass}:${state.step}`;
    if (key !== questionKey) {
      questionKey = key;
      misses = 0;
      input.value = '';
      if (!keepFeedback) feedback.textContent = '';
      delete feedback.dataset.result;
    }
    const done = question && markOf(state.score[question.pass], question.step);
    if (!question) {
      prompt.textContent = state.pass === 'tangent' ? 'The quiz asks in the forward and backward passes.'
        : 'No question here: step on (→) to the next one.';
    } else if (done) {
      prompt.textContent = `${question.prompt} (answered: ${done === '1' ? 'right' : 'missed'}; → reveals it)`;
    } else {
      prompt.textContent = question.prompt;
    }
    input.disabled = !question;
    check.disabled = !question;
    reveal.disabled = view.player.index() >= view.player.lastIndex();
    box.dataset.pass = question ? question.pass : '';
    box.dataset.step = question ? String(question.step) : '';
    const score = state.score || {};
    scoreLine.textContent = `Score: ${scoreText(score, asked())}`;
    for (const pass of asked()) {
      const { right, asked: n } = tally(score[pass]);
      scoreLine.dataset[pass] = `${right}/${n}`;
    }
  }

  function say(result, text) {
    feedback.dataset.result = result;
    feedback.textContent = text;
  }

  function submit() {
    if (!question) return;
    const q = question;
    if (misses >= 2) { advance(); return; }   // the answer is on show: Enter goes on
    if (input.value.trim() === '') {
      say('empty', 'Type a number first (or press Reveal).');
      return;
    }
    if (isRight(input.value, q.expected)) {
      mark(q, '1');
      say('correct', `Correct: ${q.full}`);
      advance();
      return;
    }
    misses += 1;
    if (misses === 1) {
      say('not-yet', `Not yet. Hint: ${q.hint}`);
    } else {
      mark(q, '0');
      say('answer', `Not yet. The answer is ${fmt(q.expected)}: ${q.full}. Press Enter to go on.`);
    }
    input.select();
  }

  check.addEventListener('click', submit);
  reveal.addEventListener('click', () => advance());

  // Enter checks; a clicker sends PageDown and PageUp: in the answer field they still step (reveal, back).
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') { event.preventDefault(); submit(); }
    if (event.key === 'PageDown') { event.preventDefault(); advance(); }
    if (event.key === 'PageUp') { event.preventDefault(); view.player.stepBack(); }
  });

  view.onPaint(paint);
}
