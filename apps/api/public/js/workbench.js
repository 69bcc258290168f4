// The editor's workbench: register a source (or a new text version), see every value the article
// states that a tracked claim could hold, edit and accept each with one click or dismiss it, and
// record any other selected passage by hand. Every write is the API's ordinary write.
import { api, getJSON } from './api.js';
import { h, replace } from './dom.js';
import { RELATION_WORDS, dateValueWords, valueBoundsWords } from './format.js';
import { actionKey, isEditor, keyForm, problemView, send } from './editor.js';
import { href } from './router.js';

export const MODALITIES = ['stated', 'reported', 'announced', 'expected', 'scheduled', 'planned', 'assured', 'confirmed', 'estimated', 'denied', 'hinted', 'conditional', 'cautioned', 'invited', 'characterized', 'implied'];

/** All claims, for the claim choices (the list is small next to an article; paged by the API). */
async function allClaims() {
  const claims = [];
  let cursor;
  do {
    const page = await api.claims({ limit: 500, cursor });
    claims.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return claims;
}

const claimLabel = (c) => `${c.subject} — ${c.predicate}`;

function field(id, label, control, help, wide = false) {
  return h('div', { class: wide ? 'field wide' : 'field' }, h('label', { for: id }, label), control, help ? h('span', { class: 'muted small' }, help) : null);
}

function modalitySelect(id, value) {
  return h('select', { id, name: 'modality' }, MODALITIES.map((m) => h('option', { value: m, selected: m === value }, m)));
}

// ---- #/workbench ---------------------------------------------------------------------------------

function registerForm(onRegistered) {
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card register-source', 'aria-labelledby': 'register-heading' },
    h('h2', { id: 'register-heading' }, 'Register a source'),
    h(
      'div',
      { class: 'form-grid' },
      field('src-title', 'Title', h('input', { id: 'src-title', name: 'title', required: true, maxlength: '500' })),
      field('src-publisher', 'Publisher', h('input', { id: 'src-publisher', name: 'publisher', maxlength: '200' }), 'Leave empty when the text names none'),
      field('src-published', 'Published', h('input', { id: 'src-published', name: 'publishedAt', required: true, maxlength: '100', placeholder: '2026-01-14' }), 'Date words or EDTF; uncertainty stays uncertain (2025-12-05/2025-12-11)'),
      field('src-url', 'Address', h('input', { id: 'src-url', name: 'url', type: 'url', maxlength: '2000' })),
      field(
        'src-fiscal',
        'Fiscal year',
        h(
          'select',
          { id: 'src-fiscal', name: 'fiscalYear' },
          h('option', { value: '' }, 'not stated (calendar years)'),
          h('option', { value: 'april' }, 'April–March (India, UK, Japan)'),
          h('option', { value: 'july' }, 'July–June (Australia, Pakistan)'),
          h('option', { value: 'october' }, 'October–September (US federal)'),
        ),
        'How this outlet writes years such as 2026–27 and FY27',
      ),
    ),
    field('src-text', 'Text', h('textarea', { id: 'src-text', name: 'text', required: true, rows: '12' }), 'Paste the article as published; quotes are matched against it character for character'),
    h('p', {}, h('button', { type: 'submit' }, 'Register and find values')),
    status,
  );
  const key = actionKey();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(status);
    const v = Object.fromEntries(new FormData(form));
    const body = { title: v.title.trim(), publisher: v.publisher.trim() || null, publishedAt: v.publishedAt.trim(), text: v.text, language: 'en' };
    if (v.url.trim()) body.url = v.url.trim();
    if (v.fiscalYear) body.fiscalYear = v.fiscalYear;
    try {
      const created = await send('POST', '/sources', body, { idempotencyKey: key });
      onRegistered(created.id);
    } catch (err) {
      replace(status, problemView(err));
    }
  });
  return form;
}

