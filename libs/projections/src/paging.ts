import { DomainError } from '#domain';

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** A cursor this server did not give out: a 400 naming the query parameter, as a domain refusal is. */
export const unknownCursor = (cursor: string): DomainError => new DomainError('invalid', `the cursor "${cursor}" is not one this server gave out`, 'cursor');

export const encodeCursor = (n: number): string => Buffer.from(String(n)).toString('base64url');

/** The position (or ordinal) a page starts after; -1 for the first page. */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return -1;
  const n = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isInteger(n)) throw unknownCursor(cursor);
  return n;
}

/** A case-insensitive LIKE pattern for words anywhere, with LIKE's own characters escaped. */
export const like = (s: string): string => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
