// A short message in the page's polite live region ("Added … to your cart"):
// screen readers announce it, and it fades out on screen.

let timer = 0;

export function toast(message) {
  const region = document.getElementById('toast');
  if (!region) return;
  clearTimeout(timer);
  // Emptying first makes the same message announced again when repeated.
  region.textContent = '';
  region.classList.remove('toast--visible');
  requestAnimationFrame(() => {
    region.textContent = message;
    region.classList.add('toast--visible');
  });
  timer = setTimeout(() => {
    region.classList.remove('toast--visible');
    region.textContent = '';
  }, 4000);
}

/** A message about the page just left is gone with it. */
export function clearToast() {
  const region = document.getElementById('toast');
  if (!region) return;
  clearTimeout(timer);
  region.classList.remove('toast--visible');
  region.textContent = '';
}
