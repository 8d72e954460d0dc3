// The one engine that turns bytes into Nodes and back. A container (table, subtable, record) is a
// fixed Layout followed by its parts — fixed-size records, type/length subtables, NUL-terminated
// names, one name, raw bytes, a matrix — each placed by an offset field or following the previous
// one, each sized by a count or size field or running to the next part — and whatever bytes remain
// up to its length. Everything is kept, so encode(decode(x)) === x; lengths, counts, offsets,
// checksums and references between items are derived here and only here.
//
// This module is the engine's one door: the model (node.ts), decode (decode.ts), encode
// (encode.ts) and the part kinds (parts/, one module each behind one dispatch table) are reached
// through it, with the typed access below — a node's fields, paths and updates typed from its
// declaration.
import type { Fields, FieldsOf, Field, Layout } from './schema.js';
import { hex } from './diagnostics.js';
import { EMPTY, linksOf, readableAs, type ContainerDef, type FieldName, type FieldPath, type Node, type PartDef } from './node.js';
import { decodeNode } from './decode.js';
import { kindOf } from './parts/index.js';

export * from './node.js';
export { decodeNode } from './decode.js';
export { encodeNode, encodeRoot, nodeSize, partsOf, partBytes, presentPrefix, itemSize, itemDef, itemSegment } from './encode.js';
export { SHORT, defOfItem, segmentName, subtableDef, typeOf, kindOf } from './parts/index.js';
export type { DiffOps, PartKind } from './parts/kind.js';

// ---------------------------------------------------------------- typed access and construction

/** A node's fields, typed from its definition: `fieldsOf(gicc, n).arm_mpidr` is a bigint, and a
 * renamed field is a compile error wherever it is read this way. Checked, not cast: a subtable
 * whose type byte selects another declaration of its family throws (a rule reading an ITS as a
 * GICC is a fault of the rule, found by the first test that runs it). */
export function fieldsOf<L extends Layout>(def: { layout: L }, n: Node): FieldsOf<L> {
  if (!readableAs(def, n)) throw new Error(`a subtable of type ${hex(Number(n.fields.type), 2)} read as ${def.layout.name}`);
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
      kindOf(p).nested?.(p).forEach(visit);
    }
    (d.variants ?? []).forEach((v) => visit(v.def));
  };
  visit(def);
  out = fields;
  fieldsCache.set(def, out);
  return out;
}
