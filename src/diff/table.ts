// Structural diff of two decoded tables of the same signature, in the shared path vocabulary.
// MADT GICCs are matched by MPIDR (a trim shows as removed CPUs, not shifted fields), other
// subtables by type and ordinal, records by index; flag fields are compared bit by bit.
import type { Field, Fields, Layout, Value } from '../layout/schema.js';
import {
  type ContainerDef,
  type DiffOps,
  type ItemKey,
  type Node,
  type PartDef,
  partValue,
  itemDef,
  itemSegment,
  derivationOf,
  kindOf,
} from '../layout/codec.js';
import { padName } from '../layout/describe.js';
import { defOf, type AcpiTable } from '../tables/registry.js';
import { jsonValue, type Json } from '../layout/values.js';
import { headerOf, u64Text } from '../tables/common.js';

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
  /** an added or removed item: the names of its fields that hold addresses (for --ignore addresses) */
  pointerFields?: string[];
  /** old and new as dump shows them (hex numbers, ids as text, references by the item they name;
   * long byte strings by their size) */
  text?: { old?: string; new?: string };
  /** more to say in text (where two long byte strings first differ) */
  note?: string;
  /** where it is in each side's table: the field's byte offset, else its item's (the report links both) */
  at?: Sides;
  /** its path on each side as dump names it (items numbered per segment, "APIC.gicc[3].flags", where
   * `path` pairs them by key, "APIC.gicc[mpidr=0x100].flags"): the report links each side's line */
  seat?: { old?: string; new?: string };
}

/** A byte offset in the old and in the new table. */
export interface Sides {
  old?: number;
  new?: number;
}

/** Names the table at a physical address (signature, "#n" for a repeat), for keying root-table entries. */
export type Resolver = (address: bigint) => string | undefined;

export interface DiffContext {
  /** resolvers for the old and the new side; without them root-table entries pair by index */
  a?: Resolver;
  b?: Resolver;
  /** per side: where each reference-target item of the table was, and its diff key (IORT nodes) */
  refsA?: Map<string, Map<number, string>>;
  refsB?: Map<string, Map<number, string>>;
}

function same(a: Value | undefined, b: Value | undefined): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  return a === b;
}

/** A scalar as dump shows it: hex, an id as its text. */
function shown(f: Field, v: Value): string {
  if (typeof v !== 'number' && typeof v !== 'bigint') return String(jsonValue(v));
  if (f.show === 'ascii64' && v !== 0n) return JSON.stringify(u64Text(BigInt(v)));
  return '0x' + v.toString(16).toUpperCase();
}

/** The offsets of a layout's field k on both sides, from where the record starts on each; a field
 * after one a revision or length gates is placed at its record's start (its offset varies). */
function fieldAt(l: Layout, k: number, base: Sides): Sides {
  const firstGated = l.gated ? l.fields.findIndex((f) => f.when !== undefined) : -1;
  const off = firstGated >= 0 && k > firstGated ? 0 : l.offsets[k];
  return { old: base.old === undefined ? undefined : base.old + off, new: base.new === undefined ? undefined : base.new + off };
}

function diffFields(l: Layout, a: Fields, b: Fields, path: string, out: Change[], def?: ContainerDef, ctx: DiffContext = {}, base: Sides = {}): void {
  l.fields.forEach((f, k) => {
    const from = out.length;
    diffField(f, a, b, path, out, def, ctx, fieldAt(l, k, base));
    for (let i = from; i < out.length; i++) out[i].at ??= fieldAt(l, k, base);
  });
}

