// The consumer rules of a Xen dom0 Linux (CONSUMER-RULES §8 X1-X12 and the FADT/GTDT/MADT rules
// they rest on), checked with --dom0.
import type { Fields } from '../layout/schema.js';
import { type Node, fieldsOf } from '../layout/codec.js';
import { hex } from '../model/diagnostics.js';
import type { TableEntry } from '../model/tableset.js';
import { MADT_GICC, MADT_GICD, MADT_GICR, GICC_ENABLED, gicc as giccDef } from '../tables/madt.js';
import { FADT_HW_REDUCED, ARM_PSCI_COMPLIANT, ARM_PSCI_USE_HVC } from '../tables/fadt.js';
import { vcpuMpidr } from '../model/gic.js';
import { type CheckContext, num, big } from './context.js';

const MPIDR_HWID_MASK = 0xff00ffffffn;
/** Linux's early root table list (ACPI_MAX_TABLES) */
const MAX_TABLES = 128;

export function checkDom0Tables(c: CheckContext): void {
  const set = c.set;
  const find = (sig: string) => set.tables.find((e) => e.table.signature === sig);
  if (!set.rsdp) c.report('DOM0_NO_TABLE', undefined, 'RSDP', 'no RSDP: dom0 finds the tables only through the EFI configuration table → RSDP');
  for (const sig of ['XSDT', 'FACP', 'APIC']) if (!find(sig)) c.report('DOM0_NO_TABLE', undefined, sig, `no ${sig} in the input`);
  if (![set.rsdp, ...set.tables].some((e) => e?.address !== undefined)) {
    c.report('DOM0_NO_ADDRESSES', undefined, '', 'the input has no table addresses (binary tables carry none): give acpidump text, a memory image or a build output');
  }
  const r = set.rsdp;
  if (r && (num(r.table.fields.revision) < 2 || big(r.table.fields.xsdt_address) === 0n)) {
    c.report('DOM0_RSDP_REVISION', r, 'RSDP.revision', `revision ${num(r.table.fields.revision)}, XsdtAddress ${hex(big(r.table.fields.xsdt_address))}: Linux takes the XSDT only from a revision 2 RSDP with an XSDT address`);
  }
  const xsdt = find('XSDT');
  if (xsdt && (xsdt.table.items?.length ?? 0) + 2 > MAX_TABLES) {
    c.report('DOM0_XSDT_TOO_MANY', xsdt, 'XSDT.header.length', `${xsdt.table.items!.length} XSDT entries plus DSDT and FACS exceed the ${MAX_TABLES} tables Linux can list early`);
  }
  const fadt = find('FACP');
  if (fadt) checkFadt(c, fadt);
  const gtdt = find('GTDT');
  if (gtdt) {
    const v = num(gtdt.table.fields.virtual_timer_interrupt);
    if (v < 16 || v > 31) c.report('DOM0_GTDT_VIRT_PPI', gtdt, 'GTDT.virtual_timer_interrupt', `virtual EL1 timer GSIV ${v} is not a PPI (16-31): dom0's arch timer cannot get its interrupt`);
    if ('non_secure_el2_interrupt' in gtdt.table.fields && num(gtdt.table.fields.non_secure_el2_interrupt) === 0) {
      c.report('DOM0_GTDT_EL2_ZERO', gtdt, 'GTDT.non_secure_el2_interrupt', 'EL2 timer GSIV 0: Linux >= 5.18 logs "[Firmware Bug]: Illegal GSI0 translation request"; 5.10-5.17 without the stable fix reconfigure IPI0');
    }
  }
  const madt = find('APIC');
  if (madt) checkMadtDom0(c, madt);
  const stao = find('STAO');
  if (stao && num(stao.table.fields.ignore_uart) !== 0) checkStaoUart(c, stao);
}

