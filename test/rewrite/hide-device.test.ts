// --hide-device: dom0's DSDT/SSDTs with the devices the hypervisor owns made absent. On the sample
// host with devices added to its DSDT — one with a constant _STA, one with none, one with a method
// _STA and a child — each device is absent in dom0's namespace (its child with it), the rest as it
// was, the FADT follows the DSDT to the new region, iasl reads and compiles the result, and what
// must not be hidden is refused, naming the path.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { buildDom0 } from '../../src/rewrite/build.js';
import { readAml, encodeTerms } from '../../src/aml/index.js';
import { devicesOf } from '../../src/aml/devices.js';
import { decodeTable, encodeTable } from '../../src/tables/registry.js';
import { checksumOf } from '../../src/layout/codec.js';
import type { TableSet } from '../../src/model/tableset.js';
import { SAMPLES } from '../helpers.js';
import { HAVE_IASL } from '../aml/iasl-asl.js';

const seg = (s: string) => [...Buffer.from(s.padEnd(4, '_'))];
const sb = (s: string) => [0x5c, 0x2e, ...seg('_SB'), ...seg(s)];
const name = (n: string, value: number[]) => [0x08, ...seg(n), ...value];
const str = (s: string) => [0x0d, ...Buffer.from(s), 0x00];
function device(path: number[], ...body: number[][]): number[] {
  const inner = [...path, ...body.flat()];
  return [0x5b, 0x82, inner.length + 1, ...inner];
}
const method = (n: string, ...body: number[][]) => {
  const inner = [...seg(n), 0x00, ...body.flat()];
  return [0x14, inner.length + 1, ...inner];
};

/** The sample host with devices added to its DSDT: FWCF (_STA 0x0B), VR00 (no _STA), MSTA (a method
 * _STA, and a child), KEEP (untouched). */
function host(): TableSet {
  const set = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set;
  const added = [
    ...device(sb('FWCF'), name('_HID', str('QEMU0002')), name('_STA', [0x0a, 0x0b])),
    ...device(sb('VR00'), name('_HID', str('LNRO0005')), name('_UID', [0x00])),
    ...device(sb('MSTA'), name('_HID', str('ACME0001')), method('_STA', [0xa4, 0x0a, 0x0f]), device(seg('KID0'), name('_HID', str('ACME0002')))),
    ...device(sb('KEEP'), name('_HID', str('ACME0003'))),
  ];
  return {
    ...set,
    tables: set.tables.map((e) => {
      if (e.table.signature !== 'DSDT') return e;
      const b = Buffer.concat([Buffer.from(e.bytes), Buffer.from(added)]);
      b.writeUInt32LE(b.length, 4);
      b[9] = checksumOf(b, b.length, 9);
      return { ...e, table: decodeTable(b).table!, bytes: new Uint8Array(b) };
    }),
  };
}

const dsdtOf = (set: TableSet) => set.tables.find((e) => e.table.signature === 'DSDT')!.bytes;
const status = (bytes: Uint8Array) =>
  new Map(devicesOf(readAml([{ table: 'DSDT', bytes, revision: bytes[8] }]).namespace).map((d) => [d.path, { absent: d.absent, sta: d.sta }]));

