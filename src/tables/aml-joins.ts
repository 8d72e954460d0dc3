// Checks that join the namespace the DSDT and SSDTs declare (src/aml) to the other tables: the MADT's
// processors and the processor devices Linux binds to them, the device paths IORT named components
// and DBG2 devices name, and the UART the SPCR and STAO point at. They run once per set (on the
// DSDT) and read only constants: a value a method computes is out of reach, and said to be.
import { type RuleContext, type TableRule, rule, linux, spec, tool } from '../model/rules.js';
import { fieldPath, fieldsOf } from '../layout/codec.js';
import { devicesOf, hasId, type AmlDevice } from '../aml/devices.js';
import type { AmlObject } from '../aml/namespace.js';
import type { TableEntry } from '../model/set.js';
import { GICC_ENABLED, gicc, MADT_GICC } from './madt-subtables.js';
import { IORT_NAMED_COMPONENT, nodePathsOf } from './iort-nodes.js';

/** The processor devices Linux binds (ACPI 6.5 §8.4: a Device with _HID or _CID ACPI0007, or a
 * Processor object) and the name it gives the ones declared with `Processor`. */
const PROCESSOR_HID = 'ACPI0007';

/** The namespace of the set as the joins read it: its devices, and where each object is. */
export interface Joined {
  devices: AmlDevice[];
  /** every object by its path as ACPICA's full pathname writes it (`\_SB_.PCI0`) */
  byFullPath: Map<string, AmlObject>;
  /** the table entry that declared an object, and the dump path of its line (`DSDT.\_SB.PCI0`) */
  entryOf(o: AmlObject): TableEntry | undefined;
  pathOf(o: AmlObject): string;
}

const joined = new WeakMap<readonly TableEntry[], Joined>();

/** The set's namespace joined once per set. */
export function namespaceOf(c: RuleContext): Joined {
  const known = joined.get(c.set.tables);
  if (known) return known;
  const { aml, blocks } = c.aml();
  const byLabel = new Map([...blocks].map(([e, b]) => [b.table, e]));
  const byFullPath = new Map<string, AmlObject>();
  for (const o of aml.namespace) if (!byFullPath.has('\\' + o.segs.join('.'))) byFullPath.set('\\' + o.segs.join('.'), o);
  const out: Joined = {
    devices: devicesOf(aml.namespace),
    byFullPath,
    entryOf: (o) => byLabel.get(o.table),
    pathOf: (o) => `${byLabel.get(o.table)?.table.signature ?? 'DSDT'}.${o.path}`,
  };
  joined.set(c.set.tables, out);
  return out;
}

/** Whether the set is one machine's: one DSDT (a folder of several machines' DSDTs, as a
 * collection of device firmware is, declares no namespace any one of them boots with). */
export const oneMachine = (c: RuleContext): boolean => c.all('DSDT').length === 1;

/** A finding about an AML object: on the table that declared it, at its declaration's line. */
export function reportAt(c: RuleContext, ns: Joined, code: string, o: AmlObject, message: string): void {
  c.report(code, ns.pathOf(o), message, o.offset, ns.entryOf(o));
}

const PROCESSOR_WHERE = 'drivers/acpi/acpi_processor.c acpi_processor_get_info(), acpi_processor_check_duplicates()';

const processorRule = rule({
  codes: {
    AML_CPU_NO_DEVICE: {
      summary:
        "an enabled GICC whose processor UID no present processor device has (a Device with _HID or _CID ACPI0007 and that _UID, or a Processor object with that ProcessorID); checked when every processor device's ID is a constant",
      consumers: [
        linux(
          'all',
          'function-lost',
          'the CPU runs, but no processor driver binds to it: no idle states (_LPI) and no CPPC performance control for that CPU',
          PROCESSOR_WHERE,
        ),
      ],
    },
    AML_CPU_UID_DUPLICATE: {
      summary: 'two present processor devices with one _UID (or ProcessorID)',
      consumers: [
        linux(
          'all',
          'function-lost',
          '"Failed to get unique processor _UID": every processor device with that ID is refused, so those CPUs get no idle states and no CPPC',
          PROCESSOR_WHERE,
        ),
      ],
    },
  },
  run(c) {
    if (!oneMachine(c)) return;
    const madt = c.find('APIC');
    const ns = namespaceOf(c);
    const cpus = ns.devices.filter((d) => !d.absent && (d.object.kind === 'Processor' || hasId(d, PROCESSOR_HID)));
    const byUid = new Map<string, AmlDevice[]>();
    for (const d of cpus) {
      if (d.uid?.is !== 'constant') continue;
      const k = String(d.uid.value);
      byUid.set(k, [...(byUid.get(k) ?? []), d]);
    }
    for (const [uid, list] of byUid)
      if (list.length > 1)
        reportAt(
          c,
          ns,
          'AML_CPU_UID_DUPLICATE',
          list[1].object,
          `${list[1].path} has processor ID ${uid}, as ${list[0].path} has: Linux refuses both (${list.length} devices)`,
        );
    // the GICCs: checked only when every processor device's ID is known
    if (!madt || !cpus.length || cpus.some((d) => d.uid?.is !== 'constant')) return;
    (madt.table.items ?? []).forEach((g, i) => {
      if (g.fields.type !== MADT_GICC) return;
      const f = fieldsOf(gicc, g);
      if (!(Number(f.flags) & GICC_ENABLED) || byUid.has(String(BigInt(f.uid)))) return;
      c.report(
        'AML_CPU_NO_DEVICE',
        fieldPath(`APIC.gicc[${giccIndex(madt, i)}]`, gicc, 'uid'),
        `GICC ${giccIndex(madt, i)} (processor UID ${f.uid}) has no processor device in the DSDT/SSDTs: Linux binds no processor driver to that CPU`,
        undefined,
        madt,
      );
    });
  },
});

