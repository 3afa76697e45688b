/* The banner over the charts: a run that diverged (the API's warning, and
   the rate to change), or a request that could not be made. */

/** "training diverged (…): try a smaller one" → "Training diverged (…): try a smaller one." */
function sentence(text) {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

export function createBanner(box) {
  const text = box.querySelector('[data-testid="train-banner-text"]');
  function show(kind, message) {
    box.dataset.kind = kind;
    if (text.textContent !== message) text.textContent = message;
    box.hidden = false;
  }
  return {
    diverged(warnings) {
      const said = warnings.length ? warnings.map(sentence).join(' ') : 'Training diverged: a value became inf or nan.';
      show('diverged', `${said} Change the learning rate α above (the field is ready).`);
    },
    error(message) {
      show('error', `This run cannot be shown: ${message}`);
    },
    hide(kind) {
      if (!kind || box.dataset.kind === kind) {
        box.hidden = true;
        delete box.dataset.kind;
      }
    },
    get kind() {
      return box.hidden ? null : box.dataset.kind;
    },
  };
}
