// madt: the GIC description dom0 gets.
// design: keep the first N enabled host GICCs unchanged; keep GICD, GICR, ITS and MSI frames.
// xen: rebuild as Xen's gicv{2,3}_make_hwdom_madt(): host GICD, N GICCs made from host GICC[0] with
//      virtual MPIDRs, then the host redistributor regions that cover N vCPUs, then (--its) the ITSes.
// Both: every GICC is 76 bytes if the output FADT revision is < 6, else 80 (CONSUMER-RULES X1).
import type { Fields } from '../layout/schema.js';
import { EMPTY, type Node } from '../layout/codec.js';
import { gicc as giccDef, MADT_GICC, MADT_GICD, MADT_GICR, MADT_ITS, MADT_MSI_FRAME, GICC_ENABLED, GICC_LEN_V5, GICC_LEN_V6 } from '../tables/madt.js';
import { hex } from '../model/diagnostics.js';
import { type Pass, BuildError, tableById, withTable, warn } from './types.js';
import { outputFadtRevision, zeroFields } from './fields.js';

/** Xen's MAX_VIRT_CPUS on arm64, and GICv2's CPU-interface limit. */
export const MAX_VCPUS = 128;
export const MAX_VCPUS_GICV2 = 8;
/** One GICv3 redistributor: RD_base + SGI_base frames (Xen's GICV3_GICR_SIZE). */
export const GICR_SIZE = 0x20000n;

/** vCPU i's MPIDR as Xen gives it (vcpuid_to_vaffinity): Aff0 = i & 0xF, Aff1 = i >> 4. */
export const vcpuMpidr = (i: number): bigint => BigInt((i & 0xf) | ((i >> 4) << 8));

export interface GicInfo {
  version: 2 | 3;
  gicd: Node;
  giccs: Node[];
  enabled: Node[];
}

export function gicInfo(items: Node[]): GicInfo {
  const of = (t: number) => items.filter((s) => s.fields.type === t);
  const gicds = of(MADT_GICD);
  if (!gicds.length) throw new BuildError('the MADT has no GICD (Generic Interrupt Distributor) entry');
  const giccs = of(MADT_GICC);
  const v = Number(gicds[0].fields.version);
  const hasGicr = of(MADT_GICR).length > 0 || giccs.some((g) => BigInt((g.fields.gicr_base_address as bigint | undefined) ?? 0n) !== 0n);
  const version = v >= 3 ? 3 : v === 2 ? 2 : hasGicr ? 3 : 2;
  return { version, gicd: gicds[0], giccs, enabled: giccs.filter((g) => Number(g.fields.flags) & GICC_ENABLED) };
}

/** A GICC with exactly the fields of a `length`-byte entry (76 or 80): fields added as 0, extra ones dropped. */
export function normalizeGicc(g: Node, length: number): Node {
  const l = giccDef.layout;
  const k = l.fields.findIndex((_f, i) => l.offsets[i + 1] > length);
  const fields: Fields = zeroFields(l, 0, k < 0 ? l.fields.length : k);
  for (const name of Object.keys(fields)) if (name in g.fields) fields[name] = g.fields[name];
  return { fields: { ...fields, length }, tail: EMPTY };
}

function checkVcpus(n: number, limit: number, why: string): void {
  if (!Number.isInteger(n) || n < 1) throw new BuildError(`--vcpus ${n}: dom0 needs at least one vCPU`);
  if (n > limit) throw new BuildError(`--vcpus ${n} is above ${limit} (${why})`);
}

