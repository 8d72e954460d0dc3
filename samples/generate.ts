// Generates the sample host table sets in samples/<name>/acpidump.txt with our own encoders.
// Run: npm run samples (a test checks the committed files are exactly what this produces).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldsOf, Layout } from '../src/layout/schema.js';
import { EMPTY, make, type Node } from '../src/layout/codec.js';
import { encodeTable, type AcpiTable } from '../src/tables/registry.js';
import { formatBlock } from '../src/io/acpidump.js';
import {
  MADT_GICC,
  MADT_GICD,
  MADT_GICR,
  MADT_ITS,
  MADT_MSI_FRAME,
  GICC_ENABLED,
  madt as madtDef,
  gicc as giccDef,
  gicd as gicdDef,
  gicr as gicrDef,
  its as itsDef,
  msiFrame as msiFrameDef,
} from '../src/tables/madt.js';
import { FADT_HW_REDUCED, ARM_PSCI_COMPLIANT, fadt as fadtDef, fadtLayout } from '../src/tables/fadt.js';
import { gtdt as gtdtDef, gtBlock, gtTimer, watchdog } from '../src/tables/gtdt.js';
import { spcr as spcrDef } from '../src/tables/spcr.js';
import { rsdp as rsdpDef } from '../src/tables/rsdp.js';
import { xsdt as xsdtDef } from '../src/tables/rsdt.js';
import { dsdt as dsdtDef } from '../src/tables/aml.js';
import * as aml from './aml.js';
import { serverTables, type ServerSpec } from './server.js';

export interface HostSpec {
  name: string;
  oem: string;
  oemTable: string;
  /** physical address of the firmware ACPI region */
  base: bigint;
  cpus: number;
  gic: 2 | 3;
  mpidr: (i: number) => bigint;
  fadt: { revision: number; minor: number; length: 268 | 276 };
  giccLength: 76 | 80;
  madtRevision: number;
  gicd: bigint;
  gicc?: { base: bigint; gicv: bigint; gich: bigint; vgic: number };
  gicr: { base: bigint; length: number }[];
  its: bigint[];
  msiFrame?: bigint;
  speInterrupt?: number;
  gtdt: { revision: 2 | 3; platformTimers: boolean };
  uart: { type: number; base: number; gsiv: number };
  /** the rest of a server's tables (IORT, PPTT, SRAT, SLIT, MCFG, DBG2, HEST, PCCT) */
  server?: Omit<ServerSpec, 'its' | 'uart'>;
}

/** The ACPI header fields a generated table names (length and checksum are derived at encode). */
const header = (h: HostSpec, signature: string, revision: number) => ({
  signature,
  revision,
  oem_id: h.oem.padEnd(6),
  oem_table_id: h.oemTable.padEnd(8),
  oem_revision: 1,
  asl_compiler_id: 'D0AC',
  asl_compiler_revision: 0x20261121,
});

/** A table of `def` from the fields given (make() fills zero and derived fields). */
const table = <L extends Layout>(
  signature: string,
  def: { layout: L; minLength?: number },
  fields: Partial<FieldsOf<L>>,
  rest: Partial<Node> = {},
): AcpiTable => ({ signature, ...make(def, fields, rest) });
const gas = (address = 0n, space = 0, width = 0, access = 0) => ({ space_id: space, bit_width: width, bit_offset: 0, access_width: access, address });

function fadt(h: HostSpec, dsdt: bigint): AcpiTable {
  return table('FACP', fadtDef, {
    header: header(h, 'FACP', h.fadt.revision) as FieldsOf<typeof fadtLayout>['header'],
    preferred_profile: 4,
    flags: FADT_HW_REDUCED,
    arm_boot_flags: ARM_PSCI_COMPLIANT,
    minor_revision: h.fadt.minor,
    x_dsdt: dsdt,
    sleep_status: gas(),
    ...(h.fadt.length === 276 ? { hypervisor_id: 0n } : {}),
  });
}

function madt(h: HostSpec): AcpiTable {
  const items: Node[] = [];
  items.push(make(gicdDef, { type: MADT_GICD, gic_id: 0, base_address: h.gicd, global_irq_base: 0, version: h.gic }));
  for (let i = 0; i < h.cpus; i++) {
    items.push(
      make(giccDef, {
        type: MADT_GICC,
        cpu_interface_number: i,
        uid: i,
        flags: GICC_ENABLED,
        performance_interrupt: 23,
        base_address: h.gicc?.base ?? 0n,
        gicv_base_address: h.gicc?.gicv ?? 0n,
        gich_base_address: h.gicc?.gich ?? 0n,
        vgic_interrupt: h.gicc?.vgic ?? 25,
        arm_mpidr: h.mpidr(i),
        ...(h.giccLength >= 80 ? { efficiency_class: 0, spe_interrupt: h.speInterrupt ?? 0 } : {}),
      }),
    );
  }
  if (h.msiFrame !== undefined)
    items.push(make(msiFrameDef, { type: MADT_MSI_FRAME, msi_frame_id: 0, base_address: h.msiFrame, flags: 0, spi_count: 64, spi_base: 80 }));
  for (const r of h.gicr) items.push(make(gicrDef, { type: MADT_GICR, base_address: r.base, length_region: r.length }));
  h.its.forEach((base, i) => items.push(make(itsDef, { type: MADT_ITS, translation_id: i, base_address: base })));
  return table('APIC', madtDef, { header: header(h, 'APIC', h.madtRevision) as never, local_apic_address: 0, flags: 0 }, { items });
}

