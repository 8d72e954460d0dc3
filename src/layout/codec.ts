// The one engine that turns bytes into Nodes and back. A container (table, subtable, record) is a
// fixed Layout followed by its parts — fixed-size records, type/length subtables, NUL-terminated
// names, one name, raw bytes, a matrix — each placed by an offset field or following the previous
// one, each sized by a count or size field or running to the next part — and whatever bytes remain
// up to its length. Everything is kept, so encode(decode(x)) === x; lengths, counts, offsets,
// checksums and references between items are derived here and only here.
import { crc32 } from 'crc';
import { decoderFor, encoderFor, arrayDecoderFor } from './backends.js';
import { type Fields, type FieldsOf, type Field, type Layout, type Derive, type Gate, presentCount } from './schema.js';
import { type Finding, hex } from './diagnostics.js';

export interface Node {
  fields: Fields;
  /** the container's main list part (key "items"): records or subtables, in order */
  items?: Node[];
  /** the container's names part (kind "strings": STAO name list, SPCR namespace string) */
  strings?: string[];
  /** a last name that has no NUL terminator */
  unterminated?: string;
  /** every other part, by key (IORT node ID mappings, DBG2 register arrays, SLIT matrix, …) */
  parts?: Record<string, PartValue>;
  /** bytes before a part (after the fixed fields or the previous part), by part key */
  pads?: Record<string, Uint8Array>;
  /** bytes after the last part, inside the declared length */
  tail: Uint8Array;
  /**
   * What the input declared that does not follow from its content, by field path: a wrong checksum
   * as (read - correct) mod 256; a count or size that disagrees with the parts as the value read.
   * encode re-applies them, so even a malformed table re-encodes to its input.
   */
  faults?: Record<string, number | bigint>;
  /** an item of a reference-target part: its key for ref fields — the byte offset, from the table
   * start, it was decoded at (an item a pass creates takes any key no other item has) */
  at?: number;
}

export type PartValue = Node[] | string[] | string | Uint8Array | number[][];

export interface ContainerDef<L extends Layout = Layout> {
  /** path segment: "gicc", "timer", "entry" */
  name: string;
  label: string;
  layout: L;
  /** a container shorter than this is malformed (GICC: 76) */
  minLength?: number;
  parts?: readonly PartDef[];
  /** how dump labels the bytes after the parts (default "Trailing bytes") */
  tailLabel?: string;
  /** the bytes after the parts are AML (DSDT, SSDT): diff summarises them and points at iasl -d */
  tailIsAml?: boolean;
  /** as a record: number the labels of its fields like iasl ("ACPI Table Address   3") */
  indexLabels?: boolean;
  /** the field (path) holding this container's revision: tables default to header.revision; an
   * IORT node names its own byte, and its fields and parts are gated by it */
  revision?: string;
  /** size of a subtable whose family has no length field (HEST error sources), from its bytes */
  sizeAt?: (buf: Uint8Array, at: number) => number;
  /** how diff pairs this item across two versions (without it: by type and ordinal). A key names
   * fields — { mpidr: 'arm_mpidr' } pairs GICCs as gicc[mpidr=0x100] — or is a function of the
   * item and the list it is in, giving the key text (undefined: pair by ordinal). Several keys, in
   * order of preference: diff takes the first that names every such item on both sides uniquely,
   * else the last. */
  key?: ItemKey<FieldName<L>> | readonly ItemKey<FieldName<L>>[];
  /** layouts a later revision of this item has (its own revision field): the last whose
   * minRevision the item's revision reaches replaces this one */
  variants?: { minRevision: number; def: ContainerDef }[];
}

/** One way of pairing items in diff (ContainerDef.key): named fields of the item, or a function. */
export type ItemKey<N extends string = string> = Record<string, N> | ((n: Node, list: readonly Node[]) => string | undefined);

/** The names of a layout's fields (any string for an untyped layout). */
export type FieldName<L> = keyof FieldsOf<L> & string;

/** A field's path in a layout: its name, or a struct's name, a dot and a path in the struct
 * ("header.revision", "serial_port.address"); any string for an untyped layout. */
export type FieldPath<L> = L extends Layout<infer F> ? (string extends F[number]['name'] ? string : PathOf<F[number]>) : string;
type PathOf<F> = F extends { name: infer N extends string; kind: 'struct'; struct: infer S }
  ? N | `${N}.${FieldPath<S>}`
  : F extends { name: infer N extends string }
    ? N
    : never;

/**
 * A declaration whose field names are checked against its own layout: `container({ layout:
 * layout(…, [u64('arm_mpidr', …)]), key: { mpidr: 'arm_mpidr' } })` — a key, or a part's offset,
 * count or size field, naming a field the layout lacks is a compile error (with `satisfies
 * ContainerDef` alone the layout's type is lost).
 */
export function container<L extends Layout, D extends ContainerDef<L>>(d: D & { layout: L } & NamedFrom<L>): D {
  return d;
}

/** A declaration's diff keys and parts, with the fields they name typed from the layout `L`. */
export interface NamedFrom<L extends Layout> {
  key?: ItemKey<FieldName<L>> | readonly ItemKey<FieldName<L>>[];
  parts?: readonly PartFields<FieldName<L>>[];
}

/** A part whose offset, count, size and columns fields are named from the container's layout. */
export type PartFields<N extends string> = PartDef & {
  offset?: N;
  count?: N | ((f: Fields) => number);
  size?: N;
  cols?: N | ((f: Fields) => number);
};

