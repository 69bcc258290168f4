import type { Modality } from '../events/events.js';
import type { Span } from './text.js';

/** What a passage says about who said it, how and when, in its own words. */
export interface Cues {
  /** Who made the statement, as the text names them ("Indian defence officials", "Moscow"). */
  speaker: { name: string; words: string } | null;
  modality: { value: Modality; words: string } | null;
  /** A date the text gives for when it was said ("said on Wednesday", a dateline): the date words and where they stand. */
  saidAt: (Span & { words: string }) | null;
  /** Every such date in the sentence: they say when, not what, so they are no values. */
  saidAtSpans: Span[];
  /** The passage speaks of what is yet to come: a month or weekday without a year is read forward. */
  future: boolean;
}

const SPEECH = 'said|says|say|told|tells|stated|states|announced|announces|added|noted|claimed|claims|confirmed|confirms|assured|assures|pledged|pledges|promised|promises|hinted|hints|warned|cautioned|estimated|estimates|expect|expects|doubt|doubts|reported|reports|insisted|denied|denies|maintained|acknowledged|reiterated|invited';
const SPEECH_VERB = new RegExp(`\\b(?:(?:has|have|had|also|further|earlier|later|again)\\s+)*(?:${SPEECH})\\b`, 'g');

/** Groups that speak in the news ("Indian exporters said"): a name of who spoke, alone or after other words. */
const GROUPS = 'exporters importers traders economists lawmakers legislators negotiators envoys manufacturers investors bankers producers observers insiders';

/** Lower-case words that may belong to the name of who spoke ("senior defence officials", "industry executives"). */
const SPEAKER_WORDS = new Set(
  ('sources source officials official executives executive analysts analyst experts expert spokesperson spokesman spokeswoman ' +
    'ministry defence defense military government senior top company industry diplomats diplomatic people familiar with ' +
    `the preparations matter talks plans negotiations minister ministers chief secretary embassy army navy air force ` +
    `retired former marshal officer officers admiral commander side sides ${GROUPS}`).split(' '),
);

const PRONOUNS = /^(he|she|they|it|we|i)$/i;
const NOUNS_THAT_SPEAK = new RegExp(`\\b(sources?|officials?|executives?|analysts?|experts?|spokes(?:person|man|woman)|ministry|embassy|government|minister|chief|diplomats?|people|marshal|officers?|admiral|commander|sides?|${GROUPS.replaceAll(' ', '|')})\\b`, 'i');

