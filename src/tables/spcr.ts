// SPCR, Microsoft "Serial Port Console Redirection Table" 1.10: rev 1-2 (80 bytes), rev 3 (byte 76
// becomes the UART clock), rev 4 (precise baud rate and an ACPI namespace string at an offset).
import { type TableDef, type TableRule, rule, xen, linux, table } from '../model/rules.js';
import { layout, u8, u16, u32, bytes, type FieldsOf } from '../layout/schema.js';
import { fieldsOf, fieldsIn, tablePath } from '../layout/codec.js';
import { hex } from '../layout/diagnostics.js';
import { headerField, gasField, gasRange, ACCESS_WIDTHS, SERIAL_PORT } from './common.js';

/** Interface types are DBG2's serial port subtypes (Microsoft DBG2 table 3; ACPICA's ACPI_DBG2_*):
 * 0x07 is reserved. */
export const SPCR_INTERFACE_TYPES: Record<number, string> = {
  0x00: '16550 compatible',
  0x01: '16550 subset (DBGP revision 1)',
  0x02: 'MAX311xE SPI UART',
  0x03: 'ARM PL011 UART',
  0x04: 'MSM8x60',
  0x05: 'Nvidia 16550',
  0x06: 'TI OMAP',
  0x08: 'APM88xxxx',
  0x09: 'MSM8974',
  0x0a: 'SAM5250',
  0x0b: 'Intel USIF',
  0x0c: 'i.MX 6',
  0x0d: 'ARM SBSA (2.x only) Generic UART, 32-bit accesses',
  0x0e: 'ARM SBSA Generic UART',
  0x0f: 'ARM DCC',
  0x10: 'BCM2835',
  0x11: 'SDM845 (1.8432 MHz clock)',
  0x12: '16550 compatible (GAS parameters)',
  0x13: 'SDM845 (7.372 MHz clock)',
  0x14: 'Intel LPSS',
  0x15: 'RISC-V SBI console',
};

const rev4 = { when: (g: { revision: number }) => g.revision >= 4 };

/** The interface types Xen drives (its ACPI UART drivers' class types): 16550, PL011, the two SBSA UARTs. */
const XEN_UARTS = new Set([0x00, 0x03, 0x0d, 0x0e]);
/** The interface types Linux's PL011/SBSA driver takes (sbsa_uart_probe() for ARMH0011, ARMHB000). */
const SBSA_UART_DRIVEN = new Set([0x03, 0x0d, 0x0e]);
const PL011_PROBE = 'drivers/tty/serial/amba-pl011.c sbsa_uart_probe(), pl011_setup_port() (the console UART)';
const XEN_16550 = 'xen/drivers/char/ns16550.c ns16550_acpi_uart_init(), ns_read_reg()';

