// What a table declaration may carry besides its bytes, for the generic readers: the rules `check`
// runs on it (each with its finding codes), the pointers it holds to other tables, and whether it
// may appear only once. Types only; the tables declare them, check and the readers walk them.
import type { Severity } from '../layout/diagnostics.js';
import type { TableEntry, TableSet, Link, PointerDef } from './set.js';

export type { PointerDef } from './set.js';
import type { ContainerDef, Node, FieldName, NamedFrom } from '../layout/codec.js';
import type { Layout } from '../layout/schema.js';
import type { XenRelease } from './xen.js';
import type { Picture } from './picture.js';
import type { AmlBlock, AmlSet } from '../aml/index.js';

/** Who reads the bytes a finding is about. `dom0-acpi` is this tool itself: what it cannot read
 * (an input) or what it tells the user it did. */
export type ConsumerName = 'Linux' | 'Xen' | 'ACPICA' | 'EDK2' | 'spec' | 'dom0-acpi';

/** What a consumer does with those bytes. The first six are failures (the consumer, or a function
 * of it, does not work), the next four are survivable; the last four change nothing about the
 * bytes: only the spec is broken, the consumer reads them to no effect (an entry for a CPU dom0
 * does not have), the bytes are right and the consumer does not support what they describe (a
 * limit of that consumer or of its default build, such as Xen's 128 CPUs), or a note of what this
 * tool did. */
export type Effect =
  | 'panic'
  | 'hang'
  | 'acpi-disabled'
  | 'cpu-lost'
  | 'function-lost'
  | 'unreadable'
  | 'fw-bug-logged'
  | 'workaround'
  | 'ignored'
  | 'skipped'
  | 'spec-only'
  | 'unused'
  | 'unsupported'
  | 'note';

const FAILS: ReadonlySet<Effect> = new Set(['panic', 'hang', 'acpi-disabled', 'cpu-lost', 'function-lost', 'unreadable']);
const SURVIVES: ReadonlySet<Effect> = new Set(['fw-bug-logged', 'workaround', 'ignored', 'skipped']);

/** One consumer's verdict on a finding's bytes, with where in its source it is reached. */
export interface Consumer {
  who: ConsumerName;
  /** which versions: "all", "5.18+", "4.17-4.22", "4.2-4.20" */
  versions: string;
  effect: Effect;
  /** the consequence in a few words ("no secondary CPUs", "PCI devices get no MSIs") */
  what: string;
  /** file and function (or the spec's section) */
  where: string;
}

/** Severity follows from the consumers: error when one fails, warning when one logs, works around,
 * ignores or skips, info when only the spec speaks, the consumer does not support what right bytes
 * describe, or this tool notes what it did. */
export function severityFrom(consumers: readonly Consumer[]): Severity {
  if (consumers.some((c) => FAILS.has(c.effect))) return 'error';
  if (consumers.some((c) => SURVIVES.has(c.effect))) return 'warning';
  return 'info';
}

const EFFECT_WORDS: Record<Effect, string> = {
  panic: 'panics',
  hang: 'hangs',
  'acpi-disabled': 'ACPI disabled',
  'cpu-lost': 'CPU lost',
  'function-lost': 'function lost',
  unreadable: 'cannot read it',
  'fw-bug-logged': 'logs it',
  workaround: 'works around it',
  ignored: 'ignores it',
  skipped: 'skips it',
  'spec-only': 'only the spec',
  unused: 'no effect',
  unsupported: 'not supported',
  note: 'note',
};

/** "Linux 4.12+ (function lost): the platform timers … — drivers/acpi/arm64/gtdt.c acpi_gtdt_init()" */
export function consumerText(c: Consumer): string {
  const who = c.who === 'spec' ? 'spec' : `${c.who}${c.versions === 'all' ? '' : ` ${c.versions}`}`;
  return `${who} (${EFFECT_WORDS[c.effect]}): ${c.what} — ${c.where}`;
}

const consumer =
  (who: ConsumerName) =>
  (versions: string, effect: Effect, what: string, where: string): Consumer => ({ who, versions, effect, what, where });
