// STAO, "ACPI Specification for Status Override Table" (LINARO-0002 v0.3), revision 1:
// a UART byte followed by NUL-terminated ACPI paths up to the table length.
import { layout, u8 } from '../layout/schema.js';
import { fieldsOf, tablePath } from '../layout/codec.js';
import { spcrLayout } from './spcr.js';
import { type TableRule, type TableDef, rule, linux } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { headerField } from './common.js';

/** Resource descriptors whose start address may equal the SPCR UART base (Memory32Fixed, DWord/QWord Memory). */
function memoryBases(aml: Uint8Array): Set<bigint> {
  const b = Buffer.from(aml.buffer, aml.byteOffset, aml.length);
  const out = new Set<bigint>();
  for (let i = 36; i + 3 < b.length; i++) {
    if (b[i] === 0x86 && b[i + 1] === 0x09 && b[i + 2] === 0 && i + 12 <= b.length) out.add(BigInt(b.readUInt32LE(i + 4)));
    else if (b[i] === 0x87 && b[i + 2] === 0 && b[i + 3] === 0 && i + 14 <= b.length) out.add(BigInt(b.readUInt32LE(i + 10)));
    else if (b[i] === 0x8a && b[i + 2] === 0 && b[i + 3] === 0 && i + 22 <= b.length) out.add(b.readBigUInt64LE(i + 14));
  }
  return out;
}

const rules: TableRule[] = [
  rule({
    dom0: true,
    codes: {
      DOM0_STAO_NO_SPCR: {
        summary: 'STAO ignores the UART but there is no SPCR: Linux warns and hides nothing (Xen sets the flag whatever the host has)',
        consumers: [linux('all', 'ignored', 'warns and hides nothing', 'drivers/acpi/scan.c acpi_scan_init()')],
        dom0: true,
      },
      DOM0_STAO_UART_NOT_FOUND: {
        summary: 'no memory resource in the DSDT/SSDTs starts at the SPCR UART address, so no device is hidden',
        consumers: [
          linux(
            'all',
            'ignored',
            'no device matches the SPCR address, so none is hidden: dom0 probes a UART Xen denies it',
            'drivers/acpi/scan.c acpi_device_should_be_hidden()',
          ),
        ],
        dom0: true,
      },
    },
    run(c) {
      if (Number(fieldsOf({ layout: staoLayout }, c.entry.table).ignore_uart ?? 0) === 0) return;
      const spcr = c.find('SPCR');
      if (!spcr) {
        c.report(
          'DOM0_STAO_NO_SPCR',
          tablePath('STAO', staoLayout)('ignore_uart'),
          'STAO asks dom0 to ignore the SPCR UART but there is no SPCR: Linux warns "STAO table present, but SPCR is missing" and hides nothing',
        );
        return;
      }
      const aml = [...c.all('DSDT'), ...c.all('SSDT')];
      if (!aml.length) return;
      const addr = BigInt(fieldsOf({ layout: spcrLayout }, spcr.table).serial_port?.address ?? 0n);
      if (!aml.some((e) => memoryBases(e.bytes).has(addr))) {
        c.report(
          'DOM0_STAO_UART_NOT_FOUND',
          tablePath('SPCR', spcrLayout)('serial_port.address'),
          `no memory resource in the DSDT/SSDTs starts at the SPCR UART address ${hex(addr)}: the STAO hides no device`,
          undefined,
          spcr,
        );
      }
    },
  }),
];

export const STAO_SIZE = 37;

export const staoLayout = layout('stao', [headerField(), u8('ignore_uart', 'Ignore UART')]);

export const stao = {
  name: 'STAO',
  label: 'Status Override table',
  minLength: STAO_SIZE,
  once: true,
  hypervisorMade: true,
  rules,
  summary: (e) => `ignore UART ${Number(e.table.fields.ignore_uart ?? 0)}, ${e.table.strings?.length ?? 0} name(s)`,
  layout: staoLayout,
  parts: [{ key: 'names', label: 'Namepath', kind: 'strings' }],
} satisfies TableDef;
