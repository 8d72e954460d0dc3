// The DSDT's and SSDTs' AML compared by what it declares: objects pair by namespace path across the
// whole set (one that moved from the DSDT to an SSDT is the same object, in another table), so a
// change reads as "\_SB.PCI0._SEG: 0x0 → 0x1", "\_SB.URT1 added", "\_SB.PCI0._OSC: method body
// 210 → 236 bytes, first difference at a Store". AML that differs where nothing is declared (an If
// at scope level, a method-local name) is said as a byte difference of the table.
import { setAml } from '../aml/set.js';
import { encodeTerms } from '../aml/encode.js';
import { BY_CODE, CALL, NAME_REF, NULL_NAME, RAW } from '../aml/opcodes.js';
import { nameText, termsInOrder, type Term } from '../aml/tree.js';
import { valueJson, valueText } from '../aml/view.js';
import type { AmlObject } from '../aml/namespace.js';
import type { ResourceFieldValue, ResourceTemplate } from '../aml/resources.js';
import type { TableSet } from '../model/tableset.js';
import type { Change } from './table.js';
import type { Json } from '../layout/values.js';

/** The path of an object's line in its table's dump ("SSDT.\\_SB.CPU0": the dump names lines by signature). */
const lineOf = (o: AmlObject) => `${o.table.replace(/\[.*$/, '')}.${o.path}`;

const hex = (n: number) => `0x${n.toString(16).toUpperCase()}`;

/** What an object is, beside its value: its kind and the facts of its kind that are not children. */
function shape(o: AmlObject): Json {
  return {
    kind: o.kind,
    ...(o.args !== undefined ? { args: o.args } : {}),
    ...(o.serialized !== undefined ? { serialized: o.serialized, syncLevel: o.syncLevel ?? 0 } : {}),
    ...(o.space !== undefined ? { space: o.space } : {}),
    ...(o.regionOffset !== undefined ? { regionOffset: `0x${o.regionOffset.toString(16).toUpperCase()}` } : {}),
    ...(o.regionLength !== undefined ? { regionLength: `0x${o.regionLength.toString(16).toUpperCase()}` } : {}),
    ...(o.conditional ? { conditional: true } : {}),
  };
}

/** An added or removed object: its shape, and a Name's value as dump shows it. */
const whole = (o: AmlObject): Json => ({ ...(shape(o) as { [k: string]: Json }), ...(o.value ? { value: valueText(o.value) } : {}) });

const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A term's own part (its op and plain arguments), to compare two terms without their children. */
function own(t: Term): string {
  const op = t.code === CALL ? 'call' : t.code === NAME_REF ? 'name' : t.code === NULL_NAME ? 'null' : t.code === RAW ? 'raw' : BY_CODE.get(t.code)!.asl;
  const args = t.args.map((a) =>
    a.t === 'name'
      ? nameText(a.v)
      : a.t === 'int'
        ? String(a.v)
        : a.t === 'string'
          ? JSON.stringify(a.v)
          : a.t === 'bytes'
            ? Buffer.from(a.v).toString('hex')
            : a.t === 'fields'
              ? JSON.stringify(
                  a.v.map((f) => ('target' in f ? f.t : f)),
                  (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v),
                )
              : a.t === 'terms'
                ? `[${a.v.length}]`
                : '',
  );
  return `${op}(${args.join(',')})`;
}

/** The body of a method's term (its TermList). */
const bodyOf = (t: Term) => {
  const a = t.args.find((x) => x.t === 'terms');
  return a?.t === 'terms' ? a.v : [];
};

/** Objects by path, a path declared more than once (If/Else) told apart by occurrence. */
function byPath(objects: readonly AmlObject[]): Map<string, AmlObject> {
  const out = new Map<string, AmlObject>();
  const seen = new Map<string, number>();
  for (const o of objects) {
    if (o.kind === 'External' || o.kind === 'Scope') continue;
    const n = (seen.get(o.path) ?? 0) + 1;
    seen.set(o.path, n);
    out.set(n > 1 ? `${o.path}#${n}` : o.path, o);
  }
  return out;
}

/** A descriptor field's value as JSON and as dump shows it (integers in hex). */
function fieldJson(v: ResourceFieldValue): Json {
  if (typeof v === 'number' || typeof v === 'bigint') return `0x${v.toString(16).toUpperCase()}`;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex').toUpperCase();
  return Array.isArray(v) ? v.map((n) => `0x${n.toString(16).toUpperCase()}`) : v;
}

/**
 * Two resource templates field by field (`\_SB.URT0._CRS[0].base: 0x9000000 → 0x9010000`), when
 * their descriptors pair one for one by kind; a descriptor added or removed at the end is one
 * change. Undefined when they do not pair (the value is then said whole).
 */