export const linux = consumer('Linux');
export const xen = consumer('Xen');
export const acpica = consumer('ACPICA');
export const edk2 = consumer('EDK2');
/** Only the spec says so: no consumer's code reaches these bytes. */
export const spec = (what: string, where: string): Consumer => ({ who: 'spec', versions: 'all', effect: 'spec-only', what, where });
/** This tool: an input it cannot read (or skips, or a note of what it did). */
export const tool = (effect: 'unreadable' | 'skipped' | 'note', what: string): Consumer => ({
  who: 'dom0-acpi',
  versions: 'all',
  effect,
  what,
  where: 'dom0-acpi inputs (README)',
});

export interface CodeInfo {
  summary: string;
  /** who reads these bytes, and what each does with them: the severity follows (severityFrom) */
  consumers: readonly Consumer[];
  /** reported only with --dom0 */
  dom0?: boolean;
  /** reported only with --xen-host: what Xen's own boot code does with a host's tables (its Xen
   * consumer's versions say which releases; a finding names them) */
  xenHost?: true;
  /** what `build` does about it: on a host set (not a dom0 set) the finding is then info */
  buildFixes?: string;
  /** about the input as a whole (a missing table, an option): the finding has no byte offset */
  whole?: true;
}

export interface RuleContext<C extends string = string> {
  set: TableSet;
  /** the table whose declaration holds the rule */
  entry: TableEntry;
  /** --dom0 was given */
  dom0: boolean;
  /** --xen-host was given: the Xen release the host is judged for */
  xen?: XenRelease;
  /** a host set, which `build` rewrites (not a build output or a set with an STAO) */
  hostSet: boolean;
  /** a finding about `entry` (or another table) at a field path; the offset is looked up from the path when not given */
  report(code: C, path: string, message: string, offset?: number, entry?: TableEntry): void;
  /** the absolute offset of a field path in `entry` (or another table) */
  offsetOf(path: string, entry?: TableEntry): number | undefined;
  find(signature: string): TableEntry | undefined;
  all(signature: string): TableEntry[];
  /** the set's definition blocks read together (once per set): the namespace, and each DSDT's and
   * SSDT's block by its table entry */
  aml(): SetAml;
}

/** A set's AML as the checks see it. */
export interface SetAml {
  aml: AmlSet;
  blocks: ReadonlyMap<TableEntry, AmlBlock>;
}

/** One check a table declares: the codes it may report and the function that looks (none when
 * the codes are its fields' `valid` rules, which check runs generically). */
export interface TableRule<C extends string = string> {
  codes: Record<C, CodeInfo>;
  /** runs only with --dom0 */
  dom0?: boolean;
  /** runs only with --xen-host, on a host set */
  xenHost?: boolean;
  run?(c: RuleContext<C>): void;
}

/** A rule whose `run` may report only the codes it declares: a typo in a code is a compile error. */
export function rule<C extends string>(r: TableRule<C>): TableRule {
  return r as TableRule;
}

/** An address range a table describes (MMIO, firmware-owned memory): nothing dom0 is given may
 * overlap it. */
export interface HostRange {
  base: bigint;
  size: bigint;
  /** what it is, by field path: "APIC.gicd[0] (GICD)", "SPCR.serial_port (UART)" */
  what: string;
  /** the parts of it a Linux driver requests as its own resource (request_resource,
   * devm_ioremap_resource): a second request of any of those bytes fails that driver's probe.
   * Without it, Linux maps the region (ioremap) without claiming it. */
  claims?: {
    base: bigint;
    size: bigint;
    by: string;
    /** requested while the interrupt controller comes up (Linux's GICv3 driver, 5.19+), before
     * any device probes: a device requesting any of these bytes later always loses */
    early?: true;
  }[];
  /** the kind of device it is, when other tables describe the same one by design (the SPCR's
   * console UART is often the DBG2's debug port): two of one kind at one base are one device */
  device?: string;
  /** memory the firmware shares with the OS (PCC shared memory, error status blocks, mailbox
   * registers), which lies in RAM: held against device registers only */
  memory?: true;
  /** where in its table the region is described, when its path does not lead there (a _CRS
   * descriptor of an AML device) */
  offset?: number;
  /** why no consumer reaches the device at these addresses (a GICv3's GICC CPU interface base:
   * the CPU interface is reached through system registers): kept out of the build, not an overlap */
  unused?: string;
}

