// One walk over a decoded node and its definition that yields every field with its path, absolute
// offset, width and label. dump (text and JSON), check and diff all read tables through it, so
// they share one path vocabulary: FACP.arm_boot_flags, APIC.gicc[3].flags, GTDT.gt_block[0].timer[1].
import { type Field, type Value, labelOf } from './schema.js';
import { type ContainerDef, type Node, type PartDef, presentPrefix, nodeSize, partsOf, kindOf, revisionOf, derivationOf } from './codec.js';

import type { FieldEntry, RawEntry, RowEntry, StringEntry, Entry } from './entry.js';

export type { FieldEntry, GroupEntry, RawEntry, RowEntry, StringEntry, Entry } from './entry.js';

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
    for (const e of kindOf(part).describe(part, p.value, node, { at: base + p.at, size: p.size, path, revision, describeNode, nodeSize })) out.push(e);
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
