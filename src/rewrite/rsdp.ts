// rsdp: a copy of the host RSDP pointing at the new XSDT. Both checksums are derived at encode,
// the 20-byte one first (Xen 4.17 instead corrects the 36-byte sum through byte 8; not reproduced).
import { make, withFields } from '../layout/codec.js';
import { rsdp } from '../tables/rsdp.js';
import type { AcpiTable } from '../tables/registry.js';
import { type Pass, type PassDef, BuildError, fieldRef, tableById, withTable } from './types.js';
import { headerOf } from '../tables/common.js';

const run: Pass = (set) => {
  const host = tableById(set, 'RSDP');
  let table: AcpiTable;
  if (host) {
    if (Number(host.table.fields.revision) < 2) throw new BuildError('the host RSDP is revision 0 (ACPI 1.0): it has no XSDT address for dom0');
    table = { ...host.table, ...withFields(rsdp, host.table, { xsdt_address: 0n }) };
  } else {
    const xsdt = tableById(set, 'XSDT');
    if (!xsdt) throw new BuildError('no RSDP and no XSDT to build one for');
    table = {
      signature: 'RSDP',
      ...make(rsdp, { signature: 'RSD PTR ', oem_id: headerOf(xsdt.table)?.oem_id as string, revision: 2, reserved: new Uint8Array(3) }),
    };
  }
  const next = withTable(set, { id: 'RSDP', table, origin: 'new', hostAddress: host?.hostAddress, refs: [fieldRef(rsdp, 'xsdt_address', 'XSDT')] });
  return { set: next, changes: [] };
};

export const rsdpPass: PassDef = {
  name: 'rsdp',
  stage: 'tables',
  summary: 'a revision 2 RSDP pointing at the new XSDT',
  after: ['xsdt'],
  run,
};