function descriptorChanges(p: string, a: ResourceTemplate, b: ResourceTemplate): Change[] | undefined {
  const n = Math.min(a.descriptors.length, b.descriptors.length);
  for (let i = 0; i < n; i++) if (a.descriptors[i].type !== b.descriptors[i].type) return undefined;
  const out: Change[] = [];
  for (let i = 0; i < n; i++) {
    const [x, y] = [a.descriptors[i], b.descriptors[i]];
    for (const k of new Set([...Object.keys(x.fields), ...Object.keys(y.fields)])) {
      const [vx, vy] = [x.fields[k], y.fields[k]];
      const [jx, jy] = [vx === undefined ? undefined : fieldJson(vx), vy === undefined ? undefined : fieldJson(vy)];
      if (same(jx ?? null, jy ?? null)) continue;
      out.push({ path: `${p}[${i}].${k}`, kind: jx === undefined ? 'added' : jy === undefined ? 'removed' : 'changed', old: jx, new: jy });
    }
  }
  for (let i = n; i < a.descriptors.length; i++) out.push({ path: `${p}[${i}]`, kind: 'removed', old: a.descriptors[i].type });
  for (let i = n; i < b.descriptors.length; i++) out.push({ path: `${p}[${i}]`, kind: 'added', new: b.descriptors[i].type });
  return out;
}

/**
 * The changes between the AML of two sets, by namespace path; `tables`: the table keys selected
 * (SSDT[ID] keys are the namespace's table names). Paths read `KEY.\PATH`, KEY the table that
 * declares the object (the new side's, for an object in both).
 */
export function diffAml(a: TableSet, b: TableSet, selected: (key: string) => boolean): Change[] {
  const [na, nb] = [setAml(a).aml.namespace, setAml(b).aml.namespace].map((ns) => byPath(ns.filter((o) => selected(o.table))));
  const out: Change[] = [];
  for (const [path, x] of na) {
    const y = nb.get(path);
    if (!y) {
      out.push({ path: `${x.table}.${path}`, kind: 'removed', old: whole(x), at: { old: x.offset }, seat: { old: lineOf(x) } });
      continue;
    }
    const p = `${y.table}.${path}`;
    const at = { old: x.offset, new: y.offset };
    const seat = { old: lineOf(x), new: lineOf(y) };
    if (x.table !== y.table) out.push({ path: `${p}.@table`, kind: 'changed', old: x.table, new: y.table, at, seat });
    if (!same(shape(x), shape(y))) out.push({ path: p, kind: 'changed', old: shape(x), new: shape(y), at, seat });
    if (x.value && y.value && !same(valueJson(x.value), valueJson(y.value))) {
      const rx = x.value.type === 'buffer' ? x.value.resources : undefined;
      const ry = y.value.type === 'buffer' ? y.value.resources : undefined;
      const fields = rx && ry ? descriptorChanges(p, rx, ry) : undefined;
      if (fields) for (const c of fields) out.push({ ...c, at, seat });
      else
        out.push({
          path: p,
          kind: 'changed',
          old: valueJson(x.value),
          new: valueJson(y.value),
          text: { old: valueText(x.value), new: valueText(y.value) },
          at,
          seat,
        });
    }
    if (x.kind === 'Method' && y.kind === 'Method' && x.term && y.term) {
      const [bx, by] = [encodeTerms(bodyOf(x.term)), encodeTerms(bodyOf(y.term))];
      if (!sameBytes(bx, by)) {
        const [fx, fy] = [termsInOrder(bodyOf(x.term)), termsInOrder(bodyOf(y.term))];
        let i = 0;
        while (i < fx.length && i < fy.length && own(fx[i]) === own(fy[i])) i++;
        const op = (t: Term | undefined) =>
          t ? (t.code === CALL ? 'a method call' : t.code === NAME_REF ? 'a name' : (BY_CODE.get(t.code)?.asl ?? 'bytes')) : 'its end';
        const where = fx[i] || fy[i] ? ` (offset ${fx[i] ? hex(fx[i].at) : '-'} / ${fy[i] ? hex(fy[i].at) : '-'})` : '';
        out.push({
          path: `${p}.body`,
          kind: 'changed',
          old: bx.length,
          new: by.length,
          text: { old: `${bx.length} bytes`, new: `${by.length} bytes` },
          note: `method body, first difference at ${op(fx[i])} / ${op(fy[i])}${where}`,
          at: { old: fx[i]?.at ?? x.offset, new: fy[i]?.at ?? y.offset },
        });
      }
    }
  }
  for (const [path, y] of nb)
    if (!na.has(path)) out.push({ path: `${y.table}.${path}`, kind: 'added', new: whole(y), at: { new: y.offset }, seat: { new: lineOf(y) } });
  return out;
}