/** Modalities by the words that signal them, strongest first (a denial outranks the "said" around it). */
const MODALITY_CUES: ReadonlyArray<[Modality, RegExp]> = [
  ['denied', /\b(denied|denies|deny|rejected)\b/i],
  ['conditional', /(^|[\s,(])(if|unless|provided that)\s/i],
  ['assured', /\b(assured|assures|assure|assurance|pledged|pledges|pledge|promised|promises|vowed|committed to)\b/i],
  ['invited', /\b(invited|invites|invitation)\b/i],
  ['hinted', /\b(hinted|hints|suggested|indicated)\b/i],
  ['cautioned', /\b(warned|warns|cautioned|cautions)\b/i],
  ['scheduled', /\b(scheduled|slated|due|set for|fixed for)\b/i],
  ['planned', /\b(plans?|planned|planning|intends?|intended|proposed|aims? to|target of|targets?)\b/i],
  ['expected', /\b(expected|expects|expect|likely|anticipated|forecast|projected)\b/i],
  ['estimated', /\b(estimated|estimates)\b/i],
  ['announced', /\b(announced|announces|unveiled|declared)\b/i],
  ['confirmed', /\b(confirmed|confirms|reaffirmed|reiterated|repeated)\b/i],
];

const FUTURE = /\b(will|would|shall|is to|are to|to be|due|expected|likely|scheduled|slated|set to|plans?|planned|next|upcoming|forthcoming|coming)\b/i;

const WEEKDAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?';
// "said on Tuesday", and as American papers write it, "said Tuesday" (not "said Tuesday's talks").
const WHEN_SAID = `(?:(?:on\\s+)?(?:(?:last|this)\\s+)?${WEEKDAY}(?!['’])|on\\s+\\d{1,2}\\s+${MONTH}(?:,?\\s+\\d{4})?|on\\s+${MONTH}\\s+\\d{1,2}(?:,?\\s+\\d{4})?|yesterday|today|earlier\\s+today)`;
/**
 * When it was said, right after the verb or after where it was said ("had said in December that",
 * "said in an interview last week"): a month or a span back from the day of writing. Nowhere else:
 * a few other words further on, "in December" is as likely the value ("said deliveries end in December").
 */
const WHEN_SAID_NEXT = `(?:in\\s+(?:early\\s+|mid-|late\\s+)?${MONTH}(?:\\s+\\d{4})?|(?:last|earlier\\s+this|this)\\s+(?:week|month|year))`;
/** "confirmed by Rajnath Singh": who said it, after the verb. */
const SAID_BY = new RegExp(`\\b(?:${SPEECH})\\s+by\\s+([\\p{Lu}][\\p{L}-]*(?:\\s+[\\p{Lu}][\\p{L}-]*){0,5})`, 'gu');
const SAID_THEN = new RegExp(`\\b(?:${SPEECH})\\b(?:\\s+[\\p{L}-]+){0,3}?\\s+(?<when>${WHEN_SAID})\\b`, 'giu');
/** Verbs of saying alone: "announced in October 2018" or "reported in March" may date what happened, not the saying. */
const SAYING = 'said|says|told|tells|stated|states|added|noted|claimed|insisted|maintained|acknowledged|reiterated|confirmed|assured|warned|cautioned|hinted';
/** Where it was said, between the verb and when: "said in an interview last month", "told reporters last week". */
const SAID_WHERE = `(?:\\s+(?:in|at|during)\\s+(?:an?|the|his|her|its|their)\\s+(?:[\\p{Ll}-]+\\s+){0,2}?(?:interview|statement|briefing|news\\s+conference|press\\s+conference|conference|speech|address|post|letter|hearing)|\\s+(?:reporters|journalists))`;
// Case matters: "the United States last year" is no verb of saying.
const SAID_NEXT = new RegExp(`\\b(?:${SAYING})${SAID_WHERE}?\\s+(?<when>${WHEN_SAID_NEXT})\\b`, 'gu');
/** "NEW DELHI, Jan 14 (Reuters) -": the place in capitals, the day the story was filed, then the agency or a dash. */
const DATELINE = new RegExp(`^[\\p{Lu}][\\p{Lu} .]+,\\s+(${MONTH}\\s+\\d{1,2}(?:,?\\s+\\d{4})?|\\d{1,2}\\s+${MONTH}(?:,?\\s+\\d{4})?)\\s*(?=\\(|[-–—])`, 'u');
const THEN_SAID = new RegExp(`\\b(?<when>${WHEN_SAID})\\s+(?:${SPEECH})\\b`, 'giu');

/**
 * Reads the cues of the clause `clause` of the sentence `sentence`: the speaker named nearest to
 * it, the strongest modality word in the clause (else the sentence), a said-at date attached to a
 * verb of saying, and whether the clause looks ahead. `earlierSpeaker` resolves "he said".
 */
export function cuesOf(text: string, sentence: Span, clause: Span, earlierSpeaker: string | null = null): Cues {
  const body = text.slice(sentence.start, sentence.end);
  const clauseText = text.slice(clause.start, clause.end);
  const { speaker, describes } = speakerOf(text, sentence, clause, earlierSpeaker);

  let modality: Cues['modality'] = null;
  for (const scope of [clauseText, body]) {
    for (const [value, cue] of MODALITY_CUES) {
      const m = cue.exec(scope);
      if (m) {
        modality = { value, words: m[0].trim() };
        break;
      }
    }
    if (modality) break;
  }

  const found: (Span & { words: string })[] = [];
  const filed = DATELINE.exec(body);
  const start = filed ? sentence.start + filed.index + filed[0].indexOf(filed[1]!) : 0;
  const dateline = filed ? { start, end: start + filed[1]!.length, words: filed[1]! } : null;
  if (dateline) found.push(dateline);
  for (const re of [SAID_THEN, SAID_NEXT, THEN_SAID]) {
    re.lastIndex = 0;
    for (let m = re.exec(body); m; m = re.exec(body)) {
      const words = m.groups!.when!;
      const at = sentence.start + m.index + (re === THEN_SAID ? 0 : m[0].length - words.length);
      found.push({ start: at, end: at + words.length, words });
    }
  }

  // A clause that describes who spoke is the writer's, said when the story was filed (the dateline, if any).
  const saidAt = describes ? dateline : (found[0] ?? null);
  return { speaker, modality, saidAt, saidAtSpans: found, future: FUTURE.test(clauseText) };
}

interface Named {
  name: string;
  words: string;
  at: number;
  /** The words between commas that describe who spoke ("director of the service"), when the text gives some. */
  description?: Span;
}

/** The speakers a sentence names, read once per sentence (its clauses each pick the nearest). */
const namedIn = new WeakMap<Span, { earlier: string | null; found: Named[] }>();

/** A clause that contrasts with the one before it ("..., though one official doubts it"). */
const CONTRAST_AFTER = /^[\s,;]*(?:though|although|but|while|whereas)\b/i;

/**
 * Who spoke the clause: the speaker named nearest to it. A clause within the words that describe a
 * speaker ("Rajnath Singh, who co-chaired the session on December 4, said") is not that speaker's
 * statement but the writer's: `describes` says so.
 */
function speakerOf(text: string, sentence: Span, clause: Span, earlier: string | null): { speaker: Cues['speaker']; describes: boolean } {
  let named = namedIn.get(sentence);
  if (!named || named.earlier !== earlier) namedIn.set(sentence, (named = { earlier, found: speakersIn(text, sentence, earlier) }));
  const within = (n: Named): boolean => n.description !== undefined && clause.start >= n.description.start && clause.end <= n.description.end;
  // "X is due in 2027, though one official doubts it": who speaks after a "though" does not speak for what came before.
  const contrasted = (n: Named): boolean => n.at >= clause.end && CONTRAST_AFTER.test(text.slice(clause.end, n.at));
  const found = named.found.filter((n) => !within(n) && !contrasted(n));
  const describes = named.found.some(within);
  if (found.length === 0) return { speaker: null, describes };
  const distance = (n: Named): number => (n.at >= clause.start && n.at <= clause.end ? 0 : Math.min(Math.abs(n.at - clause.start), Math.abs(n.at - clause.end)));
  const best = [...found].sort((a, b) => distance(a) - distance(b) || a.at - b.at)[0]!;
  return { speaker: { name: best.name, words: best.words }, describes };
}

function speakersIn(text: string, sentence: Span, earlier: string | null): Named[] {
  const body = text.slice(sentence.start, sentence.end);
  const found: Named[] = [];

  SPEECH_VERB.lastIndex = 0;
  for (let m = SPEECH_VERB.exec(body); m; m = SPEECH_VERB.exec(body)) {
    const verbAt = m.index;
    const apposed = nameBeforeApposition(body, verbAt);
    if (apposed) {
      const description = { start: sentence.start + apposed.description.start, end: sentence.start + apposed.description.end };
      found.push({ name: apposed.name, words: `${apposed.words} ${m[0]}`, at: sentence.start + verbAt, description });
      continue;
    }
    const before = nameBefore(body, verbAt);
    const after = before ? null : nameAfter(body, verbAt + m[0].length);
    const name = before ?? after;
    if (!name) continue;
    if (PRONOUNS.test(name)) {
      if (earlier) found.push({ name: earlier, words: `${name} ${m[0]}`, at: sentence.start + verbAt });
      continue;
    }
    found.push({ name, words: before ? `${name} ${m[0]}` : `${m[0]} ${name}`, at: sentence.start + verbAt });
  }
  // "according to X", and "per X" for a name ("per Business Standard"; case-sensitive, so never "per cent").
  for (const m of [...body.matchAll(/\baccording to ((?:the\s+)?[^,.;()]{2,80})/gi), ...body.matchAll(/\bper ((?:the\s+)?\p{Lu}[^,.;()]{1,80})/gu)]) {
    // "According to him": the speaker named before.
    const named = m[1]!;
    if (/^(him|her|them)\b/i.test(named)) {
      if (earlier) found.push({ name: earlier, words: m[0], at: sentence.start + m.index });
      continue;
    }
    const name = trimName(named.split(/\s+/).slice(0, 8).join(' '));
    if (name && (/^\p{Lu}/u.test(name) || NOUNS_THAT_SPEAK.test(name))) found.push({ name, words: m[0], at: sentence.start + m.index });
  }
  for (const m of body.matchAll(SAID_BY)) found.push({ name: m[1]!, words: m[0], at: sentence.start + m.index });
  return found;
}

/**
 * "Dmitry Shugaev, director of the service, said": the name before words set off by commas that end
 * at the verb. A comma right before a verb of saying closes a description or an aside ("Shugaev, 58,
 * said", "Moscow, however, said"), so its last word is no name. The other way round, "the deputy
 * head of the service, Vladimir Drozhzhov, told", the name is what the commas set off.
 */
function nameBeforeApposition(body: string, verbAt: number): { name: string; words: string; description: Span } | null {
  const before = body.slice(0, verbAt).trimEnd();
  if (!before.endsWith(',')) return null;
  const open = before.lastIndexOf(',', before.length - 2);
  if (open < 0) return null;
  const apposition = before.slice(open + 1, -1).trim();
  if (!apposition || apposition.split(/\s+/).length > 30 || /[;:!?]/.test(apposition)) return null;
  const described = describedName(body, open, apposition);
  if (described) return described;
  const name = nameBefore(body, open);
  if (!name || PRONOUNS.test(name)) return null;
  const start = body.indexOf(apposition, open + 1);
  return { name, words: `${name}, ${apposition},`, description: { start, end: start + apposition.length } };
}

/** A person's or body's name as written: up to five capitalised words or initials, no title ("Defence Minister") nor acronym alone ("FSMTC"). */
const PROPER_NAME = /^(?:\p{Lu}[\p{Ll}'’-]+|\p{Lu}\.?)(?:\s+(?:\p{Lu}[\p{Ll}'’-]+|\p{Lu}\.?)){0,4}$/u;

