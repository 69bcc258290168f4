// What an editor can do on a claim page: correct or retract an assertion (a reason is required) and
// record a verdict. Shown only with an editor key; every write takes the claim's revision (If-Match).
import { h, replace } from './dom.js';
import { actionKey, problemView, send } from './editor.js';
import { MODALITIES } from './workbench.js';

const RATINGS = [
  [1, 'False'],
  [2, 'Mostly false'],
  [3, 'Half true'],
  [4, 'Mostly true'],
  [5, 'True'],
];

function field(id, label, control) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

/** A small form: its fields, a submit button that runs `submit`, and Cancel. */
function inlineForm(legend, fields, submitWords, submit, onCancel) {
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline-edit' }, h('fieldset', {}, h('legend', {}, legend), h('div', { class: 'form-grid' }, fields), h('p', { class: 'actions' }, h('button', { type: 'submit' }, submitWords), ' ', h('button', { type: 'button', class: 'secondary', onclick: onCancel }, 'Cancel'))), status);
  // A form being filled in is not redrawn by live updates (claim.js asks isEditing); a stale revision is then a 412 to reload.
  form.addEventListener('input', () => {
    form.dataset.dirty = 'true';
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(status);
    try {
      await submit(form);
    } catch (err) {
      replace(status, err instanceof Node ? err : problemView(err));
    }
  });
  return form;
}

/** Whether the editor is filling in a form on the page (live updates wait rather than redraw it away). */
export function isEditing(root) {
  return Boolean(root.querySelector('form.inline-edit[data-dirty]'));
}

/**
 * Adds the editor's controls to a drawn claim page: under each live assertion "Correct" and
 * "Retract", and a verdict form at the end. `claim` is the latest state (its revision is sent as
 * If-Match); `reload` redraws the page after a write or on "Reload" after a 412.
 */
export function addEditorControls(root, claim, timeline, reload) {
  const withReload = (err) => problemView(err, { onReload: reload });
  for (const entry of timeline.entries) {
    const li = root.querySelector(`li[data-assertion-id="${CSS.escape(entry.assertionId)}"]`);
    if (!li || entry.status !== 'live') continue;
    const slot = h('div', { class: 'edit-slot' });
    const id = entry.assertionId;
    const correct = () => {
      const fields = [
        field(`c-value-${id}`, 'Value (words as written)', h('input', { id: `c-value-${id}`, name: 'value', value: entry.value.text })),
        field(`c-speaker-${id}`, 'Speaker', h('input', { id: `c-speaker-${id}`, name: 'speaker', value: entry.speaker })),
        field(`c-modality-${id}`, 'Modality', h('select', { id: `c-modality-${id}`, name: 'modality' }, MODALITIES.map((m) => h('option', { value: m, selected: m === entry.modality }, m)))),
        field(`c-saidat-${id}`, 'Said at', h('input', { id: `c-saidat-${id}`, name: 'saidAt', value: entry.saidAt.text })),
        field(`c-reason-${id}`, 'Reason (required)', h('input', { id: `c-reason-${id}`, name: 'reason' })),
      ];
      const key = actionKey();
      replace(
        slot,
        inlineForm('Correct this assertion', fields, 'Record the correction', async (form) => {
          const v = Object.fromEntries(new FormData(form));
          const changes = {};
          if (v.value.trim() !== entry.value.text) changes.value = { text: v.value.trim() };
          if (v.speaker.trim() !== entry.speaker) changes.speaker = v.speaker.trim();
          if (v.modality !== entry.modality) changes.modality = v.modality;
          if (v.saidAt.trim() !== entry.saidAt.text) changes.saidAt = v.saidAt.trim();
          try {
            await send('POST', `/claims/${encodeURIComponent(claim.claimId)}/assertions/${encodeURIComponent(id)}/corrections`, { changes, reason: v.reason }, { ifMatch: claim.revision, idempotencyKey: key });
          } catch (err) {
            throw withReload(err);
          }
          await reload();
        }, () => replace(slot, buttons)),
      );
    };
    const retract = () => {
      const key = actionKey();
      const fields = [
        field(`r-kind-${id}`, 'Why', h('select', { id: `r-kind-${id}`, name: 'kind' }, h('option', { value: 'recorded-in-error' }, 'recorded in error'), h('option', { value: 'withdrawn-by-source' }, 'withdrawn by the source'))),
        field(`r-reason-${id}`, 'Reason (required)', h('input', { id: `r-reason-${id}`, name: 'reason' })),
      ];
      replace(
        slot,
        inlineForm('Retract this assertion', fields, 'Retract', async (form) => {
          const v = Object.fromEntries(new FormData(form));
          try {
            await send('POST', `/claims/${encodeURIComponent(claim.claimId)}/assertions/${encodeURIComponent(id)}/retractions`, { kind: v.kind, reason: v.reason }, { ifMatch: claim.revision, idempotencyKey: key });
          } catch (err) {
            throw withReload(err);
          }
          await reload();
        }, () => replace(slot, buttons)),
      );
    };
    const buttons = h('p', { class: 'actions small' }, h('button', { type: 'button', class: 'secondary', 'data-action': 'correct', onclick: correct }, 'Correct'), ' ', h('button', { type: 'button', class: 'secondary', 'data-action': 'retract', onclick: retract }, 'Retract'));
    replace(slot, buttons);
    li.append(slot);
  }

  const key = actionKey();
  const verdict = inlineForm(
    'Record a verdict',
    [
      field('v-rating', 'Rating', h('select', { id: 'v-rating', name: 'rating' }, RATINGS.map(([n, words]) => h('option', { value: String(n) }, `${n} — ${words}`)))),
      field('v-reviewer', 'Reviewer', h('input', { id: 'v-reviewer', name: 'reviewer' })),
      field('v-reasoning', 'Reasoning', h('textarea', { id: 'v-reasoning', name: 'reasoning', rows: '3' })),
    ],
    'Record the verdict',
    async (form) => {
      const v = Object.fromEntries(new FormData(form));
      const n = Number(v.rating);
      try {
        await send(
          'POST',
          `/claims/${encodeURIComponent(claim.claimId)}/verdicts`,
          { rating: { ratingValue: n, alternateName: RATINGS.find(([k]) => k === n)[1] }, reasoning: v.reasoning, reviewer: v.reviewer, reviewedAt: new Date().toISOString() },
          { ifMatch: claim.revision, idempotencyKey: key },
        );
      } catch (err) {
        throw withReload(err);
      }
      await reload();
    },
    (ev) => {
      ev.target.form.reset();
      delete ev.target.form.dataset.dirty;
    },
  );
  const verdictSection = h('section', { class: 'card verdict-form', 'aria-label': 'Record a verdict' }, verdict);
  root.append(verdictSection);
}
