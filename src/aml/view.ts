// The AML tree and namespace as dump shows them outside ASL: one line per namespace object (dump
// --namespace), JSON (dump --format json), and counts by kind (dump --summary). The JSON tree is a
// flat list of terms, each naming its parent, so that a block nested thousands deep is still a
// shallow JSON document.
import { BY_CODE, CALL, NAME_REF, NULL_NAME, RAW } from './opcodes.js';
import { nameText, type Term } from './tree.js';
import { pathString, type AmlObject, type AmlValue } from './namespace.js';
import type { ResourceTemplate } from './resources.js';
import type { NamespacePicture } from '../model/picture.js';
import type { AmlBlock } from './index.js';
import { aslString } from './asl.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const hex = (v: bigint | number) => '0x' + BigInt(v).toString(16).toUpperCase();
const bytesHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');

/** A value as JSON: integers as hex strings (they may be 64-bit), buffers as hex bytes. */
export function valueJson(v: AmlValue): Json {
  switch (v.type) {
    case 'integer':
      return { type: v.type, value: hex(v.value) };
    case 'string':
      return { type: v.type, value: v.value };
    case 'buffer':
      return { type: v.type, size: v.size ?? null, bytes: bytesHex(v.bytes) };
    case 'package':
      return { type: v.type, count: v.count ?? null, elements: v.elements.map(valueJson) };
    case 'reference':
      return { type: v.type, name: v.name };
    case 'expression':
      return { type: v.type, op: v.op };
  }
}

/** A value on one line: at most `room` characters of its elements before an ellipsis. */
export function valueText(v: AmlValue, room = 80): string {
  switch (v.type) {
    case 'integer':
      return hex(v.value);
    case 'string':
      return aslString(v.value);
    case 'buffer': {
      const shown = v.bytes.subarray(0, 16);
      return `Buffer (${v.size ?? '?'}) {${bytesHex(shown)}${v.bytes.length > shown.length ? ' …' : ''}}`;
    }
    case 'package': {
      let text = '';
      for (const e of v.elements) {
        const t = valueText(e, room - text.length);
        if (text.length + t.length > room) {
          text += (text ? ', ' : '') + '…';
          break;
        }
        text += (text ? ', ' : '') + t;
      }
      return `Package (${v.count ?? '?'}) {${text}}`;
    }
    case 'reference':
      return v.name;
    case 'expression':
      return `(${v.op})`;
  }
}

/** What an object is, in a word or two: its kind, a method's arguments and rule. */
const kindText = (o: AmlObject) =>
  o.kind === 'Method'
    ? `Method (${o.args}${o.serialized ? ', Serialized' : ''}${o.syncLevel ? `, ${o.syncLevel}` : ''})`
    : o.kind === 'External' && o.objectType !== undefined
      ? `External (type ${o.objectType}${o.args !== undefined ? `, ${o.args} args` : ''})`
      : o.kind;

/** dump --namespace: one line per object: path, kind, value or region, where declared. */
export function namespaceLines(objects: readonly AmlObject[]): string[] {
  const width = Math.min(
    40,
    objects.reduce((n, o) => Math.max(n, o.path.length), 0),
  );
  return objects.map((o) => {
    const what =
      o.value !== undefined
        ? valueText(o.value)
        : o.kind === 'OperationRegion'
          ? `space ${o.space}${o.regionOffset !== undefined ? ` @ ${hex(o.regionOffset)}` : ''}` +
            `${o.regionLength !== undefined ? ` + ${hex(o.regionLength)}` : ''}`
          : '';
    const where = `${o.table}+${hex(o.offset)}${o.conditional ? ', conditional' : ''}`;
    return `${o.path.padEnd(width)}  ${kindText(o).padEnd(14)}  ${what ? `${what}  ` : ''}[${where}]`;
  });
}

/** An object as JSON. */
export function objectJson(o: AmlObject): Json {
  return {
    path: o.path,
    kind: o.kind,
    table: o.table,
    offset: o.offset,
    ...(o.conditional ? { conditional: true } : {}),
    ...(o.args !== undefined ? { args: o.args } : {}),
    ...(o.serialized !== undefined ? { serialized: o.serialized, syncLevel: o.syncLevel ?? 0 } : {}),
    ...(o.objectType !== undefined ? { objectType: o.objectType } : {}),
    ...(o.value !== undefined ? { value: valueJson(o.value) } : {}),
    ...(o.space !== undefined ? { space: o.space } : {}),
    ...(o.regionOffset !== undefined ? { regionOffset: hex(o.regionOffset) } : {}),
    ...(o.regionLength !== undefined ? { regionLength: hex(o.regionLength) } : {}),
  };
}

const opName = (t: Term) =>
  t.code === CALL ? 'MethodCall' : t.code === NAME_REF ? 'NamePath' : t.code === NULL_NAME ? 'NullName' : t.code === RAW ? 'Raw' : BY_CODE.get(t.code)!.asl;

/**
 * A block's terms as a flat JSON list in document order: each term's op, table offset, parent (the
 * index of the term it is an argument of, or null), and its plain arguments (names, integers as
 * hex, strings, bytes as hex); field lists as their elements.
 */
