// The pass graph: a profile's order comes from the passes' declarations (stage, after, needs), not
// from the order a profile lists them; a missing `needs` or a cycle is refused with a clear message.
import { describe, expect, it } from 'vitest';
import { orderPasses, PASSES, PROFILES, selectPasses } from '../../src/rewrite/pipeline.js';
import { BuildError, type PassDef } from '../../src/rewrite/types.js';

const DESIGN = ['fadt', 'gtdt', 'madt', 'stao', 'xsdt', 'rsdp', 'efi', 'dt', 'checksums'];
const noop = (name: string, o: Partial<PassDef> = {}): PassDef =>
  ({ name, stage: 'tables', summary: name, run: (set) => ({ set, changes: [] }), ...o }) as PassDef;

describe('the pass graph', () => {
  it('orders each profile from the declarations, whatever order the profile lists them in', () => {
    expect(selectPasses({ profile: 'design', skip: [] })).toEqual(DESIGN);
    expect(orderPasses([...DESIGN].reverse())).toEqual(DESIGN);
    expect(orderPasses(['checksums', 'dt', 'efi', 'rsdp', 'madt', 'xsdt', 'fadt', 'stao'])).toEqual(PROFILES.xen);
  });

  it('every tables pass runs before every placed pass', () => {
    const order = selectPasses({ profile: 'design', skip: [] });
    const lastTables = Math.max(...order.map((n, i) => (PASSES[n].stage === 'tables' ? i : -1)));
    const firstPlaced = order.findIndex((n) => PASSES[n].stage === 'placed');
    expect(lastTables).toBeLessThan(firstPlaced);
  });

  it('a pass left out that another needs is refused (dt needs efi)', () => {
    expect(() => selectPasses({ profile: 'design', skip: ['efi'] })).toThrow(new BuildError('the dt pass needs the efi pass'));
    expect(() => selectPasses({ profile: 'xen', skip: [], only: ['dt'] })).toThrow(/the dt pass needs the efi pass/);
  });

  it('a new pass is one declaration: it lands where its after/needs put it', () => {
    const extra = noop('iort', { after: ['madt'] });
    const order = orderPasses(['iort', ...DESIGN], { ...PASSES, iort: extra });
    expect(order.indexOf('iort')).toBeGreaterThan(order.indexOf('madt'));
    expect(order.indexOf('iort')).toBeLessThan(order.indexOf('efi'));
  });

  it('a pass that must precede another says so with before, wherever the profile lists it', () => {
    const drop = noop('drop', { before: ['xsdt'] });
    const order = orderPasses([...DESIGN, 'drop'], { ...PASSES, drop });
    expect(order.indexOf('drop')).toBeLessThan(order.indexOf('xsdt'));
    expect(() => orderPasses(['a', 'b'], { a: noop('a', { before: ['b'] }), b: noop('b', { before: ['a'] }) })).toThrow(/cycle/);
  });

  it('unknown passes, missing needs and cycles are refused', () => {
    expect(() => orderPasses(['nope'])).toThrow(/unknown pass "nope"/);
    expect(() => orderPasses(['a'], { a: noop('a', { needs: ['b'] }), b: noop('b') })).toThrow('the a pass needs the b pass');
    expect(() => orderPasses(['a', 'b'], { a: noop('a', { after: ['b'] }), b: noop('b', { after: ['a'] }) })).toThrow(/cycle: a → b → a/);
    // a tables pass may not follow a placed one
    expect(() => orderPasses(['p', 't'], { p: noop('p', { stage: 'placed' } as Partial<PassDef>), t: noop('t', { after: ['p'] }) })).toThrow(/cycle/);
  });
});

describe('the dt pass logs what the tree holds', () => {
  it('every property of dom0.dtb, read back from the blob, is in the log and the manifest', async () => {
    const { readTables } = await import('../../src/io/read.js');
    const { buildDom0 } = await import('../../src/rewrite/build.js');
    const { readFdt } = await import('../../src/fdt/reader.js');
    const { dtProperties } = await import('../../src/rewrite/dt.js');
    const { SAMPLES } = await import('../helpers.js');
    const { join } = await import('node:path');
    const out = buildDom0(readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set, {
      bootargs: 'console=hvc0',
      initrd: { start: 0x48000000n, size: 0x100000n },
    });
    const props = dtProperties(readFdt(out.dtb!));
    expect(props.map((p) => p.path)).toEqual([
      '/.#address-cells',
      '/.#size-cells',
      '/chosen.bootargs',
      '/chosen.linux,initrd-start',
      '/chosen.linux,initrd-end',
      '/hypervisor.compatible',
      '/hypervisor/uefi.xen,uefi-system-table',
      '/hypervisor/uefi.xen,uefi-mmap-start',
      '/hypervisor/uefi.xen,uefi-mmap-size',
      '/hypervisor/uefi.xen,uefi-mmap-desc-size',
      '/hypervisor/uefi.xen,uefi-mmap-desc-ver',
    ]);
    expect(props.find((p) => p.path === '/chosen.linux,initrd-end')!.value).toBe('0x48100000');
    expect(out.log.find((l) => l.pass === 'dt')!.changes).toEqual(props.map((p) => ({ path: `DT.${p.path}`, kind: 'added', new: p.value })));
    expect((out.manifest.dt as { properties: Record<string, unknown> }).properties).toEqual(Object.fromEntries(props.map((p) => [p.path, p.value])));
  });
});

describe('the XSDT follows a table a pass makes anew', () => {
  it('a pass that builds the MADT fresh (no host address carried) is still listed where the host MADT was', async () => {
    const { readTables } = await import('../../src/io/read.js');
    const { runPipeline, defaultOptions } = await import('../../src/rewrite/pipeline.js');
    const { withTable, tableById } = await import('../../src/rewrite/types.js');
    const { SAMPLES } = await import('../helpers.js');
    const { join } = await import('node:path');
    const host = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set;
    const fresh: PassDef = {
      name: 'madt',
      stage: 'tables',
      summary: "a MADT made from nothing but the host one's content",
      after: ['fadt'],
      run: (set) => {
        const old = tableById(set, 'APIC')!;
        return { set: withTable(set, { id: 'APIC', table: { ...old.table }, origin: 'new' }), changes: [] };
      },
    };
    const saved = PASSES.madt;
    PASSES.madt = fresh;
    try {
      const r = runPipeline(host, { ...defaultOptions(), only: ['madt', 'xsdt', 'rsdp'] });
      const xsdt = tableById(r.set, 'XSDT')!;
      const apicAt = r.set.addresses.get('APIC')!;
      const listed = xsdt.refs!.filter((x) => x.to === 'APIC');
      expect(listed.length).toBe(1);
      expect(apicAt).toBeGreaterThanOrEqual(r.set.region.base); // a new table: in the new region
    } finally {
      PASSES.madt = saved;
    }
  });
});
