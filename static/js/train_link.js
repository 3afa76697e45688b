/* The "Train it" link of /graph: shown while the form marks an input as
   data, and pointing at /graph/train with the form's state (the URL). */

function start() {
  const link = document.querySelector('[data-testid="train-link"]');
  if (!link) return;
  const paint = () => {
    const boxes = [...document.querySelectorAll('[data-testid="data-checkbox"]')];
    link.hidden = !boxes.some((box) => box.checked);
    link.href = `/graph/train${location.search}`;
  };
  document.addEventListener('input', paint);
  document.addEventListener('change', paint);
  document.addEventListener('submit', () => setTimeout(paint, 0));
  link.addEventListener('click', paint);
  paint();
}

start();
