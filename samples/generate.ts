// Generates the sample host table sets in samples/<name>/acpidump.txt with our own encoders.
// Run: npm run samples (a test checks the committed files are exactly what this produces).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fields } from '../src/layout/schema.js';
import type { Node } from '../src/layout/codec.js';
import { EMPTY } from '../src/layout/codec.js';
import { encodeTable, type AcpiTable } from '../src/tables/registry.js';
import { formatBlock } from '../src/io/acpidump.js';
import { MADT_GICC, MADT_GICD, MADT_GICR, MADT_ITS, MADT_MSI_FRAME, GICC_ENABLED } from '../src/tables/madt.js';
import { FADT_HW_REDUCED, ARM_PSCI_COMPLIANT } from '../src/tables/fadt.js';
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

const header = (h: HostSpec, signature: string, revision: number): Fields => ({
  signature,
  length: 0,
  revision,
  checksum: 0,
  oem_id: h.oem.padEnd(6),
  oem_table_id: h.oemTable.padEnd(8),
  oem_revision: 1,
  asl_compiler_id: 'D0AC',
  asl_compiler_revision: 0x20261121,
});

const table = (signature: string, fields: Fields, rest: Partial<Node> = {}): AcpiTable => ({ signature, fields, tail: EMPTY, ...rest });
const gas = (address = 0n, space = 0, width = 0, access = 0): Fields => ({ space_id: space, bit_width: width, bit_offset: 0, access_width: access, address });

function fadt(h: HostSpec, dsdt: bigint): AcpiTable {
  const f: Fields = {
    header: header(h, 'FACP', h.fadt.revision),
    facs: 0, dsdt: 0, model: 0, preferred_profile: 4, sci_interrupt: 0, smi_command: 0,
    acpi_enable: 0, acpi_disable: 0, s4_bios_request: 0, pstate_control: 0,
    pm1a_event_block: 0, pm1b_event_block: 0, pm1a_control_block: 0, pm1b_control_block: 0,
    pm2_control_block: 0, pm_timer_block: 0, gpe0_block: 0, gpe1_block: 0,
    pm1_event_length: 0, pm1_control_length: 0, pm2_control_length: 0, pm_timer_length: 0,
    gpe0_block_length: 0, gpe1_block_length: 0, gpe1_base: 0, cst_control: 0,
    c2_latency: 0, c3_latency: 0, flush_size: 0, flush_stride: 0, duty_offset: 0, duty_width: 0,
    day_alarm: 0, month_alarm: 0, century: 0, boot_flags: 0, reserved: 0,
    flags: FADT_HW_REDUCED,
    reset_register: gas(),
    reset_value: 0,
    arm_boot_flags: ARM_PSCI_COMPLIANT,
    minor_revision: h.fadt.minor,
    x_facs: 0n,
    x_dsdt: dsdt,
  };
  for (const g of ['x_pm1a_event_block', 'x_pm1b_event_block', 'x_pm1a_control_block', 'x_pm1b_control_block',
    'x_pm2_control_block', 'x_pm_timer_block', 'x_gpe0_block', 'x_gpe1_block', 'sleep_control', 'sleep_status']) f[g] = gas();
  if (h.fadt.length === 276) f.hypervisor_id = 0n;
  return table('FACP', f);
}

function madt(h: HostSpec): AcpiTable {
  const items: Node[] = [];
  const sub = (fields: Fields): Node => ({ fields, tail: EMPTY });
  items.push(sub({ type: MADT_GICD, length: 24, reserved: 0, gic_id: 0, base_address: h.gicd, global_irq_base: 0, version: h.gic, reserved2: new Uint8Array(3) }));
  for (let i = 0; i < h.cpus; i++) {
    const f: Fields = {
      type: MADT_GICC, length: h.giccLength, reserved: 0, cpu_interface_number: i, uid: i, flags: GICC_ENABLED,
      parking_version: 0, performance_interrupt: 23, parked_address: 0n,
      base_address: h.gicc?.base ?? 0n, gicv_base_address: h.gicc?.gicv ?? 0n, gich_base_address: h.gicc?.gich ?? 0n,
      vgic_interrupt: h.gicc?.vgic ?? 25, gicr_base_address: 0n, arm_mpidr: h.mpidr(i),
    };
    if (h.giccLength >= 80) Object.assign(f, { efficiency_class: 0, reserved2: 0, spe_interrupt: h.speInterrupt ?? 0 });
    items.push(sub(f));
  }
  if (h.msiFrame !== undefined) {
    items.push(sub({ type: MADT_MSI_FRAME, length: 24, reserved: 0, msi_frame_id: 0, base_address: h.msiFrame, flags: 0, spi_count: 64, spi_base: 80 }));
  }
  for (const r of h.gicr) items.push(sub({ type: MADT_GICR, length: 16, flags: 0, reserved: 0, base_address: r.base, length_region: r.length }));
  h.its.forEach((base, i) => items.push(sub({ type: MADT_ITS, length: 20, reserved: 0, translation_id: i, base_address: base, reserved2: 0 })));
  return table('APIC', { header: header(h, 'APIC', h.madtRevision), local_apic_address: 0, flags: 0 }, { items });
}

