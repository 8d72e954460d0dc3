// Smaller tables an Arm server ships, as iasl decodes them: SDEI (header only), BGRT (boot
// graphics), SPMI (IPMI), WDAT (watchdog instructions), PDTT (platform debug triggers), FPDT
// (performance record pointers) and TPM2 (revision 3 and 4 layouts, start-method parameters).
import { layout, u8, u16, u24, u32, u64, bytes, valueNames } from '../layout/schema.js';
import { family, container, fieldsOf, tablePath, type ContainerDef } from '../layout/codec.js';
import { type TableRule, type TableDef, rule, linux, spec } from '../model/rules.js';
import { headerField, gasField } from './common.js';

export const sdei = {
  name: 'SDEI',
  label: 'Software Delegated Exception Interface Table',
  minLength: 36,
  layout: layout('sdei', [headerField()]),
} satisfies TableDef;

export const bgrt = {
  name: 'BGRT',
  label: 'Boot Graphics Resource Table',
  minLength: 56,
  layout: layout('bgrt', [
    headerField(),
    u16('version', 'Version'),
    u8('status', 'Status', {
      bits: [
        { name: 'displayed', label: 'Displayed', bit: 0 },
        { name: 'orientation', label: 'Orientation Offset', bit: 1, width: 2 },
      ],
    }),
    u8('image_type', 'Image Type'),
    u64('image_address', 'Image Address'),
    u32('image_offset_x', 'Image OffsetX'),
    u32('image_offset_y', 'Image OffsetY'),
  ]),
} satisfies TableDef;

export const spmi = {
  name: 'SPMI',
  label: 'Server Platform Management Interface table',
  minLength: 65,
  layout: layout('spmi', [
    headerField(),
    u8('interface_type', 'Interface Type'),
    u8('reserved', 'Reserved'),
    u16('spec_revision', 'IPMI Spec Version'),
    u8('interrupt_type', 'Interrupt Type'),
    u8('gpe_number', 'GPE Number'),
    u8('reserved1', 'Reserved'),
    u8('pci_device_flag', 'PCI Device Flag'),
    u32('interrupt', 'Interrupt'),
    gasField('ipmi_register', 'IPMI Register'),
    u8('pci_segment', 'PCI Segment'),
    u8('pci_bus', 'PCI Bus'),
    u8('pci_device', 'PCI Device'),
    u8('pci_function', 'PCI Function'),
    u8('reserved2', 'Reserved'),
  ]),
} satisfies TableDef;

const wdatEntry = {
  name: 'entry',
  label: 'Watchdog Instruction Entry',
  layout: layout('wdat_entry', [
    u8('action', 'Watchdog Action'),
    u8('instruction', 'Instruction'),
    u16('reserved', 'Reserved'),
    gasField('register', 'Register Region'),
    u32('value', 'Value'),
    u32('mask', 'Register Mask'),
  ]),
} satisfies TableDef;

export const wdat = container({
  name: 'WDAT',
  label: 'Watchdog Action Table',
  minLength: 68,
  layout: layout('wdat', [
    headerField(),
    u32('header_length', 'Header Length'),
    u16('pci_segment', 'PCI Segment'),
    u8('pci_bus', 'PCI Bus'),
    u8('pci_device', 'PCI Device'),
    u8('pci_function', 'PCI Function'),
    u24('reserved', 'Reserved'),
    u32('timer_period', 'Timer Period'),
    u32('max_count', 'Max Count'),
    u32('min_count', 'Min Count'),
    u8('flags', 'Flags', {
      bits: [
        { name: 'enabled', label: 'Enabled', bit: 0 },
        { name: 'stopped_when_asleep', label: 'Stopped When Asleep', bit: 7 },
      ],
    }),
    u24('reserved2', 'Reserved'),
    u32('entry_count', 'Watchdog Entry Count'),
  ]),
  parts: [{ key: 'items', label: 'Entries', kind: 'records', record: wdatEntry, count: 'entry_count' }],
}) satisfies TableDef;

const trigger = container({
  name: 'trigger',
  label: 'Trigger',
  key: { subchannel: 'subchannel_id' },
  layout: layout('pdtt_trigger', [
    u8('subchannel_id', 'Subchannel Id'),
    u8('flags', 'Flags', {
      flagsLabel: 'Flags (Decoded Below)',
      bits: [
        { name: 'runtime', label: 'Runtime Trigger', bit: 0 },
        { name: 'wait', label: 'Wait for Completion', bit: 1 },
        { name: 'order', label: 'Trigger Order', bit: 2 },
      ],
    }),
  ]),
}) satisfies TableDef;

export const pdtt = container({
  name: 'PDTT',
  label: 'Platform Debug Trigger Table',
  minLength: 44,
  layout: layout('pdtt', [headerField(), u8('trigger_count', 'Trigger Count'), u24('reserved', 'Reserved'), u32('array_offset', 'Array Offset')]),
  parts: [{ key: 'items', label: 'Triggers', kind: 'records', record: trigger, count: 'trigger_count', offset: 'array_offset' }],
}) satisfies TableDef;

