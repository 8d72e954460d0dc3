// Resource templates (ACPI 6.5 §6.4): a buffer that is a sequence of small and large resource
// descriptors ending with an End Tag, read into typed descriptors, and written as the ASL macros
// `iasl -d` prints (IRQ, Memory32Fixed, DWordMemory, Interrupt, GpioInt, I2cSerialBusV2, …).
//
// Each descriptor is declared once, as data (DESCRIPTORS): its tag, its fixed fields (offset, width,
// bits, the keywords its flag bits are written with), the variable parts after them (a resource
// source, a pin table, vendor data, …) and its macro's arguments in ASL order. Generic code reads
// the bytes by the declaration, writes them back as iasl's resource compiler lays them out
// (descriptor lengths, part offsets and the End Tag checksum are its own), and prints the macro.
// A template is printed as macros only when every descriptor written back that way gives the bytes
// it was read from — so what is printed compiles back to the same bytes; anything else (reserved
// bits set, parts in another order, a descriptor iasl does not know) keeps the byte list.
//
// Facts checked against ACPICA R09_25_20: source/include/amlresrc.h (layouts), source/compiler/
// aslrestype1.c, aslrestype2*.c (what the compiler writes: End Tag checksum 0, a ResourceSourceIndex
// byte only when given, GPIO/pin parts in the order pins, source, label, vendor data, the serial bus
// vendor data before the source), aslresources.y (the macros' grammar: GpioInt takes one pin) and
// source/components/utilities/utresrc.c, disassembler/dmresrc.c (which buffers iasl -d reads as
// templates: more than 2 bytes, declared size equal to the byte count, lengths valid per type,
// ending with an End Tag).

import { LABEL, PINS, SOURCE, type DescDef, type FieldDef, type ResourceDescriptor, type ResourceFieldValue, type ResourceTemplate } from './resource-kinds.js';
import { DESCRIPTORS, END_TYPE, LARGE_FIXED, LARGE_MIN, SMALL_LENGTHS } from './resource-descriptors.js';
import { hexN, pad } from './text.js';
export type { ResourceDescriptor, ResourceFieldValue, ResourceTemplate } from './resource-kinds.js';

// ---------------------------------------------------------------------------------------------
// Reading

/** A little-endian integer of `size` bytes: a number below 8 bytes, a bigint for 8. */
const le = (b: Uint8Array, at: number, size: number): number | bigint => {
  if (size >= 8) {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i] ?? 0);
    return v;
  }
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + (b[at + i] ?? 0);
  return v;
};

/** A NUL-terminated string of printable ASCII filling exactly [from, to), or undefined. */
function cString(b: Uint8Array, from: number, to: number): string | undefined {
  if (to - from < 2 || b[to - 1] !== 0) return undefined;
  let s = '';
  for (let i = from; i < to - 1; i++) {
    if (b[i] < 0x20 || b[i] > 0x7e) return undefined;
    s += String.fromCharCode(b[i]);
  }
  return s;
}

const bitsOf = (mask: number): number[] => Array.from({ length: 16 }, (_x, i) => i).filter((i) => mask & (1 << i));

/** The declaration a descriptor is read by (its tag, its length for the small ones whose length
 * picks the macro, and its `when` fields), or undefined for one iasl has no macro for. */
function defFor(d: Uint8Array, tag: number, large: boolean): DescDef | undefined {
  const defs = BY_TAG.get(large ? 0x100 | tag : tag) ?? [];
  for (let i = 0; i < defs.length; i++) {
    const { def, when } = defs[i];
    if (def.exact && d.length !== def.size) continue;
    if (d.length < def.size) continue;
    if (when.every(([fd, v]) => readField(d, fd) === v)) return def;
  }
  return undefined;
}

/** The declarations by tag (0x100 set for a large one), in DESCRIPTORS' order, each with the field
 * values its `when` asks for. */
const BY_TAG = new Map<number, { def: DescDef; when: [FieldDef, number | bigint][] }[]>();
for (const def of DESCRIPTORS) {
  const key = def.large ? 0x100 | def.tag : def.tag;
  if (!BY_TAG.has(key)) BY_TAG.set(key, []);
  const when = Object.entries(def.when ?? {}).map(([name, v]): [FieldDef, number | bigint] => [def.fields.find((f) => f.name === name)!, v]);
  BY_TAG.get(key)!.push({ def, when });
}

