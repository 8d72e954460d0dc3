// HEST, ACPI 6.5 §18.3.2: error sources — IA-32 machine check (with its banks), corrected machine
// check, NMI, PCIe root port / endpoint / bridge AER, GHES and GHESv2 (with their notification
// structures), IA-32 deferred machine check. No length field: each type's size follows from the
// type (and its bank count).
import { layout, u8, u16, u24, u32, u64, bytes, struct, type Bit, type Field, valueNames } from '../layout/schema.js';
import { family, type ContainerDef, type PartDef, type ItemKey, type FieldName, segmentName, fieldsOf, fieldPath, hasField } from '../layout/codec.js';
import { type TableRule, type TableDef, rule, linux, table } from '../model/rules.js';
import { headerField, gasField, gasRange } from './common.js';
import { itemPaths } from './topology-rules.js';

export const HEST_TYPES = valueNames(
  {
    0: 'IA-32 Machine Check Exception',
    1: 'IA-32 Corrected Machine Check',
    2: 'IA-32 Non-Maskable Interrupt',
    6: 'PCI Express Root Port AER',
    7: 'PCI Express AER (AER Endpoint)',
    8: 'PCI Express/PCI-X Bridge AER',
    9: 'Generic Hardware Error Source',
    10: 'Generic Hardware Error Source V2',
    11: 'IA-32 Deferred Machine Check',
  },
  'Unknown Subtable Type',
);
export const HEST_GHES = 9;
export const HEST_GHES_V2 = 10;

export const HEST_NOTIFY_TYPES = valueNames(
  {
    0: 'Polled',
    1: 'External Interrupt',
    2: 'Local Interrupt',
    3: 'SCI',
    4: 'NMI',
    5: 'CMCI',
    6: 'MCE',
    7: 'GPIO',
    8: 'SEA',
    9: 'SEI',
    10: 'GSIV',
    11: 'Software Delegated Exception',
  },
  'Unknown Notify Type',
);

const notify = layout('hest_notify', [
  u8('type', 'Notify Type', { enum: HEST_NOTIFY_TYPES }),
  u8('length', 'Notify Length'),
  u16('config_write_enable', 'Configuration Write Enable'),
  u32('poll_interval', 'PollInterval'),
  u32('vector', 'Vector'),
  u32('polling_threshold_value', 'Polling Threshold Value'),
  u32('polling_threshold_window', 'Polling Threshold Window'),
  u32('error_threshold_value', 'Error Threshold Value'),
  u32('error_threshold_window', 'Error Threshold Window'),
]);
const notifyField = (): Field => struct('notify', 'Notify', notify, { title: 'Hardware Error Notification Structure' });

/** What every error source starts with: its type and source ID (read through this layout). */
const sourceHead = layout('hest_source', [u16('type', 'Subtable Type', { enum: HEST_TYPES }), u16('source_id', 'Source Id')]);
const SOURCE = { layout: sourceHead };
const head = () => [...sourceHead.fields] as const;
const MC_FLAGS: Bit[] = [
  { name: 'firmware_first', label: 'Firmware First', bit: 0 },
  { name: 'ghes_assist', label: 'GHES Assist', bit: 2 },
];

const bank = {
  name: 'bank',
  label: 'Error Bank',
  layout: layout('hest_bank', [
    u8('bank_number', 'Bank Number'),
    u8('clear_status_on_init', 'Clear Status On Init'),
    u8('status_format', 'Status Format'),
    u8('reserved', 'Reserved'),
    u32('control_register', 'Control Register'),
    u64('control_data', 'Control Data'),
    u32('status_register', 'Status Register'),
    u32('address_register', 'Address Register'),
    u32('misc_register', 'Misc Register'),
  ]),
} satisfies TableDef;
const BANK_SIZE = 28;

/** An error source whose size is its fixed fields, plus its banks when it has a bank count. */
/** An error source: the common head, then its own fields (their names kept in its type). */
function source<const F extends readonly Field[]>(name: string, label: string, fields: F, withBanks = false) {
  const l = layout(`hest_${name}`, [...head(), ...fields]);
  const banksAt = withBanks ? l.offsets[l.fields.findIndex((f) => f.name === 'bank_count')] : -1;
  return {
    name,
    label,
    minLength: l.size,
    key: { source: 'source_id' } satisfies ItemKey<FieldName<typeof sourceHead>>,
    layout: l,
    sizeAt: (buf: Uint8Array, at: number) => l.size + (withBanks && at + banksAt < buf.length ? buf[at + banksAt] * BANK_SIZE : 0),
    parts: withBanks
      ? ([{ key: 'banks', label: 'Error Banks', kind: 'records', record: bank, count: 'bank_count' }] as const satisfies readonly PartDef[])
      : undefined,
  } satisfies ContainerDef;
}

const common = () => [u32('records_to_preallocate', 'Records To Preallocate'), u32('max_sections_per_record', 'Max Sections Per Record')] as const;

const machineCheck = source(
  'machine_check',
  'IA-32 Machine Check Exception',
  [
    u16('reserved1', 'Reserved1'),
    u8('flags', 'Flags', { bits: MC_FLAGS }),
    u8('enabled', 'Enabled'),
    ...common(),
    u64('global_capability_data', 'Global Capability Data'),
    u64('global_control_data', 'Global Control Data'),
    u8('bank_count', 'Num Hardware Banks'),
    bytes('reserved2', 'Reserved2', 7, { show: 'number' }),
  ],
  true,
);

