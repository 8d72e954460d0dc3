// How decoded values are written out, shared by every output (dump, diff, check, the manifest):
// JSON with u64 as "0x…" strings and raw bytes as upper-case hex.
import type { Value } from './schema.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Each byte's two upper-case hex digits. */
const HEX = Array.from({ length: 256 }, (_x, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** Bytes as upper-case hex, with an optional separator. */
export function hexBytes(b: Uint8Array, sep = ''): string {
  if (!b.length) return '';
  let s = HEX[b[0]];
  for (let i = 1; i < b.length; i++) s += sep + HEX[b[i]];
  return s;
}

/** A decoded value as JSON: u64 as "0x…", bytes as hex, structs as objects. */
export function jsonValue(v: Value): Json {
  if (typeof v === 'bigint') return '0x' + v.toString(16).toUpperCase();
  if (v instanceof Uint8Array) return hexBytes(v);
  if (typeof v === 'object') {
    const o: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) o[k] = jsonValue(x);
    return o;
  }
  return v;
}

/** A GUID as text: the first three groups little-endian, as UEFI and iasl print them. */
export function guidText(b: Uint8Array): string {
  const h = (from: number, to: number, rev: boolean) => {
    const s = Array.from(b.subarray(from, to), (x) => x.toString(16).padStart(2, '0'));
    return (rev ? s.reverse() : s).join('');
  };
  return `${h(0, 4, true)}-${h(4, 6, true)}-${h(6, 8, true)}-${h(8, 10, false)}-${h(10, 16, false)}`;
}
