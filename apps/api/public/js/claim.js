// One claim: the timeline plot (said-at × value), the timeline as text, and the as-of slider.
import { api, sourceLabel, sourceTitles } from './api.js';
import { h, replace } from './dom.js';
import { statusBadge, ignoreAbort } from './claims.js';
import { RELATION_WORDS, SUPPORT_WORDS, dateValueWords, instantWords, valueBoundsWords, valueWords } from './format.js';
import { colorScale, timelinePlot } from './plot.js';
import { addEditorControls, isEditing } from './claim-edit.js';
import { isEditor } from './editor.js';
import { debounce, href, setHashParams } from './router.js';

/**
 * The recorded-at instants at which the claim changed, with what changed then: the stops of the
 * as-of slider. Changes recorded within the same second (a seed load) are told apart by what they were.
 */
function changeStops(claim, entries) {
  const what = new Map();
  const add = (at, words) => at && what.set(at, [...(what.get(at) ?? []), words]);
  add(claim.openedAt, 'claim opened');
  for (const e of entries) {
    add(e.recordedAt, `recorded “${valueWords(e.value)}” (${sourceLabel(e.sourceId)})`);
    for (const c of e.corrections ?? []) add(c.at, `corrected “${valueWords(e.value)}”`);
    if (e.retraction) add(e.retraction.at, `retracted “${valueWords(e.value)}”`);
  }
  return [...what.entries()].sort(([a], [b]) => Date.parse(a) - Date.parse(b)).map(([at, changes]) => ({ at, what: changes.join('; ') }));
}