/** What Xen's own boot code does with a host's SPCR (--xen-host; docs/xen-host.md XH29-XH32). */
const xenHostRules: TableRule[] = [
  rule({
    xenHost: true,
    codes: {
      XEN_HOST_NO_SPCR: {
        summary: 'the root table lists no SPCR',
        consumers: [
          xen(
            '4.17+',
            'function-lost',
            '"Unable to get spcr table": Xen has no serial console (XH29)',
            'xen/drivers/char/uart-init.c acpi_uart_init() (arm-uart.c before 4.20)',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_SPCR_TYPE: {
        summary: 'an SPCR interface type Xen has no driver for (it drives 16550 0x00, PL011 0x03 and the SBSA UARTs 0x0D, 0x0E)',
        consumers: [
          xen(
            '4.17+',
            'function-lost',
            '"Unable to initialize acpi uart": no console for Xen, and the UART is still withheld from dom0 (its MMIO denied, STAO UART ignore) (XH30)',
            'xen/drivers/char/uart-init.c acpi_uart_init(); xen/arch/arm/acpi/domain_build.c acpi_iomem_deny_access()',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_SPCR_16550: {
        summary: 'a 16550 SPCR whose register block is not in system memory, or at address 0',
        consumers: [xen('4.17+', 'function-lost', '"Address space type is not mmio" or "Console redirection is disabled": no console (XH31)', XEN_16550)],
        xenHost: true,
      },
      XEN_HOST_SPCR_ACCESS: {
        summary: 'a 16550 SPCR whose access size code is neither 1 nor 4: Xen takes the code for the register width in bytes, and only 1 and 4 make accesses',
        consumers: [xen('4.17+', 'function-lost', 'every register read returns 0xFF and every write is dropped: a silent console (XH32)', XEN_16550)],
        xenHost: true,
      },
    },
    run(c) {
      const f: Partial<FieldsOf<typeof spcrLayout>> = fieldsOf({ layout: spcrLayout }, c.entry.table);
      const type = Number(f.interface_type ?? 0);
      if (!XEN_UARTS.has(type)) {
        c.report(
          'XEN_HOST_SPCR_TYPE',
          at('interface_type'),
          `interface type ${hex(type, 2)} (${SPCR_INTERFACE_TYPES[type] ?? 'unknown'}): Xen has no driver for it, so no console, and dom0 ` +
            `does not get the UART either`,
        );
        return;
      }
      if (type !== 0x00) return;
      // a SPCR too short for its register block: the decode finding says so
      const port = f.serial_port;
      if (!port) return;
      const space = Number(port.space_id ?? 0);
      if (space !== 0 || BigInt(port.address ?? 0n) === 0n) {
        c.report(
          'XEN_HOST_SPCR_16550',
          at(space !== 0 ? 'serial_port.space_id' : 'serial_port.address'),
          space !== 0
            ? `the 16550 is in address space ${space}: "ns16550: Address space type is not mmio", no console`
            : 'the 16550 is at address 0: "Console redirection is disabled", no console',
        );
        return;
      }
      const width = Number(port.access_width ?? 0);
      if (width !== 1 && width !== 4)
        c.report(
          'XEN_HOST_SPCR_ACCESS',
          at('serial_port.access_width'),
          `access size code ${width}${ACCESS_WIDTHS.names[width] ? ` (${ACCESS_WIDTHS.names[width]})` : ''}: Xen uses the code as the ` +
            `register width in bytes, and makes accesses only for 1 and 4, so its console reads 0xFF and writes nothing`,
        );
    },
  }),
];

/** The Configured Baud Rate codes the SPCR defines (0: as the firmware left it). */
export const SPCR_BAUD_RATES: Record<number, string> = { 0: 'as is', 3: '9600', 4: '19200', 6: '57600', 7: '115200' };

const baudRule = rule({
  codes: {
    // reported by the `valid` rule of baud_rate
    SPCR_BAUD_RATE: {
      summary: 'a Configured Baud Rate code the SPCR does not define (it defines 0 "as is", 3, 4, 6 and 7)',
      consumers: [
        linux(
          'all',
          'function-lost',
          'acpi_parse_spcr() gives up without a message: no earlycon and no preferred console from the SPCR, so the serial console is ' +
            'silent unless console= names it (kernels with precise baud rate support, 6.12 among them, first use a non-zero Precise Baud ' +
            'Rate of a revision 4 SPCR instead)',
          'drivers/acpi/spcr.c acpi_parse_spcr()',
        ),
        xen(
          '4.17+',
          'unused',
          'Xen never reads the code: its UART keeps the line settings the firmware left (BAUD_AUTO)',
          'xen/drivers/char/ns16550.c ns16550_acpi_uart_init(); xen/drivers/char/pl011.c pl011_acpi_uart_init()',
        ),
      ],
    },
  },
});

export const spcrLayout = layout('spcr', [
  headerField(),
  u8('interface_type', 'Interface Type'),
  bytes('reserved', 'Reserved', 3, { show: 'number' }),
  gasField('serial_port', 'Serial Port Register'),
  u8('interrupt_type', 'Interrupt Type', {
    flagsLabel: 'Interrupt Type',
    bits: [
      { name: 'pcat', label: 'PC-AT compatible IRQ', bit: 0 },
      { name: 'io_apic', label: 'I/O APIC', bit: 1 },
      { name: 'io_sapic', label: 'I/O SAPIC', bit: 2 },
      { name: 'gic', label: 'ARMH GIC', bit: 3 },
      { name: 'riscv_plic', label: 'RISC-V PLIC/APLIC', bit: 4 },
    ],
  }),
  u8('pc_interrupt', 'PCAT-compatible IRQ'),
  u32('interrupt', 'Interrupt'),
  u8('baud_rate', 'Baud Rate', {
    valid: {
      code: 'SPCR_BAUD_RATE',
      test: (v, n): string | undefined => {
        if (Number(v) in SPCR_BAUD_RATES) return undefined;
        const f: Partial<FieldsOf<typeof spcrLayout>> = fieldsIn({ layout: spcrLayout }, n);
        const precise = Number(f.precise_baudrate ?? 0);
        return `baud rate code ${Number(v)} is none the SPCR defines (${Object.entries(SPCR_BAUD_RATES)
          .map(([k, r]) => `${k}: ${r}`)
          .join(', ')}): Linux sets up no console from the SPCR${precise ? ` (kernels that read the Precise Baud Rate use its ${precise} instead)` : ''}`;
      },
    },
  }),
  u8('parity', 'Parity'),
  u8('stop_bits', 'Stop Bits'),
  u8('flow_control', 'Flow Control'),
  u8('terminal_type', 'Terminal Type'),
  u8('language', 'Language'),
  u16('pci_device_id', 'PCI Device ID'),
  u16('pci_vendor_id', 'PCI Vendor ID'),
  u8('pci_bus', 'PCI Bus'),
  u8('pci_device', 'PCI Device'),
  u8('pci_function', 'PCI Function'),
  u32('pci_flags', 'PCI Flags'),
  u8('pci_segment', 'PCI Segment'),
  u32('uart_clk_freq', 'Uart Clock Freq', { labelFor: (g) => (g.revision >= 3 ? 'Uart Clock Freq' : 'Reserved') }),
  u32('precise_baudrate', 'Precise Baud Rate', rev4),
  u16('namespace_string_length', 'NameSpace String Length', rev4),
  u16('namespace_string_offset', 'NameSpace String Offset', rev4),
]);

const at = tablePath('SPCR', spcrLayout);

export const spcr = table({
  name: 'SPCR',
  label: 'Serial Port Console Redirection table',
  minLength: 80,
  rules: [baudRule, ...xenHostRules],
  xenHostRequired: 'XEN_HOST_NO_SPCR',
  regions: (t) => {
    // a table cut short of its fixed fields (decoded with faults) may lack the port: Partial
    const f: Partial<FieldsOf<typeof spcrLayout>> = fieldsOf({ layout: spcrLayout }, t);
    // a PL011 or SBSA UART's ACPI device (ARMH0011, ARMHB000) requests its registers when it probes
    const claims =
      f.serial_port && SBSA_UART_DRIVEN.has(Number(f.interface_type)) ? [{ base: BigInt(f.serial_port.address), size: 0x1000n, by: PL011_PROBE }] : undefined;
    return gasRange(f.serial_port, `${at('serial_port')} (console UART)`, 0x1000n, { device: SERIAL_PORT, ...(claims && { claims }) });
  },
  summary: (e) => {
    const f: Partial<FieldsOf<typeof spcrLayout>> = fieldsOf({ layout: spcrLayout }, e.table);
    const port = f.serial_port;
    const it = Number(f.interface_type ?? 0);
    return `rev ${f.header?.revision}, ${SPCR_INTERFACE_TYPES[it] ?? `type ${hex(it)}`} @ ${port ? hex(port.address) : '?'}, GSIV ${Number(f.interrupt ?? 0)}`;
  },
  layout: spcrLayout,
  parts: [{ key: 'namespace_string', label: 'NameSpace String', kind: 'strings', size: 'namespace_string_length', offset: 'namespace_string_offset' }],
}) satisfies TableDef;