function workbenchHome() {
  let root;
  async function draw() {
    if (!isEditor()) {
      replace(root, h('h1', {}, 'Workbench'), h('p', {}, 'Register articles and record what they say. Writing needs an editor key.'), keyForm());
      return;
    }
    const sources = await api.sources({ limit: 500 });
    replace(
      root,
      h('h1', {}, 'Workbench'),
      registerForm((id) => {
        location.hash = href('workbench', id);
      }),
      h(
        'section',
        { 'aria-labelledby': 'wb-sources' },
        h('h2', { id: 'wb-sources' }, 'Or open a registered source'),
        h('ul', { class: 'source-list' }, [...sources.items].reverse().map((s) => h('li', {}, h('a', { href: href('workbench', s.id) }, s.title || s.id), h('span', { class: 'muted small' }, ` — ${s.publisher ?? 'publisher not named'}, ${dateValueWords(s.publishedAt)}, ${s.citations} citation${s.citations === 1 ? '' : 's'}`)))),
      ),
    );
  }
  return {
    title: 'Workbench',
    async render(main) {
      root = main;
      await draw();
    },
  };
}

// ---- #/workbench/<sourceId> ----------------------------------------------------------------------

const DISMISSED = (sourceId) => `claimline.dismissed.${sourceId}`;

function dismissedOf(sourceId) {
  try {
    return new Set(JSON.parse(sessionStorage.getItem(DISMISSED(sourceId)) ?? '[]'));
  } catch {
    return new Set();
  }
}

/**
 * The article with a mark per suggestion (shaded once recorded) and an underline under every quote
 * already recorded from it. Its text content is exactly the source text, so selections map to offsets.
 */
