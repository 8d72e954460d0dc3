// The Xen facts the build and check share: the vCPU MPIDR rule and the dom0 vCPU limits.
import { describe, expect, it } from 'vitest';
import { vcpuMpidr, vcpuLimit, MAX_VCPUS, MAX_VCPUS_GICV2 } from '../../src/model/gic.js';

describe('vCPU MPIDRs (Xen vcpuid_to_vaffinity: 16 vCPUs per Aff1 cluster)', () => {
  it.each([
    [0, 0x0n],
    [1, 0x1n],
    [15, 0xfn],
    [16, 0x100n],
    [17, 0x101n],
    [127, 0x70fn],
  ])('vCPU %i → MPIDR %s', (i, mpidr) => {
    expect(vcpuMpidr(i)).toBe(mpidr);
  });

  it('never sets bit 31 or anything above Aff1 for the vCPUs Xen allows', () => {
    for (let i = 0; i < MAX_VCPUS; i++) expect(vcpuMpidr(i) & ~0xffffn).toBe(0n);
  });
});

describe('dom0 vCPU limits', () => {
  it('128 (MAX_VIRT_CPUS) on GICv3, 8 on GICv2, each with its reason', () => {
    expect(vcpuLimit(3)).toMatchObject({ limit: MAX_VCPUS });
    expect(vcpuLimit(2)).toMatchObject({ limit: MAX_VCPUS_GICV2 });
    expect(MAX_VCPUS).toBe(128);
    expect(MAX_VCPUS_GICV2).toBe(8);
    expect(vcpuLimit(2).why).toMatch(/GICv2/);
  });
});
