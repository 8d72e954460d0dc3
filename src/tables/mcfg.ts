// MCFG, PCI Firmware Specification 3.3 §4.1.2: 8 reserved bytes, then one 16-byte allocation per
// ECAM window (base, segment, start and end bus).
import { layout, u8, u16, u32, u64 } from '../layout/schema.js';
import { container, fieldPath, fieldsIn, fieldsOf, type Node } from '../layout/codec.js';
import { type TableRule, type TableDef, rule, linux } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { headerField } from './common.js';

/** The ECAM window an allocation describes: 1 MiB per bus from StartBus to EndBus. */
export function ecamWindow(n: Node): [bigint, bigint] {
  const f = fieldsOf(mcfgAllocation, n);
  return [f.base_address + (BigInt(f.start_bus) << 20n), f.base_address + ((BigInt(f.end_bus) + 1n) << 20n)];
}

const rules: TableRule[] = [
  rule({
    codes: {
      // reported by the `valid` rule of allocation.end_bus
      MCFG_BUS_RANGE: {
        summary: 'an allocation whose start bus is above its end bus',
        consumers: [
          linux(
            'all',
            'function-lost',
            'no bus falls in the window: the segment has no ECAM, so no PCI config space',
            'drivers/acpi/pci_mcfg.c pci_mcfg_lookup()',
          ),
        ],
      },
      MCFG_OVERLAP: {
        summary: 'two ECAM windows overlap',
        consumers: [
          linux(
            'all',
            'function-lost',
            'two segments share config space: accesses to one reach the other',
            'drivers/acpi/pci_mcfg.c pci_mcfg_lookup(); drivers/pci/ecam.c pci_ecam_create()',
          ),
        ],
      },
    },
    run(c) {
      const items = c.entry.table.items ?? [];
      for (let i = 0; i < items.length; i++) {
        for (let j = 0; j < i; j++) {
          const [a, b] = [ecamWindow(items[i]), ecamWindow(items[j])];
          if (a[0] < b[1] && b[0] < a[1])
            c.report(
              'MCFG_OVERLAP',
              fieldPath(`MCFG.allocation[${i}]`, mcfgAllocation, 'base_address'),
              `ECAM window ${hex(a[0])}-${hex(a[1])} overlaps allocation ${j}'s ${hex(b[0])}-${hex(b[1])}`,
            );
        }
      }
    },
  }),
];

export const mcfgAllocation = container({
  name: 'allocation',
  label: 'Configuration Space Allocation',
  key: { segment: 'segment', bus: 'start_bus' },
  layout: layout('mcfg_allocation', [
    u64('base_address', 'Base Address'),
    u16('segment', 'Segment Group Number'),
    u8('start_bus', 'Start Bus Number'),
    u8('end_bus', 'End Bus Number', {
      valid: {
        code: 'MCFG_BUS_RANGE',
        test: (end, n): string | undefined => {
          const start = Number(fieldsIn(mcfgAllocation, n).start_bus);
          return start > Number(end) ? `bus range ${start}-${Number(end)} is empty` : undefined;
        },
      },
    }),
    u32('reserved', 'Reserved'),
  ]),
}) satisfies TableDef;

export const mcfg = {
  name: 'MCFG',
  label: 'Memory Mapped Configuration table',
  minLength: 44,
  layout: layout('mcfg', [headerField(), u64('reserved', 'Reserved')]),
  rules,
  regions: (t) =>
    (t.items ?? []).map((n, i) => {
      const [lo, hi] = ecamWindow(n);
      const size = hi > lo ? hi - lo : 0n;
      // the host bridge requests its ECAM window: a conflict fails it ("can't claim ECAM area")
      const claims = [{ base: lo, size, by: 'drivers/pci/ecam.c pci_ecam_create() (the PCI host bridge)' }];
      return { base: lo, size, what: `MCFG.allocation[${i}] (ECAM, segment ${Number(n.fields.segment)})`, claims };
    }),
  summary: (e) =>
    (e.table.items ?? [])
      .map((n) => {
        const f = fieldsOf(mcfgAllocation, n);
        return `segment ${f.segment} buses ${f.start_bus}-${f.end_bus} @ ${hex(f.base_address)}`;
      })
      .join('; '),
  parts: [{ key: 'items', label: 'Allocations', kind: 'records', record: mcfgAllocation }],
} satisfies TableDef;
