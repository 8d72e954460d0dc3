// Each pass on its own: its declaration's `run` on the untouched host set (or, for a placed pass,
// on that set laid out), and exactly what it changes. The pipeline tests check them together.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { initialSet, defaultOptions, PASSES } from '../../src/rewrite/pipeline.js';
import { layoutRegion, EFI_SYSTAB_ID, EFI_MMAP_ID } from '../../src/rewrite/layout.js';
import { tableById, type BuildOptions, type Dom0Set, type PassDef, type PlacedSet } from '../../src/rewrite/types.js';
import { XEN_HYPERVISOR_ID } from '../../src/rewrite/fadt.js';
import { hasChecksumFault, decodeTable, encodeTable } from '../../src/tables/registry.js';
import { vcpuMpidr } from '../../src/model/gic.js';
import { SAMPLES } from '../helpers.js';

const host = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set;
const opts = (o: Partial<BuildOptions> = {}): BuildOptions => ({ ...defaultOptions(), bootargs: 'console=hvc0', ...o });
const start = (): Dom0Set => initialSet(host);
const runTables = (name: string, set: Dom0Set, o = opts()) => {
  const p: PassDef = PASSES[name];
  if (p.stage !== 'tables') throw new Error(`${name} is not a tables pass`);
  return p.run(set, o);
};
const runPlaced = (name: string, set: PlacedSet, o = opts()) => {
  const p: PassDef = PASSES[name];
  if (p.stage !== 'placed') throw new Error(`${name} is not a placed pass`);
  return p.run(set, o);
};
/** The ids whose table object a pass replaced (or added). */
const touched = (before: Dom0Set, after: Dom0Set) => after.tables.filter((t) => before.tables.find((b) => b.id === t.id)?.table !== t.table).map((t) => t.id);

describe('tables passes, one by one', () => {
  it('fadt: only the FADT; PSCI | HVC; design also HypervisorId "XenVMM"', () => {
    const s = start();
    for (const profile of ['design', 'xen'] as const) {
      const r = runTables('fadt', s, opts({ profile }));
      expect(touched(s, r.set)).toEqual(['FACP']);
      const f = tableById(r.set, 'FACP')!.table.fields;
      expect(Number(f.arm_boot_flags) & 0b11).toBe(0b11);
      expect(f.hypervisor_id).toBe(profile === 'design' ? XEN_HYPERVISOR_ID : tableById(s, 'FACP')!.table.fields.hypervisor_id);
    }
  });

  it('gtdt: only the GTDT; the EL2 timer GSIV and flags 0, the rest as the host has it', () => {
    const s = start();
    const r = runTables('gtdt', s);
    expect(touched(s, r.set)).toEqual(['GTDT']);
    const [a, b] = [tableById(s, 'GTDT')!.table.fields, tableById(r.set, 'GTDT')!.table.fields];
    expect([b.non_secure_el2_interrupt, b.non_secure_el2_flags]).toEqual([0, 0]);
    expect({ ...b, non_secure_el2_interrupt: 0, non_secure_el2_flags: 0 }).toEqual({ ...a, non_secure_el2_interrupt: 0, non_secure_el2_flags: 0 });
  });

  it("madt: only the MADT; each GICC i carries vCPU i's MPIDR", () => {
    const s = start();
    const r = runTables('madt', s);
    expect(touched(s, r.set)).toEqual(['APIC']);
    const giccs = tableById(r.set, 'APIC')!.table.items!.filter((x) => x.fields.type === 0x0b);
    expect(giccs.map((g) => g.fields.arm_mpidr)).toEqual(giccs.map((_, i) => vcpuMpidr(i)));
  });

  it('stao: adds an STAO hiding the UART, nothing else', () => {
    const s = start();
    const r = runTables('stao', s);
    expect(touched(s, r.set)).toEqual(['STAO']);
    expect(tableById(r.set, 'STAO')!.table.fields.ignore_uart).toBe(1);
  });

  it('xsdt: a new XSDT whose entries are references to the tables, by id', () => {
    const s = runTables('stao', start()).set;
    const r = runTables('xsdt', s);
    expect(touched(s, r.set)).toEqual(['XSDT']);
    expect(tableById(r.set, 'XSDT')!.refs!.map((x) => x.to)).toEqual(['FACP', 'APIC', 'GTDT', 'SPCR', 'STAO']);
  });

  it('rsdp: a revision 2 RSDP referring to the XSDT', () => {
    const s = start();
    const r = runTables('rsdp', s);
    expect(touched(s, r.set)).toEqual(['RSDP']);
    const t = tableById(r.set, 'RSDP')!;
    expect(t.refs).toEqual([{ at: 'xsdt_address', to: 'XSDT' }]);
    expect(Number(t.table.fields.revision)).toBe(2);
  });
});

