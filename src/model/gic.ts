// The GIC and vCPU facts that rewrite, check and summary share: the GIC version a MADT describes,
// and what Xen gives dom0 (vCPU MPIDRs, vCPU limits, redistributor size). One home for each rule.
import { type Node, fieldsOf } from '../layout/codec.js';
import { MADT_GICC, MADT_GICD, MADT_GICR, GICC_ENABLED, gicc as giccDef, gicd as gicdDef } from '../tables/madt.js';

/** Xen's MAX_VIRT_CPUS on arm64, and GICv2's CPU-interface limit (Xen's vGICv2 max_vcpus). */
export const MAX_VCPUS = 128;
export const MAX_VCPUS_GICV2 = 8;
/** One GICv3 redistributor: RD_base + SGI_base frames (Xen's GICV3_GICR_SIZE). */
export const GICR_SIZE = 0x20000n;

/** vCPU i's MPIDR as Xen gives it (vcpuid_to_vaffinity): Aff0 = i & 0xF, Aff1 = i >> 4. */
export const vcpuMpidr = (i: number): bigint => BigInt((i & 0xf) | ((i >> 4) << 8));

/** The most vCPUs Xen gives dom0 on this GIC, and why. */
export function vcpuLimit(version: 2 | 3): { limit: number; why: string } {
  return version === 2
    ? { limit: MAX_VCPUS_GICV2, why: 'GICv2 has 8 CPU interfaces' }
    : { limit: MAX_VCPUS, why: "Xen's MAX_VIRT_CPUS on arm64" };
}

export interface GicInfo {
  version: 2 | 3;
  gicd?: Node;
  giccs: Node[];
  enabled: Node[];
  /** GICR subtables (GICv3 redistributor regions) */
  gicrs: Node[];
}

/** What the MADT's subtables describe: the GICD's version when it says 2 or ≥ 3; when it says 0
 * (ACPI 5.1 firmware), GICv3 if there are redistributors (GICR subtables or GICC GICR bases). */
export function gicInfo(items: Node[]): GicInfo {
  const of = (t: number) => items.filter((s) => s.fields.type === t);
  const gicd = of(MADT_GICD)[0];
  const giccs = of(MADT_GICC);
  const gicrs = of(MADT_GICR);
  const v = gicd ? fieldsOf(gicdDef, gicd).version : 0;
  const hasGicr = gicrs.length > 0 || giccs.some((g) => fieldsOf(giccDef, g).gicr_base_address !== 0n);
  const version = v >= 3 ? 3 : v === 2 ? 2 : hasGicr ? 3 : 2;
  return { version, gicd, giccs, gicrs, enabled: giccs.filter((g) => fieldsOf(giccDef, g).flags & GICC_ENABLED) };
}
