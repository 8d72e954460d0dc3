// DSDT and SSDT, ACPI 6.5 §5.2.11: the header decoded, the AML definition block kept raw. SSDTs
// pair in diff by their OEM table ID (a firmware may reorder them).
import type { TableDef } from '../model/rules.js';
import { layout, type FieldsOf } from '../layout/schema.js';
import { fieldsOf } from '../layout/codec.js';
import { acpiHeader, headerField } from './common.js';
import { readAmlTable } from '../aml/index.js';
import { kindCounts, namespacePicture } from '../aml/view.js';
import { amlJoinRules, deviceRegions } from './aml-joins.js';
import { staoUartRule } from './stao.js';

const amlTable = (sig: string, label: string, tableKey?: TableDef['tableKey']) =>
  ({
    name: sig,
    label,
    minLength: 36,
    tailLabel: 'AML definition block (not decoded)',
    tailIsAml: true,
    layout: layout(sig.toLowerCase(), [headerField()]),
    tableKey,
    // its devices' MMIO, for the region sweep and the address map
    regions: (t, e) => deviceRegions(e, readAmlTable(t, { table: tableKey?.(t) ?? sig, bytes: e.bytes, revision: e.bytes[8] ?? 0 })),
    // what the block declares, as a collapsible tree (report's #namespace)
    pictures: (e) => {
      const { namespace } = readAmlTable(e.table, { table: tableKey?.(e.table) ?? sig, bytes: e.bytes, revision: e.bytes[8] ?? 0 });
      const shown = namespace.filter((o) => o.kind !== 'External');
      if (!shown.length) return [];
      return [namespacePicture(sig, `${tableKey?.(e.table) ?? sig}: ${shown.length} object(s): ${kindCounts(shown)}`, shown)];
    },
  }) satisfies TableDef;

// the checks that join the namespace to the other tables run once per set, on the DSDT
export const dsdt = { ...amlTable('DSDT', 'Differentiated System Description Table'), rules: [...amlJoinRules, staoUartRule] } satisfies TableDef;
export const ssdt = amlTable('SSDT', 'Secondary System Description Table', (t): string => {
  const header: Partial<FieldsOf<typeof acpiHeader>> | undefined = fieldsOf(dsdt, t).header;
  return `SSDT[${String(header?.oem_table_id ?? '').replace(/[\0 ]+$/, '')}]`;
});