function gtdt(h: HostSpec): AcpiTable {
  const timers = (n: number, base: bigint, irq: number): Node =>
    make(gtTimer, { frame_number: n, base_address: base, el0_base_address: 0xffffffffffffffffn, timer_interrupt: irq, common_flags: 0x2 });
  const items: Node[] = h.gtdt.platformTimers
    ? [
        make(gtBlock, { type: 0, block_address: 0x2a810000n }, { items: [timers(0, 0x2a820000n, 108), timers(1, 0x2a830000n, 109)] }),
        make(watchdog, { type: 1, refresh_frame_address: 0x2a450000n, control_frame_address: 0x2a440000n, timer_interrupt: 93, timer_flags: 0 }),
      ]
    : [];
  return table(
    'GTDT',
    gtdtDef,
    {
      header: header(h, 'GTDT', h.gtdt.revision) as never,
      counter_block_address: 0xffffffffffffffffn,
      secure_el1_interrupt: 29,
      secure_el1_flags: 0x4,
      non_secure_el1_interrupt: 30,
      non_secure_el1_flags: 0x4,
      virtual_timer_interrupt: 27,
      virtual_timer_flags: 0x4,
      non_secure_el2_interrupt: 26,
      non_secure_el2_flags: 0x4,
      counter_read_block_address: 0xffffffffffffffffn,
      ...(h.gtdt.revision >= 3 ? { virtual_el2_timer_gsiv: 28, virtual_el2_timer_flags: 0x4 } : {}),
    },
    { items },
  );
}

function spcr(h: HostSpec): AcpiTable {
  return table('SPCR', spcrDef, {
    header: header(h, 'SPCR', 2) as never,
    interface_type: h.uart.type,
    serial_port: gas(BigInt(h.uart.base), 0, 32, 3),
    interrupt_type: 0x08,
    interrupt: h.uart.gsiv,
    baud_rate: 7,
    stop_bits: 1,
    terminal_type: 3,
    pci_device_id: 0xffff,
    pci_vendor_id: 0xffff,
    uart_clk_freq: 0,
  });
}

function dsdt(h: HostSpec): AcpiTable {
  const cpus: number[] = [];
  for (let i = 0; i < h.cpus; i++) {
    cpus.push(...aml.device(`C${i.toString(16).toUpperCase().padStart(3, '0')}`, [...aml.hid('ACPI0007'), ...aml.uid(i)]));
  }
  const uart = aml.device('COM0', [...aml.hid('ARMH0011'), ...aml.uid(0), ...aml.name('_CRS', aml.uartResources(h.uart.base, 0x1000, h.uart.gsiv))]);
  const body = aml.scope('\\_SB', [...cpus, ...uart]);
  return table('DSDT', dsdtDef, { header: header(h, 'DSDT', 2) as never }, { tail: Uint8Array.from(body) });
}

function rsdp(h: HostSpec, xsdt: bigint): AcpiTable {
  return table('RSDP', rsdpDef, { signature: 'RSD PTR ', oem_id: h.oem.padEnd(6), revision: 2, xsdt_address: xsdt, reserved: new Uint8Array(3) });
}

const align8 = (a: bigint) => (a + 7n) & ~7n;

/** The set as acpidump text, with addresses laid out from h.base (RSDP 8-byte aligned at +0x18). */
export function generate(h: HostSpec): string {
  const rsdpAt = h.base + 0x18n;
  const extra = h.server ? serverTables({ ...h.server, its: h.its, uart: h.uart }, header(h, '', 0)) : [];
  const listed = ['FACP', 'APIC', 'GTDT', 'SPCR', ...extra.map((t) => t.signature)];
  const order = ['DSDT', ...listed, 'XSDT'];
  const built = new Map<string, AcpiTable>([
    ['DSDT', dsdt(h)],
    ['APIC', madt(h)],
    ['GTDT', gtdt(h)],
    ['SPCR', spcr(h)],
    ...extra.map((t) => [t.signature, t] as const),
  ]);
  // sizes first (FACP and XSDT sizes do not depend on addresses), then addresses
  const sizeOf = (sig: string) => {
    if (sig === 'FACP') return h.fadt.length;
    if (sig === 'XSDT') return 36 + 8 * listed.length;
    return encodeTable(built.get(sig)!).length;
  };
  const addr = new Map<string, bigint>();
  let at = h.base + 0x100n;
  for (const sig of order) {
    addr.set(sig, at);
    at = align8(at + BigInt(sizeOf(sig)));
  }
  built.set('FACP', fadt(h, addr.get('DSDT')!));
  built.set(
    'XSDT',
    table(
      'XSDT',
      xsdtDef,
      { header: header(h, 'XSDT', 1) as never },
      {
        items: listed.map((s) => ({ fields: { address: addr.get(s)! }, tail: EMPTY })),
      },
    ),
  );
  let text = formatBlock('RSD PTR', rsdpAt, encodeTable(rsdp(h, addr.get('XSDT')!)));
  for (const sig of order) {
    const bytes = encodeTable(built.get(sig)!);
    if (bytes.length !== sizeOf(sig)) throw new Error(`${h.name}: ${sig} is ${bytes.length} bytes, laid out as ${sizeOf(sig)}`);
    text += formatBlock(sig, addr.get(sig), bytes);
  }
  return text;
}

