// The one engine that turns bytes into Nodes and back. A container (table, subtable, record) is a
// fixed Layout followed by an optional body (fixed-size records, type/length subtables, or
// NUL-terminated names) and whatever bytes remain up to its length. Everything is kept, so
// encode(decode(x)) === x; lengths, counts, offsets and checksums are derived here and only here.
import { decoderFor, encoderFor, arrayDecoderFor } from './backends.js';
import { type Fields, type Field, type Layout, type Derive, presentCount } from './schema.js';
import { type Finding, hex } from '../model/diagnostics.js';

export interface Node {
  fields: Fields;
  /** bytes between the fixed part and a body placed by an offset field (GTDT, GT Block) */
  gap?: Uint8Array;
  /** records or subtables, in order */
  items?: Node[];
  /** NUL-terminated names (STAO name list, SPCR namespace string) */
  strings?: string[];
  /** a last name that has no NUL terminator */
  unterminated?: string;
  /** bytes after the body, inside the declared length */
  tail: Uint8Array;
  /**
   * What the input declared that does not follow from its content, by field path: a wrong checksum
   * as (read - correct) mod 256; a count or size that disagrees with the body as the value read.
   * encode re-applies them, so even a malformed table re-encodes to its input.
   */
  faults?: Record<string, number>;
}

export interface ContainerDef {
  /** path segment: "gicc", "timer", "entry" */
  name: string;
  label: string;
  layout: Layout;
  /** a container shorter than this is malformed (GICC: 76) */
  minLength?: number;
  body?: BodyDef;
  /** how dump labels the bytes after the body (default "Trailing bytes") */
  tailLabel?: string;
  /** as a record: number the labels of its fields like iasl ("ACPI Table Address   3") */
  indexLabels?: boolean;
}

export interface SubtableFamily {
  lengthOffset: number;
  lengthWidth: 1 | 2;
  /** bytes every subtable of the family has at least (type + length [+ reserved]) */
  headerSize: number;
  types: ReadonlyMap<number, ContainerDef>;
  /** layout for types we do not know: kept raw, re-emitted unchanged */
  unknown: ContainerDef;
}

export type BodyDef =
  | { kind: 'records'; record: ContainerDef }
  | { kind: 'subtables'; family: SubtableFamily }
  | { kind: 'strings'; name: string; label: string };

export const EMPTY = new Uint8Array(0);

// ---------------------------------------------------------------- derived fields

interface Leaf {
  top: number; // index of the top-level field it belongs to (presence)
  offset: number;
  width: number;
  derive: Derive;
  span?: number;
  path: string;
  field: Field;
}

const leafCache = new WeakMap<Layout, Leaf[]>();

/** Every derived scalar in a layout, nested structs included, with its absolute offset. */
export function derivedLeaves(l: Layout): Leaf[] {
  let leaves = leafCache.get(l);
  if (leaves) return leaves;
  leaves = [];
  const visit = (lay: Layout, base: number, prefix: string, top: number | undefined) => {
    lay.fields.forEach((f, i) => {
      const t = top ?? i;
      const off = base + lay.offsets[i];
      if (f.kind === 'struct') visit(f.struct!, off, `${prefix}${f.name}.`, t);
      else if (f.derive) leaves!.push({ top: t, offset: off, width: f.size, derive: f.derive, span: f.span, path: prefix + f.name, field: f });
    });
  };
  visit(l, 0, '', undefined);
  leafCache.set(l, leaves);
  return leaves;
}

function bodyFieldOf(l: Layout, d: Derive): string | undefined {
  return l.fields.find((f) => f.derive === d)?.name;
}

export function readUint(buf: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + buf[at + i];
  return v;
}

