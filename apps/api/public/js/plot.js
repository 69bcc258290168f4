// The timeline plot: x = said-at, y = the value's bounds (a scale for dates and numbers, lanes for text).
import { s } from './dom.js';
import { dateValueWords, numberWords, valueBoundsWords, valueWords } from './format.js';

const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const toMs = (ymd) => (ymd === null || ymd === undefined ? null : Date.parse(`${ymd}T00:00:00Z`));

/** Said-at interval in ms [lo, hi + 1 day), falling back to the recorded-at instant. */
function saidSpan(entry) {
  const b = entry.saidAt?.bounds ?? {};
  let lo = toMs(b.lo);
  let hi = toMs(b.hi);
  if (hi !== null) hi += DAY - 1;
  if (lo === null && hi === null) lo = hi = Date.parse(entry.recordedAt);
  if (lo === null) lo = hi;
  if (hi === null) hi = lo;
  return { lo, hi, mid: (lo + hi) / 2 };
}

/** Value bounds as numbers (ms for dates); null = open end. */
function valueSpan(value) {
  const b = value?.bounds;
  if (!b) return null;
  if (value.type === 'date') return { lo: toMs(b.lo), hi: b.hi === null ? null : toMs(b.hi) + DAY - 1 };
  return { lo: b.lo === null ? null : Number(b.lo), hi: b.hi === null ? null : Number(b.hi) };
}

