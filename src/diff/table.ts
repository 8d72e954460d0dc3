// Structural diff of two decoded tables of the same signature, in the shared path vocabulary.
// MADT GICCs are matched by MPIDR (a trim shows as removed CPUs, not shifted fields), other
// subtables by type and ordinal, records by index; flag fields are compared bit by bit.
import type { Field, Fields, Layout, Value } from '../layout/schema.js';
import { type ContainerDef, type Node, subtableDef, segmentName } from '../layout/codec.js';
import { defFor, type AcpiTable } from '../tables/registry.js';
import { jsonValue, type Json } from '../dump/json.js';
import { MADT_GICC } from '../tables/madt.js';

export type ChangeKind = 'changed' | 'added' | 'removed';

export interface Change {
  path: string;
  kind: ChangeKind;
  old?: Json;
  new?: Json;
  /** a length, count, offset or checksum: follows from other changes */
  derived?: boolean;
  /** a table address or a pointer to one (RSDP → XSDT, XSDT entries, FADT → DSDT/FACS) */
  pointer?: boolean;
}

/** Names the table at a physical address (signature, "#n" for a repeat), for keying root-table entries. */
export type Resolver = (address: bigint) => string | undefined;

export interface DiffContext {
  /** resolvers for the old and the new side; without them root-table entries pair by index */
  a?: Resolver;
  b?: Resolver;
}

function same(a: Value | undefined, b: Value | undefined): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  return a === b;
}

function diffFields(l: Layout, a: Fields, b: Fields, path: string, out: Change[]): void {
  for (const f of l.fields) {
    const p = `${path}.${f.name}`;
    const inA = f.name in a;
    const inB = f.name in b;
    if (!inA && !inB) continue;
    if (!inA || !inB) {
      out.push(inA ? { path: p, kind: 'removed', old: jsonValue(a[f.name]) } : { path: p, kind: 'added', new: jsonValue(b[f.name]) });
      continue;
    }
    if (f.kind === 'struct') diffFields(f.struct!, a[f.name] as Fields, b[f.name] as Fields, p, out);
    else if (!same(a[f.name], b[f.name])) out.push(...scalarChanges(f, a[f.name], b[f.name], p));
  }
}

function scalarChanges(f: Field, a: Value, b: Value, p: string): Change[] {
  const derived = f.derive !== undefined ? { derived: true } : f.pointer ? { pointer: true } : {};
  if (!f.bits) return [{ path: p, kind: 'changed', old: jsonValue(a), new: jsonValue(b), ...derived }];
  const x = BigInt(a as number | bigint);
  const y = BigInt(b as number | bigint);
  const out: Change[] = [];
  let known = 0n;
  for (const bit of f.bits) {
    const mask = ((1n << BigInt(bit.width ?? 1)) - 1n) << BigInt(bit.bit);
    known |= mask;
    if ((x & mask) !== (y & mask)) {
      out.push({ path: `${p}.${bit.name}`, kind: 'changed', old: Number((x & mask) >> BigInt(bit.bit)), new: Number((y & mask) >> BigInt(bit.bit)) });
    }
  }
  if ((x & ~known) !== (y & ~known)) out.push({ path: p, kind: 'changed', old: jsonValue(a), new: jsonValue(b) });
  return out;
}

/** Keys that pair items across two versions of a body. */
function keyed(def: ContainerDef, items: Node[], resolve?: Resolver): Map<string, { node: Node; def: ContainerDef }> {
  const out = new Map<string, { node: Node; def: ContainerDef }>();
  const body = def.body!;
  const ordinals = new Map<string, number>();
  const next = (seg: string) => {
    const n = ordinals.get(seg) ?? 0;
    ordinals.set(seg, n + 1);
    return n;
  };
  for (const it of items) {
    let d: ContainerDef;
    let key: string;
    if (body.kind === 'subtables') {
      const type = Number(it.fields.type);
      d = subtableDef(body.family, type);
      const seg = segmentName(body.family, type);
      key = type === MADT_GICC && 'arm_mpidr' in it.fields ? `${seg}[mpidr=0x${(it.fields.arm_mpidr as bigint).toString(16)}]` : `${seg}[${next(seg)}]`;
    } else {
      d = (body as { record: ContainerDef }).record;
      const addr = it.fields.address;
      if (resolve && d.layout.fields[0]?.pointer && addr !== undefined) {
        // root-table entries pair by the table they point to (XSDT.entry[FACP]), not by position
        const a = BigInt(addr as number | bigint);
        key = `${d.name}[${resolve(a) ?? `@0x${a.toString(16)}`}]`;
      } else key = `${d.name}[${next(d.name)}]`;
    }
    // two entries with one key (a duplicate MPIDR, two pointers to one table) keep both
    while (out.has(key)) key += "'";
    out.set(key, { node: it, def: d });
  }
  return out;
}

function diffBytes(a: Uint8Array | undefined, b: Uint8Array | undefined, p: string, out: Change[]): void {
  const x = a ?? new Uint8Array(0);
  const y = b ?? new Uint8Array(0);
  if (!same(x, y)) out.push({ path: p, kind: x.length && !y.length ? 'removed' : !x.length ? 'added' : 'changed', old: x.length ? jsonValue(x) : undefined, new: y.length ? jsonValue(y) : undefined });
}

export function diffNode(def: ContainerDef, a: Node, b: Node, path: string, out: Change[] = [], ctx: DiffContext = {}): Change[] {
  diffFields(def.layout, a.fields, b.fields, path, out);
  diffBytes(a.gap, b.gap, `${path}.gap`, out);
  const body = def.body;
  if (body?.kind === 'records' || body?.kind === 'subtables') {
    const ka = keyed(def, a.items ?? [], ctx.a);
    const kb = keyed(def, b.items ?? [], ctx.b);
    for (const [k, x] of ka) {
      const y = kb.get(k);
      if (!y) out.push({ path: `${path}.${k}`, kind: 'removed', old: jsonValue(x.node.fields) });
      else diffNode(x.def, x.node, y.node, `${path}.${k}`, out, ctx);
    }
    for (const [k, y] of kb) if (!ka.has(k)) out.push({ path: `${path}.${k}`, kind: 'added', new: jsonValue(y.node.fields) });
  } else if (body?.kind === 'strings') {
    const sa = a.strings ?? [];
    const sb = b.strings ?? [];
    for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
      const p = `${path}.${body.name}[${i}]`;
      if (i >= sb.length) out.push({ path: p, kind: 'removed', old: sa[i] });
      else if (i >= sa.length) out.push({ path: p, kind: 'added', new: sb[i] });
      else if (sa[i] !== sb[i]) out.push({ path: p, kind: 'changed', old: sa[i], new: sb[i] });
    }
    if ((a.unterminated ?? '') !== (b.unterminated ?? '')) out.push({ path: `${path}.${body.name}_unterminated`, kind: 'changed', old: a.unterminated ?? null, new: b.unterminated ?? null });
  }
  diffBytes(a.tail, b.tail, `${path}.tail`, out);
  return out;
}

/** Changes from table a to table b (same signature); a missing side is a whole-table add/remove. */
export function diffTable(a: AcpiTable | undefined, b: AcpiTable | undefined, path?: string, ctx: DiffContext = {}): Change[] {
  if (!a && !b) return [];
  const sig = (a ?? b)!.signature;
  const p = path ?? sig;
  if (!a) return [{ path: p, kind: 'added' }];
  if (!b) return [{ path: p, kind: 'removed' }];
  return diffNode(defFor(sig), a, b, p, [], ctx);
}