/**
 * "the deputy head of the service, Vladimir Drozhzhov, said": a name set off by commas after words
 * that describe it (they begin with an article, a possessive or a lower-case word).
 */
function describedName(body: string, open: number, apposition: string): { name: string; words: string; description: Span } | null {
  if (!PROPER_NAME.test(apposition) || apposition.split(/\s+/).some((w) => SPEAKER_WORDS.has(w.toLowerCase()))) return null;
  const from = body.lastIndexOf(',', open - 1) + 1;
  const words = body.slice(from, open);
  const start = from + words.length - words.trimStart().length;
  const description = words.trim();
  if (!/^(?:the|a|an|its|his|her|their|our|\p{Ll})/u.test(description) || description.split(/\s+/).length > 20) return null;
  return { name: apposition, words: `${description}, ${apposition},`, description: { start, end: start + description.length } };
}

/** The name right before a verb of saying: capitalised words, initials and the lower-case words of titles and sources. */
function nameBefore(body: string, verbAt: number): string | null {
  const words = body.slice(0, verbAt).trimEnd().split(/\s+/);
  const taken: string[] = [];
  for (let i = words.length - 1; i >= 0 && taken.length < 9; i -= 1) {
    const w = words[i]!;
    if (/[,;:.!?)"”]$/.test(w) && taken.length > 0) break;
    const bare = w.replace(/[,;:.!?"“”()]/g, '');
    if (!bare) break;
    if (/^\p{Lu}/u.test(bare) || SPEAKER_WORDS.has(bare.toLowerCase()) || (PRONOUNS.test(bare) && taken.length === 0)) {
      taken.unshift(bare);
      if (PRONOUNS.test(bare)) break;
      if (/[,;:.!?"“(]/.test(w[0]!) || /[,;:.!?)"”]$/.test(w)) break;
    } else break;
  }
  return trimName(taken.join(' '));
}

/** The name right after a verb of saying (", said the officials", ", says Air Chief A P Singh"). */
function nameAfter(body: string, from: number): string | null {
  const words: string[] = [];
  for (const raw of body.slice(from, from + 160).split(/\s+/).slice(1, 10)) {
    const w = raw.replace(/[,.;:!?]+$/, '');
    if (/^(on|in|that|at|of)$/.test(w) || !/^[\p{L}-]+$/u.test(w)) break;
    words.push(w);
    if (w !== raw) break; // punctuation ends the name
  }
  if (words.length === 0 || !words.every((w) => /^\p{Lu}/u.test(w) || SPEAKER_WORDS.has(w.toLowerCase()))) return null;
  return trimName(words.join(' '));
}

/** Drops leading articles and numbers ("the officials", "two Indian defence officials"); null when nothing that names anyone is left. */
function trimName(name: string): string | null {
  const words = name.trim().split(/\s+/).filter(Boolean);
  while (words.length > 0 && /^(the|a|an|two|three|four|several|some|both|its|his|her|their|our|this|that)$/i.test(words[0]!)) words.shift();
  while (words.length > 0 && /^(the|with|of|and)$/i.test(words.at(-1)!)) words.pop();
  const result = words.join(' ');
  if (!result) return null;
  if (words.length === 1 && !/^\p{Lu}/u.test(result) && !NOUNS_THAT_SPEAK.test(result) && !PRONOUNS.test(result)) return null;
  if (words.every((w) => !/^\p{Lu}/u.test(w)) && !NOUNS_THAT_SPEAK.test(result) && !PRONOUNS.test(result)) return null;
  return result;
}
