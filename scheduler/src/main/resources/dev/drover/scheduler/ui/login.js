// The sign-in link's page: it posts the one-time code, so the session cookie is set only for a
// request this page (same origin, with the header no form can send) made; a link from another site
// cannot sign this browser in as someone else.
(async () => {
  const code = new URLSearchParams(location.search).get('login');
  history.replaceState(null, '', '/'); // the code leaves the address bar and the history
  const message = document.getElementById('message');
  if (!code) {
    location.replace('/');
    return;
  }
  try {
    const r = await fetch('/session/start', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'X-Drover-Login': '1', 'Content-Type': 'text/plain' }, body: code,
    });
    if (r.ok) {
      location.replace('/');
      return;
    }
    const e = await r.json().catch(() => ({ error: 'sign-in failed (' + r.status + ')' }));
    message.textContent = e.error;
  } catch (err) {
    message.textContent = 'sign-in failed: ' + err;
  }
})();