/** The index of the i-th MADT item among the GICCs (their paths count GICCs only). */
const giccIndex = (madt: TableEntry, i: number) => (madt.table.items ?? []).slice(0, i).filter((s) => s.fields.type === MADT_GICC).length;

const pathRule = rule({
  codes: {
    AML_IORT_NAMED_COMPONENT: {
      summary:
        "an IORT named component whose device name is no device of the namespace, compared as Linux compares it: with ACPICA's full pathname (`\\_SB_.XXXX`, every segment four characters)",
      consumers: [
        linux(
          'all',
          'function-lost',
          'no device matches the node: the device behind it gets no SMMU translation and no MSI domain from the IORT',
          'drivers/acpi/arm64/iort.c iort_match_node_callback()',
        ),
      ],
    },
    AML_NAME_EXTERNAL: {
      summary: 'a table names a device the input declares only as External (a table the input lacks declares it): the name is not checked',
      consumers: [tool('skipped', 'the device is declared by a table that is not in the input')],
    },
    AML_DBG2_NAMEPATH: {
      summary:
        'a DBG2 device whose namespace string is no object of the namespace (a name that is not a full path, as QEMU writes `COM0`, is not found either)',
      consumers: [
        spec('the namespace string names the device object by its full path (neither Linux nor Xen reads the DBG2)', 'Microsoft DBG2 specification, Table 3'),
      ],
    },
  },
  run(c) {
    if (!oneMachine(c)) return;
    const ns = namespaceOf(c);
    const external = (path: string) => ns.byFullPath.get(path)?.kind === 'External';
    for (const iort of c.all('IORT'))
      for (const [n, path] of nodePathsOf(iort)) {
        if (n.fields.type !== IORT_NAMED_COMPONENT) continue;
        const name = typeof n.parts?.device_name === 'string' ? n.parts.device_name : undefined;
        if (name === undefined) continue;
        const o = ns.byFullPath.get(name);
        if (o && o.kind !== 'External') continue;
        const at = `${path}.device_name`;
        if (external(name)) c.report('AML_NAME_EXTERNAL', at, `the IORT named component ${name} is declared only as External in the input`, undefined, iort);
        else
          c.report(
            'AML_IORT_NAMED_COMPONENT',
            at,
            `the IORT named component ${JSON.stringify(name)} is no object of the namespace${fullPathHint(ns, name)}`,
            undefined,
            iort,
          );
      }
    for (const dbg2 of c.all('DBG2'))
      (dbg2.table.items ?? []).forEach((n, i) => {
        const name = typeof n.parts?.namepath === 'string' ? n.parts.namepath : undefined;
        if (!name || name === '.') return;
        const o = ns.byFullPath.get(fullPathOf(name));
        if (o && o.kind !== 'External') return;
        const at = `DBG2.device[${i}].namepath`;
        if (o) c.report('AML_NAME_EXTERNAL', at, `the DBG2 device ${name} is declared only as External in the input`, undefined, dbg2);
        else c.report('AML_DBG2_NAMEPATH', at, `DBG2 device ${i} names ${JSON.stringify(name)}, ${relativeHint(ns, name)}`, undefined, dbg2);
      });
  },
});

/** A path as a table may write it (`\_SB.COM0`), with every segment padded to four characters. */
const fullPathOf = (p: string) =>
  p.startsWith('\\')
    ? '\\' +
      p
        .slice(1)
        .split('.')
        .map((s) => s.padEnd(4, '_'))
        .join('.')
    : p;

/** What a name that is no object is: a relative name (and the devices it could mean), or none. */
function relativeHint(ns: Joined, name: string): string {
  if (name.startsWith('\\')) return 'which is no object of the namespace';
  const seg = name.padEnd(4, '_');
  const like = ns.devices.filter((d) => d.object.segs[d.object.segs.length - 1] === seg).map((d) => d.path);
  return `a name that is no full path${like.length ? ` (the device${like.length > 1 ? 's' : ''} of that name: ${like.slice(0, 3).join(', ')})` : ''}`;
}

/** Why a name a table writes is not found when the device is there by another spelling. */
function fullPathHint(ns: Joined, name: string): string {
  const full = fullPathOf(name);
  return full !== name && ns.byFullPath.has(full) ? ` (${full} is: Linux compares the full pathname, each segment four characters)` : '';
}

export const amlJoinRules: TableRule[] = [processorRule, pathRule];
