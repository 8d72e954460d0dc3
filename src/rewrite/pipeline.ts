// The build pipeline: host TableSet → dom0 set, image, device tree and change logs.
// Table passes run first; the layout stage assigns addresses; then efi, dt and checksums. Each
// pass's change log is the structural diff of the tables it changed (with addresses resolved, and
// derived fields as the encoder writes them), plus what it added outside tables (EFI, DT).
import { decodeTable, encodeTable, defOf, type AcpiTable } from '../tables/registry.js';
import type { TableSet } from '../model/tableset.js';
import { diffTable, type Change, type Resolver } from '../diff/table.js';
import { tableKeys, resolverFor, addressChange } from '../diff/set.js';
import { writeFdt } from '../fdt/writer.js';
import { type BuildOptions, type Dom0Set, type Dom0Table, type Pass, type Profile, BuildError, DEFAULTS, warn } from './types.js';
import { fadtPass } from './fadt.js';
import { gtdtPass } from './gtdt.js';
import { madtPass } from './madt.js';
import { staoPass } from './stao.js';
import { xsdtPass } from './xsdt.js';
import { rsdpPass } from './rsdp.js';
import { efiPass } from './efi.js';
import { dtPass } from './dt.js';
import { checksumsPass } from './checksums.js';
import { layoutRegion, resolveSnapshot, EFI_SYSTAB_ID, EFI_MMAP_ID } from './layout.js';

export const PASSES: Record<string, Pass> = {
  fadt: fadtPass,
  gtdt: gtdtPass,
  madt: madtPass,
  stao: staoPass,
  xsdt: xsdtPass,
  rsdp: rsdpPass,
  efi: efiPass,
  dt: dtPass,
  checksums: checksumsPass,
};
const TABLE_PASSES = ['fadt', 'gtdt', 'madt', 'stao', 'xsdt', 'rsdp'];

export const PROFILES: Record<Profile, string[]> = {
  design: ['fadt', 'gtdt', 'madt', 'stao', 'xsdt', 'rsdp', 'efi', 'dt', 'checksums'],
  xen: ['fadt', 'madt', 'stao', 'xsdt', 'rsdp', 'efi', 'dt', 'checksums'],
};

export function selectPasses(opts: Pick<BuildOptions, 'profile' | 'skip' | 'only'>): string[] {
  for (const p of [...opts.skip, ...(opts.only ?? [])]) {
    if (!(p in PASSES)) throw new BuildError(`unknown pass "${p}" (passes: ${Object.keys(PASSES).join(', ')})`);
  }
  const chosen = PROFILES[opts.profile].filter((p) => !opts.skip.includes(p) && (!opts.only || opts.only.includes(p)));
  if (chosen.includes('dt') && !chosen.includes('efi')) throw new BuildError('the dt pass needs the efi pass (the device tree points at the EFI tables)');
  return chosen;
}

/** The host set as dom0 would see it untouched: every table reused at its host address. */
export function initialSet(host: TableSet): Dom0Set {
  const seen = new Map<string, number>();
  const tables: Dom0Table[] = [];
  const add = (t: AcpiTable, address: bigint | undefined) => {
    const n = seen.get(t.signature) ?? 0;
    seen.set(t.signature, n + 1);
    tables.push({ id: n ? `${t.signature}#${n}` : t.signature, table: t, origin: 'reused', hostAddress: address });
  };
  if (host.rsdp) add(host.rsdp.table, host.rsdp.address);
  for (const e of host.tables) add(e.table, e.address);
  return { host, tables, warnings: [] };
}

/** --relocate all: every host table moves into the new region; the FADT's DSDT/FACS pointers follow. */
function relocateAll(set: Dom0Set): Dom0Set {
  const tables = set.tables
    .filter((t) => defOf(t.table).relocation !== 'drop') // the RSDT: its 32-bit pointers would all be stale
    .map((t) => (t.origin === 'reused' ? { ...t, origin: 'relocated' as const } : t));
  let next: Dom0Set = { ...set, tables };
  // every table's declared pointers to tables outside the XSDT (the FADT's DSDT and FACS pairs)
  // follow the move as references
  for (const fadt of tables.filter((t) => defOf(t.table).pointers?.some((p) => p.narrow && p.to?.length === 1))) {
    const fields = { ...fadt.table.fields };
    const refs = [...(fadt.refs ?? [])];
    const owner = fadt.table.signature;
    for (const { to, field: x, narrow } of defOf(fadt.table).pointers!.filter((p) => p.narrow && p.to?.length === 1)) {
      const sig = to![0];
      const y = narrow!;
      if (!tables.some((t) => t.id === sig)) {
        // the input lacks it: a host address would point at nothing once the tables move
        if (BigInt((fields[x] as bigint | undefined) ?? 0n) !== 0n || Number(fields[y] ?? 0) !== 0) {
          if (x in fields) fields[x] = 0n;
          fields[y] = 0;
          next = warn(next, 'BUILD_POINTER_MISSING', owner, `${owner}.${x}`, `the ${owner} points at a ${sig} the input does not have; with --relocate all the pointer is set to 0`);
        }
        continue;
      }
      if (x in fields) refs.push({ at: x, to: sig });
      if (Number(fields[y] ?? 0) !== 0 || !(x in fields)) refs.push({ at: y, to: sig });
    }
    next.tables[tables.indexOf(fadt)] = { ...fadt, table: { ...fadt.table, fields }, refs };
  }
  return next;
}

