// The editor's key and writes. The key is kept in sessionStorage only (never in a URL, a cookie or a
// log): it lasts while the tab is open and is sent only as the Authorization header of requests.
import { ApiError } from './api.js';
import { h, replace } from './dom.js';

const KEY = 'claimline.editorKey';
const listeners = new Set();

export function editorKey() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export const isEditor = () => Boolean(editorKey());

/** Calls `fn` whenever the key is set or forgotten (the header and open pages redraw). */
export function onEditorChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify() {
  for (const fn of listeners) fn(isEditor());
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
  notify();
}

/** Checks the key against the API (any read with the header: an unknown key is 401) and keeps it. */
export async function useKey(key) {
  const res = await fetch('/sources?limit=1', { headers: { accept: 'application/json', authorization: `Bearer ${key}` } });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  sessionStorage.setItem(KEY, key);
  notify();
}

/**
 * A write with the editor's key: JSON body, optional If-Match (the revision read) and an
 * Idempotency-Key, so a retried click appends nothing twice. Errors come back as ApiError with the
 * API's own problem details.
 */
export async function send(method, path, body, { ifMatch, idempotencyKey } = {}) {
  const key = editorKey();
  if (!key) throw new ApiError(401, { title: 'Unauthorized', detail: 'Enter an editor key first.' });
  const headers = { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${key}` };
  if (ifMatch !== undefined && ifMatch !== null) headers['if-match'] = `"${ifMatch}"`;
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const res = await fetch(path, { method, headers, body: JSON.stringify(body) });
  const answer = await res.json().catch(() => null);
  if (res.status === 401) forgetKey();
  if (!res.ok) throw new ApiError(res.status, answer);
  return answer;
}

/** A fresh idempotency key for one user action (a retry of the same action reuses it). */
export function actionKey() {
  return crypto.randomUUID();
}

/**
 * The API's answer to a failed write, in words: its detail, each field it names, and for a 412
 * (someone changed the claim meanwhile) a button that reloads what is now there.
 */
export function problemView(err, { onReload } = {}) {
  const problem = err?.problem ?? {};
  const fields = Array.isArray(problem.errors) ? problem.errors : [];
  return h(
    'div',
    { class: 'error problem', role: 'alert', 'data-status': String(err?.status ?? '') },
    h('p', {}, h('strong', {}, `${err?.status ?? ''} ${problem.title ?? 'Error'}`.trim()), ': ', problem.detail ?? err?.message ?? String(err)),
    fields.length ? h('ul', {}, fields.map((f) => h('li', { 'data-field': f.field }, h('code', {}, f.field), ` ${f.message}`))) : null,
    !fields.length && problem.field ? h('p', { 'data-field': problem.field }, 'Field: ', h('code', {}, problem.field)) : null,
    err?.status === 412 && onReload
      ? h('p', {}, `The claim is now at revision ${problem.currentRevision ?? '?'}. `, h('button', { type: 'button', class: 'secondary', 'data-action': 'reload', onclick: onReload }, 'Reload and try again'))
      : null,
  );
}

/**
 * The sign-in form: paste a key, checked before it is kept. A key taken draws the page again, once
 * (app.js listens with onEditorChange): a second draw of its own could land after the editor began
 * typing into the first and wipe it.
 */
export function keyForm() {
  const input = h('input', { type: 'password', id: 'editor-key', name: 'key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card editor-key', 'aria-labelledby': 'key-heading' },
    h('h2', { id: 'key-heading' }, 'Editor key'),
    h('p', { class: 'small muted' }, 'Paste the editor key claimline printed on first start. It is kept in this browser tab only (sessionStorage) and sent only with your writes.'),
    h('div', { class: 'field' }, h('label', { for: 'editor-key' }, 'Key'), input),
    h('p', {}, h('button', { type: 'submit' }, 'Use this key')),
    status,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(status);
    try {
      await useKey(input.value.trim());
      input.value = '';
    } catch (err) {
      replace(status, problemView(err));
    }
  });
  return form;
}