function checkFadt(c: CheckContext, e: TableEntry): void {
  const f = e.table.fields;
  const rev = num((f.header as Fields).revision);
  const minor = 'minor_revision' in f ? num(f.minor_revision) : 0;
  if (rev < 5 || (rev === 5 && minor < 1)) {
    c.report('DOM0_FADT_REVISION', e, 'FACP.header.revision', `FADT ${rev}.${minor} is older than 5.1: Linux ${num(f.arm_boot_flags) ? 'assumes 5.1 with an error' : 'disables ACPI'}`);
  }
  if (!(num(f.flags) & FADT_HW_REDUCED)) c.report('DOM0_HW_REDUCED', e, 'FACP.flags', 'HW_REDUCED (bit 20) is clear: "FADT not ACPI hardware reduced compliant", ACPI disabled');
  const arm = num(f.arm_boot_flags);
  if (!(arm & ARM_PSCI_COMPLIANT)) c.report('DOM0_PSCI', e, 'FACP.arm_boot_flags', 'PSCI_COMPLIANT is clear: Linux falls back to the parking protocol, which Xen zeroes: no secondary CPUs');
  else if (!(arm & ARM_PSCI_USE_HVC)) c.report('DOM0_PSCI_HVC', e, 'FACP.arm_boot_flags', 'PSCI conduit is SMC; Xen gives dom0 PSCI_USE_HVC (0x3)');
}

function firstOf<T>(xs: T[], bad: (x: T, i: number) => boolean): [T, number, number] | undefined {
  const hits = xs.map((x, i) => [x, i] as const).filter(([x, i]) => bad(x, i));
  return hits.length ? [hits[0][0], hits[0][1], hits.length] : undefined;
}

function checkMadtDom0(c: CheckContext, e: TableEntry): void {
  const items = e.table.items ?? [];
  const giccs = items.filter((s) => s.fields.type === MADT_GICC);
  const gicd = items.find((s) => s.fields.type === MADT_GICD);
  const gicrs = items.filter((s) => s.fields.type === MADT_GICR);
  const enabled = (g: Node) => (fieldsOf(giccDef, g).flags & GICC_ENABLED) !== 0;
  const mpidr = (g: Node) => big(fieldsOf(giccDef, g).arm_mpidr);
  let hit = firstOf(giccs, (g) => (mpidr(g) & ~MPIDR_HWID_MASK) !== 0n);
  if (hit) c.report('DOM0_MPIDR_INVALID', e, `APIC.gicc[${hit[1]}].arm_mpidr`, `${hit[2]} GICC(s) with MPIDR bits outside Aff3..Aff0 (GICC ${hit[1]}: ${hex(mpidr(hit[0]))}); Linux skips them`);
  hit = firstOf(giccs, (g) => !enabled(g));
  if (hit) c.report('DOM0_GICC_DISABLED', e, `APIC.gicc[${hit[1]}].flags`, `${hit[2]} GICC(s) without the Enabled flag (GICC ${hit[1]}); dom0 does not start those vCPUs`);
  // Xen gives dom0 one vCPU per enabled GICC, vCPU k with MPIDR vaffinity(k). Linux skips invalid
  // MPIDRs before anything else, so the rules below look at the valid ones only.
  const all = giccs.filter(enabled);
  const on = all.filter((g) => (mpidr(g) & ~MPIDR_HWID_MASK) === 0n);
  const boot = on.some((g) => mpidr(g) === 0n);
  if (!boot) c.report('DOM0_NO_BOOT_CPU', e, 'APIC.gicc', 'no enabled GICC has MPIDR 0, vCPU 0\'s: "missing boot CPU MPIDR, not enabling secondaries"', 44);
  const vcpus = new Set(all.map((_g, k) => vcpuMpidr(k)));
  hit = boot ? firstOf(on, (g) => !vcpus.has(mpidr(g))) : undefined;
  if (hit) {
    const i = giccs.indexOf(hit[0]);
    c.report('DOM0_MPIDR_NOT_VCPU', e, `APIC.gicc[${i}].arm_mpidr`, `${hit[2]} enabled GICC(s) carry an MPIDR none of the ${all.length} vCPUs has under Xen (GICC ${i}: ${hex(mpidr(hit[0]))}; vCPU k is (k & 0xF) | (k >> 4) << 8): PSCI CPU_ON for it reaches no vCPU`);
  }
  const version = num(gicd?.fields.version);
  const v3 = version >= 3 || (version !== 2 && (gicrs.length > 0 || giccs.some((g) => big(g.fields.gicr_base_address) !== 0n)));
  if (gicd && (version > 4 || (version === 2 && gicrs.length > 0) || (version >= 3 && !gicrs.length && !giccs.some((g) => big(g.fields.gicr_base_address) !== 0n) && giccs.some((g) => big(g.fields.base_address) !== 0n)))) {
    c.report('DOM0_GICD_VERSION', e, 'APIC.gicd[0].version', `GICD version ${version} does not match the MADT (${gicrs.length} GICR subtable(s)); the GIC driver would probe the wrong version or none`);
  }
  if (v3) {
    hit = firstOf(giccs, (g) => big(g.fields.gicr_base_address) !== 0n);
    if (gicrs.length && hit) c.report('DOM0_GICR_MIXED', e, `APIC.gicc[${hit[1]}].gicr_base_address`, `GICR subtables and ${hit[2]} GICC GICR base address(es) (GICC ${hit[1]}: ${hex(big(hit[0].fields.gicr_base_address))}); they must be mutually exclusive`);
    const missing = firstOf(giccs, (g) => enabled(g) && big(g.fields.gicr_base_address) === 0n);
    if (!gicrs.length && missing) c.report('DOM0_GICR_MISSING', e, `APIC.gicc[${missing[1]}].gicr_base_address`, `no GICR subtable and ${missing[2]} enabled GICC(s) with GICR base 0: the GICv3 driver is not probed`);
  } else {
    const bases = [...new Set(on.map((g) => big(g.fields.base_address)))];
    if (bases.length > 1) {
      const i = giccs.findIndex((g) => big(g.fields.base_address) !== bases[0]);
      c.report('DOM0_GICV2_BASES', e, `APIC.gicc[${i}].base_address`, `GICv2 GICCs carry ${bases.length} CPU-interface bases (${bases.map((b) => hex(b)).join(', ')}); Linux requires one`);
    }
  }
}

