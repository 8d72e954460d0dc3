// npm run test:boot — a real Linux boots the tool's own output. edk2 boots Linux on QEMU virt
// (GICv3 with an ITS, an SMMUv3, a virtio RNG on PCI with MSI-X) once, to have QEMU's ACPI tables
// in memory; the tool reads that memory (an ELF core) and builds dom0's set, with and without
// --hide-smmu; each set boots Linux as Xen boots dom0 (test/boot/machine.ts). Asserted from what
// the guest says: the CPUs online are --vcpus, the STAO hides the SPCR UART, the SMMU is probed
// only when the IORT keeps it, the RNG's MSI-X interrupts go through the ITS and are counted, its
// DMA works, and no firmware-bug line appears but the GSI0 one the design GTDT costs.
//
// QEMU's IORT maps every ID one to one, so it cannot tell a correct --hide-smmu composition from one
// that repoints the root complex at the ITS. So the host's IORT is also edited: the root complex
// shifts requester IDs up on the way to the SMMU, the SMMU shifts them back down on the way to two
// ITS groups (split at the RNG's requester ID), composing to the requester ID QEMU's ITS receives
// as the DeviceID. Only a correct composition keeps the RNG's MSIs; the control, where the SMMU
// does not shift back, shows that a wrong DeviceID loses them on this machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { formatAcpidumpSet } from '../../src/io/acpidump.js';
import { make, type Node } from '../../src/layout/codec.js';
import { idMapping, mappingsOf, IORT_ITS_GROUP, IORT_ROOT_COMPLEX, IORT_SMMU_V3 } from '../../src/tables/iort.js';
import { findTable } from '../../src/model/tableset.js';
import { cli, editTable, tmp } from '../helpers.js';
import { bootDom0, bootHost, prepare, RAM, type Assets, type Said } from './machine.js';

const VCPUS = 2;
const work = tmp('boot-');
const core = join(work, 'host.core');
const prepared = prepare(work);
const skip = typeof prepared === 'string' ? prepared : undefined;
if (skip) console.warn(`Linux boot tests skipped: ${skip}`);
const assets = prepared as Assets;

let host: Said;
/** the plain design build's boot, which --hide-device's is compared with */
let design: Said;

/** How far the edited IORT's root complex shifts the IDs it sends the SMMU. */
const SHIFT = 0x3000;
/** The RNG's requester ID (bus 0, device 1): the SMMU's second ITS group starts there. */
const RNG_RID = 0x8;

/**
 * The host's tables with its IORT edited (written as acpidump text): the root complex's mapping into
 * the SMMU shifts IDs up by SHIFT; the SMMU's one mapping becomes two, below and from RNG_RID, to two
 * ITS groups naming the one ITS, shifting back down when `undo` (else passing the shifted IDs on).
 */
function editedHost(name: string, undo: boolean): string {
  const set = readTables(core).set;
  const iort = findTable(set, 'IORT')!.table;
  const items = iort.items!;
  const smmu = items.find((n) => n.fields.type === IORT_SMMU_V3)!;
  const group = items.find((n) => n.fields.type === IORT_ITS_GROUP)!;
  expect(mappingsOf(smmu).length, 'QEMU’s SMMUv3 node has one ID mapping').toBe(1);
  const second: Node = { ...group, at: 0xf000 };
  const map = (input_base: number, id_count: number, output_base: number, output_reference: number) =>
    make(idMapping, { input_base, id_count, output_base, output_reference, flags: 0 });
  const back = undo ? 0 : SHIFT;
  const edited = editTable(set, 'IORT', (t) => ({
    ...t,
    items: [
      ...items.map((n) => {
        if (n.fields.type === IORT_SMMU_V3)
          return {
            ...n,
            parts: { ...n.parts, mappings: [map(SHIFT, RNG_RID - 1, back, group.at!), map(SHIFT + RNG_RID, 0xffff - RNG_RID, RNG_RID + back, 0xf000)] },
          };
        if (n.fields.type !== IORT_ROOT_COMPLEX) return n;
        const maps = mappingsOf(n).map((m) =>
          Number(m.fields.output_reference) === smmu.at ? { ...m, fields: { ...m.fields, output_base: Number(m.fields.output_base) + SHIFT } } : m,
        );
        return { ...n, parts: { ...n.parts, mappings: maps } };
      }),
      second,
    ],
  }));
  const file = join(work, `${name}.txt`);
  writeFileSync(file, formatAcpidumpSet(edited));
  return file;
}