function diffField(f: Field, a: Fields, b: Fields, path: string, out: Change[], def: ContainerDef | undefined, ctx: DiffContext, at: Sides): void {
  {
    const p = `${path}.${f.name}`;
    const inA = f.name in a;
    const inB = f.name in b;
    if (!inA && !inB) return;
    if (!inA || !inB) {
      out.push(inA ? { path: p, kind: 'removed', old: jsonValue(a[f.name]) } : { path: p, kind: 'added', new: jsonValue(b[f.name]) });
      return;
    }
    if (f.kind === 'struct') diffFields(f.struct!, a[f.name] as Fields, b[f.name] as Fields, p, out, undefined, ctx, at);
    else if (f.ref) {
      // a reference compares by the item it names, not by where that item happens to be
      const ta = ctx.refsA?.get(f.ref)?.get(Number(a[f.name]));
      const tb = ctx.refsB?.get(f.ref)?.get(Number(b[f.name]));
      const ka = ta ?? shown(f, a[f.name]);
      const kb = tb ?? shown(f, b[f.name]);
      if (ka !== kb || (ta === undefined && tb === undefined && !same(a[f.name], b[f.name]))) {
        out.push({ path: p, kind: 'changed', old: jsonValue(a[f.name]), new: jsonValue(b[f.name]), text: { old: ka, new: kb } });
      }
    } else if (!same(a[f.name], b[f.name])) for (const c of scalarChanges(f, a[f.name], b[f.name], p, derivationOf(def, f) !== undefined)) out.push(c);
  }
}

function scalarChanges(f: Field, a: Value, b: Value, p: string, isDerived: boolean): Change[] {
  const derived = isDerived ? { derived: true } : f.pointer ? { pointer: true } : {};
  if (!f.bits) return [{ path: p, kind: 'changed', old: jsonValue(a), new: jsonValue(b), ...derived, text: { old: shown(f, a), new: shown(f, b) } }];
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
  if ((x & ~known) !== (y & ~known)) out.push({ path: p, kind: 'changed', old: jsonValue(a), new: jsonValue(b), text: { old: shown(f, a), new: shown(f, b) } });
  return out;
}

/** The key text one of an item's declared keys gives it (GICC: mpidr=0x100), if it has every field the key names. */
function keyText(k: ItemKey, it: Node, list: readonly Node[]): string | undefined {
  if (typeof k === 'function') return k(it, list);
  const parts: string[] = [];
  for (const [label, name] of Object.entries(k)) {
    const v = it.fields[name];
    if (v === undefined) return undefined;
    parts.push(`${label}=${typeof v === 'number' || typeof v === 'bigint' ? `0x${v.toString(16)}` : String(jsonValue(v))}`);
  }
  return parts.join(',');
}

/** Whether a key names every item of `def` in the list, each differently. */
function unique(k: ItemKey, def: ContainerDef, part: PartDef, list: readonly Node[]): boolean {
  const seen = new Set<string>();
  for (const it of list) {
    if (itemDef(part, it) !== def) continue;
    const t = keyText(k, it, list);
    if (t === undefined || seen.has(t)) return false;
    seen.add(t);
  }
  return true;
}

/** Each item by its pairing key: the item, its declaration, and its path segment as dump numbers it ("gicc[3]"). */
type Keyed = Map<string, { node: Node; def: ContainerDef; seat: string }>;

/** Keys that pair the items of a list part across two versions (either side may be empty): each
 * item definition's first declared key that is unique on both sides; a repeated key gets "#2", "#3"… */
export function pairKeys(part: PartDef, a: readonly Node[], b: readonly Node[], ra?: Resolver, rb?: Resolver): [Keyed, Keyed] {
  const chosen = new Map<ContainerDef, ItemKey | undefined>();
  const keyOf = (d: ContainerDef): ItemKey | undefined => {
    if (!chosen.has(d)) {
      const ks = d.key === undefined ? [] : Array.isArray(d.key) ? (d.key as readonly ItemKey[]) : [d.key as ItemKey];
      chosen.set(d, ks.length > 1 ? (ks.find((k) => unique(k, d, part, a) && unique(k, d, part, b)) ?? ks[ks.length - 1]) : ks[0]);
    }
    return chosen.get(d);
  };
  return [keyed(part, a, keyOf, ra), keyed(part, b, keyOf, rb)];
}

