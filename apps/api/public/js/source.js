// Sources: the list (searchable: title, publisher, author and text), and one source's text with every quoted passage marked, plus its revisions as diffs.
import { ApiError, api, sourceTitles } from './api.js';
import { h, replace } from './dom.js';
import { ignoreAbort, marked, searchBox } from './claims.js';
import { dateValueWords, instantWords, valueWords } from './format.js';
import { debounce, href, setHashParams } from './router.js';
import { isEditor } from './editor.js';

/** How many sources a search shows, best first. */
const FOUND = 50;

export function sourcesView({ params }) {
  let body;
  let summary;
  let controller;
  const state = { q: params.get('q') ?? '' };
  async function load() {
    controller?.abort();
    controller = new AbortController();
    const all = [];
    if (state.q.trim()) {
      try {
        all.push(...(await api.sources({ q: state.q, limit: FOUND }, { signal: controller.signal })).items);
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 400) throw err;
        replace(summary, err.problem?.errors?.[0]?.message ?? err.message);
        replace(body);
        return;
      }
    } else {
      let cursor;
      do {
        const page = await api.sources({ limit: 500, cursor }, { signal: controller.signal });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
    }
    const shown = (s, field, text) => {
      const f = s.match?.fields.find((x) => x.field === field);
      return f ? marked(f.parts) : text;
    };
    replace(summary, state.q.trim() ? (all.length ? `${all.length} source${all.length === 1 ? '' : 's'} found, best match first.` : 'No source matches.') : '');
    replace(
      body,
      all.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              {},
              h('caption', { class: 'visually-hidden' }, 'Registered sources'),
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Title'), h('th', { scope: 'col' }, 'Publisher'), h('th', { scope: 'col' }, 'Published'), h('th', { scope: 'col' }, 'Citations'), h('th', { scope: 'col' }, 'Version'))),
              h(
                'tbody',
                {},
                all.map((s) =>
                  h(
                    'tr',
                    { 'data-source-id': s.id },
                    h(
                      'td',
                      {},
                      h('a', { href: href('sources', s.id) }, shown(s, 'title', s.title || s.id)),
                      s.match?.fields.some((f) => f.field === 'text')
                        ? h('p', { class: 'source-found small muted' }, h('q', {}, marked(s.match.fields.find((f) => f.field === 'text').parts)))
                        : null,
                    ),
                    h('td', {}, s.publisher ? shown(s, 'publisher', s.publisher) : h('span', { class: 'muted' }, 'not named')),
                    h('td', {}, dateValueWords(s.publishedAt)),
                    h('td', {}, String(s.citations)),
                    h('td', {}, String(s.textVersion)),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No sources registered yet.'),
    );
  }
  const refresh = debounce(() => load().catch(ignoreAbort), 300);
  const search = debounce(() => {
    setHashParams({ q: state.q });
    load().catch(ignoreAbort);
  }, 250);
  return {
    title: 'Sources',
    async render(main) {
      body = h('div');
      summary = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
      const q = searchBox({
        id: 'source-q',
        value: state.q,
        placeholder: 'title, outlet, author or words of the article…',
        onWords: (words) => {
          state.q = words;
          search();
        },
      });
      const form = h(
        'form',
        { class: 'filters', role: 'search', 'aria-label': 'Search sources' },
        h('div', { class: 'field grow' }, h('label', { for: 'source-q' }, 'Search sources'), q),
        h('button', { type: 'submit' }, 'Search'),
      );
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        search.cancel();
        setHashParams({ q: state.q });
        load().catch(ignoreAbort);
      });
      replace(main, h('h1', {}, 'Sources'), form, summary, body);
      await load();
    },
    onEvent(event) {
      if (event.type?.startsWith('claimline.source-') || event.type === 'claimline.assertion-recorded') refresh();
    },
    dispose() {
      controller?.abort();
      refresh.cancel();
      search.cancel();
    },
  };
}

/**
 * Where each citation sits in the current text: its stored offsets (UTF-16 code units) when they still
 * hold the exact quote, else the first place the exact string occurs, else nowhere.
 */
export function locate(text, citations) {
  const placed = [];
  const missing = [];
  for (const c of citations) {
    const { exact, start, end } = c.quote;
    let at = null;
    if (c.quoteInCurrentText !== false && Number.isInteger(start) && text.slice(start, end) === exact) at = { start, end, moved: false };
    else if (exact) {
      const i = text.indexOf(exact);
      if (i !== -1) at = { start: i, end: i + exact.length, moved: true };
    }
    if (at && at.end > at.start) placed.push({ ...c, ...at });
    else missing.push(c);
  }
  return { placed, missing };
}

/** Text with nested <mark>s; overlapping quotes that cross are split into pieces carrying the same id. */
function markedText(text, placed, { numberOf, onOpen }) {
  const container = h('div', { class: 'article-text', lang: 'en' });
  const order = [...placed].sort((a, b) => a.start - b.start || b.end - a.end || a.assertionId.localeCompare(b.assertionId));
  const cuts = new Set([0, text.length]);
  for (const c of order) {
    cuts.add(c.start);
    cuts.add(c.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const stack = []; // [{ citation, el }]
  const referenced = new Set();
  for (let k = 0; k < points.length - 1; k++) {
    const from = points[k];
    const to = points[k + 1];
    const active = order.filter((c) => c.start <= from && c.end >= to);
    let common = 0;
    while (common < stack.length && common < active.length && stack[common].citation === active[common]) common++;
    stack.length = common;
    for (let j = common; j < active.length; j++) {
      const c = active[j];
      const parent = stack.at(-1)?.el ?? container;
      const first = !container.querySelector(`mark[data-assertion-id="${CSS.escape(c.assertionId)}"]`);
      const el = h('mark', {
        'data-assertion-id': c.assertionId,
        'data-claim-id': c.claimId,
        id: first ? `q-${c.assertionId}` : undefined,
        class: c.status === 'retracted' ? 'retracted' : undefined,
        tabindex: first ? '0' : undefined,
        title: `${c.subject} — ${c.predicate}: ${c.value}${c.status === 'retracted' ? ' (retracted)' : ''}. Select to open the claim.`,
      });
      el.addEventListener('click', (ev) => {
        if (ev.target.closest('a')) return;
        ev.stopPropagation();
        onOpen(c);
      });
      el.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') {
          ev.stopPropagation();
          onOpen(c);
        }
      });
      parent.append(el);
      stack.push({ citation: c, el });
    }
    (stack.at(-1)?.el ?? container).append(text.slice(from, to));
    // Footnote links to the claim, at the end of each quote.
    for (const { citation, el } of [...stack].reverse()) {
      if (citation.end === to && !referenced.has(citation.assertionId)) {
        referenced.add(citation.assertionId);
        el.append(
          h('a', { class: 'cite-ref', href: href('claims', citation.claimId, { focus: citation.assertionId }), 'aria-label': `Claim ${numberOf(citation)}: ${citation.subject} — ${citation.predicate}` }, `[${numberOf(citation)}]`),
        );
      }
    }
  }
  return container;
}