/** Builds the dom0 set from the host's memory (or `input`) and boots it. */
async function dom0(name: string, ...flags: string[]): Promise<Said> {
  return dom0From(core, name, ...flags);
}

async function dom0From(input: string, name: string, ...flags: string[]): Promise<Said> {
  const out = join(work, name);
  const mem = `0x${RAM.base.toString(16)}:0x${RAM.size.toString(16)}`;
  const r = await cli('build', input, '-o', out, '--relocate', 'all', '--mem', mem, '--vcpus', String(VCPUS), '--no-report', ...flags);
  expect(r.code, r.err).toBe(0);
  // the output passes the tool's own dom0 check before Linux sees it
  const c = await cli('check', '--dom0', out);
  expect(c.code, c.out).toBe(0);
  const base = BigInt(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).region.base);
  return bootDom0(assets, out, base, work);
}

const one = (s: Said, key: string) => s.facts.get(key)?.[0];
const irqs = (s: Said) =>
  (s.facts.get('irq') ?? []).map((l) => {
    const cols = l.split(/\s+/);
    const counts = cols.slice(1).filter((c) => /^\d+$/.test(c));
    return { line: l, total: counts.slice(0, -1).reduce((n, c) => n + Number(c), 0), its: /ITS/.test(l), name: cols[cols.length - 1] };
  });

/** The ACPI devices Linux made objects for, by path: their _STA ("-": none). */
const acpiDevices = (s: Said) => new Map((s.facts.get('acpi') ?? []).map((l) => l.split(' ') as [string, string]));
/** The platform devices the ACPI scan created. */
const platform = (s: Said) => (one(s, 'platform') ?? '').split(' ').filter(Boolean);

/** What every dom0 boot must show. */
function dom0Basics(s: Said): void {
  expect(one(s, 'mode'), s.log.slice(-3000)).toBe('dom0');
  expect(one(s, 'cpus_online')).toBe(`0-${VCPUS - 1}`);
  expect(one(s, 'spcr')).toMatch(/The UART device @0x0*9000000 in SPCR table will be hidden/);
  expect(Number(one(s, 'hwrng_bytes'))).toBe(64); // the RNG's DMA into guest memory works
  const rng = irqs(s).filter((i) => i.name.endsWith('-input'));
  expect(rng.length, s.facts.get('irq')?.join('\n')).toBe(1);
  expect(rng[0].its, rng[0].line).toBe(true); // MSI-X through the ITS
  expect(rng[0].total).toBeGreaterThan(0);
  // the only firmware bug Linux reports: the masked EL2 timer's GSI 0 (docs/consumers.md G4)
  expect(s.facts.get('fwbug') ?? []).toEqual([expect.stringMatching(/Illegal GSI0 translation request/)]);
}