describe('build --hide-device', () => {
  const hide = ['\\_SB.FWCF', '\\_SB.VR00', '\\_SB.MSTA'];
  const out = buildDom0(host(), { profile: 'design', hideDevices: hide });
  const dsdt = dsdtOf(out.tables);

  it('makes each device absent: a constant _STA changed in place, a method _STA or a missing one replaced by Name (_STA, Zero); children go with it', () => {
    const s = status(dsdt);
    for (const p of hide) expect(s.get(p), p).toMatchObject({ absent: true, sta: { is: 'constant', value: 0n } });
    expect(s.get('\\_SB.MSTA.KID0')!.absent).toBe(true);
    expect(s.get('\\_SB.KEEP')!.absent).toBe(false);
    // the rest of the namespace as it was: every other device, the processors and the UART
    const before = status(encodeTable(host().tables.find((e) => e.table.signature === 'DSDT')!.table));
    for (const [p, d] of before) if (!p.startsWith('\\_SB.FWCF') && !p.startsWith('\\_SB.VR00') && !p.startsWith('\\_SB.MSTA')) expect(s.get(p), p).toEqual(d);
    // the Name is changed in place: FWCF's _STA stays where it was among its objects
    const ns = readAml([{ table: 'DSDT', bytes: dsdt, revision: dsdt[8] }]).namespace.map((o) => o.path);
    expect(ns.indexOf('\\_SB.FWCF._STA')).toBeGreaterThan(ns.indexOf('\\_SB.FWCF._HID'));
    expect(ns.indexOf('\\_SB.VR00._STA')).toBe(ns.indexOf('\\_SB.VR00') + 1);
  });

  it('the change log names each device, by namespace path as diff names it', () => {
    const log = out.log.find((p) => p.pass === 'devices')!.changes.filter((c) => c.path.includes('._STA'));
    expect(log.map((c) => [c.path, c.kind])).toEqual([
      ['DSDT.\\_SB.FWCF._STA', 'changed'],
      ['DSDT.\\_SB.MSTA._STA', 'changed'],
      ['DSDT.\\_SB.VR00._STA', 'added'],
    ]);
  });

  it('writes a table that reads back byte for byte, and the FADT follows the DSDT into the new region', () => {
    const set = readAml([{ table: 'DSDT', bytes: dsdt, revision: dsdt[8] }]);
    expect(Buffer.from(encodeTerms(set.blocks[0].terms)).equals(Buffer.from(dsdt.subarray(36)))).toBe(true);
    const entry = (sig: string) => out.tables.tables.find((e) => e.table.signature === sig)!;
    const x = (entry('FACP').table.fields as { x_dsdt: bigint }).x_dsdt;
    expect(x).toBe(entry('DSDT').address);
    expect(x >= out.region.base && x < out.region.base + out.region.size).toBe(true);
    expect(out.origins.get(entry('DSDT'))).toBe('new');
  });

  it.skipIf(!HAVE_IASL)('iasl -d reads the result cleanly, and its ASL compiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dom0-acpi-hide-'));
    try {
      writeFileSync(join(dir, 'dsdt.dat'), dsdt);
      const d = spawnSync('iasl', ['-d', 'dsdt.dat'], { cwd: dir, encoding: 'utf8' });
      expect(`${d.stdout}${d.stderr}`).not.toMatch(/error|warning/i);
      const asl = readFileSync(join(dir, 'dsdt.dsl'), 'utf8');
      expect(asl).toMatch(/Device \((\\_SB\.)?FWCF\)[^]*?Name \(_STA, Zero\)/);
      const c = spawnSync('iasl', ['-oa', '-p', join(dir, 'again'), join(dir, 'dsdt.dsl')], { encoding: 'utf8' });
      expect(existsSync(join(dir, 'again.aml')), c.stdout + c.stderr).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a device the STAO names (--stao-path) is made absent too: Linux ignores the name list; the SPCR UART, which the STAO’s flag hides, is left as it is', () => {
    const staoOut = buildDom0(host(), { profile: 'design', staoPaths: ['\\_SB.FWCF', '\\_SB.COM0'] });
    const s = status(dsdtOf(staoOut.tables));
    expect(s.get('\\_SB.FWCF')!.absent).toBe(true);
    expect(s.get('\\_SB.COM0')!.absent).toBe(false);
    expect(staoOut.warnings.map((w) => w.code)).not.toContain('BUILD_STAO_NAME_KEPT');
  });

  it('refuses, naming the path: no such object, an object that is no device, a processor, the SPCR UART, the xen profile, a malformed path', () => {
    const refused = (paths: string[], profile: 'design' | 'xen' = 'design') => {
      try {
        buildDom0(host(), { profile, hideDevices: paths });
      } catch (e) {
        return (e as Error).message;
      }
      return 'built';
    };
    expect(refused(['\\_SB.NONE'])).toMatch(/--hide-device \\_SB.NONE: no object of the DSDT\/SSDTs has that path/);
    expect(refused(['\\_SB.FWCF._HID'])).toMatch(/it is a Name, not a device/);
    expect(refused(['\\_SB.C000'])).toMatch(/--hide-device \\_SB.C000: it is a processor/);
    expect(refused(['\\_SB.COM0'])).toMatch(/--hide-device \\_SB.COM0: the SPCR names its registers/);
    expect(refused(['\\_SB.FWCF'], 'xen')).toMatch(/hideDevices: is for the design profile/);
    expect(refused(['_SB.FWCF'])).toMatch(/hideDevices\[0\]: "_SB.FWCF" is not a full ACPI path/);
  });
});
