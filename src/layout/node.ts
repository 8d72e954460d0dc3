// The engine's model: what a container is (a fixed Layout, then parts, then the bytes left up to
// its length), the Node a decode gives, and the small facts every part of the engine shares —
// where a part's value lives, which fields a part drives, where a field is, revisions, integers and
// checksums, and how a decode reports a finding.
import type { Fields, FieldsOf, Field, Layout, Derive, Gate } from './schema.js';
import type { Finding } from './diagnostics.js';

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

export interface PartBase {
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
    | {
        kind: 'string';
        /** the code a string without its NUL is reported with, when its table declares what that
         * means to whom (DBG2's namepath: DBG2_NAMEPATH); by default DECODE_BODY_SIZE */
        unterminated?: string;
      }
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

/** The type bytes that select each declaration in the families declared with family(). */
const TYPES_OF = new WeakMap<ContainerDef, Set<number>>();

/** A family whose types are declared by their type byte. Its items are a discriminated union
 * (ItemOf, narrowed by `type`), and fieldsOf refuses a node whose type selects another declaration. */
export type TypedFamily<T extends Record<number, ContainerDef>> = SubtableFamily & { byType: T };

export function family<const T extends Record<number, ContainerDef>>(f: Omit<SubtableFamily, 'types'> & { byType: T }): TypedFamily<T> {
  const types = new Map<number, ContainerDef>(Object.entries(f.byType).map(([k, d]) => [Number(k), d]));
  for (const [t, d] of types) {
    let set = TYPES_OF.get(d);
    if (!set) TYPES_OF.set(d, (set = new Set()));
    set.add(t);
  }
  return { ...f, types };
}

/** One item of a typed family, by its type byte: `if (it.type === MADT_GICC) it.fields.arm_mpidr`. */
export type ItemOf<F> =
  F extends TypedFamily<infer T> ? { [K in keyof T & number]: { type: K; fields: FieldsOf<T[K]['layout']>; node: Node } }[keyof T & number] : never;

/** The item as its family declares it: undefined for a type the family does not know, or one too
 * short for its type (kept raw). */
export function itemOf<F extends TypedFamily<Record<number, ContainerDef>>>(fam: F, n: Node): ItemOf<F> | undefined {
  const type = n.fields.type;
  if (type === undefined || !fam.types.has(Number(type))) return undefined;
  return { type: Number(type), fields: n.fields, node: n } as ItemOf<F>;
}

/** Whether a node may be read as `def`: a subtable whose type byte selects another declaration
 * may not (a family declared with family() says which types select which). */
export function readableAs(def: ContainerDef | { layout: Layout }, n: Node): boolean {
  const types = TYPES_OF.get(def as ContainerDef);
  return !types || n.fields.type === undefined || types.has(Number(n.fields.type));
}

export const EMPTY = new Uint8Array(0);

// ---------------------------------------------------------------- parts: where values live, which fields they drive

export function partValue(node: Node, part: PartDef): PartValue | undefined {
  if (part.key === 'items') return node.items;
  if (part.kind === 'strings') return node.strings;
  return node.parts?.[part.key];
}

/** The value a part of each kind holds: records and subtables their nodes, a names part its strings,
 * a string part its text, a raw part its bytes, a matrix its rows. */
export type ValueOfPart<P extends PartDef> = P extends { kind: 'records' | 'subtables' }
  ? Node[]
  : P extends { kind: 'strings' }
    ? string[]
    : P extends { kind: 'string' }
      ? string
      : P extends { kind: 'raw' }
        ? Uint8Array
        : P extends { kind: 'matrix' }
          ? number[][]
          : PartValue;

/** A part of a node, typed by its declaration (undefined when the node does not hold it): table
 * code reads parts this way or by partIn, never by a key of its own — a part's key is its
 * declaration's to change. */
export function partOf<P extends PartDef>(part: P, node: Node): ValueOfPart<P> | undefined {
  return partValue(node, part) as ValueOfPart<P> | undefined;
}

/** The keys of the parts a container declares, where its declaration keeps them (a helper with a
 * `const` parts parameter, as IORT's node()); never where they are plain strings: read those parts
 * with partOf and the part's own declaration. */
export type PartKey<D> = D extends { parts?: readonly (infer P)[] }
  ? P extends { key: infer K extends string }
    ? string extends K
      ? never
      : K
    : never
  : never;
type PartNamed<D, K> = D extends { parts?: readonly (infer P)[] } ? Extract<P, { key: K }> : never;

/** The part of `node` that its declaration `def` names `key`, typed by that part's kind: a key the
 * declaration does not have is a compile error. */
export function partIn<D extends ContainerDef, const K extends PartKey<D>>(
  def: D,
  key: K,
  node: Node,
): (PartNamed<D, K> extends PartDef ? ValueOfPart<PartNamed<D, K>> : PartValue) | undefined {
  const part = def.parts?.find((p) => p.key === key);
  if (!part) throw new Error(`internal error: ${def.name} declares no part "${key}"`);
  return partValue(node, part) as (PartNamed<D, K> extends PartDef ? ValueOfPart<PartNamed<D, K>> : PartValue) | undefined;
}

/** The nodes a list part (records, subtables) holds; none for a part of another kind. */
export function listOf(node: Node, part: PartDef): Node[] {
  return part.kind === 'records' || part.kind === 'subtables' ? ((partValue(node, part) as Node[] | undefined) ?? []) : [];
}

/** A copy of a node with one part, by its declaration, replaced (a pass's way to change a part). */
export function withPart<P extends PartDef>(node: Node, part: P, v: ValueOfPart<P>): Node {
  const out: Node = { ...node, parts: node.parts && { ...node.parts } };
  setPart(out, part, v as PartValue);
  return out;
}

export function setPart(node: Node, part: PartDef, v: PartValue): void {
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

export function writeUint(buf: Uint8Array, at: number, width: number, value: number | bigint): void {
  let v = BigInt(value);
  for (let i = 0; i < width; i++) {
    buf[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** The byte that makes buf[0, end) sum to 0 mod 256, were buf[skip] that byte. Four bytes at a
 * time where the bytes are 4-aligned in memory: each 32-bit word's bytes go into two 16-bit lanes
 * per half, flushed before a lane can overflow. */
export function checksumOf(buf: Uint8Array, end: number, skip: number): number {
  const n = Math.min(end, buf.length);
  let sum = 0;
  let i = 0;
  const lead = (4 - (buf.byteOffset & 3)) & 3;
  for (; i < n && i < lead; i++) sum += buf[i];
  const words = (n - i) >>> 2;
  if (words > 0) {
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    for (let j = 0; j < words;) {
      const stop = Math.min(words, j + 64); // 64 × 2 × 0xff per lane stays below 2^31 in all
      let lanes = 0;
      for (; j < stop; j++) {
        const x = w[j];
        lanes += (x & 0x00ff00ff) + ((x >>> 8) & 0x00ff00ff);
      }
      sum += (lanes & 0xffff) + (lanes >>> 16);
    }
    i += words * 4;
  }
  for (; i < n; i++) sum += buf[i];
  if (skip >= 0 && skip < n) sum -= buf[skip];
  return (256 - (sum & 0xff)) & 0xff;
}

export const num = (v: unknown): number => (v === undefined ? 0 : Number(v));

export function countOf(part: PartDef, fields: Fields): number | undefined {
  if (part.count === undefined) return undefined;
  return typeof part.count === 'function' ? part.count(fields) : num(fields[part.count]);
}

export function colsOf(part: PartDef & { kind: 'matrix' }, fields: Fields): number {
  return typeof part.cols === 'function' ? part.cols(fields) : num(fields[part.cols]);
}

// ---------------------------------------------------------------- what decode and encode share

export interface DecodeCtx {
  buf: Uint8Array;
  /** revision of the nearest container that declares one, else the table's */
  revision: number;
  table: string;
  findings: Finding[];
}

export function copy(buf: Uint8Array, from: number, to: number): Uint8Array {
  return to > from ? buf.slice(from, to) : EMPTY;
}

/** A field path, built only when a finding needs it (decoding a 1024-GICC MADT builds none). */
export type LazyPath = string | (() => string);
export const pathOf = (p: LazyPath): string => (typeof p === 'string' ? p : p());

export function fail(ctx: DecodeCtx, code: string, path: LazyPath, offset: number, message: string, severity: 'error' | 'warning' = 'error') {
  ctx.findings.push({ code, severity, table: ctx.table, path: pathOf(path), offset, message });
}

export const errorsIn = (ctx: DecodeCtx) => ctx.findings.reduce((n, f) => n + (f.severity === 'error' ? 1 : 0), 0);

/** Where a part's count field is (path and byte offset), for the findings about a count that overruns. */
export interface CountField {
  path: LazyPath;
  at: number;
}

/** Encode context: item keys (Node.at) mapped to where those items land, for ref fields. */
export interface EncodeCtx {
  refs?: Map<string, Map<number, number>>;
}

export function latin1Bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}
