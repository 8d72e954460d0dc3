// madt: the GIC description dom0 gets.
// design: the first N enabled host GICCs, each given the MPIDR of the vCPU Xen runs it on
//         (--host-mpidrs keeps the host's), with what dom0 cannot use cleared; GICD, GICR, ITS and
//         MSI frames kept.
// xen: rebuild as Xen's gicv{2,3}_make_hwdom_madt(): host GICD, N GICCs made from host GICC[0] with
//      virtual MPIDRs, then the host redistributor regions that cover N vCPUs, then (--its) the ITSes.
// Both: every GICC is 76 bytes if the output FADT revision is < 6, else 80 (docs/consumers.md X1);
//       N defaults to the enabled host GICCs, capped at Xen's dom0 vCPU limit.
import type { Fields, FieldsOf } from '../layout/schema.js';
import { EMPTY, type Node, fieldsOf, fieldPath, make, withFields } from '../layout/codec.js';
import {
  gicc as giccDef,
  gicr as gicrDef,
  gicInfo,
  type GicInfo,
  MADT_GICC,
  MADT_GICD,
  MADT_GICR,
  MADT_ITS,
  MADT_MSI_FRAME,
  GICC_ENABLED,
  GICC_LEN_V5,
  GICC_LEN_V6,
  redistributorRegions,
} from '../tables/madt.js';
import { hex } from '../layout/diagnostics.js';
import { vcpuLimit, vcpuMpidr, GICR_SIZE } from '../model/gic.js';
import { type Pass, type PassDef, type BuildOptions, type Dom0Set, BuildError, tableById, withTable, warn } from './types.js';
import { outputFadtRevision, zeroFields } from './fields.js';

/** A GICC with exactly the fields of a `length`-byte entry (76 or 80): fields added as 0, extra ones dropped. */
export function normalizeGicc(g: Node, length: number): Node {
  const l = giccDef.layout;
  const k = l.fields.findIndex((_f, i) => l.offsets[i + 1] > length);
  const fields: Fields = zeroFields(l, 0, k < 0 ? l.fields.length : k);
  for (const name of Object.keys(fields)) if (name in g.fields) fields[name] = g.fields[name];
  return { fields: { ...fields, length }, tail: EMPTY };
}

/** The fields of a kept host GICC that dom0 cannot use under Xen: the GICv2 virtualization
 * interfaces and their maintenance interrupt (Xen owns them), the parking protocol (dom0 brings its
 * CPUs up with PSCI over HVC). */
/** Some of a GICC's declared fields (a typed patch: a renamed field is a compile error here). */
type GiccFields = Partial<FieldsOf<typeof giccDef.layout>>;
const HYPERVISOR_ONLY: GiccFields = {
  parking_version: 0,
  parked_address: 0n,
  gicv_base_address: 0n,
  gich_base_address: 0n,
  vgic_interrupt: 0,
};

/** How many vCPUs: --vcpus, checked against the limits; else the enabled host GICCs, capped like
 * Xen caps dom0_max_vcpus (with a note when the cap applies). */
function vcpuCount(set: Dom0Set, opts: Pick<BuildOptions, 'vcpus' | 'profile'>, gic: GicInfo): { n: number; set: Dom0Set } {
  const { limit, why } = vcpuLimit(gic.version);
  const host = gic.enabled.length;
  if (opts.vcpus !== undefined) {
    const n = opts.vcpus;
    if (!Number.isInteger(n) || n < 1) throw new BuildError(`--vcpus ${n}: dom0 needs at least one vCPU`);
    if (n > limit) throw new BuildError(`--vcpus ${n} is above ${limit} (${why})`);
    if (opts.profile === 'design' && n > host) {
      throw new BuildError(
        `--vcpus ${n} is above ${host} (the host has ${host} enabled GICC entries; the design profile keeps host CPUs, --profile xen makes vCPUs without them)`,
      );
    }
    return { n, set };
  }
  if (host === 0) throw new BuildError('the MADT has no enabled GICC entry: give --vcpus N (with --profile xen) or fix the host MADT');
  if (host <= limit) return { n: host, set };
  return {
    n: limit,
    set: warn(
      set,
      'BUILD_VCPUS_CAPPED',
      'APIC',
      'APIC.gicc',
      `the host has ${host} enabled GICC entries; dom0 gets ${limit} vCPUs (${why}), as Xen caps dom0_max_vcpus; --vcpus N chooses fewer`,
    ),
  };
}

/** The design profile's entries: the first n enabled host GICCs (their hypervisor-only fields
 * cleared, MPIDRs virtual unless --host-mpidrs), with the host's GICD, GICRs, ITSes and MSI frames. */
