// STAO, "ACPI Specification for Status Override Table" (LINARO-0002 v0.3), revision 1:
// a UART byte followed by NUL-terminated ACPI paths up to the table length.
import { layout, u8 } from '../layout/schema.js';
import { fieldsOf, tablePath } from '../layout/codec.js';
import { spcrLayout } from './spcr.js';
import { type RuleContext, type TableRule, type TableDef, rule, linux, spec, tool } from '../model/rules.js';
import { namespaceOf, oneMachine, reportAt } from './aml-joins.js';
import { fullPathOf, type AmlDevice } from '../aml/devices.js';
import type { ResourceDescriptor } from '../aml/resources.js';
import { hex } from '../layout/diagnostics.js';
import { headerField } from './common.js';

/** The memory range Linux reads from a descriptor to find the STAO's UART: Memory24 (its base in
 * 256-byte units), Memory32 and Memory32Fixed only (drivers/acpi/resource.c acpi_dev_resource_memory()). */
function linuxMemoryBase(d: ResourceDescriptor): bigint | undefined {
  const f = d.fields;
  if (d.type === 'Memory24') return BigInt(f.min as number) << 8n;
  if (d.type === 'Memory32') return BigInt(f.min as number);
  if (d.type === 'Memory32Fixed') return BigInt(f.base as number);
  return undefined;
}

/** Every memory range a descriptor may start at (the address descriptors besides), for saying why
 * Linux does not find a device that has the address. */
function anyMemoryBase(d: ResourceDescriptor): bigint | undefined {
  if (/^(DWord|QWord|Extended)Memory$/.test(d.type)) return BigInt(d.fields.min as number | bigint);
  return linuxMemoryBase(d);
}

/** How the devices of the namespace stand to the SPCR UART address: the one Linux hides (the first
 * memory range it reads of a present device's _CRS starts there), else one that has the address
 * elsewhere in its _CRS, and the devices whose _CRS is out of reach. */
function uartDevices(c: RuleContext, addr: bigint) {
  const devices = namespaceOf(c).devices.filter((d) => !d.absent);
  const firstBase = (d: AmlDevice) => {
    if (d.crs?.is !== 'constant') return undefined;
    for (const x of d.crs.value.descriptors) {
      const b = linuxMemoryBase(x);
      if (b !== undefined) return b;
    }
    return undefined;
  };
  const hidden = devices.find((d) => firstBase(d) === addr);
  const elsewhere = devices
    .filter((d) => d.crs?.is === 'constant')
    .map((d) => ({ d, x: d.crs?.is === 'constant' ? d.crs.value.descriptors.find((x) => anyMemoryBase(x) === addr) : undefined }))
    .find((m) => m.x);
  const computed = devices.filter((d) => d.crs?.is === 'computed');
  return { hidden, elsewhere, computed };
}

/** The STAO's name list, as the decoder read it. */
const staoNames = (c: RuleContext): string[] => ((c.entry.table.strings as unknown[] | undefined) ?? []).filter((x): x is string => typeof x === 'string');

const nameListRule = rule({
  dom0: true,
  codes: {
    DOM0_STAO_NAME_IGNORED: {
      summary:
        "a device the STAO's name list names that the DSDT/SSDTs still declare present: Linux ignores the name list, so dom0 enumerates it " +
        '(build --hide-device makes it absent)',
      consumers: [
        linux(
          'all',
          'ignored',
          '"STAO Name List not yet supported": the device is enumerated and dom0 binds a driver to it',
          'drivers/acpi/scan.c acpi_scan_init()',
        ),
      ],
      dom0: true,
    },
    AML_STAO_NAMEPATH: {
      summary: "a name in the STAO's name list that is no object of the DSDT/SSDTs",
      consumers: [
        linux(
          'all',
          'unused',
          'the name list is not read ("STAO Name List not yet supported"): a wrong name changes nothing',
          'drivers/acpi/scan.c acpi_scan_init()',
        ),
        spec('each name is the full path of a device to hide', 'STAO specification (LINARO-0002 v0.3): Name List'),
      ],
      dom0: true,
    },
  },
  run(c) {
    if (!oneMachine(c)) return;
    const ns = namespaceOf(c);
    // the SPCR UART, which the STAO's flag hides the way Linux does, is hidden whatever the list says
    const spcr = c.find('SPCR');
    const ignored = Number(fieldsOf({ layout: staoLayout }, c.entry.table).ignore_uart ?? 0) !== 0;
    const uart = spcr && ignored ? uartDevices(c, BigInt(fieldsOf({ layout: spcrLayout }, spcr.table).serial_port?.address ?? 0n)).hidden : undefined;
    staoNames(c).forEach((name, i) => {
      const full = fullPathOf(name);
      const d = ns.devices.find((x) => x.fullPath === full);
      if (!ns.byFullPath.has(full)) c.report('AML_STAO_NAMEPATH', `STAO.names[${i}]`, `the STAO names ${name}, which is no object of the DSDT/SSDTs`);
      if (d && !d.absent && d !== uart)
        c.report(
          'DOM0_STAO_NAME_IGNORED',
          `STAO.names[${i}]`,
          `the STAO names ${name}, but Linux ignores the name list and ${d.path} is present in the DSDT/SSDTs: dom0 enumerates it (build ` +
            `--hide-device ${d.path} makes it absent)`,
        );
    });
  },
});

