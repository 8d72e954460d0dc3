// The build's change log: for each step, the structural diff of the tables it changed (addresses
// resolved, derived fields as the encoder writes them) in `diff`'s vocabulary — the same keys and
// resolvers, so a diff of input and output lists the same changes — plus what the step added
// outside the tables (EFI, DT).
import { defOf, encodeTable, type AcpiTable } from '../tables/registry.js';
import type { TableSet } from '../model/tableset.js';
import { diffAml } from '../diff/aml.js';
import { reread } from './encoded.js';
import { diffTable, type Change, type Resolver } from '../diff/table.js';
import { tableKeys, resolverFor, addressChange, presented } from '../diff/set.js';
import type { Dom0Set, PlacedSet } from './types.js';
import { resolveSnapshot } from './layout.js';

export interface PassLog {
  pass: string;
  changes: Change[];
}

/** One step of the pipeline: the set before and after it, and what it added outside the tables. */
export interface Step {
  pass: string;
  before: Dom0Set;
  after: Dom0Set;
  extra: Change[];
}

const normalized = (t: AcpiTable | undefined): AcpiTable | undefined => (t ? reread(t) : undefined);

/** A change as the manifest logs it: by path and values (where it sits in the bytes is the report's). */
function logged(c: Change): Change {
  const { at: _at, seat: _seat, ...rest } = presented(c)!;
  return rest;
}

/** Changes of the tables a step touched, with addresses resolved and derived fields as encoded, in
 * the vocabulary of `diff` (the same keys and resolvers), so a diff of input and output lists them. */
function tableChanges(
  before: Dom0Set,
  after: Dom0Set,
  addresses: Map<string, bigint>,
  resolvers: { host: Resolver; dom0: Resolver },
  keyOf: (id: string) => string,
): Change[] {
  const out: Change[] = [];
  const was = new Map(before.tables.map((x) => [x.id, x] as const));
  const now = new Set(after.tables.map((t) => t.id));
  for (const t of after.tables) {
    const b = was.get(t.id);
    if (b && b.table === t.table && b.refs === t.refs && b.origin === t.origin) continue;
    const key = keyOf(t.id);
    // the move is the step's that takes the table from its host place (once, not again in each later step)
    if (b?.origin === 'reused' && t.origin !== 'reused') for (const c of addressChange(key, b.hostAddress, addresses.get(t.id))) out.push(c);
    // a table still as the host had it points at host addresses; a built one at dom0's
    const ctx = { a: b?.origin === 'reused' ? resolvers.host : resolvers.dom0, b: t.origin === 'reused' ? resolvers.host : resolvers.dom0 };
    for (const c of diffTable(normalized(b && resolveSnapshot(b, addresses)), normalized(resolveSnapshot(t, addresses)), key, ctx)) out.push(logged(c));
  }
  for (const b of before.tables) if (!now.has(b.id)) out.push({ path: keyOf(b.id), kind: 'removed' });
  // a DSDT's or SSDT's AML, by namespace path as diff says it (each device --hide-device made absent)
  const aml = (set: Dom0Set): TableSet => ({
    origin: 'build',
    kind: 'build',
    tables: set.tables.filter((t) => defOf(t.table).tailIsAml).map((t) => ({ table: t.table, bytes: encodeTable(t.table), source: t.id })),
  });
  const amlChanged = after.tables.some((t) => defOf(t.table).tailIsAml && was.get(t.id)?.table !== t.table);
  if (amlChanged) for (const c of diffAml(aml(before), aml(after), () => true)) out.push(logged(c));
  return out;
}

/** Each step's changes, keyed and resolved as `diff` keys and resolves the input (`start`, the host
 * set untouched) and the output. */
export function changeLogs(start: Dom0Set, steps: Step[], placed: PlacedSet): PassLog[] {
  const addresses = placed.addresses;
  const hostSide = start.tables.map((t) => ({ id: t.id, table: t.table, address: t.hostAddress }));
  const dom0Side = placed.tables.map((t) => ({ id: t.id, table: t.table, address: addresses.get(t.id) }));
  const hostKeys = tableKeys(hostSide);
  const dom0Keys = tableKeys(dom0Side);
  const keyById = new Map<string, string>();
  for (const [e, k] of hostKeys) keyById.set(e.id, k);
  for (const [e, k] of dom0Keys) keyById.set(e.id, k);
  const none = () => undefined; // a host without addresses: its entries show by raw address
  const resolvers = { host: resolverFor(hostSide, hostKeys) ?? none, dom0: resolverFor(dom0Side, dom0Keys) ?? none };
  const keyOf = (id: string) => keyById.get(id) ?? id;
  return steps.map((s) => ({ pass: s.pass, changes: [...tableChanges(s.before, s.after, addresses, resolvers, keyOf), ...s.extra] }));
}
