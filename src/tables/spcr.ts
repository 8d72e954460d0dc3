// SPCR, Microsoft "Serial Port Console Redirection Table" 1.10: rev 1-2 (80 bytes), rev 3 (byte 76
// becomes the UART clock), rev 4 (precise baud rate and an ACPI namespace string at an offset).
import type { TableDef } from '../model/rules.js';
import { layout, u8, u16, u32, bytes, type Fields } from '../layout/schema.js';
import { hex } from '../layout/diagnostics.js';
import { headerField, gasField, gasRange } from './common.js';

export const SPCR_INTERFACE_TYPES: Record<number, string> = {
  0x00: '16550 compatible',
  0x01: '16450 compatible',
  0x02: 'MAX311xE SPI UART',
  0x03: 'ARM PL011 UART',
  0x05: 'MSM8x60',
  0x06: 'Nvidia 16550',
  0x07: 'TI OMAP',
  0x09: 'APM88xxxx',
  0x0a: 'MSM8974',
  0x0b: 'SAM5250',
  0x0c: 'Intel USIF',
  0x0d: 'i.MX 6',
  0x0e: 'ARM SBSA (2.x only) Generic UART',
  0x0f: 'ARM SBSA Generic UART',
  0x10: 'ARM DCC',
  0x11: 'BCM2835',
  0x12: 'SDM845 (1.8432 MHz clock)',
  0x13: '16550 compatible (GAS parameters)',
  0x14: 'SDM845 (7.372 MHz clock)',
  0x15: 'Intel LPSS',
  0x16: 'RISC-V SBI console',
};

const rev4 = { when: (g: { revision: number }) => g.revision >= 4 };

export const spcr = {
  name: 'SPCR',
  label: 'Serial Port Console Redirection Table',
  minLength: 80,
  regions: (t) => gasRange(t.fields.serial_port, 'SPCR.serial_port (console UART)', 0x1000n),
  summary: (e) => {
    const f = e.table.fields;
    const port = f.serial_port as Fields | undefined;
    const it = Number(f.interface_type ?? 0);
    return `rev ${(f.header as Fields).revision}, ${SPCR_INTERFACE_TYPES[it] ?? `type ${hex(it)}`} @ ${port ? hex(port.address as bigint) : '?'}, GSIV ${Number(f.interrupt ?? 0)}`;
  },
  layout: layout('spcr', [
    headerField(),
    u8('interface_type', 'Interface Type', { enum: SPCR_INTERFACE_TYPES }),
    bytes('reserved', 'Reserved', 3),
    gasField('serial_port', 'Serial Port Register'),
    u8('interrupt_type', 'Interrupt Type', {
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
    u8('baud_rate', 'Baud Rate', { enum: { 0: 'as is', 3: '9600', 4: '19200', 6: '57600', 7: '115200' } }),
    u8('parity', 'Parity'),
    u8('stop_bits', 'Stop Bits'),
    u8('flow_control', 'Flow Control'),
    u8('terminal_type', 'Terminal Type', { enum: { 0: 'VT100', 1: 'VT100+', 2: 'VT-UTF8', 3: 'ANSI' } }),
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
  ]),
  parts: [{ key: 'namespace_string', label: 'NameSpace String', kind: 'strings', size: 'namespace_string_length', offset: 'namespace_string_offset' }],
} satisfies TableDef;
