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
  });
});
