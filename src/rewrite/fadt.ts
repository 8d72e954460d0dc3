// fadt: PSCI | HVC boot flags (both profiles); design also sets HypervisorId = "XenVMM", growing a
// shorter FADT to 276 bytes / revision 6.0 so the field exists (docs/consumers.md X2, F9).
import type { FieldsOf } from '../layout/schema.js';
import { fadtLayout, ARM_PSCI_COMPLIANT, ARM_PSCI_USE_HVC } from '../tables/fadt.js';
import { EMPTY, fieldsOf, hasField, withFields } from '../layout/codec.js';
import { type Pass, type PassDef, BuildError, tableById, withTable } from './types.js';
import { zeroFields } from './fields.js';
import { headerOf } from '../tables/common.js';

/** "XenVMM\0\0" as the little-endian u64 the field holds: bytes 58 65 6E 56 4D 4D 00 00. */
export const XEN_HYPERVISOR_ID = 0x00004d4d566e6558n;

const FADT = { layout: fadtLayout };
type FadtFields = Partial<FieldsOf<typeof fadtLayout>>;

const run: Pass = (set, opts) => {
  const host = tableById(set, 'FACP');
  if (!host) throw new BuildError('no FADT (FACP) in the input');
  const old = host.table;
  if (!hasField(FADT, old, 'arm_boot_flags')) {
    throw new BuildError(`the FADT is ${headerOf(old)?.length} bytes: too short to carry ARM boot flags (ACPI 5.1 FADTs are 268)`);
  }
  let table = withFields(FADT, old, { arm_boot_flags: (fieldsOf(FADT, old).arm_boot_flags ?? 0) | ARM_PSCI_COMPLIANT | ARM_PSCI_USE_HVC });
  if (opts.profile === 'design') {
    const present = fadtLayout.fields.findIndex((f) => !(f.name in table.fields));
    // a partial field at the end of a short FADT is replaced by the grown fields
    if (present >= 0) table = { ...table, fields: { ...table.fields, ...zeroFields(fadtLayout, present) }, tail: EMPTY };
    const patch: FadtFields = { hypervisor_id: XEN_HYPERVISOR_ID };
    const header = fieldsOf(FADT, table).header;
    if (header.revision < 6) {
      patch.header = { ...header, revision: 6 };
      patch.minor_revision = 0;
    }
    table = withFields(FADT, table, patch);
  }
  const next = withTable(set, { ...host, table: { ...old, ...table }, origin: 'new' });
  return { set: next, changes: [] };
};

export const fadtPass: PassDef = {
  name: 'fadt',
  stage: 'tables',
  summary: 'PSCI | HVC boot flags; design: HypervisorId "XenVMM" (the FADT grows to revision 6 when shorter)',
  before: ['xsdt'],
  run,
};
