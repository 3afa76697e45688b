/* The Gradients box: ∂ℓ/∂p for every parameter of the document, those
   inside collapsed groups too, and the accumulation demo (backward() run
   again adds to .grad). Its rows are made once per document: opening or
   closing a group only says where each parameter is drawn now (an MLP has
   hundreds of rows, which a rebuild of the drawing would make again). */

import { exact, fmt, mathRuns, num } from './format.js';
import { accumulates } from './scene.js';

/** A name as the graph writes it (svg_text.js setName): letters in math
    italic, digits and brackets upright (KaTeX_Math's digits are old-style:
    b[0][0] would read b[o][o]), subscripts lowered. */
function setMathName(span, name) {
  for (const run of mathRuns(name)) {
    const part = document.createElement('span');
    part.className = run.kind;
    part.textContent = run.text;
    span.appendChild(part);
  }
}

/** A parameter inside a collapsed group has its gradient once the group's
    backward step is done (× runs, as scene.js writes a drawn one's). */
function hiddenGrad(scene, row) {
  if (scene.pass !== 'backward') return undefined;
  const g = num(row.node.grad);
  if (scene.grad[row.at] !== undefined) return scene.runs * g;
  return scene.runs > 1 ? (scene.runs - 1) * g : undefined;
}

/** The parts of a row: [class, text] each, the name first. */
function rowParts(scene, row, outputLabel) {
  const { node } = row;
  const shown = row.hidden ? hiddenGrad(scene, row) : scene.shownGrad[row.at];
  if (scene.pass === 'forward' || shown === undefined) {
    return [shown, [['nm', `∂${outputLabel}/∂${node.label}`], ['', ' = '], ['pending', scene.pass === 'forward' ? '…' : '?']]];
  }
  if (scene.runs > 1) {
    const done = scene.grad[row.at] !== undefined ? scene.runs : scene.runs - 1;
    return [shown, [['nm', `${node.label}.grad`], ['', ` = ${done} × ${fmt(num(node.grad))} = `], ['value', fmt(shown)]]];
  }
  return [shown, [['nm', `∂${outputLabel}/∂${node.label}`], ['', ' = '], ['value', fmt(shown)]]];
}

/** `source`: the document as it came (every node). */
export function createGradientsBox(root, source) {
  const find = (id) => root.querySelector(`[data-testid="${id}"]`);
  const gradients = find('gradients');
  const runsText = find('runs');
  const zero = find('zero-grads');
  const outputLabel = source.nodes[source.output].label;
  // A gradient's key is the input's name in the source, or its automatic name.
  const keyOf = (n) => n.name ?? n.label;
  const parameters = source.nodes.filter((n) => accumulates(n) && keyOf(n) in source.gradients);
  find('grads-count').textContent = String(parameters.length);
  gradients.textContent = '';
  // One row per parameter; a step rewrites only the rows that change.
  const rows = parameters.map((node) => {
    const li = document.createElement('li');
    li.dataset.testid = 'gradient';
    li.dataset.name = keyOf(node);
    gradients.appendChild(li);
    return { node, li, at: node.id, hidden: false, last: '' };
  });
  let backwardSteps = 0;

  function paintRow(scene, row) {
    const { li } = row;
    const [shown, parts] = rowParts(scene, row, outputLabel);
    const key = JSON.stringify([parts, shown === undefined ? null : exact(shown)]);
    if (key === row.last) return;
    row.last = key;
    li.textContent = '';
    for (const [cls, text] of parts) {
      const span = document.createElement('span');
      if (cls) span.className = cls;
      if (cls === 'nm') setMathName(span, text);
      else span.textContent = text;
      li.appendChild(span);
    }
    if (shown !== undefined && scene.pass === 'backward') {
      li.dataset.grad = exact(shown);
      li.title = `${parts[0][1]} = ${exact(shown)}`;   // the full precision, on hover
    } else {
      delete li.dataset.grad;
      li.removeAttribute('title');
    }
  }

  return {
    /** The drawing the numbers are read from: `doc` (its view with groups
        collapsed, group_document.js, or the source) and its passes. */
    attach(doc, passes) {
      backwardSteps = passes.backward_steps.length;
      for (const row of rows) {
        row.at = doc.drawnIndex ? doc.drawnIndex.get(doc.drawn.itemOf[row.node.id]) : row.node.id;
        row.hidden = doc.nodes[row.at].kind === 'group';
      }
    },
    paint(scene) {
      for (const row of rows) paintRow(scene, row);
      // Nothing to say about .grad until a backward pass has run to its end.
      const ranOnce = scene.pass === 'backward' && scene.step === backwardSteps;
      const runs = scene.runs > 1
        ? `backward() has run ${scene.runs} times: .grad adds up, ${scene.runs} × each gradient.`
        : (ranOnce ? 'backward() has run once.' : '');
      if (runsText.textContent !== runs) runsText.textContent = runs;
      runsText.dataset.runs = String(scene.runs);
      zero.disabled = scene.runs === 1 && scene.pass === 'backward' && scene.step === 0;
    },
  };
}
