// Encode: a Node back into bytes. Fixed fields by one generated encoder, each part after its pad by
// its kind's module, the tail; then every derived field is written — counts, offsets and sizes of
// the parts, lengths, checksums and CRC-32s — and references between items follow where the items
// landed. Also the sizes and placements the readers (describe, JSON, diff) need, without encoding.
import { crc32 } from 'crc';
import { encoderFor, EncodeError } from './backends.js';
import type { Fields, Layout } from './schema.js';
import {
  checksumOf,
  derivedLeaves,
  linksOf,
  num,
  partValue,
  writeUint,
  type ContainerDef,
  type EncodeCtx,
  type Node,
  type PartDef,
  type PartValue,
} from './node.js';
import { kindOf } from './parts/index.js';

/** Number of leading layout fields present in `fields`; a present field after a gap is a caller error. */
export function presentPrefix(l: Layout, fields: Fields, where: string): number {
  let k = 0;
  while (k < l.fields.length && l.fields[k].name in fields) k++;
  for (let i = k + 1; i < l.fields.length; i++) {
    if (l.fields[i].name in fields) {
      throw new EncodeError(`${where}: field ${l.fields[i].name} is set but ${l.fields[k].name} before it is not`);
    }
  }
  return k;
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

/** Byte size of a part as encoded. */
export function partBytes(part: PartDef, v: PartValue, node?: Node): number {
  return kindOf(part).bytes(part, v, node, nodeSize);
}

/** The part values present on a node, in declaration order (strings count when the node has any). */
function presentParts(def: ContainerDef, node: Node): { part: PartDef; value: PartValue }[] {
  const out: { part: PartDef; value: PartValue }[] = [];
  for (const part of def.parts ?? []) {
    const kind = kindOf(part);
    const v = kind.stored ? kind.stored(part, node) : partValue(node, part);
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
  const fixed = encoderFor(l, k).encode(mapRefs(l, node.fields, ectx), def.label);
  const chunks: Uint8Array[] = [fixed];
  const placed = new Map<PartDef, { at: number; bytes: number; value: PartValue }>();
  let at = fixed.length;
  for (const { part, value } of presentParts(def, node)) {
    const pad = node.pads?.[part.key];
    if (pad?.length) {
      chunks.push(pad);
      at += pad.length;
    }
    const bytes = kindOf(part).encode(part, value, node, ectx, encodeNode);
    const n = bytes.reduce((s, b) => s + b.length, 0);
    for (const b of bytes) chunks.push(b);
    placed.set(part, { at, bytes: n, value });
    at += n;
  }
  chunks.push(node.tail);
  const out = concat(chunks);
  // a derived value its field cannot hold is refused, never written wrapped (a root complex of
  // 4,000 mappings is 80,036 bytes: its 16-bit length would read 14,500)
  const derived = (at: number, width: number, value: number | bigint, field: string, what: string) => {
    const v = typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value) : undefined;
    if (v === undefined || v < 0n || v >> BigInt(8 * width) !== 0n)
      throw new EncodeError(`${def.label}: field ${field}: ${what} ${value} does not fit its ${8 * width} bits`);
    writeUint(out, at, width, v);
  };
  const top = (name: string) => l.fields.findIndex((f) => f.name === name);
  for (const [name, link] of linksOf(def)) {
    const i = top(name);
    if (i >= k) continue;
    const p = placed.get(link.part);
    const width = l.fields[i].size;
    const off = l.offsets[i];
    const declared = node.faults?.[name];
    if (declared !== undefined) derived(off, width, declared, name, 'the declared value');
    else if (link.role === 'offset') {
      if (p && p.bytes > 0) derived(off, width, p.at, name, `the offset of its ${link.part.label}`);
    } else if (link.role === 'count') derived(off, width, p ? kindOf(link.part).count(link.part, p.value) : 0, name, `the count of its ${link.part.label}`);
    else derived(off, width, p ? p.bytes : 0, name, `the size of its ${link.part.label}`);
  }
  const leaves = derivedLeaves(l);
  for (const leaf of leaves) if (leaf.top < k && leaf.derive === 'length') derived(leaf.offset, leaf.width, out.length, leaf.path, 'the length');
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
    if (declared !== undefined) derived(leaf.offset, leaf.width, declared, leaf.path, 'the declared value');
    else writeUint(out, leaf.offset, leaf.width, crc32(Buffer.from(out.buffer, out.byteOffset, leaf.span ?? out.length)));
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

/** Size in bytes of one item of a list part (0 for a part that is no list). */
export function itemSize(part: PartDef, it: Node): number {
  return kindOf(part).item?.size(part, it, nodeSize) ?? 0;
}

/** The definition of one item of a list part. */
export function itemDef(part: PartDef, it: Node): ContainerDef {
  const item = kindOf(part).item;
  if (!item) throw new Error(`part ${part.key} is not a list`);
  return item.def(part, it);
}

/** Path segment of one item of a list part (its def's name, or type_0xNN for an unknown type). */
export function itemSegment(part: PartDef, it: Node): string {
  const item = kindOf(part).item;
  if (!item) throw new Error(`part ${part.key} is not a list`);
  return item.segment(part, it);
}
