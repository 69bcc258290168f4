/**
 * Words that qualify a number ("over $5 billion", "about 200 troops", "50+"). Each maps to one
 * canonical modifier; what each does to the bounds is in RULES.md ("Modifiers") and quantity.ts.
 */
export type Modifier = 'about' | 'nearly' | 'just-over' | 'over' | 'at-least' | 'up-to' | 'under' | 'exactly';

export const MODIFIERS: readonly Modifier[] = ['about', 'nearly', 'just-over', 'over', 'at-least', 'up-to', 'under', 'exactly'];

const LEADING: ReadonlyArray<[string, Modifier]> = [
  ['approximately', 'about'], ['approx.', 'about'], ['approx', 'about'], ['roughly', 'about'],
  ['an estimated', 'about'], ['estimated', 'about'], ['around', 'about'], ['about', 'about'],
  ['circa', 'about'], ['close to', 'about'], ['some', 'about'], ['c.', 'about'], ['ca.', 'about'], ['~', 'about'],
  ['nearly', 'nearly'], ['almost', 'nearly'], ['just under', 'nearly'], ['just below', 'nearly'],
  ['just short of', 'nearly'], ['slightly less than', 'nearly'], ['slightly under', 'nearly'],
  ['a little under', 'nearly'], ['a little less than', 'nearly'],
  ['just over', 'just-over'], ['just above', 'just-over'], ['just more than', 'just-over'],
  ['slightly over', 'just-over'], ['slightly above', 'just-over'], ['slightly more than', 'just-over'],
  ['a little over', 'just-over'], ['a little more than', 'just-over'],
  ['more than', 'over'], ['greater than', 'over'], ['in excess of', 'over'], ['upwards of', 'over'],
  ['upward of', 'over'], ['exceeding', 'over'], ['over', 'over'], ['above', 'over'], ['>', 'over'],
  ['at least', 'at-least'], ['no less than', 'at-least'], ['not less than', 'at-least'],
  ['no fewer than', 'at-least'], ['not fewer than', 'at-least'], ['a minimum of', 'at-least'],
  ['minimum of', 'at-least'], ['minimum', 'at-least'], ['≥', 'at-least'], ['>=', 'at-least'],
  ['up to', 'up-to'], ['upto', 'up-to'], ['at most', 'up-to'], ['no more than', 'up-to'],
  ['not more than', 'up-to'], ['a maximum of', 'up-to'], ['maximum of', 'up-to'], ['maximum', 'up-to'],
  ['as much as', 'up-to'], ['as many as', 'up-to'], ['not exceeding', 'up-to'], ['≤', 'up-to'], ['<=', 'up-to'],
  ['less than', 'under'], ['fewer than', 'under'], ['lower than', 'under'], ['under', 'under'],
  ['below', 'under'], ['sub-', 'under'], ['<', 'under'],
  ['exactly', 'exactly'], ['precisely', 'exactly'],
];

const TRAILING: ReadonlyArray<[string, Modifier]> = [
  ['or more', 'at-least'], ['or above', 'at-least'], ['and above', 'at-least'], ['and more', 'at-least'],
  ['or over', 'at-least'], ['plus', 'at-least'], ['+', 'at-least'],
  ['or less', 'up-to'], ['or fewer', 'up-to'], ['or below', 'up-to'], ['and below', 'up-to'], ['or under', 'up-to'],
  ['or so', 'about'],
];

// Longest phrase first so "more than" is not read as "more".
const LEADING_SORTED = [...LEADING].sort((a, b) => b[0].length - a[0].length);

/** Splits a leading modifier off lower-cased words. */
export function leadingModifier(text: string): { modifier: Modifier; rest: string } | null {
  for (const [phrase, modifier] of LEADING_SORTED) {
    if (!text.startsWith(phrase)) continue;
    const after = text.slice(phrase.length);
    const symbol = !/[a-z]$/.test(phrase); // "~5", ">5", "c.5" need no space
    if (symbol ? after.length > 0 : /^\s+\S/.test(after)) return { modifier, rest: after.trim() };
  }
  return null;
}

/** Splits a trailing modifier ("5 or more", "50+") off lower-cased words; `noun` words may follow it. */
export function trailingModifier(text: string): { modifier: Modifier; rest: string } | null {
  for (const [phrase, modifier] of TRAILING) {
    if (phrase === '+') {
      const m = /^(.*\d)\+(\s.*)?$/.exec(text);
      if (m) return { modifier, rest: `${m[1]}${m[2] ?? ''}`.trim() };
      continue;
    }
    if (text.endsWith(` ${phrase}`)) return { modifier, rest: text.slice(0, -phrase.length - 1).trim() };
  }
  return null;
}
