// RSDT and XSDT, ACPI 6.5 §5.2.7 / §5.2.8: the header followed by 32- or 64-bit table addresses.
// Bytes that do not make a whole entry are kept as trailing bytes.
import { layout, u32, u64 } from '../layout/schema.js';
import { type TableDef, rule, linux, acpica, xen } from '../model/rules.js';
import { container, fieldPath, fieldsOf, type Node } from '../layout/codec.js';
import { gicInfo } from './madt.js';
import { XEN_NR_CPUS } from '../model/xen.js';
import type { TableRule } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { headerRevision, headerField } from './common.js';

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

/** Xen's estimate of dom0's ACPI + EFI area (estimate_acpi_efi_size): each piece 8-byte rounded. */
const r8 = (n: number) => Math.ceil(n / 8) * 8;
/** Dom0's area must fit its grant-table region: gnttab_max_frames (64) pages by default. */
const XEN_GNTTAB_BYTES = 64 * 4096;
const XEN_AREA = {
  XEN_HOST_ACPI_AREA: {
    summary: "dom0's ACPI and EFI tables, as Xen sizes them from the host's, do not fit dom0's grant-table region (64 pages by default)",
    consumers: [
      xen(
        '4.17+',
        'panic',
        '"The grant table region is not enough to fit the ACPI tables!", then "Could not set up DOM0 guest OS" (XH38)',
        'xen/arch/arm/acpi/domain_build.c estimate_acpi_efi_size(), prepare_acpi(); xen/arch/arm/efi/efi-dom0.c estimate_efi_size()',
      ),
    ],
    xenHost: true,
  },
} as const;

/** The smallest area Xen reserves for dom0's tables: the FADT and STAO copies, a MADT for dom0's
 * vCPUs (one per enabled CPU up to 128; 8 under GICv2) and the host's redistributor regions, the
 * host XSDT plus one entry, the RSDP, the EFI system table with its one configuration entry and
 * vendor string, and a memory map of at least one RAM bank, one ACPI bank and Xen's own page. */
function xenAreaBytes(xsdtLength: number, madt: Node | undefined, fadtRevision: number): number {
  const items = madt?.items ?? [];
  const info = gicInfo(items);
  const enabled = info.enabled.length || 1;
  const vcpus = Math.min(enabled, info.version === 2 ? 8 : XEN_NR_CPUS);
  const gicr = info.version === 3 ? (info.gicrs.length || enabled) * 16 : 0;
  const madtBytes = 44 + 24 + (fadtRevision >= 6 ? 80 : 76) * vcpus + gicr;
  const acpi = r8(276) + r8(37) + r8(madtBytes) + r8(xsdtLength + 8) + r8(36);
  const efi = r8(120 + 24 + 8) + r8(40 * 3);
  return Math.ceil((r8(efi) + r8(acpi)) / 4096) * 4096;
}

const rules = (sig: string): TableRule[] => [
  rule({
    codes: NULL_ENTRY,
    run(c) {
      if (!c.set.tables.some((e) => e.address !== undefined)) return;
      (c.entry.table.items ?? []).forEach((it, i) => {
        if (BigInt(fieldsOf(xsdtEntry, it).address ?? 0) === 0n)
          c.report('XSDT_ENTRY_NULL', fieldPath(`${sig}.entry[${i}]`, xsdtEntry, 'address'), `entry ${i} is NULL; ACPICA skips it`);
      });
    },
  }),
  rule({
    xenHost: true,
    codes: XEN_AREA,
    run(c) {
      const fadt = c.find('FACP');
      const bytes = xenAreaBytes(c.entry.bytes.length, c.find('APIC')?.table, fadt ? headerRevision(fadt.table) : 6);
      if (bytes > XEN_GNTTAB_BYTES)
        c.report(
          'XEN_HOST_ACPI_AREA',
          `${sig}.header.length`,
          `dom0's ACPI and EFI tables take at least ${bytes >> 10} KiB as Xen sizes them (this ${c.entry.bytes.length}-byte ${sig} among ` +
            `them): more than the ${XEN_GNTTAB_BYTES >> 10} KiB grant-table region, so Xen panics building dom0`,
        );
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

/** An entry of a root table: one table's address, 4 bytes wide in the RSDT and 8 in the XSDT. */
const rootEntry = <W extends 4 | 8>(sig: string, width: W) =>
  container({
    name: 'entry',
    label: 'ACPI Table Address',
    indexLabels: true,
    layout: layout(`${sig.toLowerCase()}_entry`, [
      width === 4 ? u32('address', 'ACPI Table Address', { pointer: true }) : u64('address', 'ACPI Table Address', { pointer: true }),
    ]),
  });
export const rsdtEntry = rootEntry('RSDT', 4);
export const xsdtEntry = rootEntry('XSDT', 8);

const rootTable = (sig: string, label: string, entry: typeof xsdtEntry): TableDef => ({
  name: sig,
  label,
  minLength: 36,
  layout: layout(sig.toLowerCase(), [headerField()]),
  dom0Required: sig === 'XSDT',
  relocation: sig === 'RSDT' ? 'drop' : undefined,
  // an entry may point at any table but those reached another way
  pointers: [{ part: 'items', field: 'address', listing: true, code: 'XSDT_ENTRY_UNRESOLVED' }],
  // Xen builds dom0's XSDT from the host's XSDT alone (rsdp->xsdt_physical_address)
  rules: rules(sig).filter((r) => !(r.dom0 || r.xenHost) || sig === 'XSDT'),
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
      record: entry,
    },
  ],
});

export const rsdt = rootTable('RSDT', 'Root System Description Table', rsdtEntry);
export const xsdt = rootTable('XSDT', 'Extended System Description Table', xsdtEntry);