function articleWithMarks(text, suggestions, citedBy, isDone) {
  const spans = [
    ...citedBy.filter((c) => c.status === 'live' && c.quoteInCurrentText && text.slice(c.quote.start, c.quote.end) === c.quote.exact).map((c) => ({ start: c.quote.start, end: c.quote.end, kind: 'recorded', id: c.assertionId })),
    ...suggestions.map((s) => ({ start: s.valueAt.start, end: s.valueAt.end, kind: 'suggestion', id: s.id, done: isDone(s) })),
  ];
  const cuts = [...new Set([0, text.length, ...spans.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
  const container = h('div', { class: 'article-text workbench-text', lang: 'en', id: 'wb-article' });
  for (let i = 0; i < cuts.length - 1; i += 1) {
    const [from, to] = [cuts[i], cuts[i + 1]];
    const piece = text.slice(from, to);
    const value = spans.find((s) => s.kind === 'suggestion' && s.start <= from && s.end >= to);
    const recorded = spans.some((s) => s.kind === 'recorded' && s.start <= from && s.end >= to);
    if (!value && !recorded) {
      container.append(piece);
      continue;
    }
    container.append(
      h(
        'mark',
        {
          class: [value ? 'suggested' : '', value?.done ? 'done' : '', recorded ? 'quoted' : ''].filter(Boolean).join(' '),
          'data-suggestion-id': value?.id,
          tabindex: value ? '0' : undefined,
          title: value ? 'A value claimline suggests recording; select to see it' : 'Already quoted by an assertion',
        },
        piece,
      ),
    );
  }
  return container;
}

/** Offsets of the current selection inside `container` (whose text is the source text), trimmed of white space. */
export function selectionOffsets(container, text) {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(container);
  before.setEnd(range.startContainer, range.startOffset);
  let start = before.toString().length;
  let end = start + range.toString().length;
  while (start < end && /\s/.test(text[start])) start += 1;
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  return end > start ? { start, end } : null;
}

/** Which occurrence of `exact` starts at `start` (1-based), when it occurs more than once. */
function occurrenceAt(text, exact, start) {
  let n = 0;
  let at = -1;
  let which;
  while ((at = text.indexOf(exact, at + 1)) !== -1) {
    n += 1;
    if (at === start) which = n;
  }
  return n > 1 ? which : undefined;
}

function sourceWorkbench({ parts, announce }) {
  const sourceId = parts[1];
  let root;
  let source;
  let claims = [];
  let result = { suggestions: [], unread: [] };
  let dismissed = dismissedOf(sourceId);
  let showDismissed = false;
  let selectionPanel;
  let title = 'Workbench';
  /** Suggestions accepted in this page's life: id -> { assertionId, claimId, relation }. */
  const accepted = new Map();

  async function load() {
    [source, result, claims] = await Promise.all([api.source(sourceId), getJSON(`/sources/${encodeURIComponent(sourceId)}/suggestions`), allClaims()]);
    title = `Workbench: ${source.title}`;
  }

  function claimById(id) {
    return claims.find((c) => c.claimId === id);
  }

  async function recordAssertion(claimId, body, key) {
    const claim = await api.claim(claimId);
    return send('POST', `/claims/${encodeURIComponent(claimId)}/assertions`, body, { ifMatch: claim.revision, idempotencyKey: key });
  }

  function relationLine(rel) {
    if (!rel) return h('p', { class: 'relation-note muted small' }, 'No current value to compare with.');
    return h('p', { class: 'relation-note small' }, h('span', { class: `badge ${rel.relation}` }, rel.relation), ' ', RELATION_WORDS[rel.relation]?.replace('the previous', 'its current value') ?? rel.relation, ': ', rel.explanation);
  }

  function suggestionCard(s) {
    const id = s.id;
    const done = accepted.get(id) ?? (s.alreadyRecorded ? { assertionId: s.alreadyRecorded, claimId: s.claims[0]?.claimId } : null);
    const candidates = s.claims.map((c) => c.claimId);
    const others = claims.filter((c) => c.valueType === s.value.type && !candidates.includes(c.claimId));
    const claimSelect = h(
      'select',
      { id: `claim-${id}`, name: 'claim' },
      s.claims.map((c, i) => h('option', { value: c.claimId, selected: i === 0 }, `${claimLabel(c)} (score ${c.score})`)),
      s.proposedClaim ? h('option', { value: '__new', selected: s.claims.length === 0 }, `New claim: ${s.proposedClaim.subject} — ${s.proposedClaim.predicate}`) : null,
      others.length ? h('optgroup', { label: `Other ${s.value.type} claims` }, others.map((c) => h('option', { value: c.claimId }, claimLabel(c)))) : null,
      !s.proposedClaim ? h('option', { value: '__new' }, 'New claim…') : null,
    );
    const valueInput = h('input', { id: `value-${id}`, name: 'value', value: s.value.text, required: true });
    const speakerInput = h('input', { id: `speaker-${id}`, name: 'speaker', value: s.speaker ?? '', placeholder: 'who said it', required: true });
    const saidAtInput = h('input', { id: `saidat-${id}`, name: 'saidAt', value: s.cues.saidAt.from === 'text' ? s.cues.saidAt.words : '', placeholder: `${dateValueWords(s.saidAt)} (the source's date)` });
    const newSubject = h('input', { id: `new-subject-${id}`, value: s.proposedClaim?.subject ?? '' });
    const newPredicate = h('input', { id: `new-predicate-${id}`, value: s.proposedClaim?.predicate ?? '' });
    const newClaim = h('div', { class: 'new-claim form-grid', hidden: claimSelect.value !== '__new' }, field(`new-subject-${id}`, 'New claim: subject', newSubject), field(`new-predicate-${id}`, 'predicate', newPredicate));
    const reason = h('p', { class: 'muted small reason' }, s.claims[0] ? `Why: ${s.claims[0].reason}` : 'No tracked claim fits this value.');
    // A headline often states what the body says again: one assertion per statement is enough.
    const earlier = result.suggestions.find((o) => o.valueAt.start < s.valueAt.start && o.claims[0] && o.claims[0].claimId === s.claims[0]?.claimId && JSON.stringify(o.value.bounds) === JSON.stringify(s.value.bounds));
    const repeat = earlier ? h('p', { class: 'small repeat' }, 'The same value for the same claim as “', earlier.quote.exact, '” above: record one of them.') : null;
    const relation = h('div', { class: 'relation' }, relationLine(s.relationToCurrent));
    const status = h('div', { 'aria-live': 'polite' });
    const key = actionKey();

    async function refreshRelation() {
      const claim = claimById(claimSelect.value);
      reason.textContent = s.claims.find((c) => c.claimId === claimSelect.value)?.reason ? `Why: ${s.claims.find((c) => c.claimId === claimSelect.value).reason}` : claim ? 'Chosen by hand.' : 'A new claim, opened when you accept.';
      newClaim.hidden = claimSelect.value !== '__new';
      if (!claim?.current) return replace(relation, relationLine(null));
      const b = valueInput.value.trim() === s.value.text ? { ...s.assertion.value, type: s.value.type } : valueInput.value.trim();
      try {
        const res = await send('POST', '/values/compare', { type: s.value.type, a: claim.current.value, b, saidAt: s.saidAt.normalized });
        replace(relation, relationLine(res));
      } catch (err) {
        replace(relation, problemView(err));
      }
    }
    claimSelect.addEventListener('change', refreshRelation);
    valueInput.addEventListener('change', refreshRelation);

    async function accept() {
      replace(status);
      const body = {
        sourceId,
        quote: s.assertion.quote,
        value: valueInput.value.trim() === s.value.text ? s.assertion.value : { text: valueInput.value.trim() },
        speaker: speakerInput.value.trim() || undefined,
        modality: card.querySelector(`#modality-${CSS.escape(id)}`).value,
        saidAt: saidAtInput.value.trim() || undefined,
      };
      try {
        let claimId = claimSelect.value;
        if (claimId === '__new') {
          const opened = await send('POST', '/claims', { subject: newSubject.value.trim(), predicate: newPredicate.value.trim(), valueType: s.value.type }, { idempotencyKey: `${key}:claim` });
          claimId = opened.id;
          claims = await allClaims();
        }
        const written = await recordAssertion(claimId, body, key);
        accepted.set(id, { assertionId: written.assertionId, claimId, relation: written.relationToPrevious });
        announce(`Recorded ${s.value.text}`);
        // Only this card and its mark change: what the editor typed in other cards stays.
        const recorded = suggestionCard(s);
        card.replaceWith(recorded);
        root.querySelector(`mark[data-suggestion-id="${CSS.escape(id)}"]`)?.classList.add('done');
        updateSummary();
        recorded.focus({ preventScroll: true });
      } catch (err) {
        replace(status, problemView(err, { onReload: () => reload(id) }));
      }
    }

    const card = h(
      'li',
      { class: `card suggestion${done ? ' is-recorded' : ''}`, id: `s-${id}`, 'data-suggestion-id': id, tabindex: '-1' },
      h(
        'div',
        { class: 'entry-head' },
        h('h3', {}, h('span', { class: 'value' }, s.value.text), ' ', h('span', { class: 'badge' }, s.value.type)),
        valueBoundsWords(s.value) ? h('span', { class: 'muted small' }, `(${valueBoundsWords(s.value)})`) : null,
        done ? h('span', { class: 'badge recorded-badge' }, 'Recorded') : null,
      ),
      h('blockquote', {}, s.quote.exact),
      done
        ? h(
            'p',
            { class: 'small' },
            'Recorded as ',
            h('a', { href: href('claims', done.claimId ?? '', { focus: done.assertionId }) }, claimById(done.claimId) ? claimLabel(claimById(done.claimId)) : 'an assertion'),
            done.relation ? [' — ', h('span', { class: `badge ${done.relation.relation}` }, done.relation.relation), ' to the previous'] : null,
          )
        : [
            h(
              'div',
              { class: 'form-grid' },
              field(`claim-${id}`, 'Claim', claimSelect, null, true),
              field(`value-${id}`, 'Value (words as written)', valueInput),
              field(`speaker-${id}`, 'Speaker', speakerInput, s.cues.speaker.from === 'text' ? `from the text: “${s.cues.speaker.words}”` : 'the source’s publisher'),
              field(`modality-${id}`, 'Modality', modalitySelect(`modality-${id}`, s.modality), s.cues.modality.from === 'text' ? `from “${s.cues.modality.words}”` : 'no cue in the text'),
              field(`saidat-${id}`, 'Said at', saidAtInput, s.cues.saidAt.from === 'text' ? 'from the text' : 'empty: the source’s date'),
            ),
            newClaim,
            repeat,
            reason,
            relation,
            h(
              'p',
              { class: 'actions' },
              h('button', { type: 'button', 'data-action': 'accept', onclick: accept }, 'Accept'),
              ' ',
              h('button', { type: 'button', class: 'secondary', 'data-action': 'dismiss', onclick: () => dismiss(id) }, 'Dismiss'),
            ),
            status,
          ],
    );
    return card;
  }

  function dismiss(id) {
    dismissed.add(id);
    sessionStorage.setItem(DISMISSED(sourceId), JSON.stringify([...dismissed]));
    root.querySelector(`li[data-suggestion-id="${CSS.escape(id)}"]`)?.remove();
    const mark = root.querySelector(`mark[data-suggestion-id="${CSS.escape(id)}"]`);
    if (mark) {
      mark.classList.add('dismissed');
      mark.removeAttribute('tabindex');
    }
    updateSummary();
  }

  /** "9 values found, 7 to review" and the way back to dismissed ones. */
  function summaryLine() {
    const visible = result.suggestions.filter((s) => showDismissed || !dismissed.has(s.id));
    const hidden = result.suggestions.length - visible.length;
    const pending = visible.filter((s) => !accepted.has(s.id) && !s.alreadyRecorded).length;
    return h(
      'p',
      { class: 'small', id: 'wb-summary' },
      `${result.suggestions.length} value${result.suggestions.length === 1 ? '' : 's'} found, ${pending} to review. Select any other passage in the text to record it by hand.`,
      hidden ? [' ', h('button', { type: 'button', class: 'secondary', onclick: () => { showDismissed = true; redraw(); } }, `Show ${hidden} dismissed`)] : null,
      // A long text is answered a page of suggestions at a time.
      result.next !== null ? [' ', h('button', { type: 'button', class: 'secondary', 'data-action': 'read-on', onclick: readOn }, `Read on from character ${result.next}`)] : null,
    );
  }

  async function readOn() {
    const page = await getJSON(`/sources/${encodeURIComponent(sourceId)}/suggestions`, { from: result.next });
    result = { ...page, suggestions: [...result.suggestions, ...page.suggestions], unread: [...result.unread, ...page.unread] };
    redraw();
  }

  function updateSummary() {
    root.querySelector('#wb-summary')?.replaceWith(summaryLine());
  }

  /** The form for a passage the editor selected: the quote comes from the selection's offsets, verbatim. */
  function selectionForm(span) {
    const exact = source.text.slice(span.start, span.end);
    const occurrence = occurrenceAt(source.text, exact, span.start);
    const claimSelect = h(
      'select',
      { id: 'sel-claim', name: 'claim', required: true },
      h('option', { value: '' }, 'Choose a claim…'),
      claims.map((c) => h('option', { value: c.claimId }, `${claimLabel(c)} (${c.valueType})`)),
      h('option', { value: '__new' }, 'Open a new claim…'),
    );
    const newClaim = h(
      'div',
      { class: 'new-claim form-grid', hidden: true },
      field('sel-new-subject', 'New claim: subject', h('input', { id: 'sel-new-subject', name: 'subject' })),
      field('sel-new-predicate', 'predicate', h('input', { id: 'sel-new-predicate', name: 'predicate' })),
      field('sel-new-type', 'value type', h('select', { id: 'sel-new-type', name: 'valueType' }, ['date', 'quantity', 'count', 'text'].map((t) => h('option', { value: t }, t)))),
    );
    claimSelect.addEventListener('change', () => {
      newClaim.hidden = claimSelect.value !== '__new';
    });
    const valueInput = h('input', { id: 'sel-value', name: 'value', required: true, placeholder: 'the value in the words of the text' });
    const speakerInput = h('input', { id: 'sel-speaker', name: 'speaker', value: source.publisher ?? '', required: true });
    const saidAtInput = h('input', { id: 'sel-saidat', name: 'saidAt', placeholder: `${dateValueWords(source.publishedAt)} (the source's date)` });
    const status = h('div', { 'aria-live': 'polite' });
    const key = actionKey();
    const form = h(
      'form',
      { class: 'card selection-form', 'aria-labelledby': 'sel-heading' },
      h('h2', { id: 'sel-heading' }, 'Record the selected passage'),
      h('blockquote', { 'data-start': String(span.start), 'data-end': String(span.end) }, exact),
      h(
        'div',
        { class: 'form-grid' },
        field('sel-claim', 'Claim', claimSelect),
        field('sel-value', 'Value (words as written)', valueInput),
        field('sel-speaker', 'Speaker', speakerInput),
        field('sel-modality', 'Modality', modalitySelect('sel-modality', 'stated')),
        field('sel-saidat', 'Said at', saidAtInput),
      ),
      newClaim,
      h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Record'), ' ', h('button', { type: 'button', class: 'secondary', onclick: () => replace(selectionPanel) }, 'Cancel')),
      status,
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      replace(status);
      const body = {
        sourceId,
        quote: { exact, ...(occurrence ? { occurrence } : {}) },
        value: { text: valueInput.value.trim() },
        speaker: speakerInput.value.trim() || undefined,
        modality: form.querySelector('#sel-modality').value,
        saidAt: saidAtInput.value.trim() || undefined,
      };
      try {
        if (!claimSelect.value) throw Object.assign(new Error('Choose the claim this passage belongs to.'), { problem: { title: 'Missing claim', detail: 'Choose the claim this passage belongs to.', errors: [{ field: 'claim', message: 'is required' }] } });
        let claimId = claimSelect.value;
        if (claimId === '__new') {
          const v = Object.fromEntries(new FormData(form));
          claimId = (await send('POST', '/claims', { subject: v.subject.trim(), predicate: v.predicate.trim(), valueType: v.valueType }, { idempotencyKey: `${key}:claim` })).id;
          claims = await allClaims();
        }
        const written = await recordAssertion(claimId, body, key);
        announce('Recorded the selected passage');
        await reload(); // the article now underlines the new quote
        replace(selectionPanel, h('p', { class: 'card', role: 'status' }, 'Recorded the selected passage as ', h('a', { href: href('claims', claimId, { focus: written.assertionId }) }, claimLabel(claimById(claimId))), '.'));
      } catch (err) {
        replace(status, problemView(err, { onReload: () => reload() }));
      }
    });
    return form;
  }

  function revisionForm() {
    const status = h('div', { 'aria-live': 'polite' });
    const key = actionKey();
    const text = h('textarea', { id: 'rev-text', name: 'text', rows: '10', required: true });
    text.value = source.text;
    const form = h(
      'form',
      { class: 'revision-form' },
      field('rev-text', 'The article’s new text', text),
      field('rev-reason', 'Why (optional)', h('input', { id: 'rev-reason', name: 'reason', maxlength: '2000' })),
      h('p', {}, h('button', { type: 'submit' }, 'Register the new version')),
      status,
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      replace(status);
      try {
        const res = await send('POST', `/sources/${encodeURIComponent(sourceId)}/revisions`, { text: text.value, reason: form.querySelector('#rev-reason').value.trim() || undefined }, { idempotencyKey: key });
        announce(`Text version ${res.textVersion} registered`);
        await reload();
      } catch (err) {
        replace(status, problemView(err));
      }
    });
    return h('details', { class: 'card' }, h('summary', {}, 'Register a new text version (the outlet edited the article)'), form);
  }

  function redraw(focusId) {
    const scroll = window.scrollY;
    const visible = result.suggestions.filter((s) => showDismissed || !dismissed.has(s.id));
    const article = articleWithMarks(source.text, visible, source.citedBy ?? [], (s) => accepted.has(s.id) || Boolean(s.alreadyRecorded));
    article.addEventListener('click', (ev) => {
      const mark = ev.target.closest('mark[data-suggestion-id]');
      if (mark && document.getSelection()?.isCollapsed) focusCard(mark.dataset.suggestionId);
    });
    article.addEventListener('keydown', (ev) => {
      const mark = ev.target.closest('mark[data-suggestion-id]');
      if (mark && ev.key === 'Enter') focusCard(mark.dataset.suggestionId);
    });
    const onSelect = () => {
      const span = selectionOffsets(article, source.text);
      if (span) replace(selectionPanel, selectionForm(span));
    };
    article.addEventListener('mouseup', onSelect);
    article.addEventListener('keyup', (ev) => {
      if (ev.shiftKey) onSelect();
    });
    selectionPanel = h('div', { id: 'selection-panel' });
    replace(
      root,
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/workbench' }, '← Workbench'), ' · ', h('a', { href: href('sources', sourceId) }, 'Reader’s view of this source')),
      h('h1', {}, source.title || 'Untitled source'),
      h('p', { class: 'muted small' }, `${source.publisher ?? 'Publisher not named'} · published ${dateValueWords(source.publishedAt)} · text version ${source.textVersion}`),
      summaryLine(),
      h(
        'div',
        { class: 'workbench-layout' },
        h('section', { 'aria-labelledby': 'wb-text' }, h('h2', { id: 'wb-text' }, 'Article'), article),
        h(
          'section',
          { 'aria-labelledby': 'wb-suggestions' },
          selectionPanel,
          h('h2', { id: 'wb-suggestions' }, 'Suggested values'),
          visible.length ? h('ol', { class: 'suggestion-list' }, visible.map(suggestionCard)) : h('p', { class: 'muted' }, 'No value statements found for the tracked claims. Select a passage to record one by hand.'),
          result.unread.length
            ? h(
                'section',
                { 'aria-labelledby': 'wb-unread' },
                h('h3', { id: 'wb-unread' }, 'Words the value reader could not read'),
                h('ul', { class: 'small' }, result.unread.map((u) => h('li', {}, h('q', {}, u.text), ` (${u.type}): ${u.reason}. Select its passage to record it with words the reader takes.`))),
              )
            : null,
        ),
      ),
      revisionForm(),
    );
    window.scrollTo(0, scroll);
    if (focusId) focusCard(focusId, false);
  }

  function focusCard(id, scroll = true) {
    const card = root.querySelector(`li[data-suggestion-id="${CSS.escape(id)}"]`);
    for (const m of root.querySelectorAll('mark.highlighted')) m.classList.remove('highlighted');
    root.querySelector(`mark[data-suggestion-id="${CSS.escape(id)}"]`)?.classList.add('highlighted');
    if (card) {
      if (scroll) card.scrollIntoView({ block: 'center' });
      card.focus({ preventScroll: true });
    }
  }

  async function reload(focusId) {
    await load();
    redraw(focusId);
  }

  return {
    get title() {
      return title;
    },
    async render(main) {
      root = main;
      if (!isEditor()) {
        replace(root, h('h1', {}, 'Workbench'), keyForm());
        return;
      }
      dismissed = dismissedOf(sourceId);
      await reload();
    },
    onEvent(event) {
      if (event.sourceId === sourceId && event.type === 'claimline.source-text-revised') reload().catch(() => undefined);
    },
  };
}

export function workbenchView(ctx) {
  return ctx.parts.length > 1 ? sourceWorkbench(ctx) : workbenchHome();
}
