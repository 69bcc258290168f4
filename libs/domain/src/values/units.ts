/**
 * Units a quantity may carry: ISO 4217 currencies, `%` and its relatives, and a closed list of named
 * units. A unit outside these lists is refused rather than guessed (RULES.md, "Units").
 */

/** ISO 4217 codes accepted as written (upper or lower case). Codes that are English words (ALL, TOP…) are left out. */
export const CURRENCY_CODES = [
  'USD', 'EUR', 'GBP', 'INR', 'RUB', 'CNY', 'JPY', 'CHF', 'AUD', 'CAD', 'SGD', 'HKD', 'NZD', 'KRW',
  'PKR', 'BDT', 'LKR', 'NPR', 'AED', 'SAR', 'QAR', 'KWD', 'ILS', 'TRY', 'BRL', 'ZAR', 'MXN', 'SEK',
  'NOK', 'DKK', 'PLN', 'UAH', 'KZT', 'IDR', 'MYR', 'THB', 'VND', 'EGP', 'NGN', 'KES', 'IRR', 'TWD',
  'CZK', 'HUF', 'RON', 'ARS', 'CLP', 'COP', 'PEN', 'BYN', 'AFN', 'MMK',
] as const;

const CODES = new Set<string>(CURRENCY_CODES);

/**
 * Currency signs and words before the number. `$` alone is the US dollar (the articles' usage and
 * DESIGN's "USD 5 billion" -> "$5.43 billion" example); `¥` alone is refused (yen or yuan).
 * Longest first, so "us$" wins over "$".
 */
export const CURRENCY_PREFIXES: ReadonlyArray<[string, string]> = [
  ['us $', 'USD'], ['us$', 'USD'], ['usd$', 'USD'], ['euros', 'EUR'], ['euro', 'EUR'], ['rupees', 'INR'], ['a$', 'AUD'], ['au$', 'AUD'], ['c$', 'CAD'], ['ca$', 'CAD'],
  ['s$', 'SGD'], ['hk$', 'HKD'], ['nz$', 'NZD'], ['cn¥', 'CNY'], ['rmb', 'CNY'], ['$', 'USD'],
  ['rs.', 'INR'], ['rs', 'INR'], ['re.', 'INR'], ['re', 'INR'], ['₹', 'INR'], ['€', 'EUR'],
  ['£', 'GBP'], ['₽', 'RUB'], ['₩', 'KRW'], ['₺', 'TRY'], ['₪', 'ILS'], ['₴', 'UAH'],
];

/** Currency words after the number ("5 billion dollars"). Plain "pounds" is refused (weight or sterling). */
export const CURRENCY_WORDS: ReadonlyArray<[string, string]> = [
  ['us dollars', 'USD'], ['us dollar', 'USD'], ['american dollars', 'USD'], ['dollars', 'USD'], ['dollar', 'USD'],
  ['australian dollars', 'AUD'], ['canadian dollars', 'CAD'], ['singapore dollars', 'SGD'],
  ['indian rupees', 'INR'], ['rupees', 'INR'], ['rupee', 'INR'], ['pakistani rupees', 'PKR'],
  ['sri lankan rupees', 'LKR'], ['nepalese rupees', 'NPR'],
  ['euros', 'EUR'], ['euro', 'EUR'], ['pounds sterling', 'GBP'], ['pound sterling', 'GBP'], ['sterling', 'GBP'],
  ['roubles', 'RUB'], ['rubles', 'RUB'], ['rouble', 'RUB'], ['ruble', 'RUB'],
  ['yen', 'JPY'], ['yuan', 'CNY'], ['renminbi', 'CNY'], ['swiss francs', 'CHF'], ['dirhams', 'AED'],
];

export interface NamedUnit {
  /** The canonical unit stored in the value. */
  unit: string;
  /** Multiply the written amount by this to get the canonical unit (decades and centuries are years). */
  factor: string;
}

