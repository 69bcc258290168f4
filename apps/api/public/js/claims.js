// The claims list, changed claims first (as the API orders them): search (q, best match first, the matched words marked), status filter, badges, what changed, current value, paging.
import { ApiError, api } from './api.js';
import { h, replace } from './dom.js';
import { STATUS_HELP, STATUS_WORDS, ago, dateValueWords, instantWords, valueWords } from './format.js';
import { debounce, href, setHashParams } from './router.js';

const PAGE = 20;

/** The claim's status; a claim with no live assertion has none to show (nothing was said, or all was retracted). */
export function statusBadge(status, live) {
  if (live === 0) return h('span', { class: 'badge none', title: 'Nothing recorded yet, or every assertion retracted' }, 'No assertions');
  return h('span', { class: `badge ${status}`, title: STATUS_HELP[status] ?? '' }, STATUS_WORDS[status] ?? status);
}

/** A field's text as the search API gives it, the words it matched in <mark>. */
export function marked(parts) {
  return parts.map((p) => (p.hit ? h('mark', {}, p.text) : p.text));
}

/**
 * A search box that reports its words as typed: not trimmed at the end, as a word still being
 * typed is searched as a prefix and a finished one (a space after it) is not.
 */
export function searchBox({ id, value, placeholder, onWords }) {
  const input = h('input', { type: 'search', id, name: 'q', value, placeholder, autocomplete: 'off' });
  input.addEventListener('input', () => onWords(input.value.trimStart()));
  return input;
}

/** Where else a search found its words, beyond the claim's name, in the order they are shown. */
const FOUND_IN = { value_words: 'value', quotes: 'quote', description: 'description', entities: 'entities' };

/** At most two passages; an entity's list of aliases only when nothing else says why the claim was found. */
function foundIn(match) {
  const byField = new Map(match.fields.map((f) => [f.field, f]));
  const fields = Object.keys(FOUND_IN).flatMap((name) => byField.get(name) ?? []).slice(0, 2);
  if (fields.length > 1 && fields[1].field === 'entities') fields.pop();
  if (fields.length === 0) return null;
  return h(
    'p',
    { class: 'found small' },
    h('span', { class: 'visually-hidden' }, 'Found in: '),
    fields.map((f, i) => [i > 0 ? h('span', { class: 'muted' }, ' · ') : null, h('span', { class: 'found-field' }, `${FOUND_IN[f.field]}: `), h('q', {}, marked(f.parts))]),
  );
}

function claimRow(c) {
  const cur = c.current;
  const backers = cur?.supportedBy ? new Set(cur.supportedBy.map((s) => s.sourceId)).size : 0;
  const shown = (field, text) => {
    const f = c.match?.fields.find((x) => x.field === field);
    return f ? marked(f.parts) : text;
  };
  return h(
    'li',
    { class: `card claim-row ${c.status}`, 'data-claim-id': c.claimId, 'data-status': c.status },
    h(
      'div',
      { class: 'headline' },
      h('h2', {}, h('a', { href: href('claims', c.claimId) }, shown('subject', c.subject), h('span', { class: 'muted' }, ' — '), shown('predicate', c.predicate))),
      statusBadge(c.status, c.counts.live),
    ),
    c.match ? foundIn(c.match) : null,
    // What moved, first: the reason a fact-checker opens this claim.
    c.change ? h('p', { class: 'change' }, h('span', { class: 'visually-hidden' }, 'What changed: '), c.change.words) : null,
    cur
      ? h(
          'p',
          { class: 'current' },
          h('span', { class: 'visually-hidden' }, 'Current value: '),
          h('span', { class: 'value' }, valueWords(cur.value)),
          h('span', { class: 'muted' }, ` — ${cur.speaker}, said ${dateValueWords(cur.saidAt)}${backers > 1 ? `; ${backers} sources support it` : ''}`),
        )
      : h('p', { class: 'current muted' }, 'No live assertion yet.'),
    h(
      'dl',
      {},
      h('div', {}, h('dt', {}, 'Sources'), h('dd', {}, String(c.counts.sources))),
      h('div', {}, h('dt', {}, 'Assertions'), h('dd', {}, String(c.counts.live), c.counts.retracted ? ` live, ${c.counts.retracted} retracted` : '')),
      c.counts.discrepancies ? h('div', {}, h('dt', {}, 'Discrepancies'), h('dd', {}, String(c.counts.discrepancies))) : null,
      c.verdict ? h('div', {}, h('dt', {}, 'Verdict'), h('dd', {}, c.verdict.rating?.alternateName ?? '')) : null,
      h(
        'div',
        {},
        h('dt', {}, 'Last change'),
        h('dd', {}, `${c.lastChange.summary} · `, h('time', { datetime: c.lastChange.at, title: instantWords(c.lastChange.at) }, ago(c.lastChange.at))),
      ),
    ),
  );
}

