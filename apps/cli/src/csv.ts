/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF; a field holding a comma, a double quote,
 * CR or LF is enclosed in double quotes, with each double quote inside doubled. Everything else is
 * written as is (no quotes needed, none added), so the output reads back in any RFC 4180 reader.
 */
export type CsvCell = string | number | null | undefined;

export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}
