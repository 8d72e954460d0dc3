// The EFI system table, configuration table and memory map dom0 is handed: dumped from a build
// output (where its device tree says they are), and from files of their own (Xen's EFI blobs), as
// the tables are; a folder like a Xen capture reads its tables and EFI blobs, and names the memory
// image and device tree it holds with how to read them; a memory image without a valid RSDP names
// the RSDP whose checksum fails.
import { describe, expect, it } from 'vitest';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { cli, CORPUS, HAVE_CORPUS, SAMPLES, tmp } from '../helpers.js';

const QEMU = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

async function built(): Promise<string> {
  const out = join(tmp('efi-'), 'out');
  expect((await cli('build', QEMU, '-o', out, '--bootargs', 'console=hvc0')).code).toBe(0);
  return out;
}

describe('dump shows the EFI structures', () => {
  it('of a build output: after the tables in text, in JSON with their fields, one line each in --summary; -t EFI alone', async () => {
    const out = await built();
    const text = await cli('dump', out);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^\/\* EFI System Table @ 0x000000005FFFF3C0, 152 bytes, from .*acpi\.img@0x5FFFF3C0 \*\/$/m);
    expect(text.out).toMatch(/^\[000h 0000   8\]                    Signature : "IBI SYST"$/m);
    expect(text.out).toMatch(/^\[000h 0000  16\]                  Vendor GUID : 8868E871-E4F1-11D3-BC22-0080C73C8881$/m);
    expect(text.out).toMatch(/^\[000h 0000   4\]                         Type : 00000007 \[Conventional\]$/m);
    expect(text.out.indexOf('/* EFI System Table')).toBeGreaterThan(text.out.indexOf('/* SPCR'));
    const summary = (await cli('dump', out, '--summary')).out.split('\n');
    expect(summary[0]).toBe(`${out}: build, 8 table(s), 3 EFI structure(s)`);
    expect(summary).toContain('EFI   0x000000005FFFF440      24 B  configuration table: ACPI 2.0 → 0x5FFFF398');
    expect(summary.find((l) => l.includes('memory map'))).toBe(
      'EFI   0x000000005FFFF458     120 B  memory map: 3 descriptor(s): Conventional 0x40000000+0x1FFFF000, ACPIReclaim 0x7C430000+0x1000, ACPIReclaim 0x5FFFF000+0x1000',
    );
    const json = JSON.parse((await cli('dump', out, '--json')).out);
    expect(json.efi.map((p: { kind: string }) => p.kind)).toEqual(['system-table', 'configuration-table', 'memory-map']);
    expect(json.efi[2].fields[0]).toEqual({ path: 'EFI_MMAP.descriptor[0].type', offset: 0, width: 4, label: 'Type', value: 7 });
    const only = await cli('dump', out, '-t', 'EFI');
    expect(only.out).not.toMatch(/\/\* FACP/);
    expect(only.out.match(/^\/\* EFI /gm)).toHaveLength(3);
    expect((await cli('dump', out, '-t', 'FACP')).out).not.toMatch(/EFI/);
    expect((await cli('dump', QEMU, '-t', 'EFI')).err).toMatch(/no EFI system table, configuration table or memory map in the input/);
  });

  it('of files of their own, recognised by content; a folder holding them, a memory image and a device tree beside the tables', async () => {
    const out = await built();
    const d = tmp('xen-like-');
    const json = JSON.parse((await cli('dump', out, '--json', '-t', 'EFI')).out) as { efi: { kind: string; address: string }[] };
    const img = readFileSync(join(out, 'acpi.img'));
    const base = 0x5ffff000;
    for (const p of json.efi) {
      const at = Number(BigInt(p.address)) - base;
      const size = { 'system-table': 152, 'configuration-table': 24, 'memory-map': 120 }[p.kind]!;
      writeFileSync(join(d, `efi-${p.kind}.dat`), img.subarray(at, at + size));
    }
    for (const f of readdirSync(join(out, 'tables'))) copyFileSync(join(out, 'tables', f), join(d, f));
    copyFileSync(join(out, 'acpi.img'), join(d, 'acpi-page.bin'));
    copyFileSync(join(out, 'dom0.dtb'), join(d, 'dom0.dtb'));
    const { set, findings } = readTables(d);
    expect(set.tables.length).toBe(7);
    expect(set.efi?.map((p) => p.kind).sort()).toEqual(['configuration-table', 'memory-map', 'system-table']);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'INPUT_SOURCE',
        message:
          'not read: acpi-page.bin (a memory image, tables one after another: read it alone with --image-base ADDR), dom0.dtb (a device tree: dump it alone)',
      }),
    ]);
    const alone = await cli('dump', join(d, 'efi-memory-map.dat'));
    expect(alone.code).toBe(0);
    expect(alone.out.split('\n')[0]).toBe(`/* EFI Memory Map @ unknown address, 120 bytes, from ${join(d, 'efi-memory-map.dat')} */`);
    // a table file alone that goes on with more tables: named as a memory image
    const page = await cli('dump', join(d, 'acpi-page.bin'));
    expect(page.code).toBe(2);
    expect(page.err).toMatch(/the bytes after it start "APIC", like another table: a memory image; give --image-base ADDR/);
  });
});

describe('a memory image whose RSDP fails its checksum', () => {
  it('is named with its address, its fault and the --rsdp that reads through it', async () => {
    const out = await built();
    const img = Buffer.from(readFileSync(join(out, 'acpi.img')));
    img[0x398 + 8] ^= 0x5a; // the 20-byte checksum, as Xen 4.17 leaves it wrong
    const p = join(tmp('badrsdp-'), 'page.bin');
    writeFileSync(p, img);
    const r = await cli('dump', p, '--image-base', '0x5FFFF000', '--summary');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /no RSDP with valid checksums on any 8-byte boundary of the image 0x5FFFF000\.\.0x60000000 \(4096 bytes\); "RSD PTR " found at 0x5FFFF398 \(\+0x398\): its 20-byte checksum fails — give --rsdp 0x5FFFF398 to read through it anyway/,
    );
    const through = await cli('check', p, '--image-base', '0x5FFFF000', '--rsdp', '0x5FFFF398');
    expect(through.out).toMatch(/RSDP_CHECKSUM/);
  });

  it.skipIf(!HAVE_CORPUS)("Xen 4.17's own page, from the corpus", async () => {
    const r = await cli('dump', join(CORPUS, 'xen-4.17-gicv2-dom0v2', 'xen', 'acpi-page.bin'), '--image-base', '0xBC2F1000');
    expect(r.err).toMatch(/"RSD PTR " found at 0xBC2F1298 \(\+0x298\): its 20-byte checksum fails — give --rsdp 0xBC2F1298/);
    const folder = await cli('dump', join(CORPUS, 'xen-4.17-gicv2-dom0v2', 'xen'), '--summary');
    expect(folder.code).toBe(0);
    expect(folder.out.split('\n')[0]).toMatch(/: binaries, 12 table\(s\), 3 EFI structure\(s\)$/);
  });
});