export const madtPass: Pass = (set, opts) => {
  const host = tableById(set, 'APIC');
  if (!host) throw new BuildError('no MADT (APIC) in the input');
  const old = host.table;
  const items = old.items ?? [];
  const gic = gicInfo(items);
  if (gic.version === 2) {
    const bases = new Set(gic.enabled.map((g) => BigInt(g.fields.base_address as bigint)));
    if (bases.size > 1) {
      throw new BuildError(`GICv2 GICCs carry different CPU-interface base addresses (${[...bases].map((b) => hex(b)).join(', ')}); Linux requires one banked base`);
    }
  }
  const giccLength = outputFadtRevision(set) >= 6 ? GICC_LEN_V6 : GICC_LEN_V5;
  const n = opts.vcpus ?? gic.enabled.length;
  let next = set;
  let out: Node[];
  if (opts.profile === 'design') {
    checkVcpus(n, gic.enabled.length, `the host has ${gic.enabled.length} enabled GICC entries; the design profile keeps host CPUs`);
    const keep = new Set(gic.enabled.slice(0, n));
    const moved = gic.enabled.slice(0, n).findIndex((g, i) => BigInt(g.fields.arm_mpidr as bigint) !== vcpuMpidr(i));
    if (moved >= 0) {
      next = warn(next, 'BUILD_MPIDR_NOT_VIRTUAL', 'APIC', `APIC.gicc[${moved}].arm_mpidr`,
        `the kept host GICC ${moved} has MPIDR ${hex(gic.enabled[moved].fields.arm_mpidr as bigint)}, but Xen gives vCPU ${moved} MPIDR ${hex(vcpuMpidr(moved))}: ` +
        'under Xen, dom0 would not bring up its secondary CPUs (CONSUMER-RULES X8); --profile xen builds the virtual MPIDRs');
    }
    out = items.flatMap((s) => {
      const t = Number(s.fields.type);
      if (t === MADT_GICC) return keep.has(s) ? [s.fields.length === giccLength ? s : normalizeGicc(s, giccLength)] : [];
      return [MADT_GICD, MADT_GICR, MADT_ITS, MADT_MSI_FRAME].includes(t) ? [s] : [];
    });
  } else {
    const limit = gic.version === 2 ? MAX_VCPUS_GICV2 : MAX_VCPUS;
    checkVcpus(n, limit, gic.version === 2 ? 'GICv2 has 8 CPU interfaces' : "Xen's MAX_VIRT_CPUS on arm64");
    if (!gic.giccs.length) throw new BuildError('the MADT has no GICC entry to make the dom0 GICCs from');
    const template = normalizeGicc(gic.giccs[0], giccLength);
    const giccs: Node[] = Array.from({ length: n }, (_, i) => ({
      fields: {
        ...template.fields,
        cpu_interface_number: i, uid: i, flags: GICC_ENABLED, arm_mpidr: vcpuMpidr(i),
        parking_version: 0, performance_interrupt: 0, gicv_base_address: 0n, gich_base_address: 0n,
        gicr_base_address: 0n, vgic_interrupt: 0,
      },
      tail: EMPTY,
    }));
    out = [gic.gicd, ...giccs];
    if (gic.version === 3) {
      const regions = redistributorRegions(items, gic);
      let covered = 0n;
      for (const r of regions) {
        out.push({ fields: { type: MADT_GICR, length: 16, flags: 0, reserved: 0, base_address: r.base, length_region: Number(r.size) }, tail: EMPTY });
        covered += r.size / GICR_SIZE;
        if (covered >= BigInt(n)) break;
      }
      if (covered < BigInt(n)) {
        next = warn(next, 'BUILD_GICR_SHORT', 'APIC', 'APIC.gicr', `the host redistributor regions hold ${covered} redistributors, fewer than the ${n} vCPUs`);
      }
      if (opts.its) out.push(...items.filter((s) => s.fields.type === MADT_ITS));
    }
  }
  const table = { ...old, items: out };
  next = withTable(next, { ...host, table, origin: 'new' });
  return { set: next, changes: [] };
};

/** The host's redistributor regions: GICR entries, or one 128 KiB region per enabled GICC's GICR base. */
function redistributorRegions(items: Node[], gic: GicInfo): { base: bigint; size: bigint }[] {
  const gicrs = items.filter((s) => s.fields.type === MADT_GICR);
  if (gicrs.length) return gicrs.map((g) => ({ base: g.fields.base_address as bigint, size: BigInt(g.fields.length_region as number) }));
  return gic.enabled.map((g) => ({ base: g.fields.gicr_base_address as bigint, size: GICR_SIZE }));
}