function designItems(set: Dom0Set, opts: BuildOptions, gic: GicInfo, items: Node[], n: number, sized: (g: Node) => Node): { set: Dom0Set; items: Node[] } {
  let next = set;
  const kept = gic.enabled.slice(0, n);
  const hostMpidrs = opts.hostMpidrs === true;
  if (hostMpidrs) {
    const moved = kept.findIndex((g, i) => fieldsOf(giccDef, g).arm_mpidr !== vcpuMpidr(i));
    if (moved >= 0) {
      next = warn(
        next,
        'BUILD_MPIDR_NOT_VIRTUAL',
        'APIC',
        fieldPath(`APIC.gicc[${moved}]`, giccDef, 'arm_mpidr'),
        `--host-mpidrs: the kept host GICC ${moved} has MPIDR ${hex(fieldsOf(giccDef, kept[moved]).arm_mpidr)}, but Xen gives vCPU ${moved} ` +
          `MPIDR ${hex(vcpuMpidr(moved))}: ` +
          'under Xen, dom0 would not bring up its secondary CPUs (docs/consumers.md X8); leave --host-mpidrs out for a hypervisor that ' +
          'numbers vCPUs as Xen does',
      );
    }
  }
  // GICR subtables and per-CPU GICR bases are mutually exclusive (X9): with subtables, the bases go
  const perCpuGicr = gic.gicrs.length === 0;
  const vcpuOf = new Map(kept.map((g, i) => [g, i]));
  const out = items.flatMap((s) => {
    const t = Number(s.fields.type);
    if (t === MADT_GICC) {
      const i = vcpuOf.get(s);
      if (i === undefined) return [];
      const patch: GiccFields = { ...HYPERVISOR_ONLY };
      if (!hostMpidrs) patch.arm_mpidr = vcpuMpidr(i);
      if (!perCpuGicr) patch.gicr_base_address = 0n;
      return [withFields(giccDef, sized(s), patch)];
    }
    return [MADT_GICD, MADT_GICR, MADT_ITS, MADT_MSI_FRAME].includes(t) ? [s] : [];
  });
  return { set: next, items: out };
}

/** The xen profile's entries, as Xen writes them: the GICD, n GICCs made from the first host GICC
 * with virtual MPIDRs, on GICv3 the host's redistributor regions enough for n, and the ITSes with --its. */
function xenItems(set: Dom0Set, opts: BuildOptions, gic: GicInfo, items: Node[], n: number, giccLength: number): { set: Dom0Set; items: Node[] } {
  let next = set;
  if (!gic.giccs.length) throw new BuildError('the MADT has no GICC entry to make the dom0 GICCs from');
  const template = normalizeGicc(gic.giccs[0], giccLength);
  const giccs: Node[] = Array.from({ length: n }, (_, i) =>
    withFields(
      giccDef,
      { fields: template.fields, tail: EMPTY },
      {
        cpu_interface_number: i,
        uid: i,
        flags: GICC_ENABLED,
        arm_mpidr: vcpuMpidr(i),
        parking_version: 0,
        performance_interrupt: 0,
        gicv_base_address: 0n,
        gich_base_address: 0n,
        gicr_base_address: 0n,
        vgic_interrupt: 0,
      },
    ),
  );
  const out = [gic.gicd!, ...giccs];
  if (gic.version === 3) {
    const regions = redistributorRegions(gic);
    let covered = 0n;
    for (const r of regions) {
      out.push(make(gicrDef, { type: MADT_GICR, base_address: r.base, length_region: Number(r.size) }));
      covered += r.size / GICR_SIZE;
      if (covered >= BigInt(n)) break;
    }
    if (covered < BigInt(n)) {
      next = warn(next, 'BUILD_GICR_SHORT', 'APIC', 'APIC.gicr', `the host redistributor regions hold ${covered} redistributors, fewer than the ${n} vCPUs`);
    }
    if (opts.its) for (const s of items) if (s.fields.type === MADT_ITS) out.push(s);
  }
  return { set: next, items: out };
}

const run: Pass = (set, opts) => {
  const host = tableById(set, 'APIC');
  if (!host) throw new BuildError('no MADT (APIC) in the input');
  const old = host.table;
  const items = old.items ?? [];
  const gic = gicInfo(items);
  if (!gic.gicd) throw new BuildError('the MADT has no GICD (Generic Interrupt Distributor) entry');
  if (gic.version === 2) {
    const bases = new Set(gic.enabled.map((g) => fieldsOf(giccDef, g).base_address));
    if (bases.size > 1) {
      throw new BuildError(
        `GICv2 GICCs carry different CPU-interface base addresses (${[...bases].map((b) => hex(b)).join(', ')}); Linux requires one banked base`,
      );
    }
  }
  if (opts.hostMpidrs && opts.profile !== 'design') throw new BuildError('--host-mpidrs is for the design profile: Xen always gives dom0 virtual MPIDRs');
  const giccLength = outputFadtRevision(set) >= 6 ? GICC_LEN_V6 : GICC_LEN_V5;
  const counted = vcpuCount(set, opts, gic);
  const n = counted.n;
  let next = counted.set;
  const sized = (g: Node) => (g.fields.length === giccLength && !g.tail.length ? g : normalizeGicc(g, giccLength));
  const made = opts.profile === 'design' ? designItems(next, opts, gic, items, n, sized) : xenItems(next, opts, gic, items, n, giccLength);
  next = made.set;
  const out = made.items;
  const table = { ...old, items: out };
  next = withTable(next, { ...host, table, origin: 'new' });
  return { set: next, changes: [] };
};

export const madtPass: PassDef = {
  name: 'madt',
  stage: 'tables',
  summary: "GICCs for dom0's vCPUs (vCPU MPIDRs), GICR/ITS as the profile says; the GICC length follows the output FADT",
  after: ['fadt'],
  before: ['xsdt'],
  run,
};
