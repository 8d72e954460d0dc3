// dump of a device tree prints DTS source as dtc -I dtb -O dts does: checked against dtc itself.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FdtWriter, u32, u64 } from '../../src/fdt/writer.js';
import { readFdt, readReservations } from '../../src/fdt/reader.js';
import { renderDts } from '../../src/render/dts.js';
import { cli, HAVE_DTC, SAMPLES, tmp } from '../helpers.js';

const text = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

/** A tree with every kind of value dtc tells apart. */
function sampleBlob(): Uint8Array {
  return new FdtWriter()
    .addReservation(0x80000000n, 0x10000n)
    .beginNode('')
    .property('#address-cells', u32(2))
    .property('empty', new Uint8Array(0))
    .property('model', text('Board "A"\\1\0'))
    .property('compatible', text('vendor,a\0vendor,b\0'))
    .property('bytes', Uint8Array.of(1, 2, 0xff))
    .property('reg', u64(0x40000000n))
    .property('nuls', Uint8Array.of(0, 0, 0, 1))
    .beginNode('empty-node')
    .endNode()
    .beginNode('child@1')
    .beginNode('grandchild')
    .property('x', u32(0))
    .endNode()
    .endNode()
    .endNode()
    .finish();
}

describe('DTS', () => {
  it('strings (escaped, lists), cells, bytes, empty properties, memreserve, nested nodes', () => {
    const blob = sampleBlob();
    const dts = renderDts(readFdt(blob), readReservations(blob));
    expect(dts).toContain('/memreserve/\t0x0000000080000000 0x0000000000010000;');
    expect(dts).toContain('\tmodel = "Board \\"A\\"\\\\1";');
    expect(dts).toContain('\tcompatible = "vendor,a\\0vendor,b";');
    expect(dts).toContain('\tbytes = [01 02 ff];');
    expect(dts).toContain('\treg = <0x00 0x40000000>;');
    expect(dts).toContain('\tnuls = <0x01>;');
    expect(dts).toContain('\tempty;');
  });

  it.skipIf(!HAVE_DTC)("is what dtc prints, byte for byte (this tree and a build's dom0.dtb)", async () => {
    const d = tmp('dts-');
    const out = join(d, 'out');
    expect(
      (await cli('build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', out, '--bootargs', 'console=hvc0', '--initrd', '0x48000000:0x100000')).code,
    ).toBe(0);
    const sample = join(d, 'sample.dtb');
    writeFileSync(sample, sampleBlob());
    for (const f of [join(out, 'dom0.dtb'), sample]) {
      const ours = await cli('dump', f);
      expect(ours.code).toBe(0);
      const theirs = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', f], { encoding: 'utf8' });
      expect(ours.out, f).toBe(theirs.stdout);
    }
  });

  it('a broken blob is one line naming the offset, exit 2', async () => {
    const blob = Uint8Array.from(sampleBlob());
    new DataView(blob.buffer).setUint32(4, 10); // totalsize below the header
    const f = join(tmp('dts-'), 'bad.dtb');
    writeFileSync(f, blob);
    const r = await cli('dump', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.dtb: offset 0x/);
  });
});