/** The definition that applies to an item of revision `revision` (see ContainerDef.variants). */
export function variantFor<D extends ContainerDef>(def: D, revision: number | undefined): D {
  if (!def.variants || revision === undefined) return def;
  let out = def;
  // a declaration's variants are declarations of its own kind (a table's are tables)
  for (const v of def.variants) if (revision >= v.minRevision) out = v.def as D;
  return out;
}

interface PartBase {
  /** where the value lives: "items" (the main list), "strings" (the names part), or parts[key] */
  key: string;
  label: string;
  /** top-level field holding the part's byte offset from the container start */
  offset?: string;
  /** top-level field holding its number of items (rows for a matrix), or a function of the fields
   * (not derived then: HMAT's entries = initiators × targets) */
  count?: string | ((f: Fields) => number);
  /** top-level field holding its size in bytes */
  size?: string;
  /** the part exists only when this holds (a revision-gated part) */
  when?: (g: Gate) => boolean;
  /** items are targets of `ref` fields: they remember where they were decoded (Node.at) */
  target?: boolean;
  /** diff pairs the items by their position in the list (PCC subspace IDs are indexes) */
  pairBy?: 'index';
  /** how dump labels the bytes before the part (default "Reserved (before the list)") */
  padLabel?: string;
  /** an offset pointing back inside the revision-gated fixed fields (those with `when`) places the
   * part right after them instead, as ACPICA reads it (a warning; the offset is kept as read) */
  offsetInsideFixed?: 'after';
}

export type PartDef = PartBase &
  (
    | { kind: 'records'; record: ContainerDef }
    | { kind: 'subtables'; family: SubtableFamily }
    | { kind: 'strings' }
    | { kind: 'string' }
    | { kind: 'raw' }
    | { kind: 'matrix'; width: 1 | 2 | 4; cols: string | ((f: Fields) => number); perCell?: boolean }
  );

export interface SubtableFamily {
  /** where the type is and how wide (0: untyped, every item is types.get(0)) */
  typeOffset?: number;
  typeWidth?: 0 | 1 | 2;
  /** where the length is; without it each type's def says its size (sizeAt or its layout) */
  lengthOffset?: number;
  lengthWidth?: 1 | 2 | 4;
  /** bytes every subtable of the family has at least (type + length [+ reserved]) */
  headerSize: number;
  types: ReadonlyMap<number, ContainerDef>;
  /** layout for types we do not know: kept raw, re-emitted unchanged */
  unknown: ContainerDef;
}

export const EMPTY = new Uint8Array(0);

// ---------------------------------------------------------------- parts: where values live, which fields they drive

export function partValue(node: Node, part: PartDef): PartValue | undefined {
  if (part.key === 'items') return node.items;
  if (part.kind === 'strings') return node.strings;
  return node.parts?.[part.key];
}

function setPart(node: Node, part: PartDef, v: PartValue): void {
  if (part.key === 'items') node.items = v as Node[];
  else if (part.kind === 'strings') node.strings = v as string[];
  else (node.parts ??= {})[part.key] = v;
}

export interface Link {
  part: PartDef;
  role: 'count' | 'offset' | 'size';
}

const linkCache = new WeakMap<ContainerDef, Map<string, Link>>();

/** The top-level fields a container's parts name (count, offset, size), each with its part; a
 * field two parts share (DBG2's register count) belongs to the first. */
export function linksOf(def: ContainerDef): Map<string, Link> {
  let m = linkCache.get(def);
  if (m) return m;
  m = new Map();
  for (const part of def.parts ?? []) {
    for (const role of ['count', 'offset', 'size'] as const) {
      const f = part[role];
      if (typeof f !== 'string') continue;
      if (!def.layout.fields.some((x) => x.name === f)) throw new Error(`${def.name}: part ${part.key} names ${role} field ${f}, which the layout lacks`);
      if (!m.has(f)) m.set(f, { part, role });
    }
  }
  linkCache.set(def, m);
  return m;
}

/** How a field of a container is derived: its own `derive`, or as a part's count/offset/size. */
export function derivationOf(def: ContainerDef | undefined, f: Field): Derive | undefined {
  return f.derive ?? (def ? linksOf(def).get(f.name)?.role : undefined);
}

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

/** Every length and checksum scalar in a layout, nested structs included, with its absolute offset. */
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

/** Absolute offset and width of a field path ("header.revision") in a layout. */
export function fieldAt<L extends Layout>(l: L, path: FieldPath<L> | FieldName<L>): { offset: number; width: number } | undefined {
  let lay: Layout = l;
  let base = 0;
  const names = path.split('.');
  for (let j = 0; j < names.length; j++) {
    const i = lay.fields.findIndex((f) => f.name === names[j]);
    if (i < 0) return undefined;
    const f = lay.fields[i];
    if (j === names.length - 1) return { offset: base + lay.offsets[i], width: f.size };
    if (f.kind !== 'struct') return undefined;
    base += lay.offsets[i];
    lay = f.struct!;
  }
  return undefined;
}

/** A field of a declaration read straight from the bytes of one at `at`, or undefined when it
 * would end past `end`: what a consumer reading through a struct pointer sees, whatever length
 * the bytes declare (Xen's MADT walkers do this). */
export function rawField<L extends Layout>(def: ContainerDef<L>, buf: Uint8Array, at: number, field: FieldName<L>, end = buf.length): bigint | undefined {
  const f = fieldAt(def.layout, field);
  if (!f || at < 0 || at + f.offset + f.width > Math.min(end, buf.length)) return undefined;
  let v = 0n;
  for (let i = f.width - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[at + f.offset + i]);
  return v;
}

