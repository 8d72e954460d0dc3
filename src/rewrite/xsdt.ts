// xsdt: a copy of the host XSDT whose entries point at the tables dom0 gets: each entry becomes a
// reference to the table found at that host address, so the FACP/APIC/GTDT entries (first match)
// now name the new tables and the rest keep their host tables; the STAO is appended. Without a
// host XSDT (--relocate all on an input without one) the XSDT lists every table in input order.
import { make, fieldPath, fieldsOf, EMPTY, type Node } from '../layout/codec.js';
import type { FieldsOf } from '../layout/schema.js';
import { defOf, reachedOtherwise, type AcpiTable } from '../tables/registry.js';
import { hex } from '../layout/diagnostics.js';
import { xsdt, xsdtEntry } from '../tables/rsdt.js';
import { type Pass, type PassDef, type Ref, type Dom0Set, type Dom0Table, BuildError, tableById, withTable, warn } from './types.js';
import { headerOf } from '../tables/common.js';

/** What the XSDT is built from: its header and fields, its entries, the references they become,
 * and the set as the entries left it (repeats dropped, warnings said). */
interface Entries {
  next: Dom0Set;
  base: AcpiTable;
  items: Node[];
  refs: Ref[];
}

/** The host XSDT's entries, each followed to the table at its address (the input knows addresses):
 * a second table of a signature dom0 sees once is left out with its entry, as Xen's in-place
 * replacement keeps the first. */
function followed(set: Dom0Set, host: Dom0Table): Entries {
  let next = set;
  const refs: Ref[] = [];
  const items: Node[] = [];
  const byAddress = new Map<bigint, Dom0Table>();
  for (const t of set.tables) if (t.hostAddress !== undefined && !byAddress.has(t.hostAddress)) byAddress.set(t.hostAddress, t);
  const seen = new Set<string>();
  const repeats = new Set<string>();
  (host.table.items ?? []).forEach((it, i) => {
    const addr = BigInt(fieldsOf(xsdtEntry, it).address);
    const target = byAddress.get(addr);
    const sig = target?.table.signature;
    // a signature dom0 must see once: the first entry wins, as Xen's in-place replacement does
    if (sig && defOf(target!.table).once && seen.has(sig)) {
      // docs/consumers.md X3: Linux reads the first FACP for its checks and the last for acpi_gbl_FADT
      next = warn(
        next,
        'BUILD_XSDT_REPEAT',
        'XSDT',
        fieldPath(`XSDT.entry[${i}]`, xsdtEntry, 'address'),
        `XSDT entry ${i} is a second ${sig} (${target!.id} at ${hex(addr)}); dom0 must see one, so the entry and the table are left out`,
      );
      repeats.add(target!.id);
      return;
    }
    if (sig) seen.add(sig);
    if (target) refs.push({ at: items.length, to: target.id });
    // a host table a pass left out of dom0's set: its entry goes too
    else if (set.host.tables.some((e) => e.address === addr)) return;
    else if (addr !== 0n)
      next = warn(
        next,
        'BUILD_XSDT_DANGLING',
        'XSDT',
        fieldPath(`XSDT.entry[${i}]`, xsdtEntry, 'address'),
        `XSDT entry ${i} points at ${hex(addr)}, where the input has no table; it is kept as it is`,
      );
    const entry: FieldsOf<typeof xsdtEntry.layout> = { address: addr };
    items.push({ fields: entry, tail: EMPTY });
  });
  // the other tables of a signature dom0 sees once (a repeat, one the XSDT does not list) are left out of the set
  const listed = new Set(refs.map((r) => r.to));
  const chosen = new Set(next.tables.filter((t) => listed.has(t.id)).map((t) => t.table.signature));
  for (const t of next.tables.filter((x) => defOf(x.table).once && !listed.has(x.id) && chosen.has(x.table.signature))) {
    next = { ...next, tables: next.tables.filter((x) => x !== t) };
    if (!repeats.has(t.id))
      next = warn(
        next,
        'BUILD_XSDT_REPEAT',
        t.id,
        t.table.signature,
        `${t.id}: the XSDT does not list it but lists another ${t.table.signature}; dom0 must see one, so this one is left out`,
      );
  }
  return { next, base: host.table, items, refs };
}

/** Every table in input order, under the host XSDT's header (or one made from the FADT's). */
function listedAll(set: Dom0Set, host: Dom0Table | undefined): Entries {
  const fadt = tableById(set, 'FACP');
  if (!host && !fadt) throw new BuildError('no XSDT and no FADT in the input: nothing to build the XSDT header from');
  const base = host
    ? { ...host.table, tail: EMPTY }
    : { signature: 'XSDT', ...make(xsdt, { header: { ...headerOf(fadt!.table), signature: 'XSDT', revision: 1 } as never }) };
  const listed = set.tables.filter((t) => !reachedOtherwise().has(t.table.signature) && t.id !== 'STAO');
  const refs: Ref[] = listed.map((t, i) => ({ at: i, to: t.id }));
  return { next: set, base, items: listed.map(() => ({ fields: { address: 0n }, tail: EMPTY })), refs };
}

const run: Pass = (set) => {
  const host = tableById(set, 'XSDT');
  // entries can only be followed when the input knows addresses; without them (binary folders,
  // --relocate all) the XSDT keeps its header and lists every table, as when there is none
  const addressed = set.tables.some((t) => t.hostAddress !== undefined && t.id !== 'RSDP' && t.id !== 'XSDT');
  const e = host && addressed ? followed(set, host) : listedAll(set, host);
  let items = e.items;
  // the STAO is appended (a host XSDT never lists one)
  if (tableById(set, 'STAO') && !e.refs.some((r) => r.to === 'STAO')) {
    e.refs.push({ at: items.length, to: 'STAO' });
    items = [...items, { fields: { address: 0n }, tail: EMPTY }];
  }
  const table: AcpiTable = { ...e.base, items };
  return { set: withTable(e.next, { id: 'XSDT', table, origin: 'new', hostAddress: host?.hostAddress, refs: e.refs }), changes: [] };
};

export const xsdtPass: PassDef = {
  name: 'xsdt',
  stage: 'tables',
  summary: "the XSDT listing the new tables in place of the host's, and the STAO",
  run,
};
