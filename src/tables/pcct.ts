// PCCT, ACPI 6.5 §14.1: Platform Communications Channel subspaces — generic (type 0), HW-reduced
// (1, 2: with a platform ACK register), extended master/slave (3, 4). Type 5 (HW registers based,
// ACPI 6.4) and later are kept raw. Subspaces pair in diff by their index in the list: that index
// is the subspace ID other tables name.
import { layout, u8, u16, u32, u48, u64, type Field, valueNames } from '../layout/schema.js';
import { family, segmentName, type ContainerDef } from '../layout/codec.js';
import { itemPaths } from './topology-rules.js';
import { type TableRule, type TableDef, rule, linux } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { headerField, gasField, rangeAt } from './common.js';

export const PCCT_TYPES = valueNames(
  {
    0: 'Generic Communications Subspace',
    1: 'HW-Reduced Comm Subspace',
    2: 'HW-Reduced Comm Subspace Type2',
    3: 'Extended PCC Master Subspace',
    4: 'Extended PCC Slave Subspace',
    5: 'HW Registers based Comm Subspace',
  },
  'Unknown Subtable Type',
);

const head = () => [u8('type', 'Subtable Type', { enum: PCCT_TYPES }), u8('length', 'Length', { derive: 'length' })] as const;
const interruptFlags = () =>
  u8('flags', 'Flags', {
    flagsLabel: 'Flags (Decoded Below)',
    bits: [
      { name: 'polarity', label: 'Polarity', bit: 0 },
      { name: 'mode', label: 'Mode', bit: 1 },
    ],
  });
const channel = (lengthWidth: 4 | 8) =>
  [
    u64('base_address', 'Base Address'),
    lengthWidth === 8 ? u64('address_length', 'Address Length') : u32('address_length', 'Address Length'),
    gasField('doorbell_register', 'Doorbell Register'),
    u64('preserve_mask', 'Preserve Mask'),
    u64('write_mask', 'Write Mask'),
    u32('latency', 'Command Latency'),
    u32('max_access_rate', 'Maximum Access Rate'),
  ] as const;
const subspace = (name: string, label: string, fields: Field[]): ContainerDef => {
  const l = layout(`pcct_${name}`, [...head(), ...fields]);
  return { name, label, minLength: l.size, layout: l };
};

const generic = subspace('generic', 'Generic Communications Subspace', [
  u48('reserved', 'Reserved'),
  ...channel(8),
  u16('min_turnaround', 'Minimum Turnaround Time'),
]);
const reduced = (name: string, label: string, ack: boolean) =>
  subspace(name, label, [
    u32('platform_interrupt', 'Platform Interrupt'),
    interruptFlags(),
    u8('reserved', 'Reserved'),
    ...channel(8),
    u16('min_turnaround', 'Minimum Turnaround Time'),
    ...(ack ? [gasField('ack_register', 'Platform ACK Register'), u64('ack_preserve_mask', 'ACK Preserve Mask'), u64('ack_write_mask', 'ACK Write Mask')] : []),
  ]);
const extended = (name: string, label: string) =>
  subspace(name, label, [
    u32('platform_interrupt', 'Platform Interrupt'),
    interruptFlags(),
    u8('reserved1', 'Reserved'),
    ...channel(4),
    u32('min_turnaround', 'Minimum Turnaround Time'),
    gasField('ack_register', 'Platform ACK Register'),
    u64('ack_preserve_mask', 'ACK Preserve Mask'),
    u64('ack_set_mask', 'ACK Set Mask'),
    u64('reserved2', 'Reserved'),
    gasField('cmd_complete_register', 'Command Complete Register'),
    u64('cmd_complete_mask', 'Command Complete Check Mask'),
    gasField('cmd_update_register', 'Command Update Register'),
    u64('cmd_update_preserve_mask', 'Command Update Preserve Mask'),
    u64('cmd_update_set_mask', 'Command Update Set Mask'),
    gasField('error_status_register', 'Error Status Register'),
    u64('error_status_mask', 'Error Status Mask'),
  ]);

export const pcctFamily = family({
  lengthOffset: 1,
  lengthWidth: 1,
  headerSize: 2,
  byType: {
    [0]: generic,
    [1]: reduced('reduced', 'HW-Reduced Comm Subspace', false),
    [2]: reduced('reduced2', 'HW-Reduced Comm Subspace Type2', true),
    [3]: extended('master', 'Extended PCC Master Subspace'),
    [4]: extended('slave', 'Extended PCC Slave Subspace'),
  },
  unknown: { name: 'subspace', label: 'Unknown Subspace', tailLabel: 'Subspace data (not decoded)', layout: layout('pcct_unknown', head()) },
});

const rules: TableRule[] = [
  rule({
    codes: {
      PCCT_SUBSPACE_LENGTH: {
        summary: "a subspace whose length is not its type's (62, 62, 90, 164, 164 for types 0-4)",
        consumers: [
          linux(
            'all',
            'function-lost',
            "the subspace is read with its type's layout: a shorter one reads past its end, and its channel misbehaves",
            'drivers/mailbox/pcc.c acpi_pcc_probe(), pcc_parse_subspace_irq()',
          ),
        ],
      },
    },
    run(c) {
      (c.entry.table.items ?? []).forEach((n, i) => {
        const def = pcctFamily.types.get(Number(n.fields.type));
        if (def && Number(n.fields.length) !== def.layout.size)
          c.report(
            'PCCT_SUBSPACE_LENGTH',
            `PCCT.${def.name}[${(c.entry.table.items ?? []).slice(0, i).filter((x) => x.fields.type === n.fields.type).length}].length`,
            `subspace ${i} (type ${Number(n.fields.type)}) is ${Number(n.fields.length)} bytes; its type is ${def.layout.size}`,
          );
      });
    },
  }),
];

export const pcct = {
  rules,
  regions: (t) => {
    const paths = itemPaths({ table: { signature: 'PCCT', items: t.items } }, (n) => segmentName(pcctFamily, Number(n.fields.type)));
    return (t.items ?? []).flatMap((n, i) =>
      rangeAt(
        n.fields.base_address,
        BigInt((n.fields.address_length as bigint | number | undefined) ?? 0),
        `${paths.get(n)}.base_address (PCC shared memory, subspace ${i})`,
        {
          memory: true,
        },
      ),
    );
  },
  summary: (e) =>
    (e.table.items ?? [])
      .map((n, i) => `#${i} type ${Number(n.fields.type)}${n.fields.base_address !== undefined ? ` @ ${hex(BigInt(n.fields.base_address as bigint))}` : ''}`)
      .join(', ') || 'no subspaces',
  name: 'PCCT',
  label: 'Platform Communications Channel Table',
  minLength: 48,
  layout: layout('pcct', [headerField(), u32('flags', 'Flags', { bits: [{ name: 'platform', label: 'Platform', bit: 0 }] }), u64('reserved', 'Reserved')]),
  parts: [{ key: 'items', label: 'Subspaces', kind: 'subtables', family: pcctFamily, pairBy: 'index' }],
} satisfies TableDef;
