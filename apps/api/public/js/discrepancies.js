// Discrepancies: pairs of live assertions that overlap or contradict, quotes side by side.
import { api, sourceLabel, sourceTitles } from './api.js';
import { h, replace } from './dom.js';
import { ignoreAbort } from './claims.js';
import { dateValueWords, instantWords, valueWords } from './format.js';
import { debounce, href, setHashParams } from './router.js';

function quoteText(q) {
  return typeof q === 'string' ? q : (q?.exact ?? '');
}

function side(label, d, claimId) {
  return h(
    'figure',
    { class: 'side', 'data-assertion-id': d.assertionId },
    h('figcaption', {}, h('strong', {}, label), ' — ', h('span', { class: 'value' }, valueWords(d.value))),
    h('blockquote', { cite: href('sources', d.sourceId) }, quoteText(d.quote)),
    h(
      'figcaption',
      {},
      `${d.speaker}, said ${dateValueWords(d.saidAt)} · `,
      h('a', { href: href('sources', d.sourceId, { highlight: d.assertionId }), class: 'source-link', 'data-assertion-id': d.assertionId }, 'Quote in ', sourceLabel(d.sourceId)),
      ' · ',
      h('a', { href: href('claims', claimId, { focus: d.assertionId }) }, 'in the timeline'),
    ),
  );
}

function item(d) {
  return h(
    'li',
    { class: 'card disc', 'data-claim-id': d.claimId, 'data-relation': d.relation },
    h('h2', {}, h('a', { href: href('claims', d.claimId) }, d.subject, h('span', { class: 'muted' }, ' — '), d.predicate)),
    h(
      'p',
      { class: 'relation-note' },
      h('span', { class: `badge ${d.relation}` }, d.relation),
      ' ',
      d.concurrent ? h('span', { class: 'badge contested', title: 'Said at about the same time' }, 'concurrent') : null,
      d.status === 'resolved' ? h('span', { class: 'badge settled' }, 'resolved') : null,
      ' ',
      d.explanation,
    ),
    h('div', { class: 'sides' }, side('Earlier', d.earlier, d.claimId), side('Later', d.later, d.claimId)),
    h(
      'p',
      { class: 'muted small' },
      'Opened ',
      h('time', { datetime: d.openedAt }, instantWords(d.openedAt)),
      d.resolvedAt ? [' · resolved ', h('time', { datetime: d.resolvedAt }, instantWords(d.resolvedAt)), d.resolution ? ` (${typeof d.resolution === 'string' ? d.resolution : JSON.stringify(d.resolution)})` : ''] : null,
    ),
  );
}

export function discrepanciesView({ params }) {
  const state = { status: params.get('status') ?? 'open', relation: params.get('relation') ?? '', claim: params.get('claim') ?? '', items: [], nextCursor: null };
  let list;
  let summary;
  let moreRow;
  let controller;

  async function load({ append = false } = {}) {
    controller?.abort();
    controller = new AbortController();
    const [page] = await Promise.all([
      api.discrepancies({ status: state.status, relation: state.relation || undefined, claim: state.claim || undefined, cursor: append ? state.nextCursor : undefined, limit: 50 }, { signal: controller.signal }),
      sourceTitles().catch(() => null),
    ]);
    state.items = append ? [...state.items, ...page.items] : page.items;
    state.nextCursor = page.nextCursor;
    if (!append) replace(list);
    list.append(...page.items.map(item));
    const n = state.items.length;
    replace(summary, n ? `${n} ${state.status === 'all' ? '' : `${state.status} `}discrepanc${n === 1 ? 'y' : 'ies'}${state.nextCursor ? ' (more available)' : ''}.` : 'No discrepancies match.');
    replace(moreRow, state.nextCursor ? h('button', { type: 'button', class: 'secondary', onclick: () => load({ append: true }).catch(ignoreAbort) }, 'More discrepancies') : null);
  }

  const refresh = debounce(() => load().catch(ignoreAbort), 300);

  return {
    title: 'Discrepancies',
    async render(main) {
      list = h('ul', { class: 'disc-list', 'aria-labelledby': 'disc-heading' });
      summary = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
      moreRow = h('div', { class: 'more-row' });
      const status = h('select', { id: 'disc-status' }, ['open', 'resolved', 'all'].map((v) => h('option', { value: v, selected: v === state.status }, v)));
      const relation = h('select', { id: 'disc-relation' }, ['', 'contradicts', 'overlaps'].map((v) => h('option', { value: v, selected: v === state.relation }, v || 'any relation')));
      const onChange = () => {
        state.status = status.value;
        state.relation = relation.value;
        setHashParams({ status: state.status, relation: state.relation, claim: state.claim });
        load().catch(ignoreAbort);
      };
      status.addEventListener('change', onChange);
      relation.addEventListener('change', onChange);
      replace(
        main,
        h('h1', { id: 'disc-heading' }, 'Discrepancies'),
        h('p', { class: 'muted' }, 'Pairs of live assertions of one claim whose values overlap (a slip or tension) or contradict (cannot both be true).'),
        h(
          'form',
          { class: 'filters', 'aria-label': 'Filter discrepancies', onsubmit: (ev) => ev.preventDefault() },
          h('div', { class: 'field' }, h('label', { for: 'disc-status' }, 'Status'), status),
          h('div', { class: 'field' }, h('label', { for: 'disc-relation' }, 'Relation'), relation),
          state.claim ? h('p', { class: 'small' }, 'Only one claim. ', h('a', { href: href('discrepancies') }, 'Show all claims')) : null,
        ),
        summary,
        list,
        moreRow,
      );
      await load();
    },
    onEvent(event) {
      if (event.claimId) refresh();
    },
    dispose() {
      controller?.abort();
      refresh.cancel();
    },
  };
}