describe.skipIf(skip !== undefined)('Linux boots the tool’s output (QEMU virt, GICv3 + ITS, SMMUv3, virtio MSI-X)', () => {
  beforeAll(async () => {
    host = await bootHost(assets, core, work);
    console.log(`booted Linux ${assets.release} (Debian's arm64 kernel) under QEMU`);
  }, 400_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the host under edk2: QEMU’s own tables, the SMMU probed, its memory dumped for the tool', () => {
    expect(one(host, 'kernel'), host.log.slice(-3000)).toBe(assets.release);
    expect(one(host, 'cpus_online')).toBe('0-3');
    expect(one(host, 'iommus')).toMatch(/smmu3\./);
  });

  it('the design build: vCPUs, the UART hidden, the SMMU probed, MSI-X through the ITS, DMA', async () => {
    const s = (design = await dom0('design'));
    dom0Basics(s);
    expect(one(s, 'iommus')).toMatch(/smmu3\./);
  }, 400_000);

  it('--hide-device: fw_cfg (a constant _STA, changed in place) and a virtio-mmio transport (no _STA, one inserted) are not enumerated; every other device is as before', async () => {
    const s = await dom0('hide-device', '--hide-device', '\\_SB.FWCF', '--hide-device', '\\_SB.VR00');
    dom0Basics(s);
    const [was, now] = [acpiDevices(design), acpiDevices(s)];
    expect(was.get('\\_SB_.FWCF'), [...was].join('\n')).toBe('11');
    expect(was.get('\\_SB_.VR00')).toBe('-');
    expect(now.get('\\_SB_.FWCF')).toBe('0');
    expect(now.get('\\_SB_.VR00')).toBe('0');
    for (const [path, sta] of was) if (path !== '\\_SB_.FWCF' && path !== '\\_SB_.VR00') expect(now.get(path), path).toBe(sta);
    // no platform device for either, so no driver binds them; the other transports are still there
    const [before, after] = [platform(design), platform(s)];
    expect(before).toEqual(expect.arrayContaining(['QEMU0002:00', 'LNRO0005:00', 'LNRO0005:01']));
    expect(after).not.toContain('QEMU0002:00');
    expect(after).not.toContain('LNRO0005:00');
    expect(after).toContain('LNRO0005:01');
    expect(after.length).toBe(before.length - 2);
  }, 400_000);

  it('--hide-smmu: no SMMU probed, MSI-X still through the ITS, DMA still works', async () => {
    const s = await dom0('hidden', '--hide-smmu');
    dom0Basics(s);
    expect(one(s, 'iommus') ?? '').toBe('');
  }, 400_000);

  it('--hide-smmu on a host IORT whose root complex and SMMU each shift IDs, over two ITS groups: MSI-X still through the ITS', async () => {
    const s = await dom0From(editedHost('shifted', true), 'shifted', '--hide-smmu');
    dom0Basics(s);
    expect(one(s, 'iommus') ?? '').toBe('');
    // the composition: the RNG's requester ID straight to the second ITS group, as the ID QEMU's ITS receives
    const dom0 = readTables(join(work, 'shifted')).set;
    const rc = findTable(dom0, 'IORT')!.table.items!.find((n) => n.fields.type === IORT_ROOT_COMPLEX)!;
    const rng = mappingsOf(rc)
      .map((m) => m.fields)
      .find((f) => Number(f.input_base) <= RNG_RID && RNG_RID <= Number(f.input_base) + Number(f.id_count))!;
    expect(Number(rng.output_base) + (RNG_RID - Number(rng.input_base))).toBe(RNG_RID);
    expect(findTable(dom0, 'IORT')!.table.items!.filter((n) => n.fields.type === IORT_ITS_GROUP).length).toBe(2);
  }, 400_000);

  it('the control: an SMMU that does not shift back composes to a DeviceID QEMU’s ITS never receives, and the RNG gets no MSI', async () => {
    const s = await dom0From(editedHost('unshifted', false), 'unshifted', '--hide-smmu');
    expect(one(s, 'mode'), s.log.slice(-3000)).toBe('dom0');
    expect(Number(one(s, 'hwrng_bytes'))).toBe(0);
    const rng = irqs(s).filter((i) => i.name.endsWith('-input'));
    expect(
      rng.every((i) => i.total === 0),
      rng.map((i) => i.line).join('\n'),
    ).toBe(true);
  }, 400_000);
});
