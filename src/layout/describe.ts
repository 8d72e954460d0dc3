// One walk over a decoded node and its definition that yields every field with its path, absolute
// offset, width and label. dump (text and JSON), check and diff all read tables through it, so
// they share one path vocabulary: FACP.arm_boot_flags, APIC.gicc[3].flags, GTDT.gt_block[0].timer[1].
import { type Field, type Value, labelOf } from './schema.js';
import {
  type ContainerDef,
  type Node,
  type PartDef,
  presentPrefix,
  nodeSize,
  partsOf,
  itemDef,
  itemSegment,
  itemSize,
  revisionOf,
  derivationOf,
} from './codec.js';

interface Base {
  path: string;
  offset: number;
  width: number;
  label: string;
}
export interface FieldEntry extends Base {
  kind: 'field';
  field: Field;
  value: Value;
  /** revision of the enclosing table (bits and labels depend on it) */
  revision: number;
  /** length, checksum, or a part's count/offset/size: follows from the rest */
  derived: boolean;
  /** the fields of the record it belongs to (a field rule reads its neighbours) */
  node: Record<string, Value>;
}
export interface GroupEntry extends Base {
  kind: 'group';
  role: 'struct' | 'subtable' | 'record';
  children: Entry[];
  /** a struct's title (dump prints it as the value of the struct's line) */
  title?: string;
}
export interface RawEntry extends Base {
  kind: 'raw';
  role: 'gap' | 'tail' | 'data';
  value: Uint8Array;
}
/** A matrix row (SLIT distances, HMAT entries): cells of cellWidth bytes. */
export interface RowEntry extends Base {
  kind: 'row';
  cells: number[];
  cellWidth: number;
}
export interface StringEntry extends Base {
  kind: 'string';
  value: string;
  terminated: boolean;
}
export type Entry = FieldEntry | GroupEntry | RawEntry | StringEntry | RowEntry;

function describeFields(
  fields: readonly Field[],
  offsets: number[],
  k: number,
  values: Record<string, Value>,
  base: number,
  path: string,
  revision: number,
  length: number,
  def?: ContainerDef,
): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < k; i++) {
    const f = fields[i];
    const offset = base + offsets[i];
    const p = `${path}.${f.name}`;
    const label = labelOf(f, { length, revision });
    if (f.kind === 'struct') {
      const s = f.struct!;
      out.push({
        kind: 'group',
        role: 'struct',
        path: p,
        offset,
        width: f.size,
        label,
        title: f.title,
        children: describeFields(s.fields, s.offsets, s.fields.length, values[f.name] as Record<string, Value>, offset, p, revision, s.size),
      });
    } else {
      out.push({
        kind: 'field',
        path: p,
        offset,
        width: f.size,
        label,
        field: f,
        value: values[f.name],
        revision,
        derived: derivationOf(def, f) !== undefined,
        node: values,
      });
    }
  }
  return out;
}