const fieldMaps = new WeakMap<DescDef, Map<string, FieldDef>>();
/** A declaration's field by name. */
function fieldOf(def: DescDef, name: string): FieldDef {
  let m = fieldMaps.get(def);
  if (!m) fieldMaps.set(def, (m = new Map(def.fields.map((f) => [f.name, f]))));
  return m.get(name)!;
}

function readField(d: Uint8Array, fd: FieldDef): number | bigint {
  const v = le(d, fd.at, fd.size);
  if (fd.shift === undefined || typeof v === 'bigint') return v;
  return (v >>> fd.shift) & ((1 << fd.bits!) - 1);
}

/** A descriptor's typed fields (by its declaration), or undefined when its parts do not fit. */
function readDescriptor(d: Uint8Array, def: DescDef): Record<string, ResourceFieldValue> | undefined {
  const out: Record<string, ResourceFieldValue> = {};
  for (const fd of def.fields) {
    const v = readField(d, fd);
    out[fd.name] = fd.mask ? bitsOf(Number(v)) : v;
  }
  const part = def.part;
  if (!part) return d.length === def.size ? out : undefined;
  switch (part.t) {
    case 'data':
      out.data = d.slice(def.size);
      return out;
    case 'source':
    case 'interrupts': {
      let at = def.size;
      if (part.t === 'interrupts') {
        const count = d[4];
        if (def.size + 4 * count > d.length) return undefined;
        out.interrupts = Array.from({ length: count }, (_x, i) => Number(le(d, def.size + 4 * i, 4)));
        at += 4 * count;
      }
      if (at < d.length) out.sourceIndex = d[at];
      if (at + 1 < d.length) {
        const s = cString(d, at + 1, d.length);
        out.source = s ?? d.slice(at + 1);
      }
      return out;
    }
    case 'placed': {
      const starts = part.parts.map((p) => Number(out[p.offset]));
      for (const [i, p] of part.parts.entries()) {
        const from = starts[i];
        const to = p.length !== undefined ? from + Number(out[p.length]) : starts.reduce((m, s) => (s > from && s < m ? s : m), d.length);
        if (from < def.size || to > d.length || to < from) return undefined;
        if (p.kind === 'pins') {
          if ((to - from) % 2) return undefined;
          out[p.name] = Array.from({ length: (to - from) / 2 }, (_x, k) => Number(le(d, from + 2 * k, 2)));
        } else if (p.kind === 'string') out[p.name] = cString(d, from, to) ?? d.slice(from, to);
        else out[p.name] = d.slice(from, to);
      }
      return out;
    }
    case 'serial': {
      const end = 12 + Number(out.typeDataLength);
      if (end < def.size || end > d.length) return undefined;
      out.vendorData = d.slice(def.size, end);
      out.source = cString(d, end, d.length) ?? d.slice(end);
      return out;
    }
  }
}

/** What reading a byte sequence as descriptors found. */
interface Walk {
  descriptors: ResourceDescriptor[];
  /** each descriptor's declaration (undefined: no macro) */
  defs: (DescDef | undefined)[];
  /** the End Tag's offset, when one ended the walk */
  end?: number;
}

/** Reads descriptors from the start of `b` until an End Tag or the end of the bytes; undefined when
 * a descriptor's type is unknown or its length is not one its type has or runs past the bytes. */
