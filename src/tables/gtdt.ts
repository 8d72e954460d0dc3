// GTDT, ACPI 6.5 §5.2.25: rev 1 (80 bytes), rev 2 (96), rev 3 (104: virtual EL2 timer, present by
// revision as ACPICA decides). Platform timers (GT Block with its frames, SBSA watchdog) are read
// at PlatformTimerOffset; bytes between the fixed fields and that offset are kept.
import { layout, u8, u16, u32, u64, bytes, type Bit, type Gate, valueNames } from '../layout/schema.js';
import { type TableRule, type TableDef, rule, linux, acpica, xen, table } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { family, container, fieldsOf, hasField, itemOf, segmentName, type FieldName, type FieldPath } from '../layout/codec.js';
import { itemPaths } from './topology-rules.js';
import { headerField, TIMER_FLAG_BITS, rangeAt } from './common.js';

export const GTDT_TYPES = valueNames({ 0: 'Generic Timer Block', 1: 'Generic Watchdog Timer' }, 'Unknown Subtable Type');

/** Platform timers placed where the virtual EL2 timer would be (ACPI 6.3 firmware, iasl's own
 * template): the GTDT is read with the revision 2 layout. */
function timersAt96(g: Gate): boolean {
  const at = g.read?.('platform_timer_offset') ?? 0;
  if ((g.read?.('platform_timer_count') ?? 0) === 0 || at >= GTDT_V3_SIZE || !g.peek) return false;
  // a platform timer really starts there (not the virtual EL2 GSIV of a GTDT with a stale offset)
  const type = g.peek(at, 1);
  const len = g.peek(at + 1, 2);
  return (type === 0 || type === 1) && len >= 20 && at + len <= g.length;
}
const rev3 = {
  when: (g: Gate) => g.revision >= 3 && !timersAt96(g),
  fallback: (g: Gate) =>
    g.revision >= 3 && timersAt96(g)
      ? `revision ${g.revision} GTDT with platform timers at ${hex(g.read!('platform_timer_offset'))}: no virtual EL2 timer fields, read ` +
        `with the revision 2 layout`
      : undefined,
};

const GT_FRAME_FLAG_BITS: Bit[] = TIMER_FLAG_BITS.slice(0, 2);

export const gtTimer = {
  name: 'timer',
  label: 'Generic Timer Block Timer',
  layout: layout('gt_timer', [
    u8('frame_number', 'Frame Number'),
    bytes('reserved', 'Reserved', 3, { show: 'number' }),
    u64('base_address', 'Base Address'),
    u64('el0_base_address', 'EL0 Base Address'),
    u32('timer_interrupt', 'Timer Interrupt'),
    u32('timer_flags', 'Timer Flags', { bits: GT_FRAME_FLAG_BITS }),
    u32('virtual_timer_interrupt', 'Virtual Timer Interrupt'),
    u32('virtual_timer_flags', 'Virtual Timer Flags', { bits: GT_FRAME_FLAG_BITS }),
    u32('common_flags', 'Common Flags', {
      bits: [
        { name: 'secure', label: 'Secure', bit: 0 },
        { name: 'always_on', label: 'Always On', bit: 1 },
      ],
    }),
  ]),
} satisfies TableDef;

const typeField = () => u8('type', 'Subtable Type', { enum: GTDT_TYPES });
const lengthField = () => u16('length', 'Length', { derive: 'length' });

export const gtBlock = container({
  name: 'gt_block',
  label: 'Generic Timer Block',
  minLength: 20,
  layout: layout('gt_block', [
    typeField(),
    lengthField(),
    u8('reserved', 'Reserved'),
    u64('block_address', 'Block Address'),
    u32('timer_count', 'Timer Count'),
    u32('timer_offset', 'Timer Offset'),
  ]),
  parts: [{ key: 'items', label: 'Timers', kind: 'records', record: gtTimer, count: 'timer_count', offset: 'timer_offset' }],
}) satisfies TableDef;

export const watchdog = {
  name: 'watchdog',
  label: 'Generic Watchdog Timer',
  minLength: 28,
  layout: layout('watchdog', [
    typeField(),
    lengthField(),
    u8('reserved', 'Reserved'),
    u64('refresh_frame_address', 'Refresh Frame Address'),
    u64('control_frame_address', 'Control Frame Address'),
    u32('timer_interrupt', 'Timer Interrupt'),
    u32('timer_flags', 'Timer Flags', {
      bits: [...TIMER_FLAG_BITS.slice(0, 2), { name: 'secure', label: 'Security', bit: 2 }],
    }),
  ]),
} satisfies TableDef;