function linear([d0, d1], [r0, r1]) {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

function timeTicks(min, max, maxCount) {
  const start = new Date(min);
  const spanMonths = (max - min) / (30.44 * DAY);
  const step = [1, 2, 3, 6, 12, 24, 60, 120, 240].find((m) => spanMonths / m <= maxCount) ?? 600;
  let y = start.getUTCFullYear();
  let m = step >= 12 ? 0 : Math.floor(start.getUTCMonth() / step) * step;
  if (step >= 12) y = Math.floor(y / (step / 12)) * (step / 12);
  const ticks = [];
  for (let guard = 0; guard < 200; guard++) {
    const t = Date.UTC(y, m, 1);
    if (t > max) break;
    if (t >= min) ticks.push({ value: t, label: step >= 12 || m === 0 ? String(y) : `${MONTHS[m]} ${y}` });
    m += step;
    y += Math.floor(m / 12);
    m %= 12;
  }
  return ticks;
}

function numberTicks(min, max, maxCount, unit) {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / maxCount;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((st) => span / st <= maxCount) ?? 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push({ value: v, label: numberWords(Number(v.toPrecision(12)), unit, true) });
  return ticks;
}

function truncate(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/**
 * @param {object} o
 * @param {object[]} o.entries timeline entries in said-at order
 * @param {'date'|'quantity'|'count'|'text'} o.valueType
 * @param {(sourceId: string) => string} o.colorOf
 * @param {(sourceId: string) => string} o.sourceName
 * @param {(assertionId: string) => void} o.onSelect
 */
export function timelinePlot({ entries, valueType, colorOf, sourceName, onSelect, label, width = 860 }) {
  // Drawn at the width it is shown at, so text keeps its size on a phone.
  const W = Math.round(Math.max(320, Math.min(1100, width)));
  const narrow = W < 600;
  const isText = valueType === 'text' || entries.some((e) => !e.value?.bounds);
  const lanes = [];
  if (isText) {
    for (const e of entries) {
      const key = String(e.value?.normalized ?? e.value?.text ?? '').toLowerCase();
      if (!lanes.some((l) => l.key === key)) lanes.push({ key, text: valueWords(e.value) });
    }
  }
  const margin = { top: 24, right: narrow ? 12 : 24, bottom: 44, left: isText ? (narrow ? 110 : 170) : narrow ? 72 : 96 };
  const H = isText ? Math.max(160, margin.top + margin.bottom + lanes.length * 48) : narrow ? 320 : 380;
  const plot = { x0: margin.left, x1: W - margin.right, y0: margin.top, y1: H - margin.bottom };

  // x domain: said-at.
  const spans = entries.map(saidSpan);
  let xMin = Math.min(...spans.map((sp) => sp.lo));
  let xMax = Math.max(...spans.map((sp) => sp.hi));
  if (!entries.length) xMin = xMax = Date.now();
  const xPad = Math.max((xMax - xMin) * 0.08, 45 * DAY);
  xMin -= xPad;
  xMax += xPad;
  const x = linear([xMin, xMax], [plot.x0, plot.x1]);

  // y domain: the finite bounds of the values.
  let y;
  let yTicks = [];
  if (isText) {
    const band = (plot.y1 - plot.y0) / Math.max(lanes.length, 1);
    y = (laneIndex) => plot.y0 + band * (laneIndex + 0.5);
  } else {
    const finite = entries.flatMap((e) => {
      const v = valueSpan(e.value);
      return v ? [v.lo, v.hi].filter((n) => n !== null && Number.isFinite(n)) : [];
    });
    // For dates with an open end, the said-at range is the natural other end ("by X" said at T).
    const openEnded = entries.some((e) => e.value?.bounds && (e.value.bounds.lo === null || e.value.bounds.hi === null));
    if (valueType === 'date' && (openEnded || !finite.length)) finite.push(...spans.flatMap((sp) => [sp.lo, sp.hi]));
    let yMin = finite.length ? Math.min(...finite) : 0;
    let yMax = finite.length ? Math.max(...finite) : 1;
    const minPad = valueType === 'date' ? 45 * DAY : valueType === 'count' ? 1 : Math.abs(yMax) * 0.05 || 1;
    const yPad = Math.max((yMax - yMin) * 0.12, minPad);
    yMin -= yPad;
    yMax += yPad;
    if (valueType === 'count') yMin = Math.max(yMin, Math.min(0, ...finite));
    y = linear([yMin, yMax], [plot.y1, plot.y0]);
    y.domain = [yMin, yMax];
    const unit = entries.find((e) => e.value?.unit)?.value.unit;
    yTicks = valueType === 'date' ? timeTicks(yMin, yMax, 7) : numberTicks(yMin, yMax, 7, unit);
    if (valueType === 'count') yTicks = yTicks.filter((t) => Number.isInteger(t.value));
  }

  const svg = s('svg', {
    class: 'plot',
    viewBox: `0 0 ${W} ${H}`,
    role: 'group',
    'aria-label': label,
    preserveAspectRatio: 'xMidYMid meet',
  });
  const defs = s('defs');
  svg.append(defs);

  // Grid and axes.
  const axes = s('g', { class: 'axes', 'aria-hidden': 'true' });
  for (const t of timeTicks(xMin, xMax, Math.max(3, Math.floor((plot.x1 - plot.x0) / 90)))) {
    const px = x(t.value);
    axes.append(s('line', { class: 'grid', x1: px, x2: px, y1: plot.y0, y2: plot.y1 }));
    axes.append(s('text', { class: 'tick', x: px, y: plot.y1 + 16, 'text-anchor': 'middle' }, t.label));
  }
  if (isText) {
    lanes.forEach((lane, i) => {
      axes.append(s('line', { class: 'grid', x1: plot.x0, x2: plot.x1, y1: y(i), y2: y(i) }));
      axes.append(s('text', { class: 'tick lane', x: plot.x0 - 8, y: y(i) + 4, 'text-anchor': 'end' }, s('title', {}, lane.text), truncate(lane.text, narrow ? 14 : 24)));
    });
  } else {
    for (const t of yTicks) {
      const py = y(t.value);
      if (py < plot.y0 - 1 || py > plot.y1 + 1) continue;
      axes.append(s('line', { class: 'grid', x1: plot.x0, x2: plot.x1, y1: py, y2: py }));
      axes.append(s('text', { class: 'tick', x: plot.x0 - 8, y: py + 4, 'text-anchor': 'end' }, t.label));
    }
  }
  if (valueType === 'date' && !isText) {
    // Where value = said-at: marks below this line speak of the past, above it of the future.
    const lo = Math.max(xMin, y.domain[0]);
    const hi = Math.min(xMax, y.domain[1]);
    if (hi > lo) {
      axes.append(s('line', { class: 'now-line', x1: x(lo), y1: y(lo), x2: x(hi), y2: y(hi) }));
      axes.append(s('text', { class: 'now-label', x: x(hi) - 4, y: y(hi) + 14, 'text-anchor': 'end' }, 'value = said-at'));
    }
  }
  axes.append(s('line', { class: 'axis', x1: plot.x0, x2: plot.x1, y1: plot.y1, y2: plot.y1 }));
  axes.append(s('line', { class: 'axis', x1: plot.x0, x2: plot.x0, y1: plot.y0, y2: plot.y1 }));
  axes.append(s('text', { class: 'axis-label', x: (plot.x0 + plot.x1) / 2, y: H - 6, 'text-anchor': 'middle' }, 'said at →'));
  axes.append(s('text', { class: 'axis-label', x: 4, y: 12, 'text-anchor': 'start' }, isText ? 'value' : valueType === 'date' ? 'value (date) ↑' : 'value ↑'));
  svg.append(axes);

  // Spread marks that share (nearly) the same said-at, so none hides another.
  const order = spans.map((sp, i) => ({ i, px: x(sp.mid) })).sort((a, b) => a.px - b.px);
  const clusters = [];
  for (const o of order) {
    const last = clusters.at(-1);
    if (last && o.px - last[0].px < 16) last.push(o);
    else clusters.push([o]);
  }
  const dx = new Array(entries.length).fill(0);
  for (const c of clusters) c.forEach((o, k) => (dx[o.i] = (k - (c.length - 1) / 2) * 16));

  // Marks.
  const centers = new Map();
  const relations = s('g', { class: 'relations' });
  const marks = s('g', { class: 'marks' });
  entries.forEach((e, i) => {
    const sp = spans[i];
    const cx = x(sp.mid) + dx[i];
    const color = colorOf(e.sourceId);
    const retracted = e.status === 'retracted';
    const g = s('g', {
      class: `mark${retracted ? ' retracted' : ''}`,
      'data-assertion-id': e.assertionId,
      'data-source-id': e.sourceId,
      'data-status': e.status,
      tabindex: '0',
      role: 'img',
      style: `--c:${color}`,
      'aria-label': `${valueWords(e.value)} — said ${dateValueWords(e.saidAt)} by ${e.speaker} in ${sourceName(e.sourceId)}${retracted ? ' (retracted)' : ''}`,
    });
    const title = [
      `${valueWords(e.value)}${valueBoundsWords(e.value) ? ` (${valueBoundsWords(e.value)})` : ''}`,
      `said ${dateValueWords(e.saidAt)} by ${e.speaker} (${e.modality})`,
      `source: ${sourceName(e.sourceId)}`,
      retracted ? `retracted: ${e.retraction?.reason ?? ''}` : '',
    ]
      .filter(Boolean)
      .join('\n');
    g.append(s('title', {}, title));
    let cy;
    if (isText) {
      const lane = lanes.findIndex((l) => l.key === String(e.value?.normalized ?? e.value?.text ?? '').toLowerCase());
      cy = y(lane);
      g.append(s('circle', { class: 'point', cx, cy, r: 7 }));
    } else {
      const v = valueSpan(e.value);
      const top = v.hi === null ? plot.y0 : Math.max(plot.y0, y(v.hi));
      const bottom = v.lo === null ? plot.y1 : Math.min(plot.y1, y(v.lo));
      cy = (top + bottom) / 2;
      if (bottom - top < 4) {
        g.append(s('circle', { class: 'point', cx, cy, r: 6 }));
      } else {
        g.append(s('rect', { class: 'bar', x: cx - 4, y: top, width: 8, height: bottom - top, rx: 3 }));
      }
      if (v.hi === null) g.append(s('path', { class: 'arrow', d: `M${cx - 8},${plot.y0 + 9} L${cx},${plot.y0 - 4} L${cx + 8},${plot.y0 + 9} Z` }, s('title', {}, 'no upper bound')));
      if (v.lo === null) g.append(s('path', { class: 'arrow', d: `M${cx - 8},${plot.y1 - 9} L${cx},${plot.y1 + 4} L${cx + 8},${plot.y1 - 9} Z` }, s('title', {}, 'no lower bound')));
    }
    // The said-at uncertainty as a whisker through the mark.
    const wx0 = x(sp.lo) + dx[i];
    const wx1 = x(sp.hi) + dx[i];
    if (sp.hi - sp.lo > DAY && wx1 - wx0 > 2) g.append(s('line', { class: 'whisker', x1: wx0, x2: wx1, y1: cy, y2: cy }));
    centers.set(e.assertionId, { cx, cy });
    const select = () => onSelect?.(e.assertionId);
    g.addEventListener('click', select);
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        select();
      }
    });
    marks.append(g);
  });

  // Relations between consecutive live assertions.
  for (const e of entries) {
    const rel = e.relationToPrevious;
    if (!rel) continue;
    const a = centers.get(rel.previousAssertionId);
    const b = centers.get(e.assertionId);
    if (!a || !b) continue;
    const close0 = Math.abs(b.cx - a.cx) < 48;
    const mx = close0 ? (Math.max(a.cx, b.cx) + 40 > plot.x1 ? Math.min(a.cx, b.cx) - 28 : Math.max(a.cx, b.cx) + 28) : (a.cx + b.cx) / 2;
    const lift = Math.max(28, Math.abs(b.cx - a.cx) * 0.25);
    const my = close0 ? (a.cy + b.cy) / 2 : Math.max(plot.y0 + 10, Math.min(a.cy, b.cy) - lift);
    const words = rel.relation === 'contradicts' ? '✕ contradicts' : rel.relation === 'overlaps' ? '≈ overlaps' : rel.relation;
    const close = close0;
    const leftSide = close && Math.max(a.cx, b.cx) + 18 + words.length * 7 > plot.x1;
    const lx = close ? (leftSide ? Math.min(a.cx, b.cx) - 14 : Math.max(a.cx, b.cx) + 18) : mx;
    const ly = close ? (a.cy + b.cy) / 2 + 4 : (a.cy + b.cy) / 4 + my / 2 - 4;
    relations.append(
      s(
        'g',
        { class: `relation rel-${rel.relation}`, 'data-relation': rel.relation, 'data-from': rel.previousAssertionId, 'data-to': e.assertionId },
        s('title', {}, `${rel.relation}: ${rel.explanation}`),
        s('path', { d: `M${a.cx},${a.cy} Q${mx},${my} ${b.cx},${b.cy}` }),
        s('text', { x: lx, y: ly, 'text-anchor': close ? (leftSide ? 'end' : 'start') : 'middle' }, words),
      ),
    );
  }
  svg.append(relations, marks);
  return svg;
}

/** Okabe–Ito and friends: distinguishable for most colour vision. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7a5195', '#4d4d4d', '#b8860b', '#1b9e77'];

export function colorScale() {
  const assigned = new Map();
  return (id) => {
    if (!assigned.has(id)) assigned.set(id, PALETTE[assigned.size % PALETTE.length]);
    return assigned.get(id);
  };
}
