// DSDT and SSDT, ACPI 6.5 §5.2.11: the header decoded, the AML definition block kept raw. SSDTs
// pair in diff by their OEM table ID (a firmware may reorder them).
import type { TableDef } from '../model/rules.js';
import { layout, type FieldsOf } from '../layout/schema.js';
import { fieldsOf } from '../layout/codec.js';
import { acpiHeader, headerField } from './common.js';

const amlTable = (sig: string, label: string, tableKey?: TableDef['tableKey']) =>
  ({
    name: sig,
    label,
    minLength: 36,
    tailLabel: 'AML definition block (not decoded)',
    tailIsAml: true,
    layout: layout(sig.toLowerCase(), [headerField()]),
    tableKey,
  }) satisfies TableDef;

export const dsdt = amlTable('DSDT', 'Differentiated System Description Table');
export const ssdt = amlTable('SSDT', 'Secondary System Description Table', (t): string => {
  const header: Partial<FieldsOf<typeof acpiHeader>> | undefined = fieldsOf(dsdt, t).header;
  return `SSDT[${String(header?.oem_table_id ?? '').replace(/[\0 ]+$/, '')}]`;
});