function gtdt(h: HostSpec): AcpiTable {
  const f: Fields = {
    header: header(h, 'GTDT', h.gtdt.revision),
    counter_block_address: 0xffffffffffffffffn, reserved: 0,
    secure_el1_interrupt: 29, secure_el1_flags: 0x4,
    non_secure_el1_interrupt: 30, non_secure_el1_flags: 0x4,
    virtual_timer_interrupt: 27, virtual_timer_flags: 0x4,
    non_secure_el2_interrupt: 26, non_secure_el2_flags: 0x4,
    counter_read_block_address: 0xffffffffffffffffn,
    platform_timer_count: 0, platform_timer_offset: 0,
  };
  if (h.gtdt.revision >= 3) Object.assign(f, { virtual_el2_timer_gsiv: 28, virtual_el2_timer_flags: 0x4 });
  const items: Node[] = [];
  if (h.gtdt.platformTimers) {
    const frame = (n: number, base: bigint, irq: number): Node => ({
      fields: {
        frame_number: n, reserved: new Uint8Array(3), base_address: base, el0_base_address: 0xffffffffffffffffn,
        timer_interrupt: irq, timer_flags: 0, virtual_timer_interrupt: 0, virtual_timer_flags: 0, common_flags: 0x2,
      },
      tail: EMPTY,
    });
    items.push({
      fields: { type: 0, length: 0, reserved: 0, block_address: 0x2a810000n, timer_count: 2, timer_offset: 20 },
      items: [frame(0, 0x2a820000n, 108), frame(1, 0x2a830000n, 109)],
      tail: EMPTY,
    });
    items.push({
      fields: { type: 1, length: 28, reserved: 0, refresh_frame_address: 0x2a450000n, control_frame_address: 0x2a440000n, timer_interrupt: 93, timer_flags: 0 },
      tail: EMPTY,
    });
  }
  return table('GTDT', f, { items });
}

function spcr(h: HostSpec): AcpiTable {
  return table('SPCR', {
    header: header(h, 'SPCR', 2),
    interface_type: h.uart.type, reserved: new Uint8Array(3),
    serial_port: gas(BigInt(h.uart.base), 0, 32, 3),
    interrupt_type: 0x08, pc_interrupt: 0, interrupt: h.uart.gsiv,
    baud_rate: 7, parity: 0, stop_bits: 1, flow_control: 0, terminal_type: 3, language: 0,
    pci_device_id: 0xffff, pci_vendor_id: 0xffff, pci_bus: 0, pci_device: 0, pci_function: 0, pci_flags: 0, pci_segment: 0,
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
  return table('DSDT', { header: header(h, 'DSDT', 2) }, { tail: Uint8Array.from(body) });
}

function rsdp(h: HostSpec, xsdt: bigint): AcpiTable {
  return table('RSDP', {
    signature: 'RSD PTR ', checksum: 0, oem_id: h.oem.padEnd(6), revision: 2, rsdt_address: 0,
    length: 36, xsdt_address: xsdt, extended_checksum: 0, reserved: new Uint8Array(3),
  });
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
  built.set('XSDT', table('XSDT', { header: header(h, 'XSDT', 1) }, {
    items: listed.map((s) => ({ fields: { address: addr.get(s)! }, tail: EMPTY })),
  }));
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
    oem: 'DOM0AC', oemTable: 'VIRTGIC3', base: 0x7c430000n,
    cpus: 4, gic: 3, mpidr: (i) => BigInt(i),
    fadt: { revision: 6, minor: 0, length: 276 }, giccLength: 80, madtRevision: 4,
    gicd: 0x08000000n, gicr: [{ base: 0x080a0000n, length: 0xf60000 }], its: [0x08080000n],
    gtdt: { revision: 2, platformTimers: false },
    uart: { type: 0x03, base: 0x09000000, gsiv: 33 },
  },
  {
    name: 'gicv2-8cpu',
    oem: 'DOM0AC', oemTable: 'GICV2SMP', base: 0xbc430000n,
    cpus: 8, gic: 2, mpidr: (i) => BigInt(i),
    fadt: { revision: 6, minor: 0, length: 276 }, giccLength: 80, madtRevision: 3,
    gicd: 0x08000000n, gicc: { base: 0x08010000n, gicv: 0x08040000n, gich: 0x08030000n, vgic: 25 },
    gicr: [], its: [], msiFrame: 0x08020000n,
    gtdt: { revision: 2, platformTimers: false },
    uart: { type: 0x03, base: 0x09000000, gsiv: 33 },
  },
  {
    name: 'server-128cpu',
    oem: 'DOM0AC', oemTable: 'SRV128C ', base: 0xfa000000n,
    cpus: 128, gic: 3, mpidr: (i) => BigInt(i) << 8n,
    fadt: { revision: 6, minor: 3, length: 276 }, giccLength: 80, madtRevision: 5,
    gicd: 0x100100000000n,
    gicr: [{ base: 0x100100140000n, length: 0x1000000 }, { base: 0x100101140000n, length: 0x1000000 }],
    its: [0x100100040000n, 0x100100060000n, 0x100100080000n, 0x1001000a0000n],
    speInterrupt: 21,
    gtdt: { revision: 3, platformTimers: true },
    uart: { type: 0x0f, base: 0x12600000, gsiv: 98 },
    server: {
      sockets: 2,
      coresPerSocket: 64,
      memory: [
        [[0x80000000n, 0x7c000000n], [0x880000000n, 0x1f80000000n]],
        [[0x80000000000n, 0x2000000000n]],
      ],
    },
  },
  {
    name: 'acpi51-gicv3',
    oem: 'DOM0AC', oemTable: 'ACPI51G3', base: 0xff7f0000n,
    cpus: 4, gic: 3, mpidr: (i) => BigInt(i & 1) | (BigInt(i >> 1) << 8n),
    fadt: { revision: 5, minor: 1, length: 268 }, giccLength: 76, madtRevision: 3,
    gicd: 0x2c010000n, gicr: [{ base: 0x2c100000n, length: 0x80000 }], its: [],
    gtdt: { revision: 2, platformTimers: false },
    uart: { type: 0x03, base: 0x1c090000, gsiv: 37 },
  },
];

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

