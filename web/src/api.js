// Talking to this server's API: the key (kept for the tab only, sent as a Bearer token), and
// errors that say plainly what happened.

const KEY = 'reelstat.apiKey';

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  // What a reader is told.
  describe() {
    if (this.status === 429)
      return `Too many requests: this key's rate limit was reached. Try again in ${this.retryAfter || 1} s.`;
    if (this.status === 401) return `No figures without a valid API key (${this.message}).`;
    if (this.status === 0) return `The server did not answer (${this.message}).`;
    return `${this.message} (HTTP ${this.status})`;
  }
}

let asking = null;  // one prompt for every request that met a 401 meanwhile
let declined = false;  // the reader cancelled the prompt: no other request of this view asks again

// After Cancel, the view's other requests (the run in the header, a second table) fail at once
// instead of opening the prompt again; the reader's next step (a link, Try again) may ask again.
export function allowKeyPrompt() {
  declined = false;
}

function askForKey(problem) {
  if (asking) return asking;
  if (declined) return Promise.reject(new ApiError(401, 'unauthorized', 'no key was given'));
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  const error = document.getElementById('key-error');
  error.hidden = !problem;
  error.textContent = problem || '';
  input.value = '';
  asking = new Promise((resolve, reject) => {
    const form = document.getElementById('key-form');
    const cancel = document.getElementById('key-cancel');
    const done = (key) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      asking = null;
      declined = !key;
      if (key) resolve(key);
      else reject(new ApiError(401, 'unauthorized', 'no key was given'));
    };
    const onSubmit = (event) => {
      event.preventDefault();
      done(input.value.trim());
    };
    const onCancel = (event) => {
      event.preventDefault();
      done(null);
    };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
  });
  dialog.showModal();
  input.focus();
  return asking;
}

async function errorOf(response) {
  let code = 'http_' + response.status, message = response.statusText;
  try {
    const body = await response.json();
    if (body && body.error) ({ code, message } = body.error);
  } catch { /* not JSON: keep the status line */ }
  return new ApiError(response.status, code, message, Number(response.headers.get('Retry-After')) || 0);
}

// GETs an API path; resolves to the parsed JSON, or with csv: true to { text, filename }.
export async function get(path, { csv = false } = {}) {
  for (;;) {
    const headers = {};
    const key = sessionStorage.getItem(KEY);
    if (key) headers.Authorization = 'Bearer ' + key;
    if (csv) headers.Accept = 'text/csv';
    let response;
    try {
      response = await fetch(path, { headers });
    } catch (e) {
      throw new ApiError(0, 'network', e.message);
    }
    if (response.status === 401) {
      const refused = await errorOf(response);
      sessionStorage.removeItem(KEY);
      const problem = key ? `The server refused that key: ${refused.message}.` : null;
      sessionStorage.setItem(KEY, await askForKey(problem));
      continue;
    }
    if (!response.ok) throw await errorOf(response);
    if (!csv) return response.json();
    const disposition = response.headers.get('Content-Disposition') || '';
    const named = /filename="([^"]+)"/.exec(disposition);
    return { text: await response.text(), filename: named ? named[1] : 'reelstat.csv' };
  }
}
