// What both readers of a definition block share: reading its bytes (integers, PkgLengths, names,
// strings) with the bounds each read must stay within, and finding the method a name calls.
//
// A method call is a name followed by as many terms as the method takes, so reading one needs the
// callee's argument count (ACPI 6.5 §20.2.5.4 MethodInvocation). Names resolve as ACPI's search
// rules have it (§5.3: a lone NameSeg is looked for in the scope and each scope above it) against
// the set's Names (names.ts), which the declarations reader (declarations.ts) fills from every block
// before the term reader (decode.ts) reads any block whole.
import type { AmlIssue, AmlName, PkgLen } from './tree.js';
import type { ArgKind } from './opcodes.js';

export type { AmlIssue };

/** The grammar of a call with n arguments (one array per count). */
export const callGrammar = (n: number): readonly ArgKind[] => CALLS[n] ?? Array<ArgKind>(n).fill('term');
const CALLS: readonly ArgKind[][] = Array.from({ length: 8 }, (_x, n) => Array<ArgKind>(n).fill('term'));

export const LEAD = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const NAME_CHAR = (c: number) => LEAD(c) || (c >= 0x30 && c <= 0x39);
export const hex = (n: number): string => `0x${n.toString(16).toUpperCase()}`;

/** How a PkgLength whose lead byte is `lead` is written: its width, and bits 4-5 of a multi-byte
 * lead byte, which should be 0. */
export function pkgForm(lead: number): PkgLen {
  const width = 1 + (lead >> 6);
  const reserved = lead >> 6 ? (lead >> 4) & 3 : 0;
  return reserved ? { width, reserved } : PKG_FORMS[width];
}
/** The four plain forms, shared (a tree holds one per package) and never changed. */
const PKG_FORMS: readonly PkgLen[] = [0, 1, 2, 3, 4].map((width) => Object.freeze({ width }));

/** Reading stopped: the message says what was expected at `at`. */
export class Stop {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
}

/** A position in a block's bytes, and the reads that move it. */
export class AmlCursor {
  constructor(
    protected readonly b: Uint8Array,
    protected pos: number,
    /** where the table ends (a method body read on its own ends at its package's end: -1) */
    protected readonly tableEnd: number,
    protected readonly issues: AmlIssue[],
  ) {}

  /** Where `limit` is, in a message. */
  protected end(limit: number, enclosing = false): string {
    return limit === this.tableEnd ? 'the end of the table' : `the end of ${enclosing ? 'the enclosing' : 'its'} package (${hex(limit)})`;
  }

  protected need(n: number, limit: number, what: string): void {
    if (this.pos + n > limit) throw new Stop(this.pos, `${what} runs past ${this.end(limit)}`);
  }

  /** A little-endian integer of n bytes (a bigint for 8). */
  protected u(n: number, limit: number, what: string): number | bigint {
    this.need(n, limit, what);
    const b = this.b;
    const at = this.pos;
    this.pos += n;
    if (n === 1) return b[at];
    if (n === 2) return b[at] | (b[at + 1] << 8);
    const lo = (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
    if (n === 4) return lo;
    const hi = (b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16)) + b[at + 7] * 0x1000000;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A PkgLength's value (counted from its first byte); pos moves past it. */
  protected pkgValue(limit: number): number {
    this.need(1, limit, 'a PkgLength');
    const b = this.b;
    const lead = b[this.pos];
    const extra = lead >> 6;
    this.need(1 + extra, limit, 'a PkgLength');
    let value = extra ? lead & 0x0f : lead & 0x3f;
    // at most 28 bits: an integer as V8 keeps small ones, never a boxed double
    for (let i = 0; i < extra; i++) value |= b[this.pos + 1 + i] << (4 + 8 * i);
    this.pos += 1 + extra;
    return value;
  }

  /** A PkgLength: its value and how it was written. */
  protected pkgLen(limit: number): { value: number; pkg: PkgLen } {
    const lead = this.b[this.pos];
    const value = this.pkgValue(limit);
    return { value, pkg: pkgForm(lead) };
  }

  /** A package's end from the PkgLength at pos, checked against the end of what holds it. */
  protected packageEnd(limit: number): number {
    const start = this.pos;
    const value = this.pkgValue(limit);
    const end = start + value;
    if (end > limit) throw new Stop(start, `PkgLength ${hex(value)} runs past ${this.end(limit, true)}`);
    if (end < this.pos) throw new Stop(start, `PkgLength ${hex(value)} is shorter than the PkgLength itself`);
    return end;
  }

  protected seg(limit: number): string {
    this.need(4, limit, 'a name segment');
    const b = this.b;
    const p = this.pos;
    const s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]);
    if (!LEAD(b[p]) || !NAME_CHAR(b[p + 1]) || !NAME_CHAR(b[p + 2]) || !NAME_CHAR(b[p + 3]))
      this.issues.push({ at: p, message: `name segment ${JSON.stringify(s)} has characters a NameSeg cannot hold (A-Z, 0-9, _; not a digit first)` });
    this.pos += 4;
    return s;
  }

  protected name(limit: number): AmlName {
    this.need(1, limit, 'a name');
    const b = this.b;
    let root = false;
    let parents = 0;
    if (b[this.pos] === 0x5c) {
      root = true;
      this.pos++;
    } else
      while (this.pos < limit && b[this.pos] === 0x5e) {
        parents++;
        this.pos++;
      }
    this.need(1, limit, 'a name');
    const c = b[this.pos];
    if (c === 0x00) {
      this.pos++;
      return { root, parents, segs: [], form: 'null' };
    }
    if (c === 0x2e) {
      this.pos++;
      return { root, parents, segs: [this.seg(limit), this.seg(limit)], form: 'dual' };
    }
    if (c === 0x2f) {
      this.pos++;
      this.need(1, limit, 'a name');
      const count = b[this.pos++];
      const segs: string[] = [];
      for (let i = 0; i < count; i++) segs.push(this.seg(limit));
      return { root, parents, segs, form: 'multi' };
    }
    if (!LEAD(c)) throw new Stop(this.pos, `byte ${hex(c)} where a name segment starts (A-Z or _)`);
    return { root, parents, segs: [this.seg(limit)], form: 'seg' };
  }

  /** Where the NUL that ends a string at pos is (a Stop when none is before `limit`). */
  protected stringEnd(limit: number): number {
    const b = this.b;
    let e = this.pos;
    while (e < limit && b[e] !== 0) e++;
    if (e >= limit) throw new Stop(this.pos, `a string with no NUL before ${this.end(limit)}`);
    return e;
  }

  protected string(limit: number): string {
    const b = this.b;
    const e = this.stringEnd(limit);
    const s = Buffer.from(b.buffer, b.byteOffset + this.pos, e - this.pos).toString('latin1');
    this.pos = e + 1;
    return s;
  }
}