/**
 * The UART the STAO hides, found as Linux finds it: run once per set (on the DSDT), for a set with an
 * STAO asking to ignore the UART, and for a host set, whose dom0 gets such an STAO from the build.
 */
export const staoUartRule = rule({
  dom0: true,
  codes: {
    DOM0_STAO_UART_NOT_FOUND: {
      summary:
        "no present device's _CRS has its first Memory24, Memory32 or Memory32Fixed range start at the SPCR UART address (Linux reads no " +
        'other), so no device is hidden (on a host set: by the STAO the build adds)',
      consumers: [
        linux(
          'all',
          'ignored',
          'no device matches the SPCR address, so none is hidden: dom0 probes a UART Xen denies it',
          'drivers/acpi/scan.c acpi_device_should_be_hidden(); drivers/acpi/resource.c acpi_dev_resource_memory()',
        ),
      ],
      dom0: true,
    },
    AML_CRS_COMPUTED: {
      summary: "a device whose _CRS a method computes, where a check needs its resources (the STAO's UART): its resources are out of reach, and not guessed",
      consumers: [tool('note', 'the device is left out of the check that needed its resources')],
      dom0: true,
    },
  },
  run(c) {
    const spcr = c.find('SPCR');
    const stao = c.find('STAO');
    if (!spcr || !oneMachine(c)) return;
    if (stao ? Number(fieldsOf({ layout: staoLayout }, stao.table).ignore_uart ?? 0) === 0 : !c.hostSet) return;
    const whose = stao ? 'the STAO' : 'the STAO the build adds';
    const addr = BigInt(fieldsOf({ layout: spcrLayout }, spcr.table).serial_port?.address ?? 0n);
    const { hidden, elsewhere, computed } = uartDevices(c, addr);
    if (hidden) return;
    if (computed.length && !elsewhere) {
      const ns = namespaceOf(c);
      for (const d of computed)
        reportAt(
          c,
          ns,
          'AML_CRS_COMPUTED',
          d.crs!.object,
          `${d.path}._CRS is computed by a method: whether it is the SPCR UART at ${hex(addr)}, which ${whose} hides, is out of reach`,
        );
      return;
    }
    const why = elsewhere
      ? `${elsewhere.d.path} has it in a ${elsewhere.x!.type} descriptor, but Linux reads only the first Memory24, Memory32 or Memory32Fixed range of a _CRS`
      : 'no memory resource of a present device in the DSDT/SSDTs starts there';
    c.report(
      'DOM0_STAO_UART_NOT_FOUND',
      tablePath('SPCR', spcrLayout)('serial_port.address'),
      `the SPCR UART is at ${hex(addr)}: ${why}, so ${whose} hides no device`,
      undefined,
      spcr,
    );
  },
});

const rules: TableRule[] = [
  nameListRule,
  rule({
    dom0: true,
    codes: {
      DOM0_STAO_NO_SPCR: {
        summary: 'STAO ignores the UART but there is no SPCR: Linux warns and hides nothing (Xen sets the flag whatever the host has)',
        consumers: [linux('all', 'ignored', 'warns and hides nothing', 'drivers/acpi/scan.c acpi_scan_init()')],
        dom0: true,
      },
    },
    run(c) {
      if (Number(fieldsOf({ layout: staoLayout }, c.entry.table).ignore_uart ?? 0) === 0 || c.find('SPCR')) return;
      c.report(
        'DOM0_STAO_NO_SPCR',
        tablePath('STAO', staoLayout)('ignore_uart'),
        'STAO asks dom0 to ignore the SPCR UART but there is no SPCR: Linux warns "STAO table present, but SPCR is missing" and hides nothing',
      );
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
  summary: (e) => `ignore UART ${fieldsOf({ layout: staoLayout }, e.table).ignore_uart}, ${e.table.strings?.length ?? 0} name(s)`,
  layout: staoLayout,
  parts: [{ key: 'names', label: 'Namepath', kind: 'strings' }],
} satisfies TableDef;