/** Where a container's revision byte is: its declared field, else the ACPI header's. */
export function revisionAt(def: ContainerDef): number | undefined {
  if (def.revision) return fieldAt(def.layout, def.revision)?.offset;
  return def.layout.fields[0]?.name === 'header' ? 8 : undefined;
}

/** The revision a decoded container declares (as revisionAt finds it), or undefined. */
export function revisionOf(def: ContainerDef, fields: Fields): number | undefined {
  const path = def.revision ?? (def.layout.fields[0]?.name === 'header' ? 'header.revision' : undefined);
  if (!path) return undefined;
  let v: unknown = fields;
  for (const n of path.split('.')) v = (v as Fields | undefined)?.[n];
  return v === undefined ? undefined : Number(v);
}

export function readUint(buf: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + buf[at + i];
  return v;
}

function writeUint(buf: Uint8Array, at: number, width: number, value: number | bigint): void {
  let v = BigInt(value);
  for (let i = 0; i < width; i++) {
    buf[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

export function checksumOf(buf: Uint8Array, end: number, skip: number): number {
  const n = Math.min(end, buf.length);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += buf[i];
  if (skip >= 0 && skip < n) sum -= buf[skip];
  return (256 - (sum & 0xff)) & 0xff;
}

const num = (v: unknown): number => (v === undefined ? 0 : Number(v));

function countOf(part: PartDef, fields: Fields): number | undefined {
  if (part.count === undefined) return undefined;
  return typeof part.count === 'function' ? part.count(fields) : num(fields[part.count]);
}

function colsOf(part: PartDef & { kind: 'matrix' }, fields: Fields): number {
  return typeof part.cols === 'function' ? part.cols(fields) : num(fields[part.cols]);
}

// ---------------------------------------------------------------- decode

export interface DecodeCtx {
  buf: Uint8Array;
  /** revision of the nearest container that declares one, else the table's */
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

const errorsIn = (ctx: DecodeCtx) => ctx.findings.reduce((n, f) => n + (f.severity === 'error' ? 1 : 0), 0);

/** A gate naming a field its container does not declare: a fault of the declaration, not of the
 * bytes (gates are callbacks, so tsc cannot see the name; the first decode of the table throws). */
const undeclaredRead = (l: Layout, name: string) => new Error(`layout ${l.name}: a gate reads "${name}", which it does not declare`);

/** A gate for `def` at `start`: its own revision when it declares one, earlier fields readable. */
function gateFor(def: ContainerDef, ctx: DecodeCtx, start: number, length: number): Gate {
  const l = def.layout;
  const read = (name: string) => {
    const i = l.fields.findIndex((f) => f.name === name);
    if (i < 0) throw undeclaredRead(l, name);
    if (l.offsets[i + 1] > length || l.fields[i].size > 6) return 0;
    return readUint(ctx.buf, start + l.offsets[i], l.fields[i].size);
  };
  let revision = ctx.revision;
  if (def.revision) {
    const at = revisionAt(def);
    if (at !== undefined && at < length) revision = ctx.buf[start + at];
  }
  const peek = (at: number, width: 1 | 2 | 4) => (at >= 0 && at + width <= length ? readUint(ctx.buf, start + at, width) : 0);
  return { length, revision, read, peek };
}

/** Decode the container `def` occupying buf[start, end). Never throws on bad data. */
export function decodeNode(def: ContainerDef, ctx: DecodeCtx, start: number, end: number, path: LazyPath): Node {
  const length = end - start;
  if (def.minLength !== undefined && length < def.minLength) {
    fail(ctx, 'DECODE_TOO_SHORT', path, start, `${def.label} is ${length} bytes, shorter than the minimum ${def.minLength}`);
  }
  const l = def.layout;
  let inner = ctx;
  let k: number;
  if (!l.gated && !def.revision && length >= l.size) k = l.fields.length;
  else {
    const gate = gateFor(def, ctx, start, length);
    if (gate.revision !== ctx.revision) inner = { ...ctx, revision: gate.revision };
    k = presentCount(l, gate);
    const next = l.fields[k];
    const why = next?.fallback && l.offsets[k + 1] <= length ? next.fallback(gate) : undefined;
    if (why) fail(ctx, 'DECODE_REVISION_LAYOUT', () => `${pathOf(path)}.${next.name}`, start + l.offsets[k], why, 'warning');
  }
  const fixedEnd = start + l.offsets[k];
  const fields = decoderFor(l, k).decode(ctx.buf.subarray(start, fixedEnd));
  const node: Node = { fields, tail: EMPTY };
  const pos = def.parts ? decodeParts(def, node, inner, start, fixedEnd, end, path) : fixedEnd;
  node.tail = copy(ctx.buf, pos, end);
  if (def.parts) recordPartFaults(def, node);
  return node;
}

/** A declared count or size the parts do not bear out (an error was reported) is kept as read. */
function recordPartFaults(def: ContainerDef, node: Node): void {
  for (const [name, link] of linksOf(def)) {
    if (link.role === 'offset' || !(name in node.fields)) continue;
    const v = partValue(node, link.part);
    const read = node.fields[name] as number | bigint;
    const derived = v === undefined ? 0 : link.role === 'count' ? partCount(link.part, v) : partBytes(link.part, v, node);
    if (BigInt(read) !== BigInt(derived)) (node.faults ??= {})[name] = read;
  }
}

/** Does the part exist in this container (its gate holds, its count/size/offset fields are there
 * and its count or size is not 0)? */
function partPresent(part: PartDef, fields: Fields, gate: Gate): boolean {
  if (part.when && !part.when(gate)) return false;
  for (const f of [part.count, part.size, part.offset]) if (typeof f === 'string' && !(f in fields)) return false;
  const count = countOf(part, fields);
  if (count === 0) return false;
  if (part.size !== undefined && num(fields[part.size]) === 0) return false;
  if (part.kind === 'matrix' && colsOf(part, fields) === 0) return false;
  return true;
}

function decodeParts(def: ContainerDef, node: Node, ctx: DecodeCtx, start: number, fixedEnd: number, end: number, path: LazyPath): number {
  const parts = def.parts!;
  const fields = node.fields;
  const declared = (n: string) => {
    if (!def.layout.fields.some((f) => f.name === n)) throw undeclaredRead(def.layout, n);
    return num(fields[n]);
  };
  const gate: Gate = { length: end - start, revision: ctx.revision, read: declared };
  const present = parts.map((p) => partPresent(p, fields, gate));
  const startOf = (i: number) => start + num(fields[parts[i].offset!]);
  let pos = fixedEnd;
  for (let i = 0; i < parts.length; i++) {
    if (!present[i]) continue;
    const part = parts[i];
    let from = pos;
    if (part.offset !== undefined) {
      from = startOf(i);
      if (part.offsetInsideFixed === 'after' && pos === fixedEnd && from < fixedEnd && from - start >= firstGated(def.layout)) {
        fail(
          ctx,
          'DECODE_OFFSET_INSIDE',
          () => `${pathOf(path)}.${part.offset}`,
          start + offsetOfField(def.layout, part.offset!),
          `${part.offset} ${hex(from - start)} points inside the fixed fields (they end at ${hex(fixedEnd - start)}); the ${part.label.toLowerCase()} are read right after them, as ACPICA does`,
          'warning',
        );
        (node.faults ??= {})[part.offset] = node.fields[part.offset] as number;
        from = fixedEnd;
      }
      if (from < pos || from > end) {
        const fieldAtOff = start + offsetOfField(def.layout, part.offset);
        fail(
          ctx,
          'DECODE_BODY_OFFSET',
          () => `${pathOf(path)}.${part.offset}`,
          fieldAtOff,
          `${part.offset} ${hex(from - start)} is outside the space after the ${pos === fixedEnd ? 'fixed fields' : 'previous part'} (${hex(pos - start)}..${hex(end - start)})`,
        );
        return pos;
      }
    }
    // a part sized by nothing runs to the next part placed by an offset, or to the end
    let to = end;
    if (part.size !== undefined) {
      to = from + num(fields[part.size]);
      if (to > end) {
        fail(ctx, 'DECODE_BODY_SIZE', () => `${pathOf(path)}.${part.size}`, from, `${part.size} ${to - from} runs past the end (${hex(end - start)} bytes)`);
        return pos;
      }
    } else {
      for (let j = i + 1; j < parts.length; j++) {
        if (present[j] && parts[j].offset !== undefined && startOf(j) >= from && startOf(j) <= end) {
          to = Math.min(to, startOf(j));
          break;
        }
      }
    }
    const errors = errorsIn(ctx);
    // a count that promises more than fits is the count field's fault: findings point at it
    const countField: CountField | undefined =
      typeof part.count === 'string' ? { path: () => `${pathOf(path)}.${part.count}`, at: start + offsetOfField(def.layout, part.count as string) } : undefined;
    const after = decodePart(part, node, ctx, from, to, countOf(part, fields), path, start, countField);
    if (after === undefined) return pos; // nothing decoded: the rest stays raw
    if (partValue(node, part) === undefined) continue; // an empty raw part: nothing there
    if (from > pos) (node.pads ??= {})[part.key] = copy(ctx.buf, pos, from);
    pos = after;
    if (errorsIn(ctx) > errors) return pos; // what follows a broken part stays raw
  }
  return pos;
}

/** Offset of the first field whose presence depends on more than the length (`when`). */
function firstGated(l: Layout): number {
  const i = l.fields.findIndex((f) => f.when);
  return i < 0 ? l.size : l.offsets[i];
}

function offsetOfField(l: Layout, name: string): number {
  return l.offsets[l.fields.findIndex((f) => f.name === name)];
}

/** Where a part's count field is (path and byte offset), for the findings about a count that overruns. */
interface CountField {
  path: LazyPath;
  at: number;
}

/** Decode one part in [from, to); returns where it ended, or undefined when it could not be read. */
function decodePart(
  part: PartDef,
  node: Node,
  ctx: DecodeCtx,
  from: number,
  to: number,
  count: number | undefined,
  path: LazyPath,
  start: number,
  countField?: CountField,
): number | undefined {
  switch (part.kind) {
    case 'records':
      return decodeRecords(part, node, ctx, from, to, count, path, countField);
    case 'subtables':
      return walkSubtables(part, node, ctx, from, to, count, path, countField);
    case 'strings':
      return decodeStrings(node, ctx, from, to);
    case 'string': {
      const nul = ctx.buf.subarray(from, to).indexOf(0);
      if (nul < 0) {
        fail(ctx, 'DECODE_BODY_SIZE', () => `${pathOf(path)}.${part.key}`, from, `${part.label} has no NUL terminator before ${hex(to - start)}`);
        return undefined;
      }
      setPart(node, part, Buffer.from(ctx.buf.buffer, ctx.buf.byteOffset + from, nul).toString('latin1'));
      return from + nul + 1;
    }
    case 'raw':
      if (to > from) setPart(node, part, copy(ctx.buf, from, to));
      return to;
    case 'matrix': {
      const rows = count ?? 0;
      const cols = colsOf(part, node.fields);
      if (from + rows * cols * part.width > to) {
        fail(
          ctx,
          'DECODE_COUNT_OVERRUN',
          countField?.path ?? path,
          countField?.at ?? from,
          `a ${rows} × ${cols} ${part.label} of ${part.width}-byte cells needs ${hex(rows * cols * part.width)} bytes but only ${hex(to - from)} remain`,
        );
        return undefined;
      }
      const m: number[][] = [];
      for (let r = 0; r < rows; r++) {
        const row: number[] = new Array(cols);
        for (let c = 0; c < cols; c++) row[c] = readUint(ctx.buf, from + (r * cols + c) * part.width, part.width);
        m.push(row);
      }
      setPart(node, part, m);
      return from + rows * cols * part.width;
    }
  }
}

function decodeRecords(
  part: PartDef & { kind: 'records' },
  node: Node,
  ctx: DecodeCtx,
  from: number,
  to: number,
  count: number | undefined,
  path: LazyPath,
  countField?: CountField,
): number {
  const rec = part.record;
  const size = rec.layout.size;
  let n = count ?? Math.floor((to - from) / size);
  if (from + n * size > to) {
    fail(
      ctx,
      'DECODE_COUNT_OVERRUN',
      countField?.path ?? path,
      countField?.at ?? from,
      `${n} ${rec.label} entries of ${size} bytes need ${hex(n * size)} bytes but only ${hex(to - from)} remain`,
    );
    n = Math.floor((to - from) / size);
  }
  const items: Node[] = new Array(n);
  let i = 0;
  const current = () => `${pathOf(path)}.${rec.name}[${i}]`; // read while item i decodes
  for (; i < n; i++) {
    const at = from + i * size;
    items[i] = decodeNode(rec, ctx, at, at + size, current);
    if (part.target) items[i].at = at;
  }
  setPart(node, part, items);
  return from + n * size;
}

/** The definition of a subtable type (the variant its revision selects, when its fields say). */
export function subtableDef(fam: SubtableFamily, type: number, fields?: Fields): ContainerDef {
  const def = fam.types.get(type) ?? fam.unknown;
  return def.variants && fields ? variantFor(def, revisionOf(def, fields)) : def;
}

export function segmentName(fam: SubtableFamily, type: number): string {
  if (type === SHORT) return 'short_subtable';
  return fam.types.has(type) ? fam.types.get(type)!.name : `type_${hex(type, 2)}`;
}

/** The type of a subtable shorter than its type's minimum: walked past by its length, as Linux's
 * walkers do, and kept whole as raw bytes (no fields, so no rule reads it as its type). */
export const SHORT = -1;

/** The type of a subtable from its fields (untyped families: 0; a short one: SHORT). */
export function typeOf(fam: SubtableFamily, n: Node): number {
  if (fam.typeWidth === 0) return 0;
  return n.fields.type === undefined ? SHORT : Number(n.fields.type);
}

/** The definition of a decoded or built subtable. */
export function defOfItem(fam: SubtableFamily, n: Node): ContainerDef {
  return subtableDef(fam, typeOf(fam, n), n.fields);
}

/** The one guarded subtable walker: rejects length 0, shorter than the header, or past the end. */
function walkSubtables(
  part: PartDef & { kind: 'subtables' },
  node: Node,
  ctx: DecodeCtx,
  from: number,
  to: number,
  count: number | undefined,
  path: LazyPath,
  countField?: CountField,
): number {
  const fam = part.family;
  const items: Node[] = [];
  let pos = from;
  const buf = ctx.buf;
  let type = 0;
  const typeWidth = fam.typeWidth ?? 1;
  const typeAt = (at: number) => (typeWidth === 0 ? 0 : readUint(buf, at + (fam.typeOffset ?? 0), typeWidth));
  const lengthAt = (at: number, def: ContainerDef) =>
    fam.lengthWidth !== undefined
      ? readUint(buf, at + fam.lengthOffset!, fam.lengthWidth)
      : def.sizeAt
        ? def.sizeAt(buf, at)
        : def === fam.unknown
          ? 0
          : def.layout.size;
  // the path of the subtable being decoded, built only if a finding needs it
  const current = () => `${pathOf(path)}.${segmentName(fam, type)}[${items.filter((it) => typeOf(fam, it) === type).length}]`;
  while (count === undefined ? pos < to : items.length < count) {
    const idx = items.length;
    if (to - pos < fam.headerSize) {
      if (count !== undefined) {
        fail(
          ctx,
          'DECODE_COUNT_OVERRUN',
          countField?.path ?? path,
          countField?.at ?? pos,
          `${count} subtables declared, only ${idx} fit before the end at ${hex(to)}`,
        );
      } else {
        fail(ctx, 'DECODE_TRAILING_BYTES', path, pos, `${to - pos} byte(s) after the last subtable, too few for a subtable header`, 'warning');
      }
      break;
    }
    type = typeAt(pos);
    let def = subtableDef(fam, type);
    if (def.variants) {
      const at = revisionAt(def);
      if (at !== undefined && pos + at < to) def = variantFor(def, buf[pos + at]);
    }
    const len = lengthAt(pos, def);
    let problem: string | undefined;
    let code = 'DECODE_SUBTABLE_TOO_SHORT';
    if (len === 0) [code, problem] = ['DECODE_SUBTABLE_LENGTH_ZERO', fam.lengthWidth === undefined ? 'has a type whose size is unknown' : 'has length 0'];
    else if (len < fam.headerSize) problem = `has length ${len}, shorter than its ${fam.headerSize}-byte header`;
    else if (pos + len > to) [code, problem] = ['DECODE_SUBTABLE_OVERRUN', `has length ${len} and runs past the end at ${hex(to)}`];
    if (problem) {
      // Linux's walkers stop here too: what follows stays raw (lossless)
      fail(ctx, code, () => `${current()}.length`, pos, `subtable ${idx} (${def.label}, type ${hex(type, 2)}) ${problem}`);
      break;
    }
    if (def.minLength !== undefined && len < def.minLength && fam.lengthWidth !== undefined) {
      // below its type's minimum: Linux's walkers go on by the length (the type's handler refuses
      // it), so the walk does too; it is kept whole as raw bytes, with no fields a rule could read
      const short = items.filter((it) => it.fields.type === undefined).length;
      const ty = type;
      fail(
        ctx,
        'DECODE_SUBTABLE_TOO_SHORT',
        () => `${pathOf(path)}.short_subtable[${short}].length`,
        pos + fam.lengthOffset!,
        `subtable ${idx} (${def.label}, type ${hex(ty, 2)}) has length ${len}, below the minimum ${def.minLength}; the walk goes on past it by its length`,
      );
      const item: Node = { fields: {}, tail: copy(buf, pos, pos + len) };
      if (part.target) item.at = pos;
      items.push(item);
      pos += len;
      continue;
    }
    // a run of same-type, same-length subtables that are exactly their fixed fields (no parts, no
    // extra bytes) decodes in one call; each was checked like the first
    const l = def.layout;
    if (!def.parts && !def.revision && !part.target && fam.lengthWidth !== undefined) {
      const k = !l.gated && len >= l.size ? l.fields.length : presentCount(l, { length: len, revision: ctx.revision });
      if (l.offsets[k] === len) {
        let run = 1;
        for (
          let at = pos + len;
          (count === undefined || items.length + run < count) && at + len <= to && typeAt(at) === type && lengthAt(at, def) === len;
          at += len
        )
          run++;
        if (run > 1) {
          for (const fields of arrayDecoderFor(l, k).decode(buf.subarray(pos, pos + run * len))) items.push({ fields, tail: EMPTY });
          pos += run * len;
          continue;
        }
      }
    }
    const item = decodeNode(def, ctx, pos, pos + len, current);
    if (part.target) item.at = pos;
    items.push(item);
    pos += len;
  }
  setPart(node, part, items);
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

/** Item count of a part value (names for strings, rows for a matrix, 1 for one name). */
function partCount(part: PartDef, v: PartValue): number {
  if (part.kind === 'string') return 1;
  if (v instanceof Uint8Array) return v.length;
  return (v as unknown[]).length;
}

function stringsText(node: Node): string {
  return (node.strings ?? []).map((s) => s + '\0').join('') + (node.unterminated ?? '');
}

/** Byte size of a part as encoded. */
function partBytes(part: PartDef, v: PartValue, node?: Node): number {
  switch (part.kind) {
    case 'records':
      return (v as Node[]).length * part.record.layout.size;
    case 'subtables':
      return (v as Node[]).reduce((n, it) => n + nodeSize(defOfItem(part.family, it), it), 0);
    case 'strings':
      return node ? stringsText(node).length : (v as string[]).reduce((n, s) => n + s.length + 1, 0);
    case 'string':
      return (v as string).length + 1;
    case 'raw':
      return (v as Uint8Array).length;
    case 'matrix':
      return (v as number[][]).reduce((n, r) => n + r.length * part.width, 0);
  }
}

/** Encode context: item keys (Node.at) mapped to where those items land, for ref fields. */
interface EncodeCtx {
  refs?: Map<string, Map<number, number>>;
}

function encodePart(part: PartDef, v: PartValue, node: Node, ectx: EncodeCtx): Uint8Array[] {
  switch (part.kind) {
    case 'records':
      return (v as Node[]).map((n) => encodeNode(part.record, n, ectx));
    case 'subtables':
      return (v as Node[]).map((n) => encodeNode(defOfItem(part.family, n), n, ectx));
    case 'strings': {
      const text = stringsText(node);
      return text.length ? [latin1Bytes(text)] : [];
    }
    case 'string':
      return [latin1Bytes((v as string) + '\0')];
    case 'raw':
      return [v as Uint8Array];
    case 'matrix': {
      const m = v as number[][];
      const out = new Uint8Array(partBytes(part, m));
      let at = 0;
      for (const row of m)
        for (const c of row) {
          writeUint(out, at, part.width, c);
          at += part.width;
        }
      return [out];
    }
  }
}

/** The part values present on a node, in declaration order (strings count when the node has any). */
function presentParts(def: ContainerDef, node: Node): { part: PartDef; value: PartValue }[] {
  const out: { part: PartDef; value: PartValue }[] = [];
  for (const part of def.parts ?? []) {
    const v = part.kind === 'strings' ? (node.strings || node.unterminated ? (node.strings ?? []) : undefined) : partValue(node, part);
    if (v !== undefined) out.push({ part, value: v });
  }
  return out;
}

/** Fields with every ref field mapped to where its target item lands. */
function mapRefs(l: Layout, fields: Fields, ectx: EncodeCtx): Fields {
  if (!ectx.refs || !l.fields.some((f) => f.ref)) return fields;
  const out = { ...fields };
  for (const f of l.fields) {
    if (!f.ref || !(f.name in fields)) continue;
    const to = ectx.refs.get(f.ref)?.get(num(fields[f.name]));
    if (to !== undefined) out[f.name] = to;
  }
  return out;
}

/** Encode a container: fixed fields (restructure), each part after its pad, tail; then patch every
 * derived field. */
export function encodeNode(def: ContainerDef, node: Node, ectx: EncodeCtx = {}): Uint8Array {
  const l = def.layout;
  const k = presentPrefix(l, node.fields, def.label);
  const fixed = encoderFor(l, k).encode(mapRefs(l, node.fields, ectx));
  const chunks: Uint8Array[] = [fixed];
  const placed = new Map<PartDef, { at: number; bytes: number; value: PartValue }>();
  let at = fixed.length;
  for (const { part, value } of presentParts(def, node)) {
    const pad = node.pads?.[part.key];
    if (pad?.length) {
      chunks.push(pad);
      at += pad.length;
    }
    const bytes = encodePart(part, value, node, ectx);
    const n = bytes.reduce((s, b) => s + b.length, 0);
    chunks.push(...bytes);
    placed.set(part, { at, bytes: n, value });
    at += n;
  }
  chunks.push(node.tail);
  const out = concat(chunks);
  const top = (name: string) => l.fields.findIndex((f) => f.name === name);
  for (const [name, link] of linksOf(def)) {
    const i = top(name);
    if (i >= k) continue;
    const p = placed.get(link.part);
    const width = l.fields[i].size;
    const off = l.offsets[i];
    const declared = node.faults?.[name];
    if (declared !== undefined) writeUint(out, off, width, declared);
    else if (link.role === 'offset') {
      if (p && p.bytes > 0) writeUint(out, off, width, p.at);
    } else writeUint(out, off, width, p ? (link.role === 'count' ? partCount(link.part, p.value) : p.bytes) : 0);
  }
  const leaves = derivedLeaves(l);
  for (const leaf of leaves) if (leaf.top < k && leaf.derive === 'length') writeUint(out, leaf.offset, leaf.width, out.length);
  // checksums last, in declaration order (RSDP: the 20-byte one before the extended one)
  for (const leaf of leaves) {
    if (leaf.top >= k || leaf.derive !== 'checksum') continue;
    const fault = Number(node.faults?.[leaf.path] ?? 0);
    out[leaf.offset] = (checksumOf(out, leaf.span ?? out.length, leaf.offset) + fault) & 0xff;
  }
  // CRC-32s after everything they cover (a recorded fault is the value the input declared)
  for (const leaf of leaves) {
    if (leaf.top >= k || leaf.derive !== 'crc32') continue;
    const declared = node.faults?.[leaf.path];
    writeUint(out, leaf.offset, leaf.width, 0);
    writeUint(
      out,
      leaf.offset,
      leaf.width,
      declared !== undefined ? Number(declared) : crc32(Buffer.from(out.buffer, out.byteOffset, leaf.span ?? out.length)),
    );
  }
  return out;
}

/** Encode a table: where items of reference-target parts land is worked out first, so every ref
 * field points at its item wherever the item moved. */
export function encodeRoot(def: ContainerDef, node: Node): Uint8Array {
  const targets = (def.parts ?? []).filter((p) => p.target);
  if (!targets.length) return encodeNode(def, node);
  const refs = new Map<string, Map<number, number>>();
  const k = presentPrefix(def.layout, node.fields, def.label);
  let at = def.layout.offsets[k];
  for (const { part, value } of presentParts(def, node)) {
    at += node.pads?.[part.key]?.length ?? 0;
    if (part.target && Array.isArray(value)) {
      const m = new Map<number, number>();
      let p = at;
      for (const it of value as Node[]) {
        if (it.at !== undefined && !m.has(it.at)) m.set(it.at, p);
        p += itemSize(part, it);
      }
      refs.set(part.key, m);
    }
    at += partBytes(part, value, node);
  }
  return encodeNode(def, node, { refs });
}

/** Byte size of a node as encodeNode would produce it, without encoding. */
export function nodeSize(def: ContainerDef, node: Node): number {
  const k = presentPrefix(def.layout, node.fields, def.label);
  let n = def.layout.offsets[k] + node.tail.length;
  for (const { part, value } of presentParts(def, node)) n += (node.pads?.[part.key]?.length ?? 0) + partBytes(part, value, node);
  return n;
}

/** Every part of a node in order with its pad and where it starts (relative to the node), for the
 * generic readers (describe, JSON, diff): one place knows how parts are laid out. */
export function partsOf(def: ContainerDef, node: Node): { part: PartDef; value: PartValue; pad?: Uint8Array; at: number; size: number }[] {
  const k = presentPrefix(def.layout, node.fields, def.label);
  let at = def.layout.offsets[k];
  const out: { part: PartDef; value: PartValue; pad?: Uint8Array; at: number; size: number }[] = [];
  for (const { part, value } of presentParts(def, node)) {
    const pad = node.pads?.[part.key];
    at += pad?.length ?? 0;
    const size = partBytes(part, value, node);
    out.push({ part, value, pad: pad?.length ? pad : undefined, at, size });
    at += size;
  }
  return out;
}

/** Size in bytes of one item of a list part. */
export function itemSize(part: PartDef, it: Node): number {
  if (part.kind === 'records') return part.record.layout.size;
  if (part.kind === 'subtables') return nodeSize(defOfItem(part.family, it), it);
  return 0;
}

/** The definition of one item of a list part. */
export function itemDef(part: PartDef, it: Node): ContainerDef {
  if (part.kind === 'records') return part.record;
  if (part.kind === 'subtables') return defOfItem(part.family, it);
  throw new Error(`part ${part.key} is not a list`);
}

/** Path segment of one item of a list part (its def's name, or type_0xNN for an unknown type). */
export function itemSegment(part: PartDef, it: Node): string {
  if (part.kind === 'subtables') return segmentName(part.family, typeOf(part.family, it));
  return itemDef(part, it).name;
}

// ---------------------------------------------------------------- typed access and construction

/** A node's fields, typed from its definition: `fieldsOf(gicc, n).arm_mpidr` is a bigint, and a
 * renamed field is a compile error wherever it is read this way. */
export function fieldsOf<L extends Layout>(_def: { layout: L }, n: Node): FieldsOf<L> {
  return n.fields as FieldsOf<L>;
}

/** A field bag typed from a definition (a field rule's view of its sibling fields). */
export function fieldsIn<L extends Layout>(_def: { layout: L }, f: Fields): FieldsOf<L> {
  return f as FieldsOf<L>;
}

/** The path of a declared field of an item, `${at}.${name}`: a name the declaration lacks is a
 * compile error, so renaming a field points at every finding path that names it. */
export function fieldPath<L extends Layout>(at: string, _def: { layout: L }, name: FieldPath<L> | FieldName<L>): string {
  return `${at}.${name}`;
}

/** The paths of a table's own fields, `${signature}.${path}`, typed from its layout:
 * `const at = tablePath('FACP', fadtLayout); at('header.revision')`. */
export const tablePath =
  <L extends Layout>(signature: string, _layout: L) =>
  (path: FieldPath<L>): string =>
    `${signature}.${path}`;

/** Whether a node holds a declared field (one past its length, or gated out, is absent). */
export function hasField<L extends Layout>(_def: { layout: L }, n: Node, name: FieldName<L>): boolean {
  return name in n.fields;
}

/** The node with some of its declared fields changed: an undeclared name, or a value of the wrong
 * type, is a compile error (a spread of the untyped field bag would take anything). */
export function withFields<L extends Layout>(_def: { layout: L }, n: Node, patch: Partial<FieldsOf<L>>): Node {
  return { ...n, fields: { ...n.fields, ...(patch as Fields) } };
}

/** Zero values for fields [from, to) of a layout (nested structs filled in full). */
export function zeroFields(l: Layout, from = 0, to = l.fields.length): Fields {
  const out: Fields = {};
  for (const f of l.fields.slice(from, to)) {
    switch (f.kind) {
      case 'u64':
        out[f.name] = 0n;
        break;
      case 'bytes':
        out[f.name] = new Uint8Array(f.size);
        break;
      case 'ascii':
        out[f.name] = '\0'.repeat(f.size);
        break;
      case 'struct':
        out[f.name] = zeroFields(f.struct!);
        break;
      default:
        out[f.name] = 0;
    }
  }
  return out;
}

/** A node of `def` from the fields given, in the smallest layout that holds them: every field up
 * to the last one named or to the definition's minimum length (a record: all of it), and the
 * derived ones right after; zero where not given, nested structs completed. Lengths, counts,
 * offsets and checksums are derived when it is encoded, so no caller writes them. */
export function make<L extends Layout>(
  def: { layout: L; parts?: readonly PartDef[]; minLength?: number },
  fields: Partial<FieldsOf<L>>,
  rest: Omit<Partial<Node>, 'fields'> = {},
): Node {
  const l = def.layout;
  const given = fields as Fields;
  const minimum = def.minLength ?? l.size;
  let last = -1;
  l.fields.forEach((f, i) => {
    if (f.name in given || (l.offsets[i + 1] <= minimum && !f.when)) last = Math.max(last, i);
  });
  const links = def.parts ? linksOf(def as unknown as ContainerDef) : undefined;
  while (last + 1 < l.fields.length && (l.fields[last + 1].derive || links?.has(l.fields[last + 1].name))) last++;
  const out = zeroFields(l, 0, last + 1);
  for (const f of l.fields.slice(0, last + 1)) {
    if (!(f.name in given)) continue;
    out[f.name] = f.kind === 'struct' ? { ...zeroFields(f.struct!), ...(given[f.name] as Fields) } : given[f.name];
  }
  return { tail: EMPTY, ...rest, fields: out };
}

/** A container on its own (an EFI or FDT structure, no table around it) read at `at` of `buf`,
 * typed from its declaration; the caller has checked that it fits. */
export function readAt<L extends Layout>(def: ContainerDef & { layout: L }, buf: Uint8Array, at = 0): FieldsOf<L> {
  return fieldsOf(def, decodeNode(def, { buf, revision: 0, table: def.name, findings: [] }, at, at + def.layout.size, def.name));
}

const fieldsCache = new WeakMap<ContainerDef, Field[]>();

/** Every field a declaration declares: its own (struct members included) and those of every
 * container nested in it — records, subtable types, revision variants — once each. */
export function declaredFields(def: ContainerDef): Field[] {
  let out = fieldsCache.get(def);
  if (out) return out;
  const seen = new Set<ContainerDef>();
  const fields: Field[] = [];
  const inLayout = (l: Layout) => l.fields.forEach((f) => (f.struct ? inLayout(f.struct) : fields.push(f)));
  const visit = (d: ContainerDef) => {
    if (seen.has(d)) return;
    seen.add(d);
    inLayout(d.layout);
    for (const p of d.parts ?? []) {
      if (p.kind === 'records') visit(p.record);
      if (p.kind === 'subtables') [...p.family.types.values(), p.family.unknown].forEach(visit);
    }
    (d.variants ?? []).forEach((v) => visit(v.def));
  };
  visit(def);
  out = fields;
  fieldsCache.set(def, out);
  return out;
}