/** Entries of a node laid out at `base`, under `path`. */
export function describeNode(def: ContainerDef, node: Node, base: number, path: string, revision: number): Entry[] {
  const l = def.layout;
  const k = presentPrefix(l, node.fields, def.label);
  const length = nodeSize(def, node);
  if (def.revision) revision = revisionOf(def, node.fields) ?? revision;
  const out = describeFields(l.fields, l.offsets, k, node.fields, base, path, revision, length, def);
  let at = base + l.offsets[k];
  for (const p of partsOf(def, node)) {
    const part = p.part;
    if (p.pad)
      out.push({
        kind: 'raw',
        role: 'gap',
        path: `${path}.${padName(def, part)}`,
        offset: base + p.at - p.pad.length,
        width: p.pad.length,
        label: part.padLabel ?? 'Reserved (before the list)',
        value: p.pad,
      });
    at = base + p.at;
    switch (part.kind) {
      case 'records':
      case 'subtables': {
        const ordinals = new Map<string, number>();
        for (const it of p.value as Node[]) {
          const d = itemDef(part, it);
          const seg = itemSegment(part, it);
          const ord = ordinals.get(seg) ?? 0;
          ordinals.set(seg, ord + 1);
          const ip = `${path}.${seg}[${ord}]`;
          const size = itemSize(part, it);
          let children = describeNode(d, it, at, ip, revision);
          if (d.indexLabels) children = children.map((c) => ({ ...c, label: `${c.label} ${String(ord).padStart(3)}` }));
          out.push({ kind: 'group', role: part.kind === 'records' ? 'record' : 'subtable', path: ip, offset: at, width: size, label: d.label, children });
          at += size;
        }
        break;
      }
      case 'strings':
        (node.strings ?? []).forEach((s, i) => {
          out.push({ kind: 'string', path: `${path}.${part.key}[${i}]`, offset: at, width: s.length + 1, label: part.label, value: s, terminated: true });
          at += s.length + 1;
        });
        if (node.unterminated) {
          const i = node.strings?.length ?? 0;
          out.push({
            kind: 'string',
            path: `${path}.${part.key}[${i}]`,
            offset: at,
            width: node.unterminated.length,
            label: part.label,
            value: node.unterminated,
            terminated: false,
          });
        }
        break;
      case 'string':
        out.push({ kind: 'string', path: `${path}.${part.key}`, offset: at, width: p.size, label: part.label, value: p.value as string, terminated: true });
        break;
      case 'raw':
        out.push({ kind: 'raw', role: 'data', path: `${path}.${part.key}`, offset: at, width: p.size, label: part.label, value: p.value as Uint8Array });
        break;
      case 'matrix': {
        const m = p.value as number[][];
        m.forEach((row, r) => {
          if (part.perCell) {
            // one line per cell, as iasl prints HMAT entries
            row.forEach((c, j) => {
              out.push({
                kind: 'row',
                path: `${path}.${part.key}[${r}][${j}]`,
                offset: at,
                width: part.width,
                label: part.label,
                cells: [c],
                cellWidth: part.width,
              });
              at += part.width;
            });
            return;
          }
          const w = row.length * part.width;
          out.push({
            kind: 'row',
            path: `${path}.${part.key}[${r}]`,
            offset: at,
            width: w,
            label: `${part.label} ${String(r).padStart(3)}`,
            cells: row,
            cellWidth: part.width,
          });
          at += w;
        });
        break;
      }
    }
    at = base + p.at + p.size;
  }
  if (node.tail.length) {
    out.push({
      kind: 'raw',
      role: 'tail',
      path: `${path}.tail`,
      offset: at,
      width: node.tail.length,
      label: def.tailLabel ?? 'Trailing bytes',
      value: node.tail,
    });
  }
  return out;
}

/** Path name of the bytes before a part: "gap" before the only part (GTDT), "<key>_gap" otherwise. */
export function padName(def: ContainerDef, part: PartDef): string {
  return (def.parts?.length ?? 0) > 1 ? `${part.key}_gap` : 'gap';
}

/** Every entry, groups included, depth first. */
export function* everyEntry(entries: Entry[]): Generator<Entry> {
  for (const e of entries) {
    yield e;
    if (e.kind === 'group') yield* everyEntry(e.children);
  }
}

/** The entry at a path: a field ("XSDT.entry[2].address") or a group ("APIC.gicc[3]"). */
export function entryAt(entries: Entry[], path: string): Entry | undefined {
  for (const e of everyEntry(entries)) if (e.path === path) return e;
  return undefined;
}

/** Leaf fields only, depth first (what JSON output and comparisons want). */
export function* leaves(entries: Entry[]): Generator<FieldEntry | RawEntry | StringEntry | RowEntry> {
  for (const e of entries) {
    if (e.kind === 'group') yield* leaves(e.children);
    else yield e;
  }
}