function diffView(diff) {
  const CONTEXT = 120;
  const p = h('div', { class: 'diff' });
  diff.forEach((part, i) => {
    if (part.added) p.append(h('ins', {}, h('span', { class: 'visually-hidden' }, '[added: '), part.value, h('span', { class: 'visually-hidden' }, ']')));
    else if (part.removed) p.append(h('del', {}, h('span', { class: 'visually-hidden' }, '[removed: '), part.value, h('span', { class: 'visually-hidden' }, ']')));
    else {
      const v = part.value;
      const head = i === 0 ? '' : v.slice(0, CONTEXT);
      const tail = i === diff.length - 1 ? '' : v.slice(-CONTEXT);
      if (v.length <= CONTEXT * 2 + 40) p.append(v);
      else p.append(head, h('span', { class: 'elided' }, ` … ${v.length - head.length - tail.length} unchanged characters … `), tail);
    }
  });
  return p;
}

export function sourceView({ parts, params }) {
  const id = parts[1];
  let highlight = params.get('highlight');
  let root;
  let title = 'Source';
  let controller;

  async function load() {
    controller?.abort();
    controller = new AbortController();
    const [source, revisions] = await Promise.all([api.source(id, { signal: controller.signal }), api.revisions(id, { signal: controller.signal }), sourceTitles().catch(() => null)]);
    title = source.title || 'Source';
    const text = source.text ?? '';
    const { placed, missing } = locate(text, source.citedBy ?? []);
    const claimNumbers = new Map();
    for (const c of source.citedBy ?? []) if (!claimNumbers.has(c.claimId)) claimNumbers.set(c.claimId, claimNumbers.size + 1);
    const numberOf = (c) => claimNumbers.get(c.claimId);
    const open = (c) => {
      location.hash = href('claims', c.claimId, { focus: c.assertionId });
    };

    const meta = h(
      'dl',
      { class: 'meta' },
      h('div', {}, h('dt', {}, 'Publisher'), h('dd', {}, source.publisher ?? 'not named')),
      source.author ? h('div', {}, h('dt', {}, 'Author'), h('dd', {}, source.author)) : null,
      h('div', {}, h('dt', {}, 'Published'), h('dd', {}, dateValueWords(source.publishedAt))),
      source.url ? h('div', {}, h('dt', {}, 'Address'), h('dd', {}, h('a', { href: safeUrl(source.url), rel: 'noopener noreferrer external', target: '_blank' }, source.url))) : null,
      h('div', {}, h('dt', {}, 'Language'), h('dd', {}, source.language)),
      // Its year ranges ("2026-27") were read as this outlet's fiscal years.
      source.fiscalYear ? h('div', {}, h('dt', {}, 'Fiscal year'), h('dd', {}, `starts in ${source.fiscalYear[0].toUpperCase()}${source.fiscalYear.slice(1)}`)) : null,
      source.retrievedAt ? h('div', {}, h('dt', {}, 'Retrieved'), h('dd', {}, instantWords(source.retrievedAt))) : null,
      h('div', {}, h('dt', {}, 'Text version'), h('dd', {}, String(source.textVersion))),
      h('div', {}, h('dt', {}, 'SHA-256'), h('dd', { class: 'hash' }, source.contentHash)),
    );

    const cited = h(
      'ol',
      { class: 'cited-list' },
      [...claimNumbers.entries()].map(([claimId, n]) => {
        const cs = source.citedBy.filter((c) => c.claimId === claimId);
        return h(
          'li',
          { class: 'card', value: String(n) },
          h('h3', {}, `[${n}] `, h('a', { href: href('claims', claimId) }, cs[0].subject, ' — ', cs[0].predicate)),
          h(
            'ul',
            {},
            cs.map((c) => {
              const where = placed.find((p) => p.assertionId === c.assertionId);
              return h(
                'li',
                { 'data-assertion-id': c.assertionId },
                h('strong', {}, valueWords(c.value)),
                ` — ${c.speaker}`,
                c.status === 'retracted' ? [' ', h('span', { class: 'badge retracted' }, 'retracted')] : null,
                ' ',
                where ? h('a', { href: `#q-${c.assertionId}`, onclick: (ev) => { ev.preventDefault(); focusMark(c.assertionId); } }, 'show quote') : h('span', { class: 'badge gone' }, 'no longer in the text'),
              );
            }),
          ),
        );
      }),
    );

    const gone = missing.length
      ? h(
          'section',
          { 'aria-labelledby': 'gone-heading', class: 'gone' },
          h('h2', { id: 'gone-heading' }, 'No longer in the text'),
          h('p', { class: 'muted small' }, 'These quotes were recorded against an earlier version of the text and do not occur in the current one. They are kept, not deleted.'),
          h(
            'ul',
            { class: 'cited-list' },
            missing.map((c) =>
              h('li', { class: 'card', 'data-assertion-id': c.assertionId }, h('blockquote', {}, c.quote.exact), h('p', { class: 'small' }, `${c.speaker} · text version ${c.sourceTextVersion} · `, h('a', { href: href('claims', c.claimId, { focus: c.assertionId }) }, c.subject, ' — ', c.predicate))),
            ),
          ),
        )
      : null;

    const revs = [...(revisions.items ?? [])].sort((a, b) => b.textVersion - a.textVersion); // newest first
    const revisionsSection = h(
      'section',
      { 'aria-labelledby': 'rev-heading' },
      h('h2', { id: 'rev-heading' }, 'Text versions', h('span', { class: 'muted small' }, ' (newest first; changes against the version before)')),
      h(
        'ol',
        { class: 'revisions', reversed: true },
        revs.map((r) =>
          h(
            'li',
            { class: 'card', value: String(r.textVersion) },
            h('h3', {}, `Version ${r.textVersion}`),
            h('p', { class: 'small muted' }, h('time', { datetime: r.at }, instantWords(r.at)), ` by ${r.by} · ${r.length} characters · `, h('span', { class: 'hash' }, r.contentHash.slice(0, 12)), r.reason ? ` · “${r.reason}”` : ''),
            r.diff ? diffView(r.diff) : h('p', { class: 'small' }, 'The first version.'),
          ),
        ),
      ),
    );

    replace(
      root,
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/sources' }, '← All sources'), isEditor() ? [' · ', h('a', { href: href('workbench', id) }, 'Open in the workbench')] : null),
      h('h1', {}, source.title || 'Untitled source'),
      meta,
      h(
        'div',
        { class: 'source-layout' },
        h(
          'section',
          { 'aria-labelledby': 'text-heading' },
          h('h2', { id: 'text-heading' }, 'Text', h('span', { class: 'muted small' }, ` (version ${source.textVersion}; ${placed.length} quoted passage${placed.length === 1 ? '' : 's'} marked)`)),
          markedText(text, placed, { numberOf, onOpen: open }),
        ),
        h('aside', { 'aria-labelledby': 'cited-heading' }, h('h2', { id: 'cited-heading' }, `Cited by ${claimNumbers.size} claim${claimNumbers.size === 1 ? '' : 's'}`), cited),
      ),
      gone,
      revisionsSection,
    );
  }

  function focusMark(assertionId) {
    const el = root.querySelector(`mark[data-assertion-id="${CSS.escape(assertionId)}"]`);
    if (!el) return false;
    for (const m of root.querySelectorAll('mark.highlighted')) m.classList.remove('highlighted');
    for (const m of root.querySelectorAll(`mark[data-assertion-id="${CSS.escape(assertionId)}"]`)) m.classList.add('highlighted');
    el.setAttribute('tabindex', '0');
    el.scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: true });
    return true;
  }

  const refresh = debounce(() => load().then(() => highlight && focusMark(highlight)).catch(ignoreAbort), 300);

  return {
    get title() {
      return title;
    },
    keepFocus: Boolean(highlight),
    async render(main) {
      root = main;
      await load();
    },
    afterRender() {
      if (highlight && !focusMark(highlight)) {
        root.querySelector(`li[data-assertion-id="${CSS.escape(highlight)}"]`)?.scrollIntoView({ block: 'center' });
      }
    },
    onEvent(event) {
      if (event.sourceId === id) refresh();
    },
    dispose() {
      controller?.abort();
      refresh.cancel();
    },
  };
}

function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '#';
  } catch {
    return '#';
  }
}