function keyed(part: PartDef, items: readonly Node[], keyOf: (d: ContainerDef) => ItemKey | undefined, resolve?: Resolver): Keyed {
  const out: Keyed = new Map();
  const ordinals = new Map<string, number>();
  const next = (seg: string) => {
    const n = ordinals.get(seg) ?? 0;
    ordinals.set(seg, n + 1);
    return n;
  };
  const repeats = new Map<string, number>();
  const dumped = new Map<string, number>();
  items.forEach((it, i) => {
    const d = itemDef(part, it);
    const seg = itemSegment(part, it);
    const ord = dumped.get(seg) ?? 0;
    dumped.set(seg, ord + 1);
    const k = keyOf(d);
    const own = k === undefined ? undefined : keyText(k, it, items);
    let key: string;
    const addr = it.fields.address;
    if (part.pairBy === 'index') key = `${seg}[${i}]`;
    else if (own !== undefined) key = `${seg}[${own}]`;
    else if (resolve && d.layout.fields[0]?.pointer && addr !== undefined) {
      // root-table entries pair by the table they point to (XSDT.entry[FACP]), not by position
      const a = BigInt(addr as number | bigint);
      key = `${seg}[${resolve(a) ?? `@0x${a.toString(16)}`}]`;
    } else key = `${seg}[${next(seg)}]`;
    // two items with one key (a duplicate MPIDR, two pointers to one table) keep both
    const n = (repeats.get(key) ?? 0) + 1;
    repeats.set(key, n);
    out.set(n > 1 ? `${key}#${n}` : key, { node: it, def: d, seat: `${seg}[${ord}]` });
  });
  return out;
}

/** Byte strings longer than this are shown in text by their size and where they first differ. */
const LONG_BYTES = 32;

/** A change of raw bytes. Long ones read in text as sizes and the first difference (the JSON keeps
 * the bytes); `at` is where they start in the table, when known; AML points at iasl -d. */
function diffBytes(a: Uint8Array | undefined, b: Uint8Array | undefined, p: string, out: Change[], at?: number, aml = false): void {
  const x = a ?? new Uint8Array(0);
  const y = b ?? new Uint8Array(0);
  if (same(x, y)) return;
  const c: Change = {
    path: p,
    kind: x.length && !y.length ? 'removed' : !x.length ? 'added' : 'changed',
    old: x.length ? jsonValue(x) : undefined,
    new: y.length ? jsonValue(y) : undefined,
  };
  if (Math.max(x.length, y.length) > LONG_BYTES) {
    let i = 0;
    while (i < x.length && i < y.length && x[i] === y[i]) i++;
    const where = `0x${i.toString(16).toUpperCase()}${at === undefined ? '' : ` (table offset 0x${(at + i).toString(16).toUpperCase()})`}`;
    c.text = { old: x.length ? `${x.length} bytes` : undefined, new: y.length ? `${y.length} bytes` : undefined };
    const notes = [x.length && y.length ? `first difference at byte ${where}` : '', aml ? 'AML: compare with iasl -d' : ''].filter(Boolean);
    if (notes.length) c.note = notes.join('; ');
  }
  out.push(c);
}

function diffList<T>(xs: T[], ys: T[], path: (i: number) => string, eq: (x: T, y: T) => boolean, json: (x: T) => Json, out: Change[]): void {
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    if (i >= ys.length) out.push({ path: path(i), kind: 'removed', old: json(xs[i]) });
    else if (i >= xs.length) out.push({ path: path(i), kind: 'added', new: json(ys[i]) });
    else if (!eq(xs[i], ys[i])) out.push({ path: path(i), kind: 'changed', old: json(xs[i]), new: json(ys[i]) });
  }
}

