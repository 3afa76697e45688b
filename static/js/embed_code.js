/* "Copy embed code": an <iframe> of /embed/... at the current frame, shown
   in a text field too, since the clipboard may be unavailable (http, or a
   browser that refuses). */

function attribute(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The embed address of the page on show, with its state. */
export function embedUrl(href) {
  const url = new URL(href);
  if (!url.pathname.startsWith('/embed/')) url.pathname = `/embed${url.pathname}`;
  return url.href;
}

export function embedCode(href, title) {
  return `<iframe src="${attribute(embedUrl(href))}" width="800" height="450" style="border:0" `
    + `title="${attribute(`chainrule: ${title}`)}" loading="lazy" allowfullscreen></iframe>`;
}

/** `hrefOf`: the address of the frame on show (the store's href: the URL itself is written after the frame). */
export function setupEmbedCode(root, titleOf, hrefOf) {
  const find = (id) => root.querySelector(`[data-testid="${id}"]`);
  const toggle = find('embed-code-button');
  const box = find('embed-code-box');
  const field = find('embed-code');
  const status = find('copy-status');

  function refresh() {
    field.value = embedCode(hrefOf(), titleOf());
  }

  toggle.addEventListener('click', () => {
    box.hidden = !box.hidden;
    toggle.setAttribute('aria-expanded', String(!box.hidden));
    if (!box.hidden) {
      refresh();
      field.focus();
      field.select();
    }
  });

  find('copy-embed-code').addEventListener('click', async () => {
    refresh();
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = 'Copied.';
    } catch {
      status.textContent = document.execCommand && document.execCommand('copy')
        ? 'Copied.' : 'Select the text above and copy it.';
    }
  });

  return { refresh: () => { if (!box.hidden) refresh(); } };
}