const fpdtHead = () => [u16('type', 'Subtable Type'), u8('length', 'Length', { derive: 'length' as const }), u8('revision', 'Revision')];
const fpdtRecord = (name: string, label: string, addressLabel: string): ContainerDef => ({
  name,
  label,
  minLength: 16,
  layout: layout(`fpdt_${name}`, [...fpdtHead(), u32('reserved', 'Reserved'), u64('address', addressLabel)]),
});
const fpdtFamily = family({
  typeWidth: 2,
  lengthOffset: 2,
  lengthWidth: 1,
  headerSize: 4,
  byType: {
    [0]: fpdtRecord('boot', 'Firmware Basic Boot Performance Record', 'FPDT Boot Record Address'),
    [1]: fpdtRecord('s3', 'S3 Performance Table Record', 'S3PT Record Address'),
  },
  unknown: { name: 'record', label: 'Unknown Record', tailLabel: 'Record data (not decoded)', layout: layout('fpdt_unknown', fpdtHead()) },
});

export const fpdt = {
  name: 'FPDT',
  label: 'Firmware Performance Data Table',
  minLength: 36,
  layout: layout('fpdt', [headerField()]),
  parts: [{ key: 'items', label: 'Records', kind: 'subtables', family: fpdtFamily }],
} satisfies TableDef;

export const TPM2_START_METHODS = valueNames(
  {
    0: 'Illegal Start Method value',
    1: 'Reserved',
    2: 'ACPI Start Method',
    3: 'Reserved',
    4: 'Reserved',
    5: 'Reserved',
    6: 'Memory Mapped I/O',
    7: 'Command Response Buffer',
    8: 'Command Response Buffer with ACPI Start Method',
    9: 'Reserved',
    10: 'Reserved',
    11: 'Command Response Buffer with ARM SMC',
  },
  'Unknown Subtable Type',
);
const TPM2_ARM_SMC = 11;

/** TPM2 revision 4 (TCG ACPI 1.2+): the start-method parameters, the optional log area, and for
 * the Arm SMC start method its parameters after them (where ACPICA reads them). */
const tpm2v4 = {
  name: 'TPM2',
  label: 'Trusted Platform Module hardware interface table',
  minLength: 52,
  layout: layout('tpm2', [
    headerField(),
    u16('platform_class', 'Platform Class'),
    u16('reserved', 'Reserved'),
    u64('control_address', 'Control Address'),
    u32('start_method', 'Start Method', { enum: TPM2_START_METHODS }),
    bytes('method_parameters', 'Method Parameters', 12, { optional: true }),
    u32('minimum_log_length', 'Minimum Log Length', { optional: true }),
    u64('log_address', 'Log Address', { optional: true }),
    u32('global_interrupt', 'Global Interrupt', { when: (g) => g.read?.('start_method') === TPM2_ARM_SMC }),
    u8('interrupt_flags', 'Interrupt Flags', { optional: true }),
    u8('operation_flags', 'Operation Flags', { optional: true }),
    u16('reserved2', 'Reserved', { optional: true }),
    u32('function_id', 'Function ID', { optional: true }),
  ]),
} satisfies TableDef;

const tpm2Rules: TableRule[] = [
  rule({
    codes: {
      TPM2_LENGTH: {
        summary: 'a revision 4 TPM2 that is not 52, 64 or 76 bytes (without or with the start-method parameters and the log area)',
        consumers: [
          linux(
            'all',
            'ignored',
            'the fields the table holds are read (a table too short for its start method is refused)',
            'drivers/char/tpm/tpm_crb.c crb_acpi_add()',
          ),
          spec('a revision 4 TPM2 is 52, 64 or 76 bytes', 'TCG ACPI Specification 1.3, Table 7'),
        ],
      },
    },
    run(c) {
      const len = c.entry.bytes.length;
      if (fieldsOf(tpm2v4, c.entry.table).header.revision >= 4 && ![52, 64, 76].includes(len)) {
        c.report('TPM2_LENGTH', tablePath('TPM2', tpm2v4.layout)('header.length'), `${len} bytes; a revision 4 TPM2 is 52, 64 or 76`);
      }
    },
  }),
];

/** TPM2 revision 3 (TCG 1.2 era): no platform class, a 4-byte trailer for the ACPI start method. */
export const tpm2 = {
  name: 'TPM2',
  label: 'Trusted Platform Module hardware interface table',
  minLength: 52,
  layout: layout('tpm2_rev3', [
    headerField(),
    u32('reserved', 'Reserved'),
    u64('control_address', 'Control Address'),
    u32('start_method', 'Start Method'),
    u32('reserved2', 'Reserved', { when: (g) => g.read?.('start_method') === 2 }),
  ]),
  variants: [{ minRevision: 4, def: { ...tpm2v4, rules: tpm2Rules } }],
} satisfies TableDef;