const correctedMc = (name: string, label: string) =>
  source(
    name,
    label,
    [
      u16('reserved1', 'Reserved1'),
      u8('flags', 'Flags', { bits: MC_FLAGS }),
      u8('enabled', 'Enabled'),
      ...common(),
      notifyField(),
      u8('bank_count', 'Num Hardware Banks'),
      u24('reserved2', 'Reserved2'),
    ],
    true,
  );

const nmi = source('nmi', 'IA-32 Non-Maskable Interrupt', [u32('reserved', 'Reserved'), ...common(), u32('max_raw_data_length', 'Max Raw Data Length')]);

const aer = () =>
  [
    u16('reserved1', 'Reserved'),
    u8('flags', 'Flags', {
      bits: [
        { name: 'firmware_first', label: 'Firmware First', bit: 0 },
        { name: 'global', label: 'Global', bit: 1 },
      ],
    }),
    u8('enabled', 'Enabled'),
    ...common(),
    u32('bus', 'Bus'),
    u16('device', 'Device'),
    u16('function', 'Function'),
    u16('device_control', 'DeviceControl'),
    u16('reserved2', 'Reserved'),
    u32('uncorrectable_mask', 'Uncorrectable Mask'),
    u32('uncorrectable_severity', 'Uncorrectable Severity'),
    u32('correctable_mask', 'Correctable Mask'),
    u32('advanced_capabilities', 'Advanced Capabilities'),
  ] as const;

const aerRoot = source('aer_root', 'PCI Express Root Port AER', [...aer(), u32('root_error_command', 'Root Error Command')]);
const aerEndpoint = source('aer_endpoint', 'PCI Express AER (AER Endpoint)', aer());
const aerBridge = source('aer_bridge', 'PCI Express/PCI-X Bridge AER', [
  ...aer(),
  u32('uncorrectable_mask2', '2nd Uncorrectable Mask'),
  u32('uncorrectable_severity2', '2nd Uncorrectable Severity'),
  u32('advanced_capabilities2', '2nd Advanced Capabilities'),
]);

const ghesFields = () =>
  [
    u16('related_source_id', 'Related Source Id'),
    u8('reserved', 'Reserved'),
    u8('enabled', 'Enabled'),
    ...common(),
    u32('max_raw_data_length', 'Max Raw Data Length'),
    gasField('error_status_address', 'Error Status Address'),
    notifyField(),
    u32('error_block_length', 'Error Status Block Length'),
  ] as const;
const ghes = source('ghes', 'Generic Hardware Error Source', ghesFields());
const ghesV2 = source('ghes_v2', 'Generic Hardware Error Source V2', [
  ...ghesFields(),
  gasField('read_ack_register', 'Read Ack Register'),
  u64('read_ack_preserve', 'Read Ack Preserve'),
  u64('read_ack_write', 'Read Ack Write'),
]);

export const hestFamily = family({
  typeWidth: 2,
  headerSize: 4,
  byType: {
    [0]: machineCheck,
    [1]: correctedMc('corrected_machine_check', 'IA-32 Corrected Machine Check'),
    [2]: nmi,
    [6]: aerRoot,
    [7]: aerEndpoint,
    [8]: aerBridge,
    [HEST_GHES]: ghes,
    [HEST_GHES_V2]: ghesV2,
    [11]: correctedMc('deferred_machine_check', 'IA-32 Deferred Machine Check'),
  },
  unknown: { name: 'source', label: 'Unknown Error Source', layout: layout('hest_unknown', head()) },
});

const rules: TableRule[] = [
  rule({
    codes: {
      HEST_SOURCE_ID: {
        summary: 'two error sources with one source ID',
        consumers: [
          linux(
            'all',
            'function-lost',
            'GHES platform devices are named by source ID: the second one cannot be added, and its errors are not reported',
            'drivers/acpi/apei/hest.c hest_ghes_dev_register()',
          ),
        ],
      },
    },
    run(c) {
      const seen = new Map<number, string>();
      const paths = itemPaths(c.entry, (n) => segmentName(hestFamily, Number(n.fields.type)));
      for (const n of c.entry.table.items ?? []) {
        if (!hasField(SOURCE, n, 'source_id')) continue;
        const id = fieldsOf(SOURCE, n).source_id;
        if (seen.has(id)) c.report('HEST_SOURCE_ID', fieldPath(paths.get(n)!, SOURCE, 'source_id'), `source ID ${id} is ${seen.get(id)}'s too`);
        else seen.set(id, paths.get(n)!);
      }
    },
  }),
];

export const hest = table({
  rules,
  regions: (t) => {
    const paths = itemPaths({ table: { signature: 'HEST', items: t.items } }, (n) => segmentName(hestFamily, Number(n.fields.type)));
    return (t.items ?? []).flatMap((n) => [
      ...gasRange(n.fields.error_status_address, `${paths.get(n)}.error_status_address (error status address)`, undefined, { memory: true }),
      ...gasRange(n.fields.read_ack_register, `${paths.get(n)}.read_ack_register (read ack register)`, undefined, { memory: true }),
    ]);
  },
  summary: (e) => {
    const counts = new Map<string, number>();
    for (const n of e.table.items ?? []) {
      const k = HEST_TYPES.names[Number(n.fields.type)] ?? `type ${n.fields.type}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return [...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'no error sources';
  },
  name: 'HEST',
  label: 'Hardware Error Source Table',
  minLength: 40,
  layout: layout('hest', [headerField(), u32('error_source_count', 'Error Source Count')]),
  parts: [{ key: 'items', label: 'Error Sources', kind: 'subtables', family: hestFamily, count: 'error_source_count' }],
}) satisfies TableDef;