/** Named units, aliases -> canonical. Conversions only where they are exact by definition. */
export const NAMED_UNITS: ReadonlyArray<[string, NamedUnit]> = [
  ...(['percentage points', 'percentage point', 'pp'] as const).map((a): [string, NamedUnit] => [a, { unit: 'pp', factor: '1' }]),
  ...(['basis points', 'basis point', 'bps', 'bp'] as const).map((a): [string, NamedUnit] => [a, { unit: 'bp', factor: '1' }]),
  ...(['per cent', 'percent', 'pc', '%'] as const).map((a): [string, NamedUnit] => [a, { unit: '%', factor: '1' }]),
  ...(['days', 'day'] as const).map((a): [string, NamedUnit] => [a, { unit: 'day', factor: '1' }]),
  ...(['weeks', 'week'] as const).map((a): [string, NamedUnit] => [a, { unit: 'week', factor: '1' }]),
  ...(['months', 'month'] as const).map((a): [string, NamedUnit] => [a, { unit: 'month', factor: '1' }]),
  ...(['years', 'year'] as const).map((a): [string, NamedUnit] => [a, { unit: 'year', factor: '1' }]),
  ...(['decades', 'decade'] as const).map((a): [string, NamedUnit] => [a, { unit: 'year', factor: '10' }]),
  ...(['centuries', 'century'] as const).map((a): [string, NamedUnit] => [a, { unit: 'year', factor: '100' }]),
  ...(['hours', 'hour'] as const).map((a): [string, NamedUnit] => [a, { unit: 'hour', factor: '1' }]),
  ...(['kilometres', 'kilometre', 'kilometers', 'kilometer', 'km'] as const).map((a): [string, NamedUnit] => [a, { unit: 'km', factor: '1' }]),
  ...(['metres', 'metre', 'meters', 'meter'] as const).map((a): [string, NamedUnit] => [a, { unit: 'm', factor: '1' }]),
  ...(['kilograms', 'kilogram', 'kg'] as const).map((a): [string, NamedUnit] => [a, { unit: 'kg', factor: '1' }]),
  ...(['tonnes', 'tonne', 'metric tons', 'metric ton'] as const).map((a): [string, NamedUnit] => [a, { unit: 't', factor: '1' }]),
  ...(['megawatts', 'megawatt', 'mw'] as const).map((a): [string, NamedUnit] => [a, { unit: 'MW', factor: '1' }]),
  ...(['gigawatts', 'gigawatt', 'gw'] as const).map((a): [string, NamedUnit] => [a, { unit: 'GW', factor: '1' }]),
  ...(['barrels per day', 'barrels a day', 'barrel per day', 'bpd', 'b/d'] as const).map((a): [string, NamedUnit] => [a, { unit: 'barrel/day', factor: '1' }]),
  ...(['barrels', 'barrel'] as const).map((a): [string, NamedUnit] => [a, { unit: 'barrel', factor: '1' }]),
  ...(['nautical miles', 'nautical mile', 'nmi'] as const).map((a): [string, NamedUnit] => [a, { unit: 'nmi', factor: '1' }]),
  ...(['miles', 'mile'] as const).map((a): [string, NamedUnit] => [a, { unit: 'mi', factor: '1' }]),
];

/** Canonical units a structured input may name directly. */
export const CANONICAL_UNITS: ReadonlySet<string> = new Set([
  ...CURRENCY_CODES, '%', 'pp', 'bp', 'day', 'week', 'month', 'year', 'hour', 'km', 'm', 'kg', 't', 'MW', 'GW', 'barrel', 'barrel/day', 'mi', 'nmi',
]);

export function isCurrency(unit: string): boolean {
  return CODES.has(unit);
}

/** Units a rate or share is stated in: per cent, and the points a rate moves by or is made of. */
export function isRateUnit(unit: string): boolean {
  return unit === '%' || unit === 'pp' || unit === 'bp';
}

/** How a canonical unit is written after a number. */
export function unitWords(unit: string, plural: boolean): string {
  if (unit === '%') return '%';
  if (unit === 'pp') return plural ? 'percentage points' : 'percentage point';
  if (unit === 'bp') return plural ? 'basis points' : 'basis point';
  if (unit === 'm') return plural ? 'metres' : 'metre';
  if (unit === 't') return plural ? 'tonnes' : 'tonne';
  if (unit === 'barrel/day') return plural ? 'barrels per day' : 'barrel per day';
  if (unit === 'mi') return plural ? 'miles' : 'mile';
  if (unit === 'nmi') return plural ? 'nautical miles' : 'nautical mile';
  if (['km', 'kg', 'MW', 'GW'].includes(unit)) return unit;
  return plural ? `${unit}s` : unit;
}

/**
 * Reads a canonical unit from structured input: a canonical unit, a currency code in any case, or
 * one of the aliases above. Returns the canonical unit and its factor, or null.
 */
export function canonicalUnit(written: string): NamedUnit | null {
  const trimmed = written.trim();
  if (CANONICAL_UNITS.has(trimmed)) return { unit: trimmed, factor: '1' };
  const lower = trimmed.toLowerCase().replace(/\s+/g, ' ');
  if (CODES.has(lower.toUpperCase())) return { unit: lower.toUpperCase(), factor: '1' };
  for (const [alias, unit] of NAMED_UNITS) if (alias === lower) return unit;
  for (const [word, code] of CURRENCY_WORDS) if (word === lower) return { unit: code, factor: '1' };
  for (const [sign, code] of CURRENCY_PREFIXES) if (sign === lower) return { unit: code, factor: '1' };
  return null;
}
