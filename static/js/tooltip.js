/* A node's card, on hover and on keyboard focus: its name and full
   expression (an automatic name such as u3 stands for a long one), its
   value and gradient at full precision (the graph writes 4 digits), and
   any warning. Reads what the paint wrote on the node (data-value,
   data-grad), so it always matches the frame on screen. */

import { LEVELS } from './heatmap.js';

/** The heat-map's cue in words: the magnitude and its level (colour is never the only cue). */
function heatText(grad, level) {
  const magnitude = String(grad).replace(/^-/, '');
  const where = level === 'zero' ? 'no colour of the scale: it is 0'
    : level === 'nan' ? 'not a number' : `level ${Number(level) + 1} of ${LEVELS}`;
  return `|gradient| ${magnitude} (heat-map ${where})`;
}

const FOCUSABLE_NODES = 300;   // past this, tabbing through every node helps nobody

export function setupTooltip(stage, svg) {
  const card = document.createElement('div');
  card.className = 'node-card';
  card.dataset.testid = 'node-card';
  card.setAttribute('role', 'tooltip');
  card.id = 'node-card';
  card.hidden = true;
  stage.appendChild(card);
  let doc = null;
  let shownFor = null;

  function line(text, cls) {
    const p = document.createElement('p');
    if (cls) p.className = cls;
    p.textContent = text;
    card.appendChild(p);
  }

  function show(g) {
    const node = doc.nodes[Number(g.dataset.nodeId)];
    card.textContent = '';
    line(node.label === node.expression ? node.label : `${node.label} = ${node.expression}`, 'card-name');
    if (g.dataset.value !== undefined) line(`value ${g.dataset.value}`);
    if (g.dataset.grad !== undefined) line(`gradient ${g.dataset.grad}`, 'card-grad');
    if (g.dataset.heat !== undefined) line(heatText(g.dataset.grad, g.dataset.heat), 'card-heat');
    for (const warning of node.warnings) line(`⚠ ${warning}`, 'card-warning');
    card.hidden = false;
    const box = g.getBoundingClientRect();
    const frame = stage.getBoundingClientRect();
    const left = Math.min(Math.max(box.left - frame.left, 4), Math.max(4, frame.width - card.offsetWidth - 4));
    const below = box.bottom - frame.top + 6;
    const top = below + card.offsetHeight > frame.height ? Math.max(4, box.top - frame.top - card.offsetHeight - 6) : below;
    card.style.left = `${left}px`;
    card.style.top = `${top}px`;
    g.setAttribute('aria-describedby', card.id);
    shownFor = g;
  }

  function hide() {
    card.hidden = true;
    if (shownFor) shownFor.removeAttribute('aria-describedby');
    shownFor = null;
  }

  const nodeOf = (event) => event.target.closest && event.target.closest('g.node');
  svg.addEventListener('pointerover', (event) => { const g = nodeOf(event); if (g && doc) show(g); });
  svg.addEventListener('pointerout', (event) => { if (nodeOf(event) && document.activeElement !== shownFor) hide(); });
  svg.addEventListener('focusin', (event) => { const g = nodeOf(event); if (g && doc) show(g); });
  svg.addEventListener('focusout', hide);

  return {
    /** A new drawing: nodes become focusable (small graphs) with their full expression as name. */
    attach(next, graph) {
      doc = next;
      hide();
      const focusable = doc.nodes.length <= FOCUSABLE_NODES;
      for (const { node, g } of graph.nodes) {
        g.setAttribute('aria-label', node.label === node.expression ? node.label : `${node.label} = ${node.expression}`);
        if (focusable) g.setAttribute('tabindex', '0');
      }
    },
    /** The frame changed: a card on show is rewritten with its new numbers. */
    refresh() {
      if (shownFor) show(shownFor);
    },
  };
}
