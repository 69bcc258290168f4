// The public HTTP API, read-only. Errors come back as RFC 9457 problem details.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

function url(path, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function getJSON(path, params, { signal } = {}) {
  const res = await fetch(url(path, params), { headers: { accept: 'application/json' }, signal });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export const api = {
  claims: (params, opts) => getJSON('/claims', params, opts),
  claim: (id, at, opts) => getJSON(`/claims/${encodeURIComponent(id)}`, at, opts),
  timeline: (id, at, opts) => getJSON(`/claims/${encodeURIComponent(id)}/timeline`, at, opts),
  discrepancies: (params, opts) => getJSON('/discrepancies', params, opts),
  sources: (params, opts) => getJSON('/sources', params, opts),
  source: (id, opts) => getJSON(`/sources/${encodeURIComponent(id)}`, undefined, opts),
  revisions: (id, opts) => getJSON(`/sources/${encodeURIComponent(id)}/revisions`, undefined, opts),
};

// Source titles are needed on many views; keep them for the page's life (refreshed on source events).
const titles = new Map();
let titlesLoaded = null;

export function forgetSourceTitles() {
  titlesLoaded = null;
}

export async function sourceTitles() {
  if (!titlesLoaded) {
    titlesLoaded = (async () => {
      let cursor;
      do {
        const page = await api.sources({ limit: 500, cursor });
        for (const s of page.items) titles.set(s.id, s);
        cursor = page.nextCursor;
      } while (cursor);
      return titles;
    })().catch((err) => {
      titlesLoaded = null;
      throw err;
    });
  }
  return titlesLoaded;
}

export function sourceLabel(id) {
  const s = titles.get(id);
  if (!s) return `source ${id.slice(0, 8)}`;
  return s.title || s.publisher || `source ${id.slice(0, 8)}`;
}