function writeUint(buf: Uint8Array, at: number, width: number, value: number): void {
  let v = value;
  for (let i = 0; i < width; i++) {
    buf[at + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
}

export function checksumOf(buf: Uint8Array, end: number, skip: number): number {
  const n = Math.min(end, buf.length);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += buf[i];
  if (skip >= 0 && skip < n) sum -= buf[skip];
  return (256 - (sum & 0xff)) & 0xff;
}

// ---------------------------------------------------------------- decode

export interface DecodeCtx {
  buf: Uint8Array;
  revision: number;
  table: string;
  findings: Finding[];
}

function copy(buf: Uint8Array, from: number, to: number): Uint8Array {
  return to > from ? buf.slice(from, to) : EMPTY;
}

/** A field path, built only when a finding needs it (decoding a 1024-GICC MADT builds none). */
export type LazyPath = string | (() => string);
const pathOf = (p: LazyPath): string => (typeof p === 'string' ? p : p());

function fail(ctx: DecodeCtx, code: string, path: LazyPath, offset: number, message: string, severity: 'error' | 'warning' = 'error') {
  ctx.findings.push({ code, severity, table: ctx.table, path: pathOf(path), offset, message });
}

/** Decode the container `def` occupying buf[start, end). Never throws on bad data. */
export function decodeNode(def: ContainerDef, ctx: DecodeCtx, start: number, end: number, path: LazyPath): Node {
  const length = end - start;
  if (def.minLength !== undefined && length < def.minLength) {
    fail(ctx, 'DECODE_TOO_SHORT', path, start, `${def.label} is ${length} bytes, shorter than the minimum ${def.minLength}`);
  }
  const l = def.layout;
  const k = !l.gated && length >= l.size ? l.fields.length : presentCount(l, { length, revision: ctx.revision });
  const fixedEnd = start + l.offsets[k];
  const fields = decoderFor(l, k).decode(ctx.buf.subarray(start, fixedEnd));
  const node: Node = { fields, tail: EMPTY };
  const pos = def.body ? decodeBody(def, def.body, node, ctx, start, fixedEnd, end, path) : fixedEnd;
  node.tail = copy(ctx.buf, pos, end);
  if (def.body) recordBodyFaults(def, def.body, node);
  return node;
}

/** A declared count or size the body does not bear out (an error was reported) is kept as read. */
function recordBodyFaults(def: ContainerDef, body: BodyDef, node: Node): void {
  for (const leaf of derivedLeaves(def.layout)) {
    if ((leaf.derive !== 'count' && leaf.derive !== 'size') || !(leaf.path in node.fields)) continue;
    const read = Number(node.fields[leaf.path]);
    const derived = leaf.derive === 'count' ? bodyCount(body, node) : bodyBytes(def, node);
    if (read !== derived) (node.faults ??= {})[leaf.path] = read;
  }
}

function bodyCount(body: BodyDef, node: Node): number {
  return body.kind === 'strings' ? (node.strings?.length ?? 0) : (node.items?.length ?? 0);
}

function bodyBytes(def: ContainerDef, node: Node): number {
  const k = presentPrefix(def.layout, node.fields, def.label);
  return nodeSize(def, node) - def.layout.offsets[k] - (node.gap?.length ?? 0) - node.tail.length;
}

function decodeBody(def: ContainerDef, body: BodyDef, node: Node, ctx: DecodeCtx, start: number, fixedEnd: number, end: number, path: LazyPath): number {
  const l = def.layout;
  const present = (name: string | undefined) => name !== undefined && name in node.fields;
  const countName = bodyFieldOf(l, 'count');
  const sizeName = bodyFieldOf(l, 'size');
  const offsetName = bodyFieldOf(l, 'offset');
  // A body announced by a count or size field exists only if that field is there and non-zero;
  // its offset field, when there is one, must then point past the fixed fields.
  for (const n of [countName, sizeName]) {
    if (n !== undefined && (!present(n) || Number(node.fields[n]) === 0)) return fixedEnd;
  }
  if (offsetName !== undefined && !present(offsetName)) return fixedEnd;
  const count = countName ? Number(node.fields[countName]) : undefined;
  let bodyStart = fixedEnd;
  if (offsetName) {
    const off = Number(node.fields[offsetName]);
    const fieldAt = start + l.offsets[l.fields.findIndex((f) => f.name === offsetName)];
    if (off < fixedEnd - start || off > end - start) {
      fail(ctx, 'DECODE_BODY_OFFSET', () => `${pathOf(path)}.${offsetName}`, fieldAt,
        `${offsetName} ${hex(off)} is outside the space after the fixed fields (${hex(fixedEnd - start)}..${hex(end - start)})`);
      return fixedEnd;
    }
    bodyStart = start + off;
    if (bodyStart > fixedEnd) node.gap = copy(ctx.buf, fixedEnd, bodyStart);
  }
  let bodyEnd = end;
  if (sizeName) {
    const size = Number(node.fields[sizeName]);
    if (bodyStart + size > end) {
      fail(ctx, 'DECODE_BODY_SIZE', () => `${pathOf(path)}.${sizeName}`, bodyStart,
        `${sizeName} ${size} runs past the end (${hex(end - start)} bytes)`);
      if (bodyStart > fixedEnd) node.gap = undefined;
      return fixedEnd;
    }
    bodyEnd = bodyStart + size;
  }
  switch (body.kind) {
    case 'records':
      return decodeRecords(body.record, node, ctx, bodyStart, bodyEnd, count, path);
    case 'subtables':
      return walkSubtables(body.family, node, ctx, bodyStart, bodyEnd, count, path);
    case 'strings':
      return decodeStrings(node, ctx, bodyStart, bodyEnd);
  }
}

function decodeRecords(rec: ContainerDef, node: Node, ctx: DecodeCtx, from: number, to: number, count: number | undefined, path: LazyPath): number {
  const size = rec.layout.size;
  let n = count ?? Math.floor((to - from) / size);
  if (from + n * size > to) {
    fail(ctx, 'DECODE_COUNT_OVERRUN', path, from,
      `${n} ${rec.label} entries of ${size} bytes need ${hex(n * size)} bytes but only ${hex(to - from)} remain`);
    n = Math.floor((to - from) / size);
  }
  const items: Node[] = new Array(n);
  let i = 0;
  const current = () => `${pathOf(path)}.${rec.name}[${i}]`; // read while item i decodes
  for (; i < n; i++) {
    const at = from + i * size;
    items[i] = decodeNode(rec, ctx, at, at + size, current);
  }
  node.items = items;
  return from + n * size;
}

/** Path segment of a subtable: its family name and its ordinal among subtables of the same type. */
export function subtableDef(fam: SubtableFamily, type: number): ContainerDef {
  return fam.types.get(type) ?? fam.unknown;
}

export function segmentName(fam: SubtableFamily, type: number): string {
  return fam.types.has(type) ? fam.types.get(type)!.name : `type_${hex(type, 2)}`;
}

/** The one guarded subtable walker: rejects length 0, shorter than the header, or past the end. */
function walkSubtables(fam: SubtableFamily, node: Node, ctx: DecodeCtx, from: number, to: number, count: number | undefined, path: LazyPath): number {
  const items: Node[] = [];
  let pos = from;
  const buf = ctx.buf;
  let type = 0;
  const lengthAt = (at: number) => readUint(buf, at + fam.lengthOffset, fam.lengthWidth);
  // the path of the subtable being decoded, built only if a finding needs it
  const current = () => `${pathOf(path)}.${segmentName(fam, type)}[${items.filter((it) => it.fields.type === type).length}]`;
  while (count === undefined ? pos < to : items.length < count) {
    const idx = items.length;
    if (to - pos < fam.headerSize) {
      if (count !== undefined) {
        fail(ctx, 'DECODE_COUNT_OVERRUN', path, pos, `${count} subtables declared, only ${idx} fit before the end at ${hex(to)}`);
      } else {
        fail(ctx, 'DECODE_TRAILING_BYTES', path, pos, `${to - pos} byte(s) after the last subtable, too few for a subtable header`, 'warning');
      }
      break;
    }
    type = buf[pos];
    const len = lengthAt(pos);
    const def = subtableDef(fam, type);
    let problem: string | undefined;
    let code = 'DECODE_SUBTABLE_TOO_SHORT';
    if (len === 0) [code, problem] = ['DECODE_SUBTABLE_LENGTH_ZERO', 'has length 0'];
    else if (len < fam.headerSize) problem = `has length ${len}, shorter than its ${fam.headerSize}-byte header`;
    else if (pos + len > to) [code, problem] = ['DECODE_SUBTABLE_OVERRUN', `has length ${len} and runs past the end at ${hex(to)}`];
    // like Linux's walker, stop at a subtable below its minimum too: what follows stays raw (lossless)
    else if (def.minLength !== undefined && len < def.minLength) problem = `has length ${len}, below the minimum ${def.minLength}`;
    if (problem) {
      fail(ctx, code, () => `${current()}.length`, pos, `subtable ${idx} (${def.label}, type ${hex(type, 2)}) ${problem}`);
      break;
    }
    // a run of same-type, same-length subtables that are exactly their fixed fields (no body, no
    // extra bytes) decodes in one call; each was checked like the first
    const l = def.layout;
    const k = !l.gated && len >= l.size ? l.fields.length : presentCount(l, { length: len, revision: ctx.revision });
    if (!def.body && l.offsets[k] === len) {
      let run = 1;
      for (let at = pos + len; (count === undefined || items.length + run < count) && at + len <= to && buf[at] === type && lengthAt(at) === len; at += len) run++;
      if (run > 1) {
        for (const fields of arrayDecoderFor(l, k).decode(buf.subarray(pos, pos + run * len))) items.push({ fields, tail: EMPTY });
        pos += run * len;
        continue;
      }
    }
    items.push(decodeNode(def, ctx, pos, pos + len, current));
    pos += len;
  }
  node.items = items;
  return pos;
}

function decodeStrings(node: Node, ctx: DecodeCtx, from: number, to: number): number {
  const text = Buffer.from(ctx.buf.buffer, ctx.buf.byteOffset + from, to - from).toString('latin1');
  const parts = text.split('\0');
  const last = parts.pop()!;
  node.strings = parts;
  if (last.length) node.unterminated = last;
  return to;
}

// ---------------------------------------------------------------- encode

/** Number of leading layout fields present in `fields`; a present field after a gap is a caller error. */
export function presentPrefix(l: Layout, fields: Fields, where: string): number {
  let k = 0;
  while (k < l.fields.length && l.fields[k].name in fields) k++;
  for (let i = k + 1; i < l.fields.length; i++) {
    if (l.fields[i].name in fields) {
      throw new Error(`${where}: field ${l.fields[i].name} is set but ${l.fields[k].name} before it is not`);
    }
  }
  return k;
}

export function latin1Bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function encodeBody(body: BodyDef, node: Node): { parts: Uint8Array[]; count: number } {
  switch (body.kind) {
    case 'records':
      return { parts: (node.items ?? []).map((n) => encodeNode(body.record, n)), count: node.items?.length ?? 0 };
    case 'subtables':
      return {
        parts: (node.items ?? []).map((n) => encodeNode(subtableDef(body.family, Number(n.fields.type)), n)),
        count: node.items?.length ?? 0,
      };
    case 'strings': {
      const names = node.strings ?? [];
      const text = names.map((s) => s + '\0').join('') + (node.unterminated ?? '');
      return { parts: text.length ? [latin1Bytes(text)] : [], count: names.length };
    }
  }
}

/** Encode a container: fixed fields (restructure), gap, body, tail; then patch every derived field. */
export function encodeNode(def: ContainerDef, node: Node): Uint8Array {
  const k = presentPrefix(def.layout, node.fields, def.label);
  const fixed = encoderFor(def.layout, k).encode(node.fields);
  const gap = node.gap ?? EMPTY;
  const body = def.body ? encodeBody(def.body, node) : { parts: [], count: 0 };
  const out = concat([fixed, gap, ...body.parts, node.tail]);
  const bodyBytes = body.parts.reduce((n, p) => n + p.length, 0);
  const leaves = derivedLeaves(def.layout);
  for (const leaf of leaves) {
    if (leaf.top >= k) continue;
    const declared = leaf.derive === 'count' || leaf.derive === 'size' ? node.faults?.[leaf.path] : undefined;
    switch (leaf.derive) {
      case 'length': writeUint(out, leaf.offset, leaf.width, out.length); break;
      case 'count': writeUint(out, leaf.offset, leaf.width, declared ?? body.count); break;
      case 'size': writeUint(out, leaf.offset, leaf.width, declared ?? bodyBytes); break;
      case 'offset': if (bodyBytes > 0) writeUint(out, leaf.offset, leaf.width, fixed.length + gap.length); break;
      case 'checksum': break;
    }
  }
  // checksums last, in declaration order (RSDP: the 20-byte one before the extended one)
  for (const leaf of leaves) {
    if (leaf.top >= k || leaf.derive !== 'checksum') continue;
    const fault = node.faults?.[leaf.path] ?? 0;
    out[leaf.offset] = (checksumOf(out, leaf.span ?? out.length, leaf.offset) + fault) & 0xff;
  }
  return out;
}

/** Byte size of a node as encodeNode would produce it, without encoding. */
export function nodeSize(def: ContainerDef, node: Node): number {
  const k = presentPrefix(def.layout, node.fields, def.label);
  let n = def.layout.offsets[k] + (node.gap?.length ?? 0) + node.tail.length;
  const body = def.body;
  if (body?.kind === 'records') n += (node.items?.length ?? 0) * body.record.layout.size;
  else if (body?.kind === 'subtables') for (const it of node.items ?? []) n += nodeSize(subtableDef(body.family, Number(it.fields.type)), it);
  else if (body?.kind === 'strings') n += (node.strings ?? []).reduce((a, s) => a + s.length + 1, 0) + (node.unterminated?.length ?? 0);
  return n;
}
