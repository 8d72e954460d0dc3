// One walk over a decoded node and its definition that yields every field with its path, absolute
// offset, width and label. dump (text and JSON), check and diff all read tables through it, so
// they share one path vocabulary: FACP.arm_boot_flags, APIC.gicc[3].flags, GTDT.gt_block[0].timer[1].
import { type Field, type Value, labelOf } from './schema.js';
import { type ContainerDef, type Node, presentPrefix, nodeSize, subtableDef, segmentName } from './codec.js';

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
}
export interface GroupEntry extends Base {
  kind: 'group';
  role: 'struct' | 'subtable' | 'record';
  children: Entry[];
}
export interface RawEntry extends Base {
  kind: 'raw';
  role: 'gap' | 'tail';
  value: Uint8Array;
}
export interface StringEntry extends Base {
  kind: 'string';
  value: string;
  terminated: boolean;
}
export type Entry = FieldEntry | GroupEntry | RawEntry | StringEntry;

function describeFields(fields: Field[], offsets: number[], k: number, values: Record<string, Value>, base: number, path: string, revision: number, length: number): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < k; i++) {
    const f = fields[i];
    const offset = base + offsets[i];
    const p = `${path}.${f.name}`;
    const label = labelOf(f, { length, revision });
    if (f.kind === 'struct') {
      const s = f.struct!;
      out.push({
        kind: 'group', role: 'struct', path: p, offset, width: f.size, label,
        children: describeFields(s.fields, s.offsets, s.fields.length, values[f.name] as Record<string, Value>, offset, p, revision, s.size),
      });
    } else {
      out.push({ kind: 'field', path: p, offset, width: f.size, label, field: f, value: values[f.name], revision });
    }
  }
  return out;
}

/** Entries of a node laid out at `base`, under `path`. */
export function describeNode(def: ContainerDef, node: Node, base: number, path: string, revision: number): Entry[] {
  const l = def.layout;
  const k = presentPrefix(l, node.fields, def.label);
  const length = nodeSize(def, node);
  const out = describeFields(l.fields, l.offsets, k, node.fields, base, path, revision, length);
  let at = base + l.offsets[k];
  if (node.gap?.length) {
    out.push({ kind: 'raw', role: 'gap', path: `${path}.gap`, offset: at, width: node.gap.length, label: 'Reserved (before the list)', value: node.gap });
    at += node.gap.length;
  }
  const body = def.body;
  if (body?.kind === 'records' || body?.kind === 'subtables') {
    const ordinals = new Map<string, number>();
    for (const it of node.items ?? []) {
      const d = body.kind === 'records' ? body.record : subtableDef(body.family, Number(it.fields.type));
      const seg = body.kind === 'records' ? body.record.name : segmentName(body.family, Number(it.fields.type));
      const ord = ordinals.get(seg) ?? 0;
      ordinals.set(seg, ord + 1);
      const p = `${path}.${seg}[${ord}]`;
      const size = nodeSize(d, it);
      let children = describeNode(d, it, at, p, revision);
      if (d.indexLabels) children = children.map((c) => ({ ...c, label: `${c.label} ${String(ord).padStart(3)}` }));
      out.push({ kind: 'group', role: body.kind === 'records' ? 'record' : 'subtable', path: p, offset: at, width: size, label: d.label, children });
      at += size;
    }
  } else if (body?.kind === 'strings') {
    (node.strings ?? []).forEach((s, i) => {
      out.push({ kind: 'string', path: `${path}.${body.name}[${i}]`, offset: at, width: s.length + 1, label: body.label, value: s, terminated: true });
      at += s.length + 1;
    });
    if (node.unterminated) {
      const i = node.strings?.length ?? 0;
      out.push({ kind: 'string', path: `${path}.${body.name}[${i}]`, offset: at, width: node.unterminated.length, label: body.label, value: node.unterminated, terminated: false });
      at += node.unterminated.length;
    }
  }
  if (node.tail.length) {
    out.push({ kind: 'raw', role: 'tail', path: `${path}.tail`, offset: at, width: node.tail.length, label: def.tailLabel ?? 'Trailing bytes', value: node.tail });
  }
  return out;
}

/** Leaf fields only, depth first (what JSON output and comparisons want). */
export function* leaves(entries: Entry[]): Generator<FieldEntry | RawEntry | StringEntry> {
  for (const e of entries) {
    if (e.kind === 'group') yield* leaves(e.children);
    else yield e;
  }
}
