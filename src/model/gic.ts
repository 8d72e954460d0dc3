// What Xen gives dom0, shared by rewrite, the table rules and the manifest: vCPU MPIDRs, vCPU
// limits, redistributor size. (What a MADT describes — GIC version, GICCs — is tables/madt.ts's.)

/** Xen's MAX_VIRT_CPUS on arm64, and GICv2's CPU-interface limit (Xen's vGICv2 max_vcpus). */
export const MAX_VCPUS = 128;
export const MAX_VCPUS_GICV2 = 8;
/** One GICv3 redistributor: RD_base + SGI_base frames (Xen's GICV3_GICR_SIZE). */
export const GICR_SIZE = 0x20000n;

/** vCPU i's MPIDR as Xen gives it (vcpuid_to_vaffinity): Aff0 = i & 0xF, Aff1 = i >> 4. */
export const vcpuMpidr = (i: number): bigint => BigInt((i & 0xf) | ((i >> 4) << 8));

/** The most vCPUs Xen gives dom0 on this GIC, and why. */
export function vcpuLimit(version: 2 | 3): { limit: number; why: string } {
  return version === 2 ? { limit: MAX_VCPUS_GICV2, why: 'GICv2 has 8 CPU interfaces' } : { limit: MAX_VCPUS, why: "Xen's MAX_VIRT_CPUS on arm64" };
}
