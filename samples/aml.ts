// A tiny AML assembler, just enough for the sample DSDTs: \_SB scope, processor devices
// (ACPI0007) and a UART device with Memory32Fixed + Interrupt resources (ACPI 6.5 §20, §6.4).

const NAME_OP = 0x08;
const STRING_PREFIX = 0x0d;
const BYTE_PREFIX = 0x0a;
const WORD_PREFIX = 0x0b;
const DWORD_PREFIX = 0x0c;
const SCOPE_OP = 0x10;
const BUFFER_OP = 0x11;
const EXT_OP = 0x5b;
const DEVICE_OP = 0x82;
const ROOT_CHAR = 0x5c;

/** PkgLength (§20.2.4): the encoded length includes its own bytes. */
export function pkgLength(contentLength: number): number[] {
  for (let n = 1; n <= 4; n++) {
    const total = contentLength + n;
    if (n === 1 && total < 0x40) return [total];
    if (n > 1 && total < 1 << (4 + 8 * (n - 1))) {
      const out = [((n - 1) << 6) | (total & 0x0f)];
      for (let i = 1; i < n; i++) out.push((total >> (4 + 8 * (i - 1))) & 0xff);
      return out;
    }
  }
  throw new RangeError(`AML package too long: ${contentLength}`);
}

function nameSeg(s: string): number[] {
  if (!/^[A-Z_][A-Z0-9_]{0,3}$/.test(s)) throw new Error(`bad NameSeg ${s}`);
  return Array.from(s.padEnd(4, '_'), (c) => c.charCodeAt(0));
}

export function integer(v: number): number[] {
  if (v === 0) return [0x00];
  if (v === 1) return [0x01];
  if (v <= 0xff) return [BYTE_PREFIX, v];
  if (v <= 0xffff) return [WORD_PREFIX, v & 0xff, v >> 8];
  return [DWORD_PREFIX, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

const string = (s: string) => [STRING_PREFIX, ...Array.from(s, (c) => c.charCodeAt(0)), 0];
export const name = (seg: string, value: number[]) => [NAME_OP, ...nameSeg(seg), ...value];

export function scope(path: string, body: number[]): number[] {
  const n = path.startsWith('\\') ? [ROOT_CHAR, ...nameSeg(path.slice(1))] : nameSeg(path);
  const content = [...n, ...body];
  return [SCOPE_OP, ...pkgLength(content.length), ...content];
}

export function device(seg: string, body: number[]): number[] {
  const content = [...nameSeg(seg), ...body];
  return [EXT_OP, DEVICE_OP, ...pkgLength(content.length), ...content];
}

export function buffer(bytes: number[]): number[] {
  const content = [...integer(bytes.length), ...bytes];
  return [BUFFER_OP, ...pkgLength(content.length), ...content];
}

const u32le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** ResourceTemplate { Memory32Fixed (ReadWrite, base, size); Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { gsiv } } */
export function uartResources(base: number, size: number, gsiv: number): number[] {
  const mem = [0x86, 0x09, 0x00, 0x01, ...u32le(base), ...u32le(size)];
  const irq = [0x89, 0x06, 0x00, 0x01, 0x01, ...u32le(gsiv)];
  const end = [0x79, 0x00];
  return buffer([...mem, ...irq, ...end]);
}

export const hid = (id: string) => name('_HID', string(id));
export const uid = (v: number) => name('_UID', integer(v));
