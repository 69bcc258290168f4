/**
 * Exact decimals (BigInt × 10^-scale) so bounds like 5.425e9 or 75.5 % are computed without
 * binary rounding; converted to `number` only at the end (Number("5.425") is the nearest double).
 */
export interface Decimal {
  int: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

export function decimal(text: string): Decimal {
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`not a decimal: ${text}`);
  const frac = m[3] ?? '';
  const int = BigInt(m[2] + frac);
  return normalize({ int: m[1] === '-' ? -int : int, scale: frac.length });
}

/** The exact decimal expansion of a finite double's shortest representation (no exponent). */
export function fromNumber(n: number): Decimal {
  if (!Number.isFinite(n)) throw new RangeError(`not finite: ${n}`);
  return decimal(plainNumber(n));
}

export function plainNumber(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!m) throw new RangeError(`unexpected number form: ${s}`);
  const digits = m[2] + (m[3] ?? '');
  const exp = Number(m[4]) - (m[3] ?? '').length;
  return toString(normalize({ int: BigInt(m[1] + digits), scale: -exp }));
}

function normalize(d: Decimal): Decimal {
  let { int, scale } = d;
  while (scale > 0 && int % 10n === 0n) {
    int /= 10n;
    scale -= 1;
  }
  if (scale < 0) {
    int *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { int, scale };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.int * 10n ** BigInt(scale - a.scale), b.int * 10n ** BigInt(scale - b.scale), scale];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return normalize({ int: x + y, scale });
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return normalize({ int: x - y, scale });
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return normalize({ int: a.int * b.int, scale: a.scale + b.scale });
}

/** a × 10^n (n may be negative). */
export function shift(a: Decimal, n: number): Decimal {
  return n >= 0 ? normalize({ int: a.int * 10n ** BigInt(n), scale: a.scale }) : normalize({ int: a.int, scale: a.scale - n });
}

export function half(a: Decimal): Decimal {
  return normalize({ int: a.int * 5n, scale: a.scale + 1 });
}

export function cmp(a: Decimal, b: Decimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function abs(a: Decimal): Decimal {
  return a.int < 0n ? { int: -a.int, scale: a.scale } : a;
}

export function isInteger(a: Decimal): boolean {
  return a.scale === 0;
}

/** Smallest integer >= a. */
export function ceil(a: Decimal): bigint {
  if (a.scale === 0) return a.int;
  const p = 10n ** BigInt(a.scale);
  const q = a.int / p; // truncates toward zero
  return a.int > 0n && a.int % p !== 0n ? q + 1n : q;
}

/** Largest integer <= a. */
export function floor(a: Decimal): bigint {
  return -ceil({ int: -a.int, scale: a.scale });
}

export function toString(a: Decimal): string {
  const negative = a.int < 0n;
  const digits = (negative ? -a.int : a.int).toString().padStart(a.scale + 1, '0');
  const whole = a.scale ? digits.slice(0, -a.scale) : digits;
  const frac = a.scale ? digits.slice(-a.scale) : '';
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

export function toNumber(a: Decimal): number {
  return Number(toString(a));
}

export const ZERO: Decimal = { int: 0n, scale: 0 };
export const ONE: Decimal = { int: 1n, scale: 0 };
