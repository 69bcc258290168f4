import { describe, expect, it } from '@jest/globals';
import { cuesOf } from './cues.js';
import { sentencesOf } from './text.js';

/** The cues of the clause holding `at` in a one-sentence text. */
function cues(text: string, at: string, earlier: string | null = null) {
  const sentence = sentencesOf(text)[0]!;
  const i = text.indexOf(at);
  const clause = sentence.clauses.find((c) => c.start <= i && c.end > i) ?? sentence.clauses[0]!;
  return cuesOf(text, sentence, clause, earlier);
}

describe(cuesOf.name, () => {
  it('names who spoke, before or after the verb, and leaves out articles and numbers', () => {
    expect(cues('The remaining units will arrive by August 2026, two Indian defence officials said on Wednesday.', 'August').speaker?.name).toBe('Indian defence officials');
    expect(cues('Russian Defence Minister Andrey Belousov said the units would arrive in 2026.', '2026').speaker?.name).toBe('Russian Defence Minister Andrey Belousov');
    expect(cues('The units will arrive in 2026, says Air Chief Marshal A P Singh.', '2026').speaker?.name).toBe('Air Chief Marshal A P Singh');
    expect(cues('India imported 36% of its arms from Russia, according to the Stockholm International Peace Research Institute.', '36%').speaker?.name).toBe('Stockholm International Peace Research Institute');
    expect(cues('It was stated by Moscow that the units would be supplied by September 2026.', 'September').speaker?.name).toBe('Moscow');
    expect(cues('Indian exporters said the 50% rate would hit their shipments.', '50%').speaker?.name).toBe('Indian exporters');
    expect(cues('The rate will hit shipments by 2026, economists said.', '2026').speaker?.name).toBe('economists');
    expect(cues('Defence sources, however, expect the last squadron only in 2027.', '2027').speaker?.name).toBe('Defence sources');
    expect(cues('They reviewed the supply, which the Russian side assured would be completed by September, 2026.', 'September').speaker?.name).toBe('Russian side');
    expect(cues('The last two squadrons: now "by 2026-27", per Business Standard (Dec 5).', '2026-27').speaker?.name).toBe('Business Standard');
    expect(cues('The share rose to 36 per cent.', '36').speaker).toBeNull();
    expect(cues('The last will come before 2028, one retired air marshal, who asked not to be named, doubts.', '2028').speaker?.name).toBe('retired air marshal');
    // "According to him": the one named before.
    expect(cues('According to him, the visit is on December 4-5.', 'December', 'Dmitry Peskov').speaker?.name).toBe('Dmitry Peskov');
  });

  it('names who spoke before a description set off by commas, not the description’s last word', () => {
    const speaker = (text: string, at: string) => cues(text, at).speaker?.name;
    expect(speaker('The fifth will follow by the end of 2027, Dmitry Shugaev, director of Russia’s Federal Service for Military-Technical Cooperation, said.', '2027')).toBe('Dmitry Shugaev');
    expect(speaker('Denis Alipov, Russia’s ambassador to India, said the units would come by March 2027.', 'March')).toBe('Denis Alipov');
    expect(speaker('"The duty starts in August," Peter Navarro, a trade adviser to the president, told reporters.', 'August')).toBe('Peter Navarro');
    expect(speaker('Rajnath Singh, Defence Minister, said the units would come in 2026.', '2026')).toBe('Rajnath Singh');
    expect(speaker('Moscow, however, said the units would come in 2026.', '2026')).toBe('Moscow');
    expect(speaker('Russia will complete the deliveries in 2026-2027, the deputy head of the Federal Service for Military-Technical Cooperation, Vladimir Drozhzhov, told journalists.', '2026')).toBe('Vladimir Drozhzhov');
    expect(speaker('The rest will come in 2027, its chief executive, Alexander Mikheyev, said.', '2027')).toBe('Alexander Mikheyev');
    expect(speaker('The rest will come in 2027, the state arms exporter, Rosoboronexport, said.', '2027')).toBe('Rosoboronexport');
    // What describes the speaker is the writer's: said by no one named, when the story was filed.
    const described = cues('Defence Minister Rajnath Singh, who co-chaired the last session on December 4, said last month that the timeline held.', 'December 4');
    expect(described.speaker).toBeNull();
    expect(described.saidAt).toBeNull();
    const statement = cues('Defence Minister Rajnath Singh, who co-chaired the last session on December 4, said last month that the timeline held.', 'timeline');
    expect(statement.speaker?.name).toBe('Defence Minister Rajnath Singh');
    expect(statement.saidAt?.words).toBe('last month');
    expect(speaker('The units will come in 2026, Shugaev, 58, said.', '2026')).toBe('Shugaev');
    expect(speaker('The units will come in 2026, Shugaev, FSMTC, said.', '2026')).toBe('Shugaev');
    expect(speaker('"The duty starts in August," Peter Navarro, a U.S. trade adviser, said.', 'August')).toBe('Peter Navarro');
    // No description between the name and the verb: as before.
    expect(speaker('The units will arrive in 2026, Shugaev said.', '2026')).toBe('Shugaev');
    expect(speaker('The units will arrive in 2026, two Indian defence officials said.', '2026')).toBe('Indian defence officials');
  });

  it('does not give a clause the speaker of a later one that contrasts with it', () => {
    const text = 'Officials now talk of the remaining two arriving in 2026-27, though one retired air marshal doubts the last will come before 2028.';
    expect(cues(text, '2026-27').speaker).toBeNull();
    expect(cues(text, '2028').speaker?.name).toBe('retired air marshal');
  });

  it('prefers the speaker of the clause holding the value', () => {
    expect(cues('Russia has assured India that two units will arrive by March 2027, defence sources said.', 'March').speaker?.name).toBe('Russia');
  });

  it('reads "he said" as the speaker named before, and no one when none was', () => {
    expect(cues('He said the units would arrive in 2026.', '2026', 'Andrey Belousov').speaker?.name).toBe('Andrey Belousov');
    expect(cues('He said the units would arrive in 2026.', '2026').speaker).toBeNull();
    expect(cues('India ordered five units in 2018.', '2018').speaker).toBeNull();
  });

  it('reads the strongest modality word in the clause', () => {
    const modality = (text: string, at: string) => cues(text, at).modality?.value;
    expect(modality('Moscow has assured New Delhi that the systems will be supplied by September 2026.', 'September')).toBe('assured');
    expect(modality('The units are expected by 2026–27.', '2026')).toBe('expected');
    expect(modality('The session is scheduled for mid-2025.', 'mid')).toBe('scheduled');
    expect(modality('Officials denied that the units were due in 2026.', '2026')).toBe('denied');
    expect(modality('If India decides to buy it, the S-500 would come after 2030.', '2030')).toBe('conditional');
    expect(modality('India ordered five units in 2018.', '2018')).toBeUndefined();
  });

  it('reads when it was said from a verb of saying or a dateline, and whether the clause looks ahead', () => {
    const said = cues('Officials said on Wednesday that the units will arrive by August 2026.', 'August');
    expect(said.saidAt?.words).toBe('on Wednesday');
    expect(said.future).toBe(true);
    const dateline = cues('NEW DELHI, Jan 14 (Northline) - Russia delivered three units in 2025.', '2025');
    expect(dateline.saidAt?.words).toBe('Jan 14');
    expect(dateline.future).toBe(false);
    expect(cues('The summit was held on Friday in New Delhi.', 'Friday').saidAt).toBeNull();
    // As American papers write it, without "on"; a weekday that names something else is not when.
    expect(cues('An Indian defense official said Tuesday the timeline had slipped to 2027.', '2027').saidAt?.words).toBe('Tuesday');
    expect(cues("An official said Tuesday's talks would set a date in 2027.", '2027').saidAt).toBeNull();
  });

  it('reads a month or a span back from the day of writing right after a verb of saying as when it was said', () => {
    const saidAt = (text: string, at: string) => cues(text, at).saidAt?.words;
    expect(saidAt('Indian officials had said in December that the units would arrive by September 2026.', 'September')).toBe('in December');
    expect(saidAt('SIPRI said in March 2025 that Russia’s share fell to 36 per cent.', '36')).toBe('in March 2025');
    expect(saidAt('Rajnath Singh said last month that the units would come by 2026.', '2026')).toBe('last month');
    expect(saidAt('Moscow said earlier this week that the units would come by 2026.', '2026')).toBe('earlier this week');
    expect(saidAt('Pieter Wezeman said in an interview last month that Russia supplied 36 per cent.', '36')).toBe('last month');
    expect(saidAt('The minister told reporters last week that the units would come by 2026.', '2026')).toBe('last week');
    expect(saidAt('The ministry said in a statement in March that the units would come by 2026.', '2026')).toBe('in March');
    // Further from the verb, or after a verb that may date the event itself, the month is the value's.
    expect(saidAt('Officials said deliveries would end in December.', 'December')).toBeUndefined();
    expect(saidAt('The deal, announced in October 2018, was worth $5.43 billion.', 'October')).toBeUndefined();
    expect(saidAt('Exporters, who sold $87 billion of goods to the United States last year, said orders had slowed.', '87')).toBeUndefined();
    expect(cues('Indian officials had said in December that the units would arrive by September 2026.', 'September').saidAtSpans.map((s) => s.start)).toEqual([
      'Indian officials had said '.length,
    ]);
  });
});