function walk(b: Uint8Array): Walk | undefined {
  const descriptors: ResourceDescriptor[] = [];
  const defs: (DescDef | undefined)[] = [];
  let at = 0;
  while (at < b.length) {
    const tag = b[at];
    const large = (tag & 0x80) !== 0;
    let len: number;
    let head: number;
    if (large) {
      if (at + 3 > b.length) return undefined;
      len = b[at + 1] | (b[at + 2] << 8);
      head = 3;
      const min = LARGE_MIN[tag];
      if (min === undefined) {
        // a large type newer than iasl's: kept as bytes when its length fits
        if (tag < 0x93) return undefined;
      } else if (LARGE_FIXED.has(tag) ? len !== min : len < min) return undefined;
    } else {
      const type = (tag >> 3) & 0x0f;
      len = tag & 7;
      head = 1;
      const range = SMALL_LENGTHS[type];
      if (!range || len < range[0] || len > range[1]) return undefined;
      if (type === END_TYPE) return { descriptors, defs, end: at };
    }
    if (at + head + len > b.length) return undefined;
    const d = b.subarray(at, at + head + len);
    const type = large ? tag : (tag >> 3) & 0x0f;
    const def = defFor(d, type, large);
    const fields = def ? readDescriptor(d, def) : undefined;
    if (def && !fields) return undefined;
    if (large && tag === 0x8e && (d[5] === 0 || d[5] > 4)) return undefined; // no serial bus type ACPI 6.5 defines
    descriptors.push({ type: def?.macro ?? 'Unknown', offset: at, length: d.length, fields: fields ?? { tag, data: d.slice(head) } });
    defs.push(fields ? def : undefined);
    at += d.length;
  }
  return { descriptors, defs };
}

/**
 * A buffer's bytes read as a resource template, or undefined when they are not one: more than two
 * bytes (iasl -d reads no shorter buffer as one), every descriptor of a known type and a length its
 * type allows, and an End Tag as the last two bytes. Never throws.
 */
export function decodeResourceTemplate(bytes: Uint8Array): ResourceTemplate | undefined {
  if (bytes.length <= 2) return undefined;
  const w = walk(bytes);
  if (!w || w.end !== bytes.length - 2) return undefined;
  return { descriptors: w.descriptors, checksum: bytes[bytes.length - 1] };
}

// ---------------------------------------------------------------------------------------------
// Writing back as iasl's resource compiler does

