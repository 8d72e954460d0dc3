// The devices a namespace declares, as the checks that join it to the other tables need them: each
// Device (and Processor) with its identity (_HID, _CID, _UID, _ADR, _SEG, _BBN), whether it is
// there (_STA), and its resources (_CRS) — where those are constants. Nothing is executed: a method
// is read only when its body is one Return of a constant (as firmware writes `_STA` often); any
// other method leaves the value out of reach, and the checks say so rather than guess.
import type { AmlObject, AmlValue } from './namespace.js';
import type { ResourceTemplate } from './resources.js';
import { trimSeg } from './tree.js';

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
      fullPath: '\\' + segs.join('.'),
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

/** A device's path as ASL writes it, from a path as a table writes one (`\_SB_.PCI0`, `\_SB.PCI0`). */
export const aslPath = (p: string): string => (p.startsWith('\\') ? '\\' : '') + p.replace(/^\\/, '').split('.').map(trimSeg).join('.');