export function claimsView({ params }) {
  const state = { q: params.get('q') ?? '', status: params.get('status') ?? '', items: [], nextCursor: null };
  let list;
  let summary;
  let moreRow;
  let controller;

  async function load({ append = false, limit = PAGE } = {}) {
    controller?.abort();
    controller = new AbortController();
    let page;
    try {
      page = await api.claims({ q: state.q || undefined, status: state.status || undefined, limit, cursor: append ? state.nextCursor : undefined }, { signal: controller.signal });
    } catch (err) {
      // Words the search cannot look for (only punctuation): say so where the results go.
      if (!(err instanceof ApiError) || err.status !== 400) throw err;
      state.items = [];
      state.nextCursor = null;
      draw([], false, err.problem?.errors?.[0]?.message ?? err.message);
      return;
    }
    state.items = append ? [...state.items, ...page.items] : page.items;
    state.nextCursor = page.nextCursor;
    draw(append ? page.items : state.items, append);
  }

  function draw(items, append, refused) {
    if (!append) replace(list);
    list.append(...items.map(claimRow));
    const n = state.items.length;
    const filtered = state.q || state.status;
    const changed = state.items.filter((c) => c.status !== 'settled').length;
    const order = state.q ? '; best match first, the words found marked' : changed === 1 ? '; the one that changed comes first' : changed ? `; the ${changed} that changed come first` : '';
    replace(
      summary,
      refused ??
        (n === 0
          ? filtered ? 'No claims match.' : 'No claims yet.'
          : `Showing ${n} claim${n === 1 ? '' : 's'}${state.nextCursor ? ' (more available)' : ''}${filtered ? ' matching the filters' : ''}${order}.`),
    );
    replace(moreRow, state.nextCursor ? h('button', { type: 'button', class: 'secondary', onclick: more }, 'More claims') : null);
  }

  async function more(ev) {
    const button = ev.currentTarget;
    button.disabled = true;
    const firstNew = state.items.length;
    await load({ append: true });
    list.children[firstNew]?.querySelector('a')?.focus();
  }

  const search = debounce(() => {
    setHashParams({ q: state.q, status: state.status });
    load().catch(ignoreAbort);
  }, 250);

  const refresh = debounce(() => load({ limit: Math.min(500, Math.max(PAGE, state.items.length)) }).catch(ignoreAbort), 300);

  return {
    title: 'Claims',
    keepFocus: false,
    async render(main) {
      list = h('ul', { class: 'claim-list', 'aria-labelledby': 'claims-heading' });
      summary = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
      moreRow = h('div', { class: 'more-row' });
      const q = searchBox({
        id: 'q',
        value: state.q,
        placeholder: 'S-400 deliveries, Belousov, "war in Ukraine"…',
        onWords: (words) => {
          state.q = words;
          search();
        },
      });
      const status = h(
        'select',
        { id: 'status', name: 'status' },
        ['', 'settled', 'revised', 'contested'].map((v) => h('option', { value: v, selected: v === state.status }, v ? STATUS_WORDS[v] : 'Any status')),
      );
      status.addEventListener('change', () => {
        state.status = status.value;
        search();
      });
      const form = h(
        'form',
        { class: 'filters', role: 'search', 'aria-label': 'Filter claims' },
        h('div', { class: 'field grow' }, h('label', { for: 'q' }, 'Search claims'), q),
        h('div', { class: 'field' }, h('label', { for: 'status' }, 'Status'), status),
        h('button', { type: 'submit' }, 'Search'),
      );
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        search.cancel();
        setHashParams({ q: state.q, status: state.status });
        load().catch(ignoreAbort);
      });
      replace(main, h('h1', { id: 'claims-heading' }, 'Claims'), form, summary, list, moreRow);
      await load();
    },
    onEvent(event) {
      if (event.claimId) refresh();
    },
    dispose() {
      controller?.abort();
      search.cancel();
      refresh.cancel();
    },
  };
}

export function ignoreAbort(err) {
  if (err?.name !== 'AbortError') console.error(err);
}
