// The page-wide notice: errors (401, 429, a server that does not answer) said plainly.
import { ApiError } from './api.js';

export function showError(error) {
  const notice = document.getElementById('notice');
  notice.textContent = error instanceof ApiError ? error.describe() : `Something went wrong: ${error.message}`;
  notice.hidden = false;
}

export function clearNotice() {
  const notice = document.getElementById('notice');
  notice.hidden = true;
  notice.textContent = '';
}
