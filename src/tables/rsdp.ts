// RSDP, ACPI 6.5 §5.2.5.3: revision 0 is the 20-byte ACPI 1.0 structure; revision 2 adds Length,
// XsdtAddress and the extended checksum (36 bytes). The 20-byte checksum is derived first.
import { layout, ascii, u8, u32, u64, bytes } from '../layout/schema.js';
import { checksumOf, fieldAt, fieldsOf, readUint, tablePath, type FieldName, type Node } from '../layout/codec.js';
import { type TableRule, type TableDef, type RootPointer, rule, linux, xen, acpica, spec, table } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';

export const RSDP_SIGNATURE = 'RSD PTR ';
export const RSDP_V1_SIZE = 20;
export const RSDP_V2_SIZE = 36;

const ext = { when: (g: { revision: number }) => g.revision >= 2 };
const rsdpLayout = layout('rsdp', [
  ascii('signature', 'Signature', 8),
  u8('checksum', 'Checksum', { derive: 'checksum', span: RSDP_V1_SIZE }),
  ascii('oem_id', 'Oem ID', 6),
  u8('revision', 'Revision'),
  u32('rsdt_address', 'RSDT Address', { pointer: true }),
  u32('length', 'Length', { ...ext, derive: 'length' }),
  u64('xsdt_address', 'XSDT Address', { ...ext, pointer: true }),
  u8('extended_checksum', 'Extended Checksum', { ...ext, derive: 'checksum' }),
  bytes('reserved', 'Reserved', 3, { ...ext, show: 'number' }),
]);
/** Where the fields the scan and the checksum rules read are, from the layout. */
const [REVISION_AT, LENGTH_AT, CHECKSUM_AT, EXT_CHECKSUM_AT] = (
  ['revision', 'length', 'checksum', 'extended_checksum'] as const satisfies readonly FieldName<typeof rsdpLayout>[]
).map((n) => fieldAt(rsdpLayout, n)!.offset);
const at = tablePath('RSDP', rsdpLayout);
/** The fields a revision 0 RSDP lacks are absent (gated by revision: optional in the type). */
const fieldsOfRsdp = (n: Node) => fieldsOf({ layout: rsdpLayout }, n);

/** What keeps the signature at `at` from being an RSDP, or undefined when it is one. In memory it
 * sits on any 8-byte boundary (edk2 aligns it to 8; the 16-byte rule is only the legacy BIOS
 * area's), with the 20-byte checksum and, from revision 2, the declared length and extended one. */
function faultAt(img: Uint8Array, at: number): string | undefined {
  if (at + RSDP_V1_SIZE > img.length) return 'it runs past the end';
  if (checksumOf(img.subarray(at), RSDP_V1_SIZE, -1) !== 0) return 'its 20-byte checksum fails';
  if (img[at + REVISION_AT] >= 2) {
    if (at + RSDP_V2_SIZE > img.length) return 'it runs past the end';
    const len = readUint(img, at + LENGTH_AT, 4);
    if (len < RSDP_V2_SIZE || at + len > img.length) return `its length ${len} is wrong`;
    if (checksumOf(img.subarray(at), len, -1) !== 0) return 'its extended checksum fails';
  }
  return undefined;
}

const rootPointer: RootPointer = {
  signature: RSDP_SIGNATURE,
  align: 8,
  fault: faultAt,
  lengthAt: (img, at) => (img[at + REVISION_AT] >= 2 && at + LENGTH_AT + 4 <= img.length ? readUint(img, at + LENGTH_AT, 4) : RSDP_V1_SIZE),
};

/** Who reads an RSDP checksum: nobody on arm64 (the RSDP comes through EFI). */
const UNCHECKED = [
  linux(
    'all',
    'ignored',
    'arm64 finds the RSDP through EFI and never checks it',
    'drivers/acpi/osl.c acpi_os_get_root_pointer(); ACPICA tbutils.c AcpiTbParseRootTable()',
  ),
  xen('4.17+', 'ignored', 'the RSDP checksum is never validated', 'xen/drivers/acpi/tables/tbutils.c acpi_tb_parse_root_table()'),
];