function needAddresses(host: TableSet): void {
  const missing = [...(host.rsdp ? [host.rsdp] : []), ...host.tables].filter((e) => e.address === undefined).map((e) => e.table.signature);
  if (!host.rsdp) missing.unshift('RSDP');
  if (missing.length) {
    throw new BuildError(
      `the input has no host address for ${[...new Set(missing)].join(', ')} (folders of binary tables carry none): ` +
        'reused tables stay at their host addresses, so give acpidump text or a memory image, or --relocate all to place every table in the new region',
    );
  }
}

export interface PassLog {
  pass: string;
  changes: Change[];
}

export interface BuildResult {
  set: Dom0Set;
  passes: string[];
  log: PassLog[];
  /** the bytes of the new region, to load at its base (set.region) */
  image: Uint8Array;
  dtb?: Uint8Array;
}

const normalized = (t: AcpiTable | undefined): AcpiTable | undefined => (t ? decodeTable(encodeTable(t)).table : undefined);

/** Changes of the tables a step touched, with addresses resolved and derived fields as encoded, in
 * the vocabulary of `diff` (the same keys and resolvers), so a diff of input and output lists them. */
function tableChanges(before: Dom0Set, after: Dom0Set, addresses: Map<string, bigint>, resolvers: { host: Resolver; dom0: Resolver }, keyOf: (id: string) => string): Change[] {
  const out: Change[] = [];
  for (const t of after.tables) {
    const b = before.tables.find((x) => x.id === t.id);
    if (b && b.table === t.table && b.refs === t.refs && b.origin === t.origin) continue;
    const key = keyOf(t.id);
    if (b && t.origin !== 'reused') out.push(...addressChange(key, b.hostAddress, addresses.get(t.id)));
    // a table still as the host had it points at host addresses; a built one at dom0's
    const ctx = { a: b?.origin === 'reused' ? resolvers.host : resolvers.dom0, b: t.origin === 'reused' ? resolvers.host : resolvers.dom0 };
    out.push(...diffTable(normalized(b && resolveSnapshot(b, addresses)), normalized(resolveSnapshot(t, addresses)), key, ctx));
  }
  for (const b of before.tables) if (!after.tables.some((t) => t.id === b.id)) out.push({ path: keyOf(b.id), kind: 'removed' });
  return out;
}

export function runPipeline(host: TableSet, opts: BuildOptions): BuildResult {
  if (opts.relocate === 'none') needAddresses(host);
  const passes = selectPasses(opts);
  let set = initialSet(host);
  const steps: { pass: string; before: Dom0Set; after: Dom0Set; extra: Change[] }[] = [];
  if (opts.relocate === 'all') {
    const before = set;
    set = relocateAll(set);
    steps.push({ pass: 'relocate', before, after: set, extra: [] });
  }
  for (const name of passes.filter((p) => TABLE_PASSES.includes(p))) {
    const before = set;
    const r = PASSES[name](set, opts);
    set = r.set;
    steps.push({ pass: name, before, after: set, extra: r.changes });
  }
  set = layoutRegion(set, opts, passes.includes('efi'));
  for (const name of passes.filter((p) => !TABLE_PASSES.includes(p))) {
    const before = set;
    const r = PASSES[name](set, opts);
    set = r.set;
    steps.push({ pass: name, before, after: set, extra: r.changes });
  }
  const addresses = set.addresses!;
  // keys and address resolvers as `diff` makes them: host side from the input, dom0 side from the output
  const hostSide = initialSet(host).tables.map((t) => ({ id: t.id, table: t.table, address: t.hostAddress }));
  const dom0Side = set.tables.map((t) => ({ id: t.id, table: t.table, address: addresses.get(t.id) }));
  const hostKeys = tableKeys(hostSide);
  const dom0Keys = tableKeys(dom0Side);
  const keyById = new Map<string, string>();
  for (const [e, k] of hostKeys) keyById.set(e.id, k);
  for (const [e, k] of dom0Keys) keyById.set(e.id, k);
  const resolvers = { host: resolverFor(hostSide, hostKeys), dom0: resolverFor(dom0Side, dom0Keys) };
  const keyOf = (id: string) => keyById.get(id) ?? id;
  const log = steps.map((s) => ({ pass: s.pass, changes: [...tableChanges(s.before, s.after, addresses, resolvers, keyOf), ...s.extra] }));
  return { set, passes, log, image: regionImage(set), dtb: set.dt && writeFdt(set.dt) };
}

/** The new region's bytes: every placed table and EFI blob at its offset, zeros between. */
export function regionImage(set: Dom0Set): Uint8Array {
  const region = set.region!;
  const img = new Uint8Array(Number(region.size));
  const put = (id: string, bytes: Uint8Array) => {
    const a = set.addresses!.get(id)!;
    img.set(bytes, Number(a - region.base));
  };
  for (const t of set.tables) if (t.origin !== 'reused') put(t.id, encodeTable(t.table));
  if (set.efi) {
    put(EFI_SYSTAB_ID, set.efi.systab);
    put(EFI_MMAP_ID, set.efi.mmapBytes);
  }
  return img;
}

/** SPEC §8: run the named passes (in pipeline order) over a host set, with default options otherwise. */
export function runPasses(host: TableSet, passes: string[], opts: Partial<BuildOptions> = {}): BuildResult {
  return runPipeline(host, { ...defaultOptions(), ...opts, only: passes });
}

export function defaultOptions(): BuildOptions {
  return { profile: 'design', staoPaths: [], xenVersion: DEFAULTS.xenVersion, its: false, relocate: 'none', skip: [] };
}