function fieldWords(field, value) {
  if (value === null || value === undefined) return '—';
  if (field === 'value') return valueWords(value);
  if (field === 'saidAt') return dateValueWords(value);
  if (field === 'quote') return `“${value.exact ?? ''}”`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const FIELD_NAMES = { value: 'value', saidAt: 'said at', speaker: 'speaker', modality: 'modality', quote: 'quote', sourceId: 'source', sourceTextVersion: 'text version' };

function correctionItem(c) {
  const fields = Object.keys(c.changes ?? {});
  return h(
    'li',
    {},
    h('strong', {}, 'Corrected'),
    ' ',
    h('time', { datetime: c.at }, instantWords(c.at)),
    ` by ${c.by}`,
    c.reason ? ` — “${c.reason}”` : '',
    fields.length
      ? h(
          'ul',
          {},
          fields.map((f) =>
            h('li', {}, `${FIELD_NAMES[f] ?? f}: `, h('span', { class: 'change-from' }, h('span', { class: 'visually-hidden' }, 'from '), fieldWords(f, c.previous?.[f])), ' → ', h('span', { class: 'change-to' }, h('span', { class: 'visually-hidden' }, 'to '), fieldWords(f, c.changes[f]))),
          ),
        )
      : null,
  );
}

function entryItem(e, { colorOf, entryIndex }) {
  const retracted = e.status === 'retracted';
  const rel = e.relationToPrevious;
  return h(
    'li',
    { class: `card entry${retracted ? ' retracted' : ''}`, id: `a-${e.assertionId}`, 'data-assertion-id': e.assertionId, tabindex: '-1', style: `--c:${colorOf(e.sourceId)}`, 'aria-labelledby': `a-${e.assertionId}-h` },
    h(
      'div',
      { class: 'entry-head' },
      h('h3', { id: `a-${e.assertionId}-h` }, h('span', { class: 'visually-hidden' }, `Assertion ${entryIndex + 1}: `), h('span', { class: 'value' }, valueWords(e.value))),
      valueBoundsWords(e.value) && valueBoundsWords(e.value) !== valueWords(e.value) ? h('span', { class: 'muted small' }, `(${valueBoundsWords(e.value)})`) : null,
      retracted ? h('span', { class: 'badge retracted' }, 'Retracted') : null,
      e.corrections?.length ? h('span', { class: 'badge corrected' }, `Corrected ×${e.corrections.length}`) : null,
      e.quoteInCurrentText === false ? h('span', { class: 'badge gone', title: 'The source text was revised and no longer contains this quote' }, 'Quote no longer in current text') : null,
    ),
    h(
      'p',
      { class: 'small' },
      h('strong', {}, e.speaker),
      ` (${e.modality}), said `,
      h('span', { class: 'said-at' }, dateValueWords(e.saidAt)),
      ' in ',
      h('a', { href: href('sources', e.sourceId, { highlight: e.assertionId }) }, sourceLabel(e.sourceId)),
    ),
    h('blockquote', { cite: href('sources', e.sourceId) }, h('span', { class: 'ctx', 'aria-hidden': 'true' }, e.quote.prefix ? '…' : ''), e.quote.exact, h('span', { class: 'ctx', 'aria-hidden': 'true' }, e.quote.suffix ? '…' : '')),
    rel
      ? h('p', { class: 'relation-note' }, h('span', { class: `badge ${rel.relation}` }, rel.relation), ' ', RELATION_WORDS[rel.relation] ?? rel.relation, ': ', rel.explanation)
      : null,
    e.note ? h('p', { class: 'note' }, h('span', { class: 'visually-hidden' }, 'Editor’s note: '), e.note) : null,
    h(
      'ul',
      { class: 'history', 'aria-label': 'History' },
      h('li', {}, 'Recorded ', h('time', { datetime: e.recordedAt }, instantWords(e.recordedAt)), ` by ${e.recordedBy}`),
      (e.corrections ?? []).map(correctionItem),
      e.retraction
        ? h('li', { class: 'retraction' }, h('strong', {}, 'Retracted'), ' ', h('time', { datetime: e.retraction.at }, instantWords(e.retraction.at)), ` by ${e.retraction.by} (${e.retraction.kind})`, e.retraction.reason ? ` — “${e.retraction.reason}”` : '')
        : null,
    ),
  );
}

export function claimView({ parts, params, announce }) {
  const id = parts[1];
  const at = { asOf: params.get('asOf') ?? '', saidBy: params.get('saidBy') ?? '' };
  let focusId = params.get('focus');
  let root;
  let controller;
  let stops = [];
  let colorOf = colorScale();
  let lastCount = null;
  let title = 'Claim';

  async function fetchAll() {
    controller?.abort();
    controller = new AbortController();
    const opts = { signal: controller.signal };
    const query = { asOf: at.asOf || undefined, saidBy: at.saidBy || undefined };
    const past = Boolean(at.asOf || at.saidBy);
    const [latest, latestTimeline, claim, timeline] = await Promise.all([
      api.claim(id, {}, opts),
      api.timeline(id, {}, opts),
      past ? api.claim(id, query, opts).catch((err) => (err.status === 404 ? null : Promise.reject(err))) : null,
      past ? api.timeline(id, query, opts).catch((err) => (err.status === 404 ? null : Promise.reject(err))) : null,
      sourceTitles().catch(() => null),
    ]);
    return { latest, latestTimeline, claim: past ? claim : latest, timeline: past ? timeline : latestTimeline };
  }

  let lastData = null;
  let lastWidth = 0;
  const onResize = debounce(() => {
    if (lastData && Math.abs(root.clientWidth - lastWidth) > 40) {
      const scroll = window.scrollY;
      draw(lastData);
      window.scrollTo(0, scroll);
    }
  }, 200);
  window.addEventListener('resize', onResize);

  function draw(data) {
    lastData = data;
    lastWidth = root.clientWidth;
    const { latest, latestTimeline } = data;
    const claim = data.claim;
    const entries = data.timeline?.entries ?? [];
    // Colours by source in the order sources first appear, stable across as-of moves.
    colorOf = colorScale();
    for (const e of latestTimeline.entries) colorOf(e.sourceId);
    stops = changeStops(latest, latestTimeline.entries);
    title = `${latest.subject} — ${latest.predicate}`;
    document.title = `${title} — claimline`;

    const heading = h('h1', { id: 'claim-heading' }, latest.subject, h('span', { class: 'muted' }, ' — '), latest.predicate);
    const head = h(
      'header',
      {},
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← All claims')),
      heading,
      h(
        'div',
        { class: 'claim-head' },
        claim ? statusBadge(claim.status, claim.counts.live) : h('span', { class: 'badge' }, 'not yet opened'),
        claim?.current
          ? h(
              'p',
              { class: 'current', id: 'current-value' },
              at.asOf || at.saidBy ? 'Then: ' : 'Now: ',
              h('strong', {}, valueWords(claim.current.value)),
              h('span', { class: 'muted' }, ` — ${claim.current.speaker}, said ${dateValueWords(claim.current.saidAt)} in `),
              h('a', { href: href('sources', claim.current.sourceId, { highlight: claim.current.assertionId }) }, sourceLabel(claim.current.sourceId)),
            )
          : h('p', { class: 'current muted' }, 'No live assertion at this point.'),
      ),
      claim?.change ? h('p', { class: 'change', id: 'claim-change' }, claim.change.words) : null,
      claim?.current?.supportedBy?.length
        ? h(
            'p',
            { class: 'support muted', id: 'current-support' },
            'Supported by ',
            ...claim.current.supportedBy.flatMap((s, i) => [
              i ? ', ' : '',
              h('a', { href: href('sources', s.sourceId, { highlight: s.assertionId }) }, sourceLabel(s.sourceId)),
              ` (${SUPPORT_WORDS[s.support] ?? s.support})`,
            ]),
            '.',
          )
        : null,
      latest.description ? h('p', {}, latest.description) : null,
      claim
        ? h(
            'dl',
            { class: 'meta' },
            h('div', {}, h('dt', {}, 'Assertions'), h('dd', {}, `${claim.counts.live} live`, claim.counts.retracted ? `, ${claim.counts.retracted} retracted` : '', claim.counts.corrected ? `, ${claim.counts.corrected} corrected` : '')),
            h('div', {}, h('dt', {}, 'Sources'), h('dd', {}, String(claim.counts.sources))),
            h('div', {}, h('dt', {}, 'Discrepancies'), h('dd', {}, claim.counts.discrepancies ? h('a', { href: href('discrepancies', { claim: id, status: 'all' }) }, String(claim.counts.discrepancies)) : '0')),
            latest.entities?.length ? h('div', {}, h('dt', {}, 'Entities'), h('dd', {}, latest.entities.map((en) => en.name).join(', '))) : null,
            h('div', {}, h('dt', {}, 'Revision'), h('dd', {}, String(claim.revision))),
          )
        : null,
      latest.verdict
        ? h('p', { class: 'card' }, h('strong', {}, `Verdict: ${latest.verdict.rating?.alternateName ?? ''}`), ` (${latest.verdict.rating?.ratingValue}/5) by ${latest.verdict.reviewer} — ${latest.verdict.reasoning}`)
        : null,
    );

    const plotLabel = `Timeline plot of ${entries.length} assertion${entries.length === 1 ? '' : 's'}: said-at on the horizontal axis, the value on the vertical axis.`;
    const plotPanel = h('section', { class: 'plot-panel', 'aria-labelledby': 'plot-heading' }, h('h2', { id: 'plot-heading', class: 'visually-hidden' }, 'Timeline plot'));
    if (entries.length) {
      plotPanel.append(
        timelinePlot({ entries, valueType: latest.valueType, colorOf, sourceName: sourceLabel, onSelect: select, label: plotLabel, width: root.clientWidth - 48 }),
        h(
          'ul',
          { class: 'legend', 'aria-label': 'Sources (colours in the plot)' },
          [...new Set(entries.map((e) => e.sourceId))].map((sid) => h('li', {}, h('span', { class: 'swatch', style: `--c:${colorOf(sid)}`, 'aria-hidden': 'true' }), h('a', { href: href('sources', sid) }, sourceLabel(sid)))),
          entries.some((e) => e.status === 'retracted') ? h('li', {}, h('span', { class: 'swatch dashed', 'aria-hidden': 'true' }), 'retracted') : null,
        ),
        h('p', { class: 'plot-help' }, 'Each bar spans the value’s bounds at the time it was said (a horizontal whisker shows an uncertain said-at; an arrow an open end). Curves join consecutive live assertions with their relation. Select a mark to jump to its entry.'),
      );
    } else {
      plotPanel.append(h('p', { class: 'muted' }, 'No assertions at this point.'));
    }

    const list = h('ol', { class: 'timeline', 'aria-label': 'Assertions in said-at order' }, entries.map((e, i) => entryItem(e, { colorOf, entryIndex: i })));
    replace(root, head, plotPanel, asOfControls(latest), h('section', { 'aria-labelledby': 'timeline-heading' }, h('h2', { id: 'timeline-heading' }, 'Timeline'), entries.length ? list : h('p', { class: 'muted' }, 'Nothing recorded yet.')));
    // Editing is on the live claim only; a page shown as of a past moment stays read-only.
    if (isEditor() && !at.asOf && !at.saidBy) addEditorControls(root, latest, latestTimeline, () => refresh({ keepFocus: true }));
    if (lastCount !== null && latestTimeline.entries.length > lastCount) announce(`${latestTimeline.entries.length - lastCount} new assertion(s) on this claim`);
    lastCount = latestTimeline.entries.length;
  }

  function asOfControls() {
    const nowIndex = stops.length;
    let index = at.asOf ? stops.findIndex((st) => Date.parse(st.at) >= Date.parse(at.asOf)) : nowIndex;
    if (index === -1) index = nowIndex;
    const words = (i) => (i >= nowIndex ? 'now (latest)' : `${i + 1} of ${nowIndex}: ${stops[i].what}, ${instantWords(stops[i].at)}`);
    const output = h('output', { for: 'asof', id: 'asof-output' }, words(index));
    const slider = h('input', {
      type: 'range',
      id: 'asof',
      min: '0',
      max: String(nowIndex),
      step: '1',
      value: String(index),
      'aria-describedby': 'asof-help',
      'aria-valuetext': words(index),
    });
    const apply = debounce(() => {
      const i = Number(slider.value);
      at.asOf = i >= nowIndex ? '' : stops[i].at;
      setHashParams({ asOf: at.asOf, saidBy: at.saidBy });
      refresh({ keepFocus: true });
    }, 200);
    slider.addEventListener('input', () => {
      const i = Number(slider.value);
      output.textContent = words(i);
      slider.setAttribute('aria-valuetext', words(i));
      apply();
    });
    const saidBy = h('input', { type: 'date', id: 'saidby', value: at.saidBy });
    saidBy.addEventListener('change', () => {
      at.saidBy = saidBy.value;
      setHashParams({ asOf: at.asOf, saidBy: at.saidBy });
      refresh({ keepFocus: true });
    });
    return h(
      'section',
      { class: `asof${at.asOf || at.saidBy ? ' past' : ''}`, 'aria-labelledby': 'asof-heading' },
      h(
        'div',
        { class: 'field' },
        h('h2', { id: 'asof-heading', class: 'visually-hidden' }, 'Time travel'),
        h('label', { for: 'asof' }, 'As of (recorded at): ', output),
        slider,
        h('span', { id: 'asof-help', class: 'muted small' }, `What claimline said at each of the ${stops.length} moments this claim changed, from when it was opened to now.`),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'saidby' }, 'On the public record by (said at)'),
        h('span', {}, saidBy, ' ', at.saidBy ? h('button', { type: 'button', class: 'secondary', onclick: () => { at.saidBy = ''; setHashParams({ asOf: at.asOf }); refresh({ keepFocus: true }); } }, 'Clear') : null),
      ),
    );
  }

  function select(assertionId) {
    const el = root.querySelector(`li[data-assertion-id="${CSS.escape(assertionId)}"]`);
    for (const x of root.querySelectorAll('.selected')) x.classList.remove('selected');
    root.querySelector(`.mark[data-assertion-id="${CSS.escape(assertionId)}"]`)?.classList.add('selected');
    if (el) {
      el.classList.add('selected');
      el.scrollIntoView({ block: 'center', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
      el.focus({ preventScroll: true });
    }
  }

  async function refresh({ keepFocus = false } = {}) {
    const active = document.activeElement;
    const activeId = active?.id;
    const scroll = window.scrollY;
    const data = await fetchAll();
    draw(data);
    window.scrollTo(0, scroll);
    if (keepFocus && activeId) document.getElementById(activeId)?.focus({ preventScroll: true });
  }

  const liveRefresh = debounce(() => refresh({ keepFocus: true }).catch(ignoreAbort), 150);

  return {
    get title() {
      return title;
    },
    async render(main) {
      root = main;
      const data = await fetchAll();
      draw(data);
    },
    afterRender() {
      if (focusId) {
        select(focusId);
        focusId = null;
      }
    },
    onEvent(event) {
      if (isEditing(root)) return;
      if (event.claimId === id || (event.type?.startsWith('claimline.source-') && root.querySelector(`[href*="${CSS.escape(event.sourceId ?? '')}"]`))) liveRefresh();
    },
    dispose() {
      controller?.abort();
      liveRefresh.cancel();
      onResize.cancel();
      window.removeEventListener('resize', onResize);
    },
  };
}
