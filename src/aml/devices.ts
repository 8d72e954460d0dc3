// The devices a namespace declares, as the checks that join it to the other tables need them: each
// Device (and Processor) with its identity (_HID, _CID, _UID, _ADR, _SEG, _BBN), whether it is
// there (_STA), and its resources (_CRS) — where those are constants. Nothing is executed: a method
// is read only when its body is one Return of a constant (as firmware writes `_STA` often); any
// other method leaves the value out of reach, and the checks say so rather than guess.
import type { AmlObject, AmlValue } from './namespace.js';
import type { ResourceDescriptor, ResourceTemplate } from './resources.js';
import { pathText } from './tree.js';

/** What a device's object holds: a constant (a Name's, or one a method returns), or something
 * out of reach ('computed': a method that does more, or a value of another type). */
export type Known<T> = { is: 'constant'; value: T; object: AmlObject } | { is: 'computed'; object: AmlObject };

export interface AmlDevice {
  object: AmlObject;
  /** its path as ASL writes it (`\_SB.PCI0`), and as ACPICA's full pathname has it (`\_SB_.PCI0`) */
  path: string;
  fullPath: string;
  /** _HID, and each _CID: strings, EISA IDs decoded (`PNP0A08`) */
  hid?: Known<string>;
  cids: string[];
  /** _UID, _ADR, _SEG, _BBN (integers, or a string _UID); a Processor object's _UID is its ProcessorID */
  uid?: Known<bigint | string>;
  adr?: Known<bigint>;
  seg?: Known<bigint>;
  bbn?: Known<bigint>;
  /** _STA (absent: the device is there, ACPI 6.5 §6.3.7) */
  sta?: Known<bigint>;
  /** _CRS: its descriptors when it is a constant resource template */
  crs?: Known<ResourceTemplate>;
  /** the objects directly below it, by name segment as stored (`_CBA`, `COM0`) */
  below: ReadonlyMap<string, AmlObject>;
  /** the device, or a device above it, has a constant _STA saying it is not present (bit 0) nor
   * functioning (bit 3): Linux enumerates neither it nor what is below it
   * (drivers/acpi/scan.c acpi_bus_attach(), acpi_device_is_present()) */
  absent: boolean;
}

/** A compressed EISA ID (ACPI 6.5 §6.1.5: three letters of five bits and four hex digits, stored
 * big-endian in a little-endian integer) as its seven characters. */