/** Platform timer types (GTDT revision 2+). */
export const GTDT_GT_BLOCK = 0;
export const GTDT_WATCHDOG = 1;

export const gtdtFamily = family({
  lengthOffset: 1,
  lengthWidth: 2,
  headerSize: 3,
  byType: { [GTDT_GT_BLOCK]: gtBlock, [GTDT_WATCHDOG]: watchdog },
  unknown: {
    name: 'subtable',
    label: 'Unknown Platform Timer',
    tailLabel: 'Subtable data (not decoded)',
    layout: layout('gtdt_unknown', [typeField(), lengthField()]),
  },
});

export const GTDT_V1_SIZE = 80;
export const GTDT_V2_SIZE = 96;
export const GTDT_V3_SIZE = 104;

const rules: TableRule[] = [
  rule({
    codes: {
      GTDT_REVISION_LENGTH: {
        summary: 'GTDT shorter than its revision implies (rev 2 ⇒ 96, rev ≥ 3 ⇒ 104)',
        consumers: [
          linux(
            'all',
            'ignored',
            'mainline reads no virtual EL2 timer (only VHE hosts would use it); the fields a short table lacks are not read',
            'drivers/acpi/arm64/gtdt.c acpi_gtdt_init(), acpi_gtdt_map_ppi()',
          ),
          acpica('all', 'workaround', 'the disassembler reads the table with the layout it has room for', 'dmtbdump2.c AcpiDmDumpGtdt()'),
        ],
      },
    },
    run(c) {
      const rev = fieldsOf(GTDT, c.entry.table).header.revision;
      const len = c.entry.bytes.length;
      const want = rev >= 3 ? GTDT_V3_SIZE : rev === 2 ? GTDT_V2_SIZE : undefined;
      if (want !== undefined && len < want)
        c.report('GTDT_REVISION_LENGTH', at('header.length'), `revision ${rev} GTDT is ${len} bytes; revision ${rev >= 3 ? '3' : '2'} needs at least ${want}`);
    },
  }),
  rule({
    dom0: true,
    codes: {
      DOM0_GTDT_VIRT_PPI: {
        summary: 'GTDT virtual EL1 timer GSIV is not a PPI (16-31): dom0 has no timer',
        consumers: [
          linux(
            'all',
            'hang',
            '"No interrupt available, giving up": no arch timer, the boot does not go on',
            'drivers/clocksource/arm_arch_timer.c arch_timer_select_ppi(), arch_timer_acpi_init()',
          ),
        ],
        dom0: true,
      },
      DOM0_GTDT_EL2_ZERO: {
        summary: 'GTDT EL2 timer GSIV 0: "[Firmware Bug]: Illegal GSI0" on Linux ≥ 5.18, IPI0 broken on 5.10-5.17 without the fix',
        consumers: [
          linux(
            '5.18+',
            'fw-bug-logged',
            '"[Firmware Bug]: Illegal GSI0 translation request": the EL2 timer, which dom0 at EL1 never uses, is not mapped (5.10-5.17 ' +
              'kernels without the 2022 stable fix reconfigure IPI0 instead)',
            'drivers/irqchip/irq-gic-v3.c gic_irq_domain_translate(); drivers/acpi/arm64/gtdt.c map_gt_gsi()',
          ),
        ],
        dom0: true,
      },
    },
    run(c) {
      const f = fieldsOf(GTDT, c.entry.table);
      const v = Number(f.virtual_timer_interrupt ?? 0);
      if (v < 16 || v > 31)
        c.report(
          'DOM0_GTDT_VIRT_PPI',
          at('virtual_timer_interrupt'),
          `virtual EL1 timer GSIV ${v} is not a PPI (16-31): dom0's arch timer cannot get its interrupt`,
        );
      if (hasField(GTDT, c.entry.table, 'non_secure_el2_interrupt') && Number(f.non_secure_el2_interrupt) === 0) {
        c.report(
          'DOM0_GTDT_EL2_ZERO',
          at('non_secure_el2_interrupt'),
          'EL2 timer GSIV 0: Linux >= 5.18 logs "[Firmware Bug]: Illegal GSI0 translation request"; 5.10-5.17 without the stable fix reconfigure IPI0',
        );
      }
    },
  }),
];

