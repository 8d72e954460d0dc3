// Reading a flattened device tree back (to check a build's dom0.dtb): header checks as
// fdt_check_header() does them, then the structure block into FdtNodes. Bounded by the blob size.
import type { FdtNode } from './writer.js';
import { Refusal } from '../layout/diagnostics.js';
import { FDT_MAGIC, FDT_HEADER_SIZE, FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END, readHeader, headerOffset } from './format.js';

export class FdtReadError extends Refusal {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'FdtReadError';
  }
}

export function readFdt(blob: Uint8Array): FdtNode {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  if (b.length < FDT_HEADER_SIZE) throw new FdtReadError(`${b.length} bytes: shorter than the ${FDT_HEADER_SIZE}-byte FDT header`, 0);
  const h = readHeader(b);
  if (h.magic !== FDT_MAGIC) throw new FdtReadError(`magic 0x${h.magic.toString(16)} is not 0x${FDT_MAGIC.toString(16)}`, headerOffset('magic'));
  const total = h.totalsize;
  const offStruct = h.off_dt_struct;
  const offStrings = h.off_dt_strings;
  const sizeStrings = h.size_dt_strings;
  const sizeStruct = h.size_dt_struct;
  if (total > b.length) throw new FdtReadError(`totalsize ${total} is larger than the blob (${b.length})`, headerOffset('totalsize'));
  if (h.version < 17 || h.last_comp_version > 17) {
    throw new FdtReadError(`version ${h.version} / last compatible ${h.last_comp_version}: expected 17 / 16`, headerOffset('version'));
  }
  if (offStruct + sizeStruct > total || offStrings + sizeStrings > total)
    throw new FdtReadError('structure or strings block outside totalsize', headerOffset('off_dt_struct'));
  let at = offStruct;
  const end = offStruct + sizeStruct;
  const word = () => {
    if (at + 4 > end) throw new FdtReadError('structure block ends inside a token', at);
    const v = b.readUInt32BE(at);
    at += 4;
    return v;
  };
  const cstr = (from: number, limit: number): string => {
    const z = b.indexOf(0, from);
    if (z < 0 || z >= limit) throw new FdtReadError('unterminated string', from);
    return b.toString('latin1', from, z);
  };
  const align = () => (at = (at + 3) & ~3);
  const stack: FdtNode[] = [];
  let root: FdtNode | undefined;
  for (;;) {
    const tokAt = at;
    const tok = word();
    if (tok === FDT_BEGIN_NODE) {
      const name = cstr(at, end);
      at += name.length + 1;
      align();
      const node: FdtNode = { name, props: [], children: [], offset: tokAt };
      if (stack.length) stack[stack.length - 1].children.push(node);
      else if (root) throw new FdtReadError('a second root node', tokAt);
      else root = node;
      stack.push(node);
    } else if (tok === FDT_END_NODE) {
      if (!stack.pop()) throw new FdtReadError('END_NODE without a node', tokAt);
    } else if (tok === FDT_PROP) {
      const len = word();
      const nameoff = word();
      if (!stack.length) throw new FdtReadError('property outside a node', tokAt);
      if (nameoff >= sizeStrings) throw new FdtReadError(`property name offset ${nameoff} outside the strings block`, tokAt + 8);
      if (at + len > end) throw new FdtReadError(`property of ${len} bytes runs past the structure block`, tokAt + 4);
      const name = cstr(offStrings + nameoff, offStrings + sizeStrings);
      stack[stack.length - 1].props.push({ name, value: new Uint8Array(b.subarray(at, at + len)), offset: tokAt });
      at += len;
      align();
    } else if (tok === FDT_NOP) {
      // NOP
    } else if (tok === FDT_END) {
      break;
    } else {
      throw new FdtReadError(`unknown token ${tok}`, tokAt);
    }
  }
  if (stack.length) throw new FdtReadError(`${stack.length} node(s) not closed`, at);
  if (!root) throw new FdtReadError('no root node', offStruct);
  return root;
}

export function findNode(root: FdtNode, path: string): FdtNode | undefined {
  let n: FdtNode | undefined = root;
  for (const seg of path.split('/').filter(Boolean)) n = n?.children.find((c) => c.name === seg);
  return n;
}

const CONTROL = new Set([7, 8, 9, 10, 11, 12, 13]);

/** A property's strings when it is text by dtc's rule (NUL-terminated; printable bytes, NULs and the
 * C escapes only; no more NULs than other bytes), else undefined: "a\0b\0" → ["a", "b"]. */
export function propStrings(v: Uint8Array): string[] | undefined {
  if (!v.length || v[v.length - 1] !== 0) return undefined;
  const nuls = v.filter((c) => c === 0).length;
  if (nuls > v.length - nuls || !v.every((c) => c === 0 || (c >= 0x20 && c < 0x7f) || CONTROL.has(c))) return undefined;
  return Buffer.from(v.subarray(0, v.length - 1))
    .toString('latin1')
    .split('\0');
}

/** A 4- or 8-byte big-endian property as Linux reads it (fdtparams.c: 4 → be32, else be64). */
export function propNumber(v: Uint8Array): bigint {
  const b = Buffer.from(v.buffer, v.byteOffset, v.length);
  return v.length === 4 ? BigInt(b.readUInt32BE(0)) : v.length >= 8 ? b.readBigUInt64BE(0) : -1n;
}

/** The memory reservations of a blob readFdt accepted (the map ends at a 0/0 entry or the block). */
export function readReservations(blob: Uint8Array): [bigint, bigint][] {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  const h = readHeader(b);
  const out: [bigint, bigint][] = [];
  for (let at = h.off_mem_rsvmap; at + 16 <= Math.min(b.length, h.off_dt_struct); at += 16) {
    const [a, s] = [b.readBigUInt64BE(at), b.readBigUInt64BE(at + 8)];
    if (a === 0n && s === 0n) break;
    out.push([a, s]);
  }
  return out;
}
