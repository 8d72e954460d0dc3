// The namespace's devices as the joins read them (src/aml/devices.ts): IDs (EISA IDs decoded),
// _STA read as Linux would have it (a constant Name or a method returning one; absent devices hide
// what is below them), and a host bridge's bus range as Linux's acpi_pci_root_add() takes it.
import { describe, expect, it } from 'vitest';
import { readAml } from '../../src/aml/index.js';
import { busRange, devicesOf, eisaId, type AmlDevice } from '../../src/aml/devices.js';

/** An SSDT holding `aml`. */
function block(aml: number[]): Uint8Array {
  const b = new Uint8Array(36 + aml.length);
  b.set([...'SSDT'].map((c) => c.charCodeAt(0)));
  new DataView(b.buffer).setUint32(4, b.length, true);
  b[8] = 2;
  b.set(aml, 36);
  return b;
}
const seg = (s: string) => [...Buffer.from(s.padEnd(4, '_'))];
const name = (n: string, value: number[]) => [0x08, ...seg(n), ...value];
const device = (n: string, ...body: number[][]) => {
  const inner = [...seg(n), ...body.flat()];
  return [0x5b, 0x82, inner.length + 1, ...inner];
};
const method = (n: string, ...body: number[][]) => {
  const inner = [...seg(n), 0x00, ...body.flat()];
  return [0x14, inner.length + 1, ...inner];
};
const devices = (...aml: number[][]): Map<string, AmlDevice> => {
  const b = block(aml.flat());
  return new Map(devicesOf(readAml([{ table: 'SSDT', bytes: b, revision: 2 }]).namespace).map((d) => [d.path, d]));
};
const value = (k: { is: string; value?: unknown } | undefined) => (k?.is === 'constant' ? k.value : k?.is);

describe('devices of the namespace', () => {
  it('decodes EISA IDs as iasl prints them', () => {
    expect(eisaId(0x080ad041n)).toBe('PNP0A08');
    expect(eisaId(0x030ad041n)).toBe('PNP0A03');
    expect(eisaId(0x020cd041n)).toBe('PNP0C02');
    expect(eisaId(1n << 40n)).toBeUndefined();
  });

  it('reads _HID, _UID and _STA: a constant Name, a method returning one, or out of reach', () => {
    const d = devices(
      device('DEV0', name('_HID', [0x0c, 0x41, 0xd0, 0x0a, 0x08]), name('_UID', [0x0a, 0x07]), name('_STA', [0x0a, 0x0f])),
      // Method (_STA) { Return (Zero) }, and a device below it
      device('DEV1', name('_HID', [0x0d, ...Buffer.from('ACPI0007'), 0x00]), method('_STA', [0xa4, 0x00]), device('KID0', name('_UID', [0x01]))),
      // Method (_STA) { Local0 = One; Return (Local0) }: out of reach
      device('DEV2', method('_STA', [0x70, 0x01, 0x60], [0xa4, 0x60])),
    );
    const [d0, d1, kid, d2] = ['\\DEV0', '\\DEV1', '\\DEV1.KID0', '\\DEV2'].map((p) => d.get(p)!);
    expect([value(d0.hid), value(d0.uid), value(d0.sta), d0.absent]).toEqual(['PNP0A08', 7n, 15n, false]);
    expect([value(d1.hid), value(d1.sta), d1.absent]).toEqual(['ACPI0007', 0n, true]);
    expect([value(kid.uid), kid.absent]).toEqual([1n, true]);
    expect([value(d2.sta), d2.absent]).toEqual(['computed', false]);
  });

  it('takes a host bridge’s buses from its _CRS bus number range (a DWord one too, which has no macro), else _BBN to 0xFF', () => {
    const dwordBus = [0x87, 0x17, 0x00, 0x02, 0x0c, 0x00, ...[0, 0, 0, 0], ...[0x10, 0, 0, 0], ...[0x1f, 0, 0, 0], ...[0, 0, 0, 0], ...[0x10, 0, 0, 0]];
    const crs = (desc: number[]) => name('_CRS', [0x11, 3 + desc.length + 2, 0x0a, desc.length + 2, ...desc, 0x79, 0x00]);
    const d = devices(device('PCI0', crs(dwordBus)), device('PCI1', name('_BBN', [0x0a, 0x40])), device('PCI2', method('_CRS', [0xa4, 0x00])));
    expect(busRange(d.get('\\PCI0')!)).toEqual({ start: 0x10, end: 0x1f, fromCrs: true });
    expect(busRange(d.get('\\PCI1')!)).toEqual({ start: 0x40, end: 0xff, fromCrs: false });
    expect(busRange(d.get('\\PCI2')!)).toBeUndefined();
  });
});
