// Type-level checks, compiled by `npm run typecheck` (part of `npm test`): field access typed from
// the declarations, so a renamed or mistyped field is a compile error, not a run-time surprise.
import { fieldsOf, make, container, fieldPath, hasField, withFields, rawField, itemOf, type Node } from '../src/layout/codec.js';
import { layout, u32, u64 } from '../src/layout/schema.js';
import { gicc, gicd, madtFamily, MADT_GICC, MADT_ITS } from '../src/tables/madt.js';
import { rsdp } from '../src/tables/rsdp.js';
import { fadt } from '../src/tables/fadt.js';
import { sratMemory } from '../src/tables/srat.js';
import { rule, spec } from '../src/model/rules.js';

declare const n: Node;
const g = fieldsOf(gicc, n);
export const mpidr: bigint = g.arm_mpidr;
export const uid: number = g.uid;
// @ts-expect-error a field the GICC declaration does not have
export const wrong = g.arm_mpidr_typo;
// @ts-expect-error the MPIDR is a u64: a bigint, not a number
export const notNumber: number = g.arm_mpidr;
export const version: number = fieldsOf(gicd, n).version;
// a FADT older than 6.0 ends before its hypervisor ID: optional, as its minLength says
export const hv: bigint | undefined = fieldsOf(fadt, n).hypervisor_id;
// @ts-expect-error possibly absent
export const hvPresent: bigint = fieldsOf(fadt, n).hypervisor_id;
export const oem: string = fieldsOf(fadt, n).header.oem_id;
export const base: bigint = fieldsOf(sratMemory, n).base_address;
// make() takes only declared fields, with their types
export const built = make(gicc, { type: 0x0b, uid: 3, arm_mpidr: 0x100n });
// @ts-expect-error an undeclared field
export const bad = make(gicc, { mpidr: 0x100n });
// @ts-expect-error a u64 given as a number
export const bad2 = make(gicc, { arm_mpidr: 0x100 });

// a rule reports only the codes it declares: a typo in a finding code is a compile error
export const typedRule = rule({
  codes: { MCFG_EXAMPLE: { summary: 'an example', consumers: [spec('an example', 'here')] } },
  run(c) {
    c.report('MCFG_EXAMPLE', 'MCFG', 'declared: fine');
    // @ts-expect-error a code this rule does not declare
    c.report('MCFG_EXAMPEL', 'MCFG', 'a typo');
  },
});

// every name of a field is typed: diff keys, paths, presence tests, updates, raw reads
export const keyed = container({
  name: 'k',
  label: 'K',
  layout: layout('k', [u32('uid', 'UID'), u64('mpidr', 'MPIDR')]),
  key: [{ uid: 'uid' }, { m: 'mpidr' }],
});
// @ts-expect-error a key naming a field the layout lacks
export const badKey = container({ name: 'k', label: 'K', layout: layout('k', [u32('uid', 'UID')]), key: { m: 'mpidr' } });
export const path: string = fieldPath('APIC.gicc[0]', gicc, 'arm_mpidr');
// @ts-expect-error a path to a field the GICC lacks
export const badPath = fieldPath('APIC.gicc[0]', gicc, 'mpidr');
export const has: boolean = hasField(gicc, n, 'trbe_interrupt');
// @ts-expect-error a presence test of a field the GICC lacks
export const badHas = hasField(gicc, n, 'trbe');
export const updated: Node = withFields(gicc, n, { arm_mpidr: 0x100n, uid: 1 });
// @ts-expect-error an update of a field the GICC lacks
export const badUpdate = withFields(gicc, n, { mpidr: 0x100n });
// @ts-expect-error an update with the wrong type (a u64 is a bigint)
export const badValue = withFields(gicc, n, { arm_mpidr: 0x100 });
export const raw: bigint | undefined = rawField(gicc, new Uint8Array(80), 0, 'arm_mpidr');
// @ts-expect-error a raw read of a field the GICC lacks
export const badRaw = rawField(gicc, new Uint8Array(80), 0, 'mpidr');
// a path into a struct field is typed too
export const nested: string = fieldPath('FACP', fadt, 'header.revision');
// @ts-expect-error a path into the header to a field it lacks
export const badNested = fieldPath('FACP', fadt, 'header.revison');

// a field a gate may leave out is optional: the RSDP's XSDT address is revision 2's
const r = fieldsOf(rsdp, n);
export const rsdtAddress: number = r.rsdt_address;
// @ts-expect-error absent from a revision 0 RSDP: a bigint | undefined
export const xsdtAddress: bigint = r.xsdt_address;
export const xsdtOrZero: bigint = r.xsdt_address ?? 0n;

// a typed family's items are a union discriminated by the type byte
const it = itemOf(madtFamily, n);
if (it?.type === MADT_GICC) {
  const m: bigint = it.fields.arm_mpidr;
  void m;
}
if (it?.type === MADT_ITS) {
  const id: number = it.fields.translation_id;
  // @ts-expect-error an ITS has no MPIDR
  void it.fields.arm_mpidr;
  void id;
}