function putField(d: Uint8Array, fd: FieldDef, value: number | bigint): void {
  if (fd.size <= 4 && typeof value === 'number') {
    let v = value;
    if (fd.shift !== undefined) {
      const mask = fd.bits! >= 32 ? 0xffffffff : 2 ** fd.bits! - 1;
      v = ((((v >>> 0) & mask) << fd.shift) | Number(le(d, fd.at, fd.size))) >>> 0;
    }
    for (let i = 0; i < fd.size; i++) d[fd.at + i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
    return;
  }
  let v = BigInt(value);
  if (fd.shift !== undefined) {
    v = (v & ((1n << BigInt(fd.bits!)) - 1n)) << BigInt(fd.shift);
    v |= BigInt(le(d, fd.at, fd.size));
  }
  for (let i = 0; i < fd.size; i++) d[fd.at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

const strBytes = (s: ResourceFieldValue | undefined): number[] =>
  typeof s === 'string' ? [...Array.from(s, (c) => c.charCodeAt(0)), 0] : s instanceof Uint8Array ? Array.from(s) : [];

/** The bytes iasl's compiler writes for a descriptor's fields: the header, the derived lengths and
 * offsets and the constant fields its own, the parts in its order. */
function writeDescriptor(def: DescDef, fields: Record<string, ResourceFieldValue>): Uint8Array {
  const tail: number[] = [];
  const add = (xs: ArrayLike<number>) => {
    for (let i = 0; i < xs.length; i++) tail.push(xs[i]);
  };
  const derivedVals: Record<string, number> = {};
  const part = def.part;
  if (part?.t === 'data') add(fields.data as Uint8Array);
  if (part?.t === 'interrupts') {
    const list = fields.interrupts as number[];
    derivedVals.count = list.length;
    for (const x of list) tail.push(x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff);
  }
  if ((part?.t === 'source' || part?.t === 'interrupts') && fields.sourceIndex !== undefined) {
    tail.push(Number(fields.sourceIndex));
    add(strBytes(fields.source));
  }
  if (part?.t === 'placed') {
    for (const p of part.parts) {
      derivedVals[p.offset] = def.size + tail.length;
      const v = fields[p.name];
      const bytes = p.kind === 'pins' ? (v as number[]).flatMap((x) => [x & 0xff, (x >> 8) & 0xff]) : strBytes(v);
      if (p.length) derivedVals[p.length] = bytes.length;
      add(bytes);
    }
  }
  if (part?.t === 'serial') {
    const vendor = fields.vendorData as Uint8Array;
    derivedVals.typeDataLength = def.size - 12 + vendor.length;
    add(vendor);
    add(strBytes(fields.source));
  }
  const d = new Uint8Array(def.size + tail.length);
  d.set(tail, def.size);
  if (def.large) {
    d[0] = def.tag;
    d[1] = (d.length - 3) & 0xff;
    d[2] = (d.length - 3) >> 8;
  } else d[0] = (def.tag << 3) | (d.length - 1);
  for (const fd of def.fields) {
    const v = fd.fixed ?? (fd.derived ? derivedVals[fd.name] : fd.mask ? (fields[fd.name] as number[]).reduce((m, i) => m | (1 << i), 0) : fields[fd.name]);
    putField(d, fd, v as number | bigint);
  }
  return d;
}

/** Whether a descriptor's macro can say its fields: every keyword field holds a value with a
 * keyword, strings are printable and not empty, and the parts the macro needs are there. */
function sayable(def: DescDef, fields: Record<string, ResourceFieldValue>): boolean {
  for (const fd of def.fields) if (fd.kw && !fd.hex && fd.kw[Number(fields[fd.name])] === undefined) return false;
  if (def.atLeast) for (const name in def.atLeast) if (Number(fields[name]) < def.atLeast[name]) return false;
  if ('source' in fields && typeof fields.source !== 'string') return false;
  if ('label' in fields && typeof fields.label !== 'string') return false;
  const part = def.part;
  if (part?.t === 'placed' || part?.t === 'serial') {
    // the macros' ResourceSource (and label) are required and written with their NUL
    if (part.t === 'serial' || part.parts.includes(SOURCE)) if (!fields.source) return false;
    if (part.t === 'placed' && part.parts.includes(LABEL) && !fields.label) return false;
    if (part.t === 'placed' && part.parts.includes(PINS)) {
      const pins = fields.pins as number[];
      // GpioInt's grammar takes one pin (aslresources.y GpioIntTerm)
      if (!pins.length || (def.macro === 'GpioInt' && pins.length !== 1)) return false;
    }
  }
  if (part?.t === 'interrupts' && !(fields.interrupts as number[]).length) return false;
  if (part?.t === 'data' && !(fields.data as Uint8Array).length) return false;
  return true;
}

/** Whether the walk's descriptors all print as macros that compile back to their bytes, in a
 * well-formed dependent-function structure. */
function printable(b: Uint8Array, w: Walk): boolean {
  let inDependent = false;
  let sawEnd = false;
  for (let i = 0; i < w.descriptors.length; i++) {
    const d = w.descriptors[i];
    const def = w.defs[i];
    if (!def || !sayable(def, d.fields)) return false;
    const again = writeDescriptor(def, d.fields);
    if (again.length !== d.length) return false;
    for (let k = 0; k < again.length; k++) if (again[k] !== b[d.offset + k]) return false;
    if (def.list === 'dependent') {
      if (sawEnd) return false;
      inDependent = true;
    } else if (def.macro === 'EndDependentFn') {
      if (!inDependent) return false;
      inDependent = false;
      sawEnd = true;
    }
  }
  return !inDependent;
}

// ---------------------------------------------------------------------------------------------
// Printing

/** A string as ASL writes it (backslashes and quotes escaped; the strings here are printable). */
const aslStr = (s: string) => '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';

function byteRows(bytes: Uint8Array, indent: number): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 8)
    lines.push(pad(indent) + Array.from(bytes.subarray(i, i + 8), (x) => hexN(x, 2)).join(', ') + (i + 8 < bytes.length ? ',' : ''));
  return lines.join('\n');
}

/** One argument's text. */
function argText(def: DescDef, fields: Record<string, ResourceFieldValue>, name: string, indent: number): string {
  if (name === 'name') return '';
  if (name === 'source' && (def.part?.t === 'source' || def.part?.t === 'interrupts')) {
    // the optional pair as iasl -d writes it: ",", "0xNN," or `0xNN, "…"`
    if (fields.sourceIndex === undefined) return ',';
    return hexN(Number(fields.sourceIndex), 2) + ',' + (fields.source !== undefined ? ' ' + aslStr(fields.source as string) : '');
  }
  if (name === 'vendorData') {
    const v = fields.vendorData as Uint8Array;
    if (!v.length) return '';
    return `RawDataBuffer (${hexN(v.length, 2)})  // Vendor Data\n${pad(indent)}{\n${byteRows(v, indent + 1)}\n${pad(indent)}}`;
  }
  const v = fields[name];
  if (typeof v === 'string') return aslStr(v);
  const fd = fieldOf(def, name);
  const kw = fd.kw?.[Number(v)];
  if (kw !== undefined) return kw;
  return hexN(v as number | bigint, fd.size * 2);
}

/** A descriptor's macro, its first line at `indent` (no leading pad), and its list after it. */
function macroText(def: DescDef, fields: Record<string, ResourceFieldValue>, indent: number): string {
  const inner = indent + 1;
  let out = `${def.macro} (`;
  for (let i = 0; i < def.lines.length; i++) {
    const line = def.lines[i];
    const last = i + 1 === def.lines.length;
    if (i) out += pad(inner);
    const r = line.find((a): a is { row: string; comment: string } => typeof a !== 'string');
    if (r) {
      out += `${argText(def, fields, r.row, inner)},`.padEnd(20) + `// ${r.comment}\n`;
      continue;
    }
    // vendor data after other arguments goes on a line of its own, as iasl -d puts it
    for (let k = 0; k < line.length; k++) {
      const a = line[k] as string;
      const t = argText(def, fields, a, inner);
      out += k === 0 ? t : a === 'vendorData' ? (t ? `,\n${pad(inner)}${t}` : ',') : `, ${t}`;
    }
    out += last ? ')' : i === 0 && !line.length ? '\n' : ',\n';
  }
  switch (def.list) {
    case 'irqs':
      out += `\n${pad(inner)}{${((fields.interrupts ?? fields.channels) as number[]).join(',')}}`;
      break;
    case 'interrupts':
      out += `\n${pad(indent)}{\n${(fields.interrupts as number[]).map((x) => `${pad(inner)}${hexN(x, 8)},\n`).join('')}${pad(indent)}}`;
      break;
    case 'pins':
      out += `\n${pad(inner)}{   // Pin list\n${(fields.pins as number[]).map((x) => pad(inner + 1) + hexN(x, 4)).join(',\n')}\n${pad(inner)}}`;
      break;
    case 'data':
      out += `\n${pad(indent)}{\n${byteRows(fields.data as Uint8Array, inner)}\n${pad(indent)}}`;
      break;
  }
  return out;
}

/**
 * A buffer's bytes as the body of `ResourceTemplate ()`, one macro a line at `indent` (each line
 * ends with a newline), or undefined when they are no template whose macros compile back to them.
 */
export function templateAsl(bytes: Uint8Array, indent: number): string | undefined {
  if (bytes.length <= 2) return undefined;
  const w = walk(bytes);
  if (!w || w.end !== bytes.length - 2 || bytes[bytes.length - 1] !== 0 || !printable(bytes, w)) return undefined;
  let out = '';
  let dep = 0;
  for (let i = 0; i < w.descriptors.length; i++) {
    const d = w.descriptors[i];
    const def = w.defs[i]!;
    if (dep && (def.list === 'dependent' || def.macro === 'EndDependentFn')) {
      out += `${pad(indent)}}\n`;
      dep = 0;
    }
    out += pad(indent + dep) + macroText(def, d.fields, indent + dep) + '\n';
    if (def.list === 'dependent') {
      out += `${pad(indent)}{\n`;
      dep = 1;
    }
  }
  return out;
}

/** A Connection's buffer (one descriptor, no End Tag, as iasl compiles `Connection (macro)`) as
 * the macro at `indent`, or undefined when it is not one the macro writes back. */
export function connectionAsl(bytes: Uint8Array, indent: number): string | undefined {
  const w = walk(bytes);
  if (!w || w.end !== undefined || w.descriptors.length !== 1 || w.defs[0]?.list === 'dependent' || !printable(bytes, w)) return undefined;
  return macroText(w.defs[0]!, w.descriptors[0].fields, indent);
}