export function diffNode(
  def: ContainerDef,
  a: Node,
  b: Node,
  path: string,
  out: Change[] = [],
  ctx: DiffContext = {},
  base: Sides = { old: a.at, new: b.at },
  seat: { old: string; new: string } = { old: path, new: path },
): Change[] {
  const first = out.length;
  diffFields(def.layout, a.fields, b.fields, path, out, def, ctx, base);
  for (const part of def.parts ?? []) {
    diffBytes(a.pads?.[part.key], b.pads?.[part.key], `${path}.${padName(def, part)}`, out);
    const ops: DiffOps = {
      items(xs, ys) {
        const [ka, kb] = pairKeys(part, xs, ys, ctx.a, ctx.b);
        const pointers = (d: ContainerDef) => {
          const names = d.layout.fields.filter((f) => f.pointer).map((f) => f.name);
          return names.length ? { pointerFields: names } : {};
        };
        for (const [k, x] of ka) {
          const y = kb.get(k);
          if (!y)
            out.push({
              path: `${path}.${k}`,
              kind: 'removed',
              old: jsonValue(x.node.fields),
              ...pointers(x.def),
              at: { old: x.node.at },
              seat: { old: `${seat.old}.${x.seat}` },
            });
          else diffNode(x.def, x.node, y.node, `${path}.${k}`, out, ctx, undefined, { old: `${seat.old}.${x.seat}`, new: `${seat.new}.${y.seat}` });
        }
        for (const [k, y] of kb)
          if (!ka.has(k))
            out.push({
              path: `${path}.${k}`,
              kind: 'added',
              new: jsonValue(y.node.fields),
              ...pointers(y.def),
              at: { new: y.node.at },
              seat: { new: `${seat.new}.${y.seat}` },
            });
      },
      list: (at, xs, ys) =>
        diffList(
          [...xs],
          [...ys],
          (i) => `${at}[${i}]`,
          (x, y) => x === y,
          (x) => x,
          out,
        ),
      value(at, x, y) {
        if (x !== y) out.push({ path: at, kind: x === undefined ? 'added' : y === undefined ? 'removed' : 'changed', old: x, new: y });
      },
      bytes: (at, x, y) => diffBytes(x, y, at, out),
    };
    kindOf(part).diff(part, { node: a, value: partValue(a, part) }, { node: b, value: partValue(b, part) }, path, ops);
  }
  // a table's tail ends it: where it starts follows from the table's declared length
  const length = (n: Node) => Number(headerOf(n)?.length ?? NaN) - (n.tail?.length ?? 0);
  const start = length(a) === length(b) && Number.isInteger(length(a)) ? length(a) : undefined;
  diffBytes(a.tail, b.tail, `${path}.tail`, out, start, def.tailIsAml);
  // what no field places (a list part's values, raw bytes) is placed at its node
  for (let i = first; i < out.length; i++) {
    const c = out[i];
    c.at ??= start !== undefined && c.path === `${path}.tail` ? { old: start, new: start } : base;
    // a change inside this node, under a path that pairs items by key: the same field under each side's own path
    if (!c.seat && c.path.startsWith(path)) {
      const rest = c.path.slice(path.length);
      c.seat = { ...(c.kind !== 'added' ? { old: seat.old + rest } : {}), ...(c.kind !== 'removed' ? { new: seat.new + rest } : {}) };
    }
  }
  return out;
}

/** Changes from table a to table b (same signature); a missing side is a whole-table add/remove. */
export function diffTable(a: AcpiTable | undefined, b: AcpiTable | undefined, path?: string, ctx: DiffContext = {}): Change[] {
  if (!a && !b) return [];
  const sig = (a ?? b)!.signature;
  const p = path ?? sig;
  if (!a) return [{ path: p, kind: 'added' }];
  if (!b) return [{ path: p, kind: 'removed' }];
  const da = defOf(a);
  if (da !== defOf(b)) return [{ path: p, kind: 'changed', old: jsonValue(a.fields), new: jsonValue(b.fields) }];
  const [refsA, refsB] = targetKeys(da, a, b, p, ctx);
  return diffNode(da, a, b, p, [], { ...ctx, refsA, refsB }, { old: 0, new: 0 }, { old: sig, new: sig });
}

type Targets = Map<string, Map<number, string>> | undefined;

/** For each reference-target part of a table, per side: item offset (Node.at) → the item's diff path. */
function targetKeys(def: ContainerDef, a: Node, b: Node, path: string, ctx: DiffContext): [Targets, Targets] {
  const parts = (def.parts ?? []).filter((p) => p.target);
  if (!parts.length) return [undefined, undefined];
  const out: [Map<string, Map<number, string>>, Map<string, Map<number, string>>] = [new Map(), new Map()];
  for (const part of parts) {
    const keys = pairKeys(part, (partValue(a, part) as Node[] | undefined) ?? [], (partValue(b, part) as Node[] | undefined) ?? [], ctx.a, ctx.b);
    keys.forEach((k, side) => {
      const m = new Map<number, string>();
      for (const [key, x] of k) if (x.node.at !== undefined) m.set(x.node.at, `${path}.${key}`);
      out[side].set(part.key, m);
    });
  }
  return out;
}
