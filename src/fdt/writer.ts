// A sequential flattened-device-tree writer in the manner of libfdt's fdt_sw.c: explicit states
// (reserve map → structure → finished), big-endian throughout, 4-byte aligned tokens. Misuse — a
// property after a child node, unbalanced nodes, anything after finish — throws.
// Layout as libfdt lays it out: 40-byte header (version 17, last compatible 16), the reserve map at
// offset 48 (16-byte aligned), the structure block, then the strings block.

import { FDT_MAGIC, FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_END, FDT_HEADER_SIZE, writeHeader } from './format.js';

/** libfdt places the reserve map after the header, aligned to its 16-byte entries */
const RSVMAP_OFFSET = Math.ceil(FDT_HEADER_SIZE / 16) * 16;

export interface FdtProp {
  name: string;
  value: Uint8Array;
  /** where the reader found its FDT_PROP token in the blob (the writer ignores it) */
  offset?: number;
}

export interface FdtNode {
  name: string;
  props: FdtProp[];
  children: FdtNode[];
  /** where the reader found its FDT_BEGIN_NODE token in the blob (the writer ignores it) */
  offset?: number;
}

type State = 'reservemap' | 'struct' | 'done';

export class FdtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FdtError';
  }
}

export class FdtWriter {
  private state: State = 'reservemap';
  private readonly rsv: [bigint, bigint][] = [];
  private readonly struct: number[] = [];
  /** the strings block; like libfdt's sequential writer it grows downward, so new names go first */
  private strings = '';
  /** struct positions of name offsets, stored from the end of the strings block until finish() */
  private readonly nameFixups: { at: number; fromEnd: number }[] = [];
  /** per open node: has it had a child yet (properties must come first) */
  private readonly open: { name: string; hasChild: boolean }[] = [];
  private rootDone = false;

  private expect(s: State, what: string): void {
    if (this.state !== s) throw new FdtError(`${what} is not allowed in the ${this.state} state`);
  }

  addReservation(address: bigint, size: bigint): this {
    this.expect('reservemap', 'a memory reservation');
    this.rsv.push([address, size]);
    return this;
  }

  finishReservemap(): this {
    this.expect('reservemap', 'finishing the reserve map');
    this.state = 'struct';
    return this;
  }

  private word(v: number): void {
    this.struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }

  private bytes(b: Uint8Array | number[]): void {
    for (const x of b) this.struct.push(x);
    while (this.struct.length % 4) this.struct.push(0);
  }

  beginNode(name: string): this {
    if (this.state === 'reservemap') this.finishReservemap();
    this.expect('struct', 'a node');
    if (this.rootDone) throw new FdtError(`node "${name}" after the root node was closed`);
    if (!this.open.length && name !== '') throw new FdtError(`the root node must be named "", not "${name}"`);
    if (this.open.length && (!name || name.includes('/') || name.includes('\0'))) throw new FdtError(`invalid node name "${name}"`);
    if (this.open.length) this.open[this.open.length - 1].hasChild = true;
    this.word(FDT_BEGIN_NODE);
    this.bytes([...Buffer.from(name, 'latin1'), 0]);
    this.open.push({ name, hasChild: false });
    return this;
  }

  /** libfdt's string table: reuse any existing "name\0" (suffixes included), else add it in front. */
  private nameFromEnd(name: string): number {
    const needle = name + '\0';
    const at = this.strings.indexOf(needle);
    if (at >= 0) return this.strings.length - at;
    this.strings = needle + this.strings;
    return this.strings.length;
  }

  property(name: string, value: Uint8Array): this {
    this.expect('struct', `property "${name}"`);
    const cur = this.open[this.open.length - 1];
    if (!cur) throw new FdtError(`property "${name}" outside any node`);
    if (cur.hasChild) throw new FdtError(`property "${name}" after a child node of "${cur.name || '/'}"`);
    if (!name || name.includes('\0')) throw new FdtError(`invalid property name "${name}"`);
    this.word(FDT_PROP);
    this.word(value.length);
    this.nameFixups.push({ at: this.struct.length, fromEnd: this.nameFromEnd(name) });
    this.word(0);
    this.bytes(value);
    return this;
  }

  endNode(): this {
    this.expect('struct', 'ending a node');
    if (!this.open.pop()) throw new FdtError('endNode without an open node');
    this.word(FDT_END_NODE);
    if (!this.open.length) this.rootDone = true;
    return this;
  }

  finish(): Uint8Array {
    this.expect('struct', 'finish');
    if (this.open.length) throw new FdtError(`finish with ${this.open.length} node(s) still open`);
    if (!this.rootDone) throw new FdtError('finish without a root node');
    this.word(FDT_END);
    this.state = 'done';
    const rsvSize = (this.rsv.length + 1) * 16;
    const offStruct = RSVMAP_OFFSET + rsvSize;
    const strings = Buffer.from(this.strings, 'latin1');
    const offStrings = offStruct + this.struct.length;
    const total = offStrings + strings.length;
    const out = Buffer.alloc(total);
    writeHeader(out, {
      magic: FDT_MAGIC,
      totalsize: total,
      off_dt_struct: offStruct,
      off_dt_strings: offStrings,
      off_mem_rsvmap: RSVMAP_OFFSET,
      version: 17,
      last_comp_version: 16,
      boot_cpuid_phys: 0,
      size_dt_strings: strings.length,
      size_dt_struct: this.struct.length,
    });
    this.rsv.forEach(([a, s], i) => {
      out.writeBigUInt64BE(a, RSVMAP_OFFSET + i * 16);
      out.writeBigUInt64BE(s, RSVMAP_OFFSET + i * 16 + 8);
    });
    out.set(this.struct, offStruct);
    for (const f of this.nameFixups) out.writeUInt32BE(strings.length - f.fromEnd, offStruct + f.at);
    out.set(strings, offStrings);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
}

/** Write a whole tree (root named ""). */
export function writeFdt(root: FdtNode, reservations: [bigint, bigint][] = []): Uint8Array {
  const w = new FdtWriter();
  for (const [a, s] of reservations) w.addReservation(a, s);
  w.finishReservemap();
  const visit = (n: FdtNode) => {
    w.beginNode(n.name);
    for (const p of n.props) w.property(p.name, p.value);
    for (const c of n.children) visit(c);
    w.endNode();
  };
  visit(root);
  return w.finish();
}

// property value encoders (big-endian cells, NUL-terminated strings)
export const u32 = (v: number): Uint8Array => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return new Uint8Array(b);
};
export const u64 = (v: bigint): Uint8Array => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v);
  return new Uint8Array(b);
};
export const str = (s: string): Uint8Array => new Uint8Array(Buffer.from(s + '\0', 'latin1'));
export const strList = (l: string[]): Uint8Array => new Uint8Array(Buffer.from(l.map((s) => s + '\0').join(''), 'latin1'));