export function termsJson(block: AmlBlock): Json[] {
  const out: Json[] = [];
  const stack: { t: Term; parent: number | null }[] = [...block.terms].reverse().map((t) => ({ t, parent: null }));
  while (stack.length) {
    const { t, parent } = stack.pop()!;
    const me = out.length;
    const args: Json[] = [];
    const kids: Term[] = [];
    for (const a of t.args) {
      switch (a.t) {
        case 'name':
          args.push(nameText(a.v) || (a.v.root ? '\\' : ''));
          break;
        case 'int':
          args.push(hex(a.v));
          break;
        case 'string':
          args.push(a.v);
          break;
        case 'bytes':
          args.push(bytesHex(a.v));
          break;
        case 'term':
          kids.push(a.v);
          break;
        case 'terms':
          for (const k of a.v) kids.push(k);
          break;
        case 'fields':
          args.push(
            a.v.map((f): Json => {
              if (f.t === 'named') return { name: f.name, bits: f.bits, offset: f.at };
              if (f.t === 'reserved') return { reserved: f.bits, offset: f.at };
              if (f.t === 'access') return { accessType: f.type, accessAttrib: f.attrib, offset: f.at };
              if (f.t === 'extaccess') return { accessType: f.type, accessAttrib: f.attrib, accessLength: f.length, offset: f.at };
              if (f.t === 'connect')
                return { connection: f.target.code === NAME_REF && f.target.args[0].t === 'name' ? nameText(f.target.args[0].v) : 'buffer', offset: f.at };
              return { raw: bytesHex(f.bytes), offset: f.at };
            }),
          );
          break;
      }
    }
    out.push({ op: opName(t), offset: t.at, parent, ...(args.length ? { args } : {}) });
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ t: kids[i], parent: me });
  }
  return out;
}

/** Objects by kind, most first: "12 Device, 30 Method, …". */
export function kindCounts(objects: readonly AmlObject[]): string {
  const n = new Map<string, number>();
  for (const o of objects) n.set(o.kind, (n.get(o.kind) ?? 0) + 1);
  return [...n]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, c]) => `${c} ${k}`)
    .join(', ');
}

/** A resource template in a few words: each descriptor's kind and its address or interrupts. */
export function templateText(t: ResourceTemplate): string {
  return t.descriptors
    .map((d) => {
      const f = d.fields;
      const n = (k: string) => (typeof f[k] === 'number' || typeof f[k] === 'bigint' ? hex(f[k] as number | bigint) : undefined);
      if (Array.isArray(f.interrupts)) return `${d.type} ${f.interrupts.join(', ')}`;
      const base = n('base') ?? n('min');
      const len = n('length');
      return base !== undefined ? `${d.type} ${base}${len !== undefined ? `+${len}` : ''}` : d.type;
    })
    .join(' · ');
}

/** The names a device's line shows inline (and its children then leave out). */
const INLINE = ['_HID', '_CID', '_UID', '_ADR', '_CRS'];

/**
 * A block's namespace as a collapsible tree for the report: the objects in tree order (by path,
 * children after their parent, siblings in declaration order), a device with its identity and
 * resources inline. Each names its dump line (`SIG.\PATH`).
 */
export function namespacePicture(sig: string, title: string, objects: readonly AmlObject[]): NamespacePicture {
  const kids = new Map<string, AmlObject[]>();
  const byPath = new Map(objects.map((o) => [o.path, o]));
  const parentOf = (o: AmlObject) => pathString(o.segs.slice(0, -1));
  for (const o of objects) {
    const p = o.segs.length > 1 && byPath.has(parentOf(o)) ? parentOf(o) : '';
    const list = kids.get(p);
    if (list) list.push(o);
    else kids.set(p, [o]);
  }
  const inlineOf = (o: AmlObject) =>
    (kids.get(o.path) ?? [])
      .filter((k) => k.kind === 'Name' && INLINE.includes(k.segs[k.segs.length - 1].replace(/_+$/, '')) && k.value)
      .map((k) => {
        const v = k.value!;
        const r = v.type === 'buffer' ? v.resources : undefined;
        return `${k.segs[k.segs.length - 1].replace(/(.)_+$/, '$1')} ${r ? templateText(r) : valueText(v, 40)}`;
      });
  const out: NamespacePicture['objects'] = [];
  const seen = new Set<AmlObject>();
  const stack: { o: AmlObject; depth: number }[] = [...(kids.get('') ?? [])].reverse().map((o) => ({ o, depth: 0 }));
  while (stack.length) {
    const { o, depth } = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    const device = o.kind === 'Device' || o.kind === 'Processor' || o.kind === 'ThermalZone' || o.kind === 'PowerResource';
    const facts = device ? inlineOf(o).join('; ') : o.value ? valueText(o.value, 60) : o.kind === 'Method' ? `${o.args} argument(s)` : '';
    out.push({ depth, name: o.segs.length ? o.segs[o.segs.length - 1].replace(/(.)_+$/, '$1') : '\\', kind: o.kind, facts, path: `${sig}.${o.path}` });
    const children = (kids.get(o.path) ?? []).filter((k) => !(device && k.kind === 'Name' && INLINE.includes(k.segs[k.segs.length - 1].replace(/_+$/, ''))));
    for (let i = children.length - 1; i >= 0; i--) stack.push({ o: children[i], depth: depth + 1 });
  }
  return { section: 'namespace', kind: 'namespace', title, objects: out };
}
