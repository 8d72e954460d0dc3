// DSDT and SSDT, ACPI 6.5 §5.2.11: the header decoded, the AML definition block kept raw. SSDTs
// pair in diff by their OEM table ID (a firmware may reorder them).
import type { TableDef } from '../model/rules.js';
import { layout, type FieldsOf } from '../layout/schema.js';
import { fieldsOf } from '../layout/codec.js';
import { acpiHeader, headerField } from './common.js';
import { hex } from '../layout/diagnostics.js';
import { setAml } from '../aml/set.js';
import { kindCounts } from '../aml/view.js';

const amlTable = (sig: string, label: string, tableKey?: TableDef['tableKey']) =>
  ({
    name: sig,
    label,
    minLength: 36,
    tailLabel: 'AML definition block (not decoded)',
    tailIsAml: true,
    layout: layout(sig.toLowerCase(), [headerField()]),
    tableKey,
    // what the block declares (read with the set's other blocks), and any fault in its AML
    summary: (e, set) => {
      const { aml, blocks } = setAml(set);
      const block = blocks.get(e);
      if (!block) return '';
      const objects = aml.namespace.filter((o) => o.table === block.table);
      const faults = block.issues.length ? `; ${block.issues.length} AML fault(s), first at ${hex(block.issues[0].at)}: ${block.issues[0].message}` : '';
      return `${objects.length} object(s): ${kindCounts(objects)}${faults}`;
    },
  }) satisfies TableDef;

export const dsdt = amlTable('DSDT', 'Differentiated System Description Table');
export const ssdt = amlTable('SSDT', 'Secondary System Description Table', (t): string => {
  const header: Partial<FieldsOf<typeof acpiHeader>> | undefined = fieldsOf(dsdt, t).header;
  return `SSDT[${String(header?.oem_table_id ?? '').replace(/[\0 ]+$/, '')}]`;
});