/** The field path a region's description opens with ("APIC.gicd[0] (GICD)" → APIC.gicd[0]): check
 * reports an overlap there, and the report links the region to that dump line. Every declared
 * region opens with one (test/report/links.test.ts holds the report to it); undefined otherwise. */
export function regionPath(what: string, signature: string): string | undefined {
  const head = what.split(' ')[0];
  return head.startsWith(`${signature}.`) ? head : undefined;
}

/** RAM a table describes (SRAT memory affinity). */
export interface RamRange {
  base: bigint;
  size: bigint;
  what: string;
}

/** A table's declaration: the engine's container (bytes, parts, revisions, keys) and the facts
 * about the table in a set that check, the readers, the build and dump --summary read generically. */
export interface TableDef<L extends Layout = Layout> extends ContainerDef<L> {
  /** a later revision's declaration is a table's declaration too */
  variants?: { minRevision: number; def: TableDef }[];
  /** a table's checks, each with the finding codes it reports (check runs them generically) */
  rules?: TableRule[];
  /** a table's pointers to other tables (links, relocation, image reading follow them) */
  pointers?: readonly PointerDef[];
  /** a table dom0 must see at most once (docs/consumers.md X3) */
  once?: boolean;
  /** only a hypervisor makes this table (STAO): a set holding it is a dom0 set, not a host's */
  hypervisorMade?: boolean;
  /** dom0 cannot boot without this table (RSDP, XSDT, FADT, MADT: DOM0_NO_TABLE); a string says why */
  dom0Required?: boolean | string;
  /** the finding (one of this table's XEN_HOST codes) when a host's root table does not list it */
  xenHostRequired?: string;
  /** the root pointer (RSDP): found in memory by its own rules, kept apart from the tables of a set */
  rootPointer?: RootPointer;
  /** the address ranges a table describes (GIC frames, UARTs, ECAM, SMMUs, PCC, error regions) */
  regions?: (t: Node, e: TableEntry) => HostRange[];
  /** the RAM a table describes (SRAT memory affinity) */
  ram?: (t: Node) => RamRange[];
  /** what relocation does with it: "drop" a table whose narrow pointers cannot follow the move (RSDT) */
  relocation?: 'drop';
  /** how diff pairs whole tables of this signature (SSDTs by OEM table id), from the table */
  tableKey?: (t: Node) => string;
  /** the facts `dump --summary` shows for a table of this signature */
  summary?: (e: TableEntry, set: TableSet, links: Link[]) => string;
  /** what `report` draws of the table (the IORT's graph, the PPTT's tree, …) */
  pictures?: (e: TableEntry) => Picture[];
}

/** What a root pointer is, for the readers that look for it in memory (io/image.ts scans): its
 * signature, the boundary it sits on, what keeps a candidate from being one, and its length. */
export interface RootPointer {
  signature: string;
  /** the boundary it is placed on (the scan looks at multiples of it) */
  align: number;
  /** what is wrong with the candidate at `at` (its signature is there), or undefined for a valid one */
  fault(img: Uint8Array, at: number): string | undefined;
  /** its length at `at` (the bytes there carry its signature), as far as the image holds it */
  lengthAt(img: Uint8Array, at: number): number;
}

/** A table's declaration with its field names checked against its own layout (as codec's
 * container() does for items): keys and parts' offset, count and size fields. */
export function table<L extends Layout, D extends TableDef<L>>(
  d: D & { layout: L } & NamedFrom<L> & {
      /** a table's own pointer fields are its layout's; a part's (XSDT entries) its records' */
      pointers?: readonly (PointerDef & ({ part: string } | { part?: undefined; field: FieldName<L>; narrow?: FieldName<L>; onlyWithout?: FieldName<L> }))[];
    },
): D {
  return d;
}
