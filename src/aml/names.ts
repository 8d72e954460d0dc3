// The names a set's definition blocks use, as a tree of numbered nodes (the root is node 0): each
// node one NameSeg below its parent, found by (parent, segment) in a hash table of typed arrays, and
// for each node what the blocks declare there — a method's argument count, another object, or
// nothing yet. Calls are read against it (a method call's length is its callee's argument count),
// and namespace objects name their node. A server's DSDT names tens of thousands of objects: a
// string per path, and a map entry per string, were most of the time and memory of reading one.
import type { AmlName } from './tree.js';

/** What a node's entry says when no block declares an object there. */
const UNDECLARED = -2;
/** A declared object that is not a method. */
export const NOT_METHOD = -1;

/** A NameSeg's four bytes as one number (the byte order of the AML). */
export const segNumber = (s: string): number => (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>> 0;

const segString = (n: number): string => String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);

export class Names {
  private size = 1;
  private parents = new Int32Array(1024);
  private segs = new Uint32Array(1024);
  private declared = new Int16Array(1024).fill(UNDECLARED);
  /** open addressing: for each slot, a node whose (parent, segment) hashes there, + 1 (0: empty) */
  private slots = new Int32Array(2048);

  /** (parent, segment) mixed so that every bit of both reaches the low bits a slot is taken from
   * (MurmurHash3's finalizer) */
  private hash(parent: number, seg: number): number {
    let h = Math.imul(parent, 0x9e3779b1) ^ seg;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  }

  /** The node `seg` names below `parent`, or -1 when no name has led there. */
  find(parent: number, seg: number): number {
    const mask = this.slots.length - 1;
    for (let i = this.hash(parent, seg) & mask; ; i = (i + 1) & mask) {
      const n = this.slots[i] - 1;
      if (n < 0) return -1;
      if (this.parents[n] === parent && this.segs[n] === seg) return n;
    }
  }

  /** The node `seg` names below `parent`, made when it is new. */
  child(parent: number, seg: number): number {
    const found = this.find(parent, seg);
    if (found >= 0) return found;
    if (this.size === this.parents.length) this.grow();
    const n = this.size++;
    this.parents[n] = parent;
    this.segs[n] = seg;
    this.place(n);
    if (this.size * 2 > this.slots.length) this.rehash();
    return n;
  }

  private place(n: number): void {
    const mask = this.slots.length - 1;
    let i = this.hash(this.parents[n], this.segs[n]) & mask;
    while (this.slots[i]) i = (i + 1) & mask;
    this.slots[i] = n + 1;
  }

  private grow(): void {
    const more = <T extends Int32Array | Uint32Array | Int16Array>(a: T, make: (n: number) => T) => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    const old = this.declared.length;
    this.parents = more(this.parents, (n) => new Int32Array(n));
    this.segs = more(this.segs, (n) => new Uint32Array(n));
    this.declared = more(this.declared, (n) => new Int16Array(n));
    this.declared.fill(UNDECLARED, old);
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let n = 1; n < this.size; n++) this.place(n);
  }

  parent(n: number): number {
    return n ? this.parents[n] : 0;
  }

  /** `^` taken `count` times from `n` (the root's parent is the root). */
  up(n: number, count: number): number {
    for (let i = 0; i < count && n; i++) n = this.parents[n];
    return n;
  }

  /** Where a name leads from scope `scope`, its nodes made as needed. */
  resolve(scope: number, name: AmlName): number {
    let n = name.root ? 0 : this.up(scope, name.parents);
    const segs = name.segs;
    for (let i = 0; i < segs.length; i++) n = this.child(n, segNumber(segs[i]));
    return n;
  }

  /** The node's segments from the root, as stored (four characters each). */
  segments(n: number): string[] {
    const out: string[] = [];
    for (; n; n = this.parents[n]) out.push(segString(this.segs[n]));
    return out.reverse();
  }

  /** What is declared at a node: a method's argument count, NOT_METHOD, or undefined for nothing. */
  declaredAt(n: number): number | undefined {
    const d = this.declared[n];
    return d === UNDECLARED ? undefined : d;
  }

  /** Declares an object at a node: a method's argument count, or NOT_METHOD. `over`: it replaces
   * what was declared there before (a Method does); otherwise the first declaration stays. */
  declare(n: number, count: number, over = false): void {
    if (over || this.declared[n] === UNDECLARED) this.declared[n] = count;
  }

  /** The argument count of the method a name leads to from `scope`, or undefined when it leads to
   * no method (ACPI 6.5 §5.3: a single NameSeg without prefix is looked for in the scope and each
   * scope above it, the first declaration found winning). */
  arityOf(scope: number, name: AmlName): number | undefined {
    if (name.form === 'null') return undefined;
    if (name.root || name.parents || name.segs.length !== 1) {
      let n = name.root ? 0 : this.up(scope, name.parents);
      const segs = name.segs;
      for (let i = 0; i < segs.length; i++) if ((n = this.find(n, segNumber(segs[i]))) < 0) return undefined;
      const d = this.declared[n];
      return d >= 0 ? d : undefined;
    }
    const seg = segNumber(name.segs[0]);
    for (let s = scope; ; s = this.parents[s]) {
      const n = this.find(s, seg);
      if (n >= 0 && this.declared[n] !== UNDECLARED) return this.declared[n] >= 0 ? this.declared[n] : undefined;
      if (!s) return undefined;
    }
  }
}