const XEN_VTIMER = 'xen/arch/arm/vtimer.c vcpu_vtimer_init() via vgic_reserve_virq(); xen/arch/arm/time.c arch_timer_acpi_init()';
/** The GTDT's own fields, read and named through its layout (the declaration is below). */
const GTDT = {
  get layout() {
    return gtdtLayout;
  },
};
const at = (path: FieldPath<typeof gtdtLayout>) => `GTDT.${path}`;
type GtdtField = FieldName<typeof gtdtLayout>;

const TIMERS: [GtdtField, string][] = [
  ['non_secure_el1_interrupt', 'non-secure EL1'],
  ['virtual_timer_interrupt', 'virtual'],
];

/** What Xen's own boot code does with a host's GTDT (--xen-host; docs/xen-host.md XH24-XH27). */
const xenHostRules: TableRule[] = [
  rule({
    xenHost: true,
    codes: {
      XEN_HOST_NO_GTDT: {
        summary: 'the root table lists no GTDT',
        consumers: [
          xen(
            '4.17+',
            'panic',
            'every timer GSIV stays 0: creating dom0 hits BUG() reserving interrupt 0, an SGI (XH24)',
            `xen/arch/arm/time.c preinit_acpi_xen_time(); ${XEN_VTIMER}`,
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_TIMER_GSIV: {
        summary: 'the non-secure EL1 or virtual timer GSIV is an SGI (below 16), or the two are equal',
        consumers: [xen('4.17+', 'panic', 'BUG() while creating dom0: the GSIV cannot be reserved for its vCPUs (XH25)', XEN_VTIMER)],
        xenHost: true,
      },
      XEN_HOST_TIMER_SECURE: {
        summary: 'the secure EL1 timer GSIV is an SGI (below 16; 0 when the secure timer is not exposed) or equals another timer GSIV',
        consumers: [xen('4.17', 'panic', 'BUG() while creating dom0: 4.17 also reserves the secure timer interrupt (fixed in 4.18) (XH26)', XEN_VTIMER)],
        xenHost: true,
      },
      XEN_HOST_TIMER_EDGE: {
        summary: 'the EL2, virtual or non-secure EL1 timer is described as edge triggered',
        consumers: [
          xen(
            '4.17+',
            'fw-bug-logged',
            '"WARNING: hypervisor-timer IRQn is not level triggered" (or virtual-, NS-physical-) (XH27)',
            'xen/arch/arm/time.c check_timer_irq_cfg()',
          ),
        ],
        xenHost: true,
      },
    },
    run(c) {
      const f = fieldsOf(GTDT, c.entry.table);
      const gsiv = (name: GtdtField) => Number(f[name] ?? 0);
      const [el1, virt] = TIMERS.map(([name]) => gsiv(name));
      const low = TIMERS.find(([name]) => gsiv(name) < 16);
      if (low) c.report('XEN_HOST_TIMER_GSIV', at(low[0]), `the ${low[1]} timer GSIV is ${gsiv(low[0])}, an SGI: Xen hits BUG() reserving it for dom0`);
      else if (el1 === virt)
        c.report(
          'XEN_HOST_TIMER_GSIV',
          at('virtual_timer_interrupt'),
          `the virtual timer GSIV ${virt} is the non-secure EL1 timer's too: Xen hits BUG() reserving it twice for dom0`,
        );
      const secure = gsiv('secure_el1_interrupt');
      if (secure < 16 || secure === el1 || secure === virt)
        c.report(
          'XEN_HOST_TIMER_SECURE',
          at('secure_el1_interrupt'),
          `the secure EL1 timer GSIV is ${secure}${secure < 16 ? ', an SGI' : ", another timer's too"}: Xen 4.17 hits BUG() reserving it for dom0`,
        );
      for (const [name, flags, what] of [
        ['non_secure_el2_interrupt', 'non_secure_el2_flags', 'EL2 (hypervisor)'],
        ['virtual_timer_interrupt', 'virtual_timer_flags', 'virtual'],
        ['non_secure_el1_interrupt', 'non_secure_el1_flags', 'non-secure EL1'],
      ] satisfies [GtdtField, GtdtField, string][])
        if (Number(f[flags] ?? 0) & 1)
          c.report(
            'XEN_HOST_TIMER_EDGE',
            at(flags),
            `the ${what} timer (GSIV ${gsiv(name)}) is described as edge triggered: Xen warns that it is not level triggered`,
          );
    },
  }),
];

export const gtdtLayout = layout('gtdt', [
  headerField(),
  u64('counter_block_address', 'Counter Block Address'),
  u32('reserved', 'Reserved'),
  u32('secure_el1_interrupt', 'Secure EL1 Interrupt'),
  u32('secure_el1_flags', 'EL1 Flags', { bits: TIMER_FLAG_BITS }),
  u32('non_secure_el1_interrupt', 'Non-Secure EL1 Interrupt'),
  u32('non_secure_el1_flags', 'NEL1 Flags', { bits: TIMER_FLAG_BITS }),
  u32('virtual_timer_interrupt', 'Virtual Timer Interrupt'),
  u32('virtual_timer_flags', 'VT Flags', { bits: TIMER_FLAG_BITS }),
  u32('non_secure_el2_interrupt', 'Non-Secure EL2 Interrupt'),
  u32('non_secure_el2_flags', 'NEL2 Flags', { bits: TIMER_FLAG_BITS }),
  u64('counter_read_block_address', 'Counter Read Block Address', { optional: true }),
  u32('platform_timer_count', 'Platform Timer Count', { optional: true }),
  u32('platform_timer_offset', 'Platform Timer Offset', { optional: true }),
  u32('virtual_el2_timer_gsiv', 'Virtual EL2 Timer GSIV', rev3),
  u32('virtual_el2_timer_flags', 'Virtual EL2 Timer Flags', { ...rev3, flagsLabel: 'Virtual EL2 Timer Flags', bits: TIMER_FLAG_BITS }),
]);

export const gtdt = table({
  once: true,
  rules: [...rules, ...xenHostRules],
  xenHostRequired: 'XEN_HOST_NO_GTDT',
  regions: (t) => {
    const f = fieldsOf(GTDT, t);
    const paths = itemPaths({ table: { signature: 'GTDT', items: t.items } }, (n) => segmentName(gtdtFamily, Number(n.fields.type)));
    return [
      ...rangeAt(f.counter_block_address, 0x1000n, 'GTDT.counter_block_address (CNTControlBase)'),
      ...rangeAt(f.counter_read_block_address, 0x1000n, 'GTDT.counter_read_block_address (CNTReadBase)'),
      ...(t.items ?? []).flatMap((b) => {
        const it = itemOf(gtdtFamily, b);
        const p = paths.get(b);
        if (it?.type === GTDT_WATCHDOG)
          return [
            ...rangeAt(it.fields.refresh_frame_address, 0x1000n, `${p}.refresh_frame_address (watchdog refresh frame)`),
            ...rangeAt(it.fields.control_frame_address, 0x1000n, `${p}.control_frame_address (watchdog control frame)`),
          ];
        if (it?.type !== GTDT_GT_BLOCK) return [];
        return [
          ...rangeAt(it.fields.block_address, 0x1000n, `${p}.block_address (CNTCTLBase)`),
          ...(b.items ?? []).flatMap((x, j) => [
            ...rangeAt(fieldsOf(gtTimer, x).base_address, 0x1000n, `${p}.timer[${j}].base_address (CNTBaseN)`),
            ...rangeAt(fieldsOf(gtTimer, x).el0_base_address, 0x1000n, `${p}.timer[${j}].el0_base_address (CNTEL0BaseN)`),
          ]),
        ];
      }),
    ];
  },
  summary: (e) => {
    const f = fieldsOf(GTDT, e.table);
    return (
      `rev ${f.header.revision}, virt EL1 GSIV ${Number(f.virtual_timer_interrupt ?? 0)}, EL2 GSIV ` +
      `${Number(f.non_secure_el2_interrupt ?? 0)}, ${e.table.items?.length ?? 0} platform timer(s)`
    );
  },
  name: 'GTDT',
  label: 'Generic Timer Description Table',
  minLength: GTDT_V1_SIZE,
  layout: gtdtLayout,
  parts: [
    {
      key: 'items',
      label: 'Platform Timers',
      kind: 'subtables',
      family: gtdtFamily,
      count: 'platform_timer_count',
      offset: 'platform_timer_offset',
      offsetInsideFixed: 'after',
    },
  ],
}) satisfies TableDef;
