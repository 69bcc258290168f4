import { LRUCache } from 'lru-cache';
import { quoteOccursIn, type AssertionFacts } from '#domain';

/** Texts read back to check quotes recorded against an older version (articles are tens of KB). */
const TEXTS_KEPT = 16;

/**
 * Whether an assertion's quote still occurs in its source's current text, for a read model that
 * keeps the sources' texts. The decider matched the quote in the text version the assertion names,
 * so while that version is current it does; only a quote recorded against an older version is
 * looked for in the text (the domain's quoteOccursIn). One per read model: it reads that model's file.
 */
export class QuoteCheck {
  /** Each source's current text version (a number per source), and a few of the texts themselves. */
  private readonly versions = new Map<string, number>();
  private readonly texts = new LRUCache<string, string>({ max: TEXTS_KEPT });

  constructor(private readonly stored: { version(sourceId: string): number | undefined; text(sourceId: string): string | undefined }) {}

  readonly occurs = (a: Pick<AssertionFacts, 'sourceId' | 'sourceTextVersion' | 'quote'>): boolean => {
    let version = this.versions.get(a.sourceId);
    if (version === undefined) this.versions.set(a.sourceId, (version = this.stored.version(a.sourceId) ?? 0));
    if (version === a.sourceTextVersion) return true;
    let text = this.texts.get(a.sourceId);
    if (text === undefined) {
      text = this.stored.text(a.sourceId) ?? '';
      this.texts.set(a.sourceId, text);
    }
    return quoteOccursIn(text, a.quote);
  };

  /** The source has a new text (registered or revised), just stored. */
  newText(sourceId: string, version: number): void {
    this.versions.set(sourceId, version);
    this.texts.delete(sourceId);
  }

  /** A batch rolled back: what was read may have been its writes. */
  forget(): void {
    this.versions.clear();
    this.texts.clear();
  }
}

/**
 * The sources whose quotes a build must check again once its indexes exist. Until then a read model
 * cannot look up who cites a source whose text changed (the citations' indexes are made when the
 * build ends): it notes the sources it has cited and, of those, the ones whose text changes after.
 */
export class TextsChangedWhileBuilding {
  private readonly cited = new Set<string>();
  private readonly changed = new Set<string>();

  cite(sourceId: string): void {
    this.cited.add(sourceId);
  }

  textChanged(sourceId: string): void {
    if (this.cited.has(sourceId)) this.changed.add(sourceId);
  }

  /** The cited sources whose text changed, each once. */
  get toCheck(): Iterable<string> {
    return this.changed;
  }
}