export const HOSTS: HostSpec[] = [
  {
    name: 'qemu-virt-gicv3',
    oem: 'DOM0AC',
    oemTable: 'VIRTGIC3',
    base: 0x7c430000n,
    cpus: 4,
    gic: 3,
    mpidr: (i) => BigInt(i),
    fadt: { revision: 6, minor: 0, length: 276 },
    giccLength: 80,
    madtRevision: 4,
    gicd: 0x08000000n,
    gicr: [{ base: 0x080a0000n, length: 0xf60000 }],
    its: [0x08080000n],
    gtdt: { revision: 2, platformTimers: false },
    uart: { type: 0x03, base: 0x09000000, gsiv: 33 },
  },
  {
    name: 'gicv2-8cpu',
    oem: 'DOM0AC',
    oemTable: 'GICV2SMP',
    base: 0xbc430000n,
    cpus: 8,
    gic: 2,
    mpidr: (i) => BigInt(i),
    fadt: { revision: 6, minor: 0, length: 276 },
    giccLength: 80,
    madtRevision: 3,
    gicd: 0x08000000n,
    gicc: { base: 0x08010000n, gicv: 0x08040000n, gich: 0x08030000n, vgic: 25 },
    gicr: [],
    its: [],
    msiFrame: 0x08020000n,
    gtdt: { revision: 2, platformTimers: false },
    uart: { type: 0x03, base: 0x09000000, gsiv: 33 },
  },
  {
    name: 'server-128cpu',
    oem: 'DOM0AC',
    oemTable: 'SRV128C ',
    base: 0xfa000000n,
    cpus: 128,
    gic: 3,
    mpidr: (i) => BigInt(i) << 8n,
    fadt: { revision: 6, minor: 3, length: 276 },
    giccLength: 80,
    madtRevision: 5,
    gicd: 0x100100000000n,
    gicr: [
      { base: 0x100100140000n, length: 0x1000000 },
      { base: 0x100101140000n, length: 0x1000000 },
    ],
    its: [0x100100040000n, 0x100100060000n, 0x100100080000n, 0x1001000a0000n],
    speInterrupt: 21,
    gtdt: { revision: 3, platformTimers: true },
    uart: { type: 0x0e, base: 0x12600000, gsiv: 98 },
    server: {
      sockets: 2,
      coresPerSocket: 64,
      memory: [
        [
          [0x80000000n, 0x7c000000n],
          [0x880000000n, 0x1f80000000n],
        ],
        [[0x80000000000n, 0x2000000000n]],
      ],
    },
  },
  {
    name: 'acpi51-gicv3',
    oem: 'DOM0AC',
    oemTable: 'ACPI51G3',
    base: 0xff7f0000n,
    cpus: 4,
    gic: 3,
    mpidr: (i) => BigInt(i & 1) | (BigInt(i >> 1) << 8n),
    fadt: { revision: 5, minor: 1, length: 268 },
    giccLength: 76,
    madtRevision: 3,
    gicd: 0x2c010000n,
    gicr: [{ base: 0x2c100000n, length: 0x80000 }],
    its: [],
    gtdt: { revision: 2, platformTimers: false },
    uart: { type: 0x03, base: 0x1c090000, gsiv: 37 },
  },
];

/** QEMU virt with 512 CPUs (Aff0 = cpu % 16, Aff1 = cpu / 16, as QEMU numbers them), its
 * redistributors as QEMU places them: 123 in the low region below the UART, the rest in the high
 * one at 256 GiB (VIRT_HIGH_GIC_REDIST2, 64 MiB); one region for all would run over the UART, which
 * Linux's GIC driver would then claim. The many-CPU host the tests and the bench build (not a
 * checked-in sample). */
export const QEMU_512: HostSpec = {
  ...HOSTS[0],
  name: 'qemu-virt-512cpu',
  oemTable: 'VIRT512C',
  cpus: 512,
  mpidr: (i) => BigInt((i & 0xf) | ((i >> 4) << 8)),
  gicr: [
    { base: 0x080a0000n, length: 0xf60000 },
    { base: 0x4000000000n, length: 0x4000000 },
  ],
};

export const DEFAULT_SAMPLE = 'qemu-virt-gicv3';

export function writeSamples(dir: string): string[] {
  return HOSTS.map((h) => {
    const out = join(dir, h.name);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'acpidump.txt'), generate(h));
    return out;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // dist/samples/generate.js → samples/ at the package root
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../samples');
  for (const p of writeSamples(root)) console.log(`wrote ${p}/acpidump.txt`);
}
