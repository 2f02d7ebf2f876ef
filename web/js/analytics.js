// Anonymous analytics: one event when a checkout opens, nothing else. The
// request carries no personal data, no cookie (credentials: 'omit') and no id.
// Nothing is sent when the visitor opted out in the footer, or when the
// browser sends Global Privacy Control or Do Not Track.

const OPT_OUT_KEY = 'ccc.analytics.opt-out';

export function optedOut() {
  try {
    return localStorage.getItem(OPT_OUT_KEY) === '1';
  } catch {
    return true; // no storage, no way to remember a choice: send nothing
  }
}

export function setOptedOut(value) {
  try {
    if (value) localStorage.setItem(OPT_OUT_KEY, '1');
    else localStorage.removeItem(OPT_OUT_KEY);
  } catch {
    // nothing to remember it in; optedOut() already answers true
  }
}

export function browserAsksNotToTrack() {
  return (
    navigator.globalPrivacyControl === true ||
    navigator.doNotTrack === '1' ||
    window.doNotTrack === '1'
  );
}

/** Sends one event; never fails the page (the endpoint may be missing or down). */
export function track(type) {
  if (optedOut() || browserAsksNotToTrack()) return;
  try {
    fetch('/api/analytics/events', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type }),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      keepalive: true,
    }).catch(() => {});
  } catch {
    // fetch itself refused: ignore
  }
}

/** Wires the footer's opt-out checkbox. */
export function setUpOptOut(checkbox, explanation) {
  checkbox.checked = optedOut();
  checkbox.addEventListener('change', () => setOptedOut(checkbox.checked));
  if (browserAsksNotToTrack() && explanation) {
    explanation.textContent = 'Your browser asks sites not to track you, so nothing is sent.';
  }
}
