// Tables iasl 20200925 does not know (APMT, VIOT, AEST), written out from their specifications:
// the exact-bytes tests and the fuzz seeds share them.
import { checksumOf } from '../src/layout/codec.js';
/** A named table blob. */
export interface Blob {
  name: string;
  bytes: Uint8Array;
}

/** A table from its body bytes: ACPI header (signature, revision) + body, length and checksum set. */
export function table(sig: string, revision: number, body: number[]): Buffer {
  const b = Buffer.alloc(36 + body.length);
  b.write(sig, 0, 'latin1');
  b.writeUInt32LE(b.length, 4);
  b[8] = revision;
  b.write('DOM0AC', 10, 'latin1');
  b.write('SPECTEST', 16, 'latin1');
  b.writeUInt32LE(1, 24);
  b.write('D0AC', 28, 'latin1');
  b.writeUInt32LE(1, 32);
  Buffer.from(body).copy(b, 36);
  b[9] = checksumOf(b, b.length, 9);
  return b;
}
/** `v` as `n` little-endian bytes. */
export const le = (v: number | bigint, n: number): number[] => Array.from({ length: n }, (_x, i) => Number((BigInt(v) >> BigInt(8 * i)) & 0xffn));

/** VIOT as QEMU builds it for -device virtio-iommu-pci: the virtio-iommu PCI node at 0x30 (BDF
 * 00:02.0), one PCI range (BDF 0-0xffff) translated by it. */
export const VIOT_BODY = [
  ...le(2, 2),
  ...le(0x30, 2),
  ...le(0, 8),
  3,
  0,
  ...le(16, 2),
  ...le(0, 2),
  ...le(0x10, 2),
  ...le(0, 8),
  1,
  0,
  ...le(24, 2),
  ...le(0, 4),
  ...le(0, 2),
  ...le(0, 2),
  ...le(0, 2),
  ...le(0xffff, 2),
  ...le(0x30, 2),
  ...le(0, 6),
];

/** APMT with one memory-controller PMU node. */
export const APMT_BODY = [
  ...le(56, 2),
  0b011,
  0,
  ...le(7, 4),
  ...le(0x1234, 8),
  ...le(0, 4),
  ...le(0x100010000000n, 8),
  ...le(0x100010010000n, 8),
  ...le(300, 4),
  ...le(0, 4),
  ...le(1, 4),
  ...le(0, 4),
  ...le(0x41, 4),
];

/** AEST 1.0 with one processor node: cache resource, a memory-mapped interface, two interrupts. */
const irq = (type: number, gsiv: number) => [type, 0, 0, 1, ...le(gsiv, 4), 0, 0, 0, 0];
export const AEST_BODY = [
  0,
  ...le(44 + 24 + 48 + 24, 2),
  0,
  ...le(44, 4),
  ...le(68, 4),
  ...le(116, 4),
  ...le(2, 4),
  ...le(0, 8),
  ...le(0, 8),
  ...le(0, 8),
  ...le(5, 4),
  0,
  0,
  0b01,
  1,
  ...le(0, 8),
  ...le(0x80, 4),
  ...le(0, 4),
  0,
  0,
  0,
  0,
  ...le(0b1, 4),
  ...le(0, 8),
  ...le(0, 4),
  ...le(2, 4),
  ...le(3, 8),
  ...le(0, 8),
  ...le(0, 8),
  ...irq(0, 40),
  ...irq(1, 41),
];

export function specBlobs(): Blob[] {
  return [
    { name: 'spec APMT', bytes: table('APMT', 0, APMT_BODY) },
    { name: 'spec VIOT', bytes: table('VIOT', 0, VIOT_BODY) },
    { name: 'spec AEST', bytes: table('AEST', 1, AEST_BODY) },
  ];
}