export function eisaId(v: bigint): string | undefined {
  if (v < 0n || v > 0xffffffffn) return undefined;
  const n = Number(v);
  const be = ((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24);
  const letter = (shift: number) => String.fromCharCode(0x40 + ((be >>> shift) & 0x1f));
  return letter(26) + letter(21) + letter(16) + (be & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

/** An ID object's value as a string: a string, or an EISA ID. */
const idText = (v: AmlValue): string | undefined => (v.type === 'string' ? v.value : v.type === 'integer' ? eisaId(v.value) : undefined);

/** The constant a Name holds, or a method returns when its body is one Return of a constant. */
function constantValue(o: AmlObject): AmlValue | undefined {
  const v = o.kind === 'Name' ? o.value : o.returns;
  return v && v.type !== 'expression' ? v : undefined;
}

/** An object's value read as `pick` reads it, a constant or out of reach. */
function known<T>(o: AmlObject | undefined, pick: (v: AmlValue) => T | undefined): Known<T> | undefined {
  if (!o) return undefined;
  const c = constantValue(o);
  const value = c ? pick(c) : undefined;
  return value !== undefined ? { is: 'constant', value, object: o } : { is: 'computed', object: o };
}

const integer = (v: AmlValue) => (v.type === 'integer' ? v.value : undefined);

/** The devices of a namespace, in its order. */
export function devicesOf(namespace: readonly AmlObject[]): AmlDevice[] {
  const children = new Map<string, Map<string, AmlObject>>();
  for (const o of namespace) {
    const segs = o.segs;
    if (!segs.length) continue;
    const parent = segs.slice(0, -1).join('.');
    let m = children.get(parent);
    if (!m) children.set(parent, (m = new Map()));
    if (!m.has(segs[segs.length - 1])) m.set(segs[segs.length - 1], o);
  }
  const out: AmlDevice[] = [];
  const absentPaths = new Set<string>();
  for (const o of namespace) {
    if (o.kind !== 'Device' && o.kind !== 'Processor') continue;
    const segs = o.segs;
    const kids = children.get(segs.join('.')) ?? new Map<string, AmlObject>();
    const cid = kids.get('_CID');
    const cidValue = cid && constantValue(cid);
    const cids = !cidValue
      ? []
      : cidValue.type === 'package'
        ? cidValue.elements.map(idText).filter((x): x is string => x !== undefined)
        : [idText(cidValue)].filter((x): x is string => x !== undefined);
    const sta = known(kids.get('_STA'), integer);
    const key = segs.join('.');
    const above = segs.some((_s, i) => i < segs.length - 1 && absentPaths.has(segs.slice(0, i + 1).join('.')));
    const absent = above || (sta?.is === 'constant' && (sta.value & 9n) === 0n);
    if (absent) absentPaths.add(key);
    const uid: Known<bigint | string> | undefined =
      o.kind === 'Processor' ? processorId(o) : known(kids.get('_UID'), (v) => (v.type === 'integer' || v.type === 'string' ? v.value : undefined));
    const crs = known(kids.get('_CRS'), (v) => (v.type === 'buffer' ? v.resources : undefined));
    out.push({
      object: o,
      path: o.path,
      fullPath: pathText(segs),
      below: kids,
      hid: known(kids.get('_HID'), idText),
      cids,
      uid,
      adr: known(kids.get('_ADR'), integer),
      seg: known(kids.get('_SEG'), integer),
      bbn: known(kids.get('_BBN'), integer),
      sta,
      crs,
      absent,
    });
  }
  return out;
}

/** A Processor object's ProcessorID (its first byte after the name), which Linux matches to the
 * MADT as a device's _UID (drivers/acpi/acpi_processor.c acpi_processor_get_info()). */
function processorId(o: AmlObject): Known<bigint> | undefined {
  const id = o.term?.args[1];
  return id?.t === 'int' ? { is: 'constant', value: BigInt(id.v), object: o } : undefined;
}

/** Whether a device has an ID (its _HID or one of its _CIDs). */
export const hasId = (d: AmlDevice, ...ids: string[]): boolean =>
  (d.hid?.is === 'constant' && ids.includes(d.hid.value)) || d.cids.some((c) => ids.includes(c));

/** A path as ACPICA's full pathname writes it (`\\_SB_.FWCF`), from one a table or an option gives
 * (`\\_SB.FWCF`): every segment four characters. A name without the root prefix is kept as it is. */
export const fullPathOf = (p: string): string =>
  p.startsWith('\\')
    ? '\\' +
      p
        .slice(1)
        .split('.')
        .map((s) => s.padEnd(4, '_'))
        .join('.')
    : p;

/** The IDs of a PCI host bridge (PCI Firmware Specification 3.3 §4.1.5: PCI Express, PCI) and of
 * a processor device (ACPI 6.5 §8.4). */
export const HOST_BRIDGE_IDS = ['PNP0A08', 'PNP0A03'];
export const PROCESSOR_ID = 'ACPI0007';

/** The width of an address space descriptor's numbers, by its tag (ACPI 6.5 §6.4.3.5: QWord,
 * DWord, Word; the Extended one's are 8 bytes, after a revision and a reserved byte). */
const ADDRESS_WIDTH: Readonly<Record<number, number>> = { 0x8a: 8, 0x87: 4, 0x88: 2, 0x8b: 8 };

/** An address space descriptor's resource type (0 memory, 1 I/O, 2 bus numbers), whether it is
 * produced (a bridge's window: bit 0 of its flags clear) or consumed, and its minimum, translation
 * offset and length, whatever macro writes it (a DWord bus number range has none: it is read from
 * its bytes). */
export function addressRange(d: ResourceDescriptor): { type: number; producer: boolean; min: bigint; translation: bigint; length: bigint } | undefined {
  const f = d.fields;
  const big = (v: unknown) => BigInt(v as number | bigint);
  if (typeof f.resourceType === 'number' && f.min !== undefined && f.length !== undefined)
    return { type: f.resourceType, producer: Number(f.usage) === 0, min: big(f.min), translation: big(f.translation ?? 0), length: big(f.length) };
  const tag = typeof f.tag === 'number' ? f.tag : undefined;
  const w = tag === undefined ? undefined : ADDRESS_WIDTH[tag];
  const data = f.data;
  if (w === undefined || !(data instanceof Uint8Array)) return undefined;
  // after the 3-byte header: type, flags, type flags (and for Extended a revision and a reserved
  // byte), then granularity, minimum, maximum, translation and length
  const at = tag === 0x8b ? 5 : 3;
  const num = (k: number) => {
    let v = 0n;
    for (let i = w - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[at + k * w + i] ?? 0);
    return v;
  };
  if (data.length < at + 5 * w) return undefined;
  return { type: data[0], producer: (data[1] & 1) === 0, min: num(1), translation: num(3), length: num(4) };
}

/** A host bridge's memory windows as Linux takes them: the memory ranges its _CRS produces, in the
 * CPU's address space (its minimum plus its translation offset). */
export function memoryWindows(d: AmlDevice): { base: bigint; size: bigint; index: number }[] {
  if (d.crs?.is !== 'constant') return [];
  return d.crs.value.descriptors.flatMap((x, index) => {
    const r = addressRange(x);
    return r && r.type === 0 && r.producer && r.length > 0n ? [{ base: (r.min + r.translation) & ((1n << 64n) - 1n), size: r.length, index }] : [];
  });
}

/** A PCI host bridge's bus range as Linux reads it: the last bus number range of its _CRS with a
 * length, else _BBN (or 0) to 0xFF (drivers/acpi/pci_root.c try_get_root_bridge_busnr(),
 * acpi_pci_root_add()). */
export function busRange(d: AmlDevice): { start: number; end: number; fromCrs: boolean } | undefined {
  if (d.crs?.is === 'computed' || d.bbn?.is === 'computed') return undefined;
  let range: { start: number; end: number; fromCrs: boolean } | undefined;
  for (const x of d.crs?.is === 'constant' ? d.crs.value.descriptors : []) {
    const r = addressRange(x);
    if (r && r.type === 2 && r.length > 0n) range = { start: Number(r.min), end: Number(r.min + r.length - 1n), fromCrs: true };
  }
  return range ?? { start: d.bbn?.is === 'constant' ? Number(d.bbn.value) : 0, end: 0xff, fromCrs: false };
}
