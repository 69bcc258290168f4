// The `edtf` package ships no types; this declares only the surface claimline uses.
declare module 'edtf' {
  export interface ExtendedDate {
    readonly type: string;
    readonly edtf: string;
    /** Epoch ms; -Infinity / Infinity for `..`, null for an unknown end. */
    readonly min: number | null;
    readonly max: number | null;
  }
  export default function edtf(input: string, constraints?: Record<string, unknown>): ExtendedDate;
  export function parse(input: string, constraints?: Record<string, unknown>): { type: string; values: unknown[] };
}