const rules: TableRule[] = [
  rule({
    codes: {
      RSDP_CHECKSUM: {
        summary: 'RSDP bytes 0-19 do not sum to zero',
        consumers: UNCHECKED,
      },
      RSDP_EXT_CHECKSUM: {
        summary: 'RSDP bytes 0-35 do not sum to zero',
        consumers: UNCHECKED,
      },
      RSDP_LENGTH: {
        summary: 'a revision 2 RSDP whose Length is not 36',
        consumers: [
          acpica('all', 'ignored', 'the RSDP is read as its 36-byte structure; Length is not consulted', 'tbutils.c AcpiTbParseRootTable()'),
          spec('a revision 2 RSDP is 36 bytes', 'ACPI 6.5 §5.2.5.3'),
        ],
      },
      RSDP_REVISION: {
        summary: 'an RSDP revision other than 0 or 2',
        consumers: [
          acpica('all', 'workaround', 'revision 2 or more with an XSDT address selects the XSDT, anything else the RSDT', 'tbutils.c AcpiTbParseRootTable()'),
        ],
      },
    },
    run(c) {
      const b = c.entry.bytes;
      const f = fieldsOfRsdp(c.entry.table);
      if (checksumOf(b, RSDP_V1_SIZE, -1) !== 0) {
        c.report(
          'RSDP_CHECKSUM',
          at('checksum'),
          `bytes 0-19 sum to ${hex((256 - checksumOf(b, RSDP_V1_SIZE, -1)) & 0xff)}; checksum ${hex(b[CHECKSUM_AT], 2)} should be ` +
            `${hex(checksumOf(b, RSDP_V1_SIZE, CHECKSUM_AT), 2)}`,
        );
      }
      const rev = Number(f.revision);
      if (rev >= 2) {
        if (checksumOf(b, b.length, -1) !== 0) {
          c.report(
            'RSDP_EXT_CHECKSUM',
            at('extended_checksum'),
            `bytes 0-${b.length - 1} do not sum to 0; extended checksum ${hex(b[EXT_CHECKSUM_AT], 2)} should be ` +
              `${hex(checksumOf(b, b.length, EXT_CHECKSUM_AT), 2)}`,
          );
        }
        if (Number(f.length) !== RSDP_V2_SIZE) c.report('RSDP_LENGTH', at('length'), `Length is ${Number(f.length)}; a revision ${rev} RSDP is 36 bytes`);
      }
      if (rev !== 0 && rev !== 2) c.report('RSDP_REVISION', at('revision'), `revision ${rev}: ACPI defines 0 (1.0) and 2 (2.0 and later)`);
    },
  }),
  rule({
    dom0: true,
    codes: {
      DOM0_RSDP_REVISION: {
        summary: 'RSDP revision is not 2 or XsdtAddress is 0: Linux would use the RSDT',
        consumers: [
          linux(
            'all',
            'acpi-disabled',
            "the RSDT is used, which holds none of dom0's tables (Xen builds only an XSDT): no FADT or MADT, ACPI off",
            'ACPICA tbutils.c AcpiTbParseRootTable(); arch/arm64/kernel/acpi.c acpi_boot_table_init()',
          ),
        ],
        dom0: true,
      },
    },
    run(c) {
      const f = fieldsOfRsdp(c.entry.table);
      const x = f.xsdt_address ?? 0n;
      if (Number(f.revision) < 2 || x === 0n)
        c.report(
          'DOM0_RSDP_REVISION',
          at('revision'),
          `revision ${Number(f.revision)}, XsdtAddress ${hex(x)}: Linux takes the XSDT only from a revision 2 RSDP with an XSDT address`,
        );
    },
  }),
];

export const rsdp = table({
  name: 'RSDP',
  label: 'Root System Description Pointer',
  revision: 'revision',
  dom0Required: 'dom0 finds the tables only through the EFI configuration table → RSDP',
  rootPointer,
  pointers: [
    { field: 'xsdt_address', to: ['XSDT'], code: 'RSDP_XSDT_UNRESOLVED' },
    { field: 'rsdt_address', to: ['RSDT'], code: 'RSDP_XSDT_UNRESOLVED', onlyWithout: 'xsdt_address' },
  ],
  rules,
  summary: (e) => {
    const f = fieldsOfRsdp(e.table);
    return `rev ${f.revision}, RSDT ${hex(f.rsdt_address ?? 0)}${f.xsdt_address !== undefined ? `, XSDT ${hex(f.xsdt_address)}` : ''}`;
  },
  minLength: RSDP_V1_SIZE,
  layout: rsdpLayout,
}) satisfies TableDef;
