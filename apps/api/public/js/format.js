// Words for dates, instants, values and relations.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const instantFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

/** "23 Nov 2026, 12:30:12 UTC" for an ISO instant. */
export function instantWords(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : `${instantFormat.format(d)} UTC`;
}

/** "3 min ago" style, for the last change. */
export function ago(iso, now = Date.now()) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const hrs = Math.round(m / 60);
  if (hrs < 36) return `${hrs} h ago`;
  const days = Math.round(hrs / 24);
  if (days < 60) return `${days} days ago`;
  return instantWords(iso);
}

function parts(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  return { y, m, d };
}

/** "4 Dec 2025" for 'YYYY-MM-DD'. */
export function dayWords(ymd) {
  if (!ymd) return '';
  const { y, m, d } = parts(ymd);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** Words for a day interval: "4 Dec 2025", "4–5 Dec 2025", "by 30 Sep 2026", "from 2026". */
export function boundsWords(lo, hi) {
  if (lo === null && hi === null) return 'any time';
  if (lo === null) return `on or before ${dayWords(hi)}`;
  if (hi === null) return `on or after ${dayWords(lo)}`;
  if (lo === hi) return dayWords(lo);
  const a = parts(lo);
  const b = parts(hi);
  if (a.y === b.y && a.m === b.m) return `${a.d}–${b.d} ${MONTHS[a.m - 1]} ${a.y}`;
  if (a.y === b.y) return `${a.d} ${MONTHS[a.m - 1]} – ${b.d} ${MONTHS[b.m - 1]} ${a.y}`;
  return `${dayWords(lo)} – ${dayWords(hi)}`;
}

const ISOISH = /^[\d\-/.?~%X]+$/;

/** Said-at words: the text as written unless it is only an EDTF string, then the bounds in words. */
export function dateValueWords(dv) {
  if (!dv) return '';
  if (typeof dv === 'string') return ISOISH.test(dv) && dv.includes('-') ? edtfWords(dv) : dv;
  if (dv.text && !ISOISH.test(dv.text)) return dv.text;
  return dv.bounds ? boundsWords(dv.bounds.lo, dv.bounds.hi) : dv.text || dv.normalized || '';
}

function edtfWords(text) {
  const [lo, hi = lo] = text.split('/');
  if (/^\d{4}-\d{2}-\d{2}$/.test(lo) && /^\d{4}-\d{2}-\d{2}$/.test(hi)) return boundsWords(lo, hi);
  return text;
}

/** A value in words as written (strings pass through). */
export function valueWords(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return v.text || v.normalized || '—';
}

const numberFormat = new Intl.NumberFormat('en', { maximumSignificantDigits: 6 });
const compactFormat = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 4 });

export function numberWords(n, unit, compact = false) {
  if (n === null || n === undefined) return '';
  const text = (compact ? compactFormat : numberFormat).format(n);
  if (!unit) return text;
  if (unit === '%') return `${text}%`;
  return `${unit} ${text}`;
}

/** The bounds of a value in words, to show beside the words as written. */
export function valueBoundsWords(v) {
  if (!v || typeof v === 'string' || !v.bounds) return '';
  const { lo, hi } = v.bounds;
  if (v.type === 'date') return boundsWords(lo, hi);
  if (lo === null && hi === null) return 'any amount';
  if (lo === null) return `at most ${numberWords(hi, v.unit)}`;
  if (hi === null) return `at least ${numberWords(lo, v.unit)}`;
  if (lo === hi) return numberWords(lo, v.unit);
  return `${numberWords(lo, v.unit)} to ${numberWords(hi, v.unit)}`;
}

export const RELATION_WORDS = {
  same: 'same as the previous',
  refines: 'refines the previous',
  generalizes: 'generalizes the previous',
  overlaps: 'overlaps the previous',
  contradicts: 'contradicts the previous',
  incomparable: 'cannot be compared with the previous',
};

export const STATUS_WORDS = {
  settled: 'Settled',
  revised: 'Revised',
  contested: 'Contested',
};

export const STATUS_HELP = {
  settled: 'Nothing moved: the live assertions agree (some may round or bracket others)',
  revised: 'A later statement moved the value: a deadline slipped, a figure was revised',
  contested: 'Sources disagree at the same time (said within a week of each other)',
};

/** How an assertion supports the current value, in words. */
export const SUPPORT_WORDS = {
  states: 'states it',
  'less-precise': 'less precisely',
  'spelling-variant': 'spelling variant',
};