/** Resource descriptors whose start address may equal the SPCR UART base (Memory32Fixed, DWord/QWord Memory). */
function memoryBases(aml: Uint8Array): Set<bigint> {
  const b = Buffer.from(aml.buffer, aml.byteOffset, aml.length);
  const out = new Set<bigint>();
  for (let i = 36; i + 3 < b.length; i++) {
    if (b[i] === 0x86 && b[i + 1] === 0x09 && b[i + 2] === 0 && i + 12 <= b.length) out.add(BigInt(b.readUInt32LE(i + 4)));
    else if (b[i] === 0x87 && b[i + 2] === 0 && b[i + 3] === 0 && i + 14 <= b.length) out.add(BigInt(b.readUInt32LE(i + 10)));
    else if (b[i] === 0x8a && b[i + 2] === 0 && b[i + 3] === 0 && i + 22 <= b.length) out.add(b.readBigUInt64LE(i + 14));
  }
  return out;
}

function checkStaoUart(c: CheckContext, stao: TableEntry): void {
  const spcr = c.set.tables.find((e) => e.table.signature === 'SPCR');
  if (!spcr) {
    c.report('DOM0_STAO_NO_SPCR', stao, 'STAO.ignore_uart', 'STAO asks dom0 to ignore the SPCR UART but there is no SPCR: Linux warns "STAO table present, but SPCR is missing" and hides nothing');
    return;
  }
  const aml = c.set.tables.filter((e) => e.table.signature === 'DSDT' || e.table.signature === 'SSDT');
  if (!aml.length) return;
  const addr = big((spcr.table.fields.serial_port as Fields | undefined)?.address);
  if (!aml.some((e) => memoryBases(e.bytes).has(addr))) {
    c.report('DOM0_STAO_UART_NOT_FOUND', spcr, 'SPCR.serial_port.address', `no memory resource in the DSDT/SSDTs starts at the SPCR UART address ${hex(addr)}: the STAO hides no device`);
  }
}
