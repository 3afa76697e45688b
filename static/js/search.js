/* Find a node or a group by name, e.g. `w[1][3][0]` or `neuron 1.3`: a
   search box in the stage, with the names as suggestions (a datalist).
   Enter (or picking a suggestion) focuses what it names: the view moves to
   it at a readable scale and its node takes the keyboard focus, which
   shows its card (tooltip.js). A node inside a collapsed group first asks
   the group view to open it (`reveal`, an optional hook the group view
   sets). The pure part (searchIndex, findName) imports nothing from the
   page; tests/js/search.test.mjs runs it. */


/** Every name the box knows: {name, node} for nodes with a name of their
    own, {name, group} for groups. A name two nodes share points at the
    first (in the document's order, the one computed first). */
export function searchIndex(doc) {
  const seen = new Set();
  const entries = [];
  for (const node of doc.nodes) {
    if (node.kind === 'constant' || !node.label || seen.has(node.label)) continue;
    seen.add(node.label);
    entries.push({ name: node.label, node: node.id });
  }
  for (const group of doc.groups || []) {
    if (seen.has(group.label)) continue;
    seen.add(group.label);
    entries.push({ name: group.label, group: group.id });
  }
  return entries;
}

const squeeze = (text) => text.replace(/\s+/g, '').toLowerCase();

/** The entry `query` names: exactly, else ignoring case and blanks, else
    the only name that starts with it; null when none or several. */
export function findName(entries, query) {
  const q = query.trim();
  if (!q) return null;
  const exactly = entries.find((e) => e.name === q);
  if (exactly) return exactly;
  const sq = squeeze(q);
  const loose = entries.find((e) => squeeze(e.name) === sq);
  if (loose) return loose;
  const starts = entries.filter((e) => squeeze(e.name).startsWith(sq));
  return starts.length === 1 ? starts[0] : null;
}

/** The box of a group's members (layout units), every level down. */
export function groupBox(doc, groupId) {
  const inside = new Set([groupId]);
  for (const g of doc.groups || []) if (inside.has(g.parent)) inside.add(g.id);
  let box = null;
  for (const g of doc.groups || []) {
    if (!inside.has(g.id)) continue;
    for (const id of g.members) {
      const { x, y } = doc.nodes[id];
      box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)] : [x, y, x, y];
    }
  }
  return box;
}

let made = 0;

/** The box, first in `place`; `focus(entry)` does the moving (navigation.js). */
/** `minNodes`: a smaller graph (seen whole at once) shows no search box. */
export function setupSearch(place, { focus, minNodes = 2 }) {
  made += 1;
  // Not a <form>: it sends nothing anywhere (and the offline copy has no forms).
  const form = document.createElement('div');
  form.className = 'node-search';
  form.setAttribute('role', 'search');
  form.dataset.testid = 'node-search';
  const input = document.createElement('input');
  input.type = 'search';
  input.id = `node-search-${made}`;
  input.dataset.testid = 'node-search-input';
  input.placeholder = 'Find w[0][1][0]…';
  input.setAttribute('aria-label', 'Find a node or group by name');
  input.autocomplete = 'off';
  input.spellcheck = false;
  const list = document.createElement('datalist');
  list.id = `node-search-names-${made}`;
  input.setAttribute('list', list.id);
  const status = document.createElement('p');
  status.className = 'sr-only';
  status.dataset.testid = 'node-search-status';
  status.setAttribute('aria-live', 'polite');
  form.append(input, list, status);
  place.prepend(form);
  let entries = [];

  function go(quietly) {
    const entry = findName(entries, input.value);
    if (!entry) {
      if (!quietly) status.textContent = `No node or group is named ${input.value.trim()}.`;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    input.removeAttribute('aria-invalid');
    status.textContent = `Found ${entry.name}.`;
    focus(entry);
  }

  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    go(false);
  });
  // Picking a suggestion: the value is then exactly one of the names.
  input.addEventListener('input', (event) => {
    input.removeAttribute('aria-invalid');
    if (!event.inputType || event.inputType === 'insertReplacementText') {
      if (entries.some((e) => e.name === input.value)) go(true);
    }
  });

  return {
    input,
    /** A new document: its names as suggestions. */
    load(doc) {
      entries = searchIndex(doc);
      list.textContent = '';
      for (const e of entries) {
        const option = document.createElement('option');
        option.value = e.name;
        list.appendChild(option);
      }
      form.hidden = doc.nodes.length < minNodes;
    },
  };
}
