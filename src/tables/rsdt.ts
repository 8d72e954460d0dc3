// RSDT and XSDT, ACPI 6.5 §5.2.7 / §5.2.8: the header followed by 32- or 64-bit table addresses.
// Bytes that do not make a whole entry are kept as trailing bytes.
import { layout, u32, u64 } from '../layout/schema.js';
import { type TableDef, rule, linux, acpica } from '../model/rules.js';
import type { TableRule } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { headerField } from './common.js';

/** Linux's early root table list (ACPI_MAX_TABLES). */
const MAX_TABLES = 128;

const NULL_ENTRY = {
  XSDT_ENTRY_NULL: {
    summary: 'a NULL XSDT/RSDT entry (ACPICA skips it)',
    consumers: [acpica('all', 'ignored', 'a NULL entry is skipped', 'tbutils.c AcpiTbParseRootTable()')],
  },
} as const;
const TOO_MANY = {
  DOM0_XSDT_TOO_MANY: {
    summary: "more than 128 tables: Linux's early root table list holds 128",
    consumers: [
      linux(
        'all',
        'function-lost',
        'the early table list holds 128: the tables past it are not found early (the MADT, GTDT or SPCR among them)',
        'drivers/acpi/tables.c acpi_table_init() with ACPI_MAX_TABLES',
      ),
    ],
    dom0: true,
  },
} as const;

const rules = (sig: string): TableRule[] => [
  rule({
    codes: NULL_ENTRY,
    run(c) {
      if (!c.set.tables.some((e) => e.address !== undefined)) return;
      (c.entry.table.items ?? []).forEach((it, i) => {
        if (BigInt((it.fields.address as number | bigint | undefined) ?? 0) === 0n)
          c.report('XSDT_ENTRY_NULL', `${sig}.entry[${i}].address`, `entry ${i} is NULL; ACPICA skips it`);
      });
    },
  }),
  rule({
    dom0: true,
    codes: TOO_MANY,
    run(c) {
      const n = c.entry.table.items?.length ?? 0;
      if (n + 2 > MAX_TABLES)
        c.report('DOM0_XSDT_TOO_MANY', `${sig}.header.length`, `${n} ${sig} entries plus DSDT and FACS exceed the ${MAX_TABLES} tables Linux can list early`);
    },
  }),
];

const rootTable = (sig: string, label: string, width: 4 | 8): TableDef => ({
  name: sig,
  label,
  minLength: 36,
  layout: layout(sig.toLowerCase(), [headerField()]),
  dom0Required: sig === 'XSDT',
  relocation: sig === 'RSDT' ? 'drop' : undefined,
  // an entry may point at any table but those reached another way
  pointers: [{ part: 'items', field: 'address', notTo: ['DSDT', 'FACS', 'RSDT', 'XSDT', 'RSDP'], code: 'XSDT_ENTRY_UNRESOLVED' }],
  rules: rules(sig).filter((r) => !r.dom0 || sig === 'XSDT'),
  summary: (e, _set, all) => {
    const links = all.filter((l) => l.from.startsWith(`${sig}.`));
    const names = links.map((l) => l.to?.table.signature ?? `?${hex(l.address)}`);
    return `${e.table.items?.length ?? 0} entries${names.length && e.address !== undefined ? `: ${names.join(' ')}` : ''}`;
  },
  parts: [
    {
      key: 'items',
      label: 'Entries',
      kind: 'records',
      record: {
        name: 'entry',
        label: 'ACPI Table Address',
        indexLabels: true,
        layout: layout(`${sig.toLowerCase()}_entry`, [(width === 4 ? u32 : u64)('address', 'ACPI Table Address', { pointer: true })]),
      },
    },
  ],
});

export const rsdt = rootTable('RSDT', 'Root System Description Table', 4);
export const xsdt = rootTable('XSDT', 'Extended System Description Table', 8);
