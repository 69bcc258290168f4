// Hash routes and small shared helpers.

/** Parses '#/claims/abc?asOf=…' into { parts: ['claims', 'abc'], params }. */
export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, '');
  const i = raw.indexOf('?');
  const path = i === -1 ? raw : raw.slice(0, i);
  const query = i === -1 ? '' : raw.slice(i + 1);
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

/** A route address: href('claims', id, { asOf }). */
export function href(...args) {
  const params = typeof args.at(-1) === 'object' && args.at(-1) !== null ? args.pop() : {};
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') query.set(k, v);
  const qs = query.toString();
  return `#/${args.map((a) => encodeURIComponent(a)).join('/')}${qs ? `?${qs}` : ''}`;
}

/** Updates the query of the current hash without a render or a new history entry. */
export function setHashParams(params) {
  const { parts } = parseHash();
  history.replaceState(history.state, '', href(...parts, params));
}

export function debounce(fn, ms) {
  let timer;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}