describe('placed passes, one by one', () => {
  const laidOut = (): PlacedSet => {
    const o = opts();
    let s = start();
    for (const n of ['fadt', 'madt', 'stao', 'xsdt', 'rsdp']) s = runTables(n, s, o).set;
    return layoutRegion(s, o, true);
  };

  it('efi: the system table and the memory map at the addresses the layout gave them', () => {
    const p = laidOut();
    const r = runPlaced('efi', p);
    expect(r.set.efi!.systab.subarray(0, 8)).toEqual(Uint8Array.from(Buffer.from('IBI SYST')));
    expect(r.set.efi!.mmap.length).toBe(p.memory.mem.length + p.acpiRegions.length + 1);
    expect(r.changes[0]).toMatchObject({ path: 'EFI.system_table', kind: 'added' });
    expect(p.addresses.get(EFI_SYSTAB_ID)).toBeDefined();
  });

  it('dt: the tree points at the system table and the memory map', () => {
    const p = runPlaced('efi', laidOut()).set;
    const r = runPlaced('dt', p);
    const uefi = r.set.dt!.children.find((c) => c.name === 'hypervisor')!.children[0];
    const u64 = (name: string) => Buffer.from(uefi.props.find((x) => x.name === name)!.value).readBigUInt64BE();
    expect(u64('xen,uefi-system-table')).toBe(p.addresses.get(EFI_SYSTAB_ID));
    expect(u64('xen,uefi-mmap-start')).toBe(p.addresses.get(EFI_MMAP_ID));
  });

  it('checksums: drops the checksum fault of a table the build emits, keeps a reused one as it is', () => {
    const p = laidOut();
    const bad = (id: string) => {
      const t = tableById(p, id)!;
      const bytes = Uint8Array.from(encodeTable(t.table));
      bytes[9] ^= 1;
      return { ...t, table: decodeTable(bytes).table! };
    };
    const set: PlacedSet = { ...p, tables: p.tables.map((t) => (t.id === 'FACP' || t.id === 'DSDT' ? bad(t.id) : t)) };
    const r = runPlaced('checksums', set);
    expect(hasChecksumFault(tableById(r.set, 'FACP')!.table)).toBe(false);
    expect(hasChecksumFault(tableById(r.set, 'DSDT')!.table)).toBe(true);
    expect(r.set.warnings.map((w) => w.code)).toEqual(['BUILD_REUSED_CHECKSUM']);
  });
});

describe('xsdt after a pass that drops a table', () => {
  it("leaves the dropped table's entry out, without calling it dangling", () => {
    const s = start();
    const dropped: Dom0Set = { ...s, tables: s.tables.filter((t) => t.table.signature !== 'GTDT') };
    const r = runTables('xsdt', dropped);
    const xsdt = tableById(r.set, 'XSDT')!;
    expect(xsdt.refs?.map((x) => x.to)).not.toContain('GTDT');
    expect((xsdt.table.items ?? []).length).toBe((tableById(s, 'XSDT')!.table.items ?? []).length - 1);
    expect(r.set.warnings.map((w) => w.code)).not.toContain('BUILD_XSDT_DANGLING');
  });
});
