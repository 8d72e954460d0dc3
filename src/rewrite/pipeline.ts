// The build pipeline: host TableSet → dom0 set, image, device tree and change logs. Each pass
// declares its stage and what it follows (types.ts PassDef); the pipeline orders a profile from
// those, runs the `tables` passes, lays the region out (addresses), then runs the `placed` ones.
import { allEntries, missingAddresses, type TableSet, type TableEntry } from '../model/tableset.js';
import { known, newBuild } from './encoded.js';
import { writeFdt } from '../fdt/writer.js';
import { type BuildOptions, type Dom0Set, type Dom0Table, type PassDef, type PlacedSet, type Profile, BuildError, DEFAULTS } from './types.js';
import { defOf, type AcpiTable } from '../tables/registry.js';
import { fadtPass } from './fadt.js';
import { gtdtPass } from './gtdt.js';
import { iortPass } from './iort.js';
import { madtPass } from './madt.js';
import { staoPass } from './stao.js';
import { devicesPass } from './devices.js';
import { xsdtPass } from './xsdt.js';
import { rsdpPass } from './rsdp.js';
import { efiPass } from './efi.js';
import { dtPass } from './dt.js';
import { checksumsPass } from './checksums.js';
import { relocatePass } from './relocate.js';
import { layoutRegion } from './layout.js';
import { changeLogs, type PassLog, type Step } from './changelog.js';
import { checkOptions } from './options.js';
import { regionImage } from './region.js';

export type { PassLog };
export { regionImage };

/** Every pass a profile may name, by name, in the order that breaks ties between passes their
 * declarations leave unordered (the change logs list passes in the order they ran). */
export const PASSES: Record<string, PassDef> = Object.fromEntries(
  [fadtPass, gtdtPass, madtPass, staoPass, iortPass, devicesPass, xsdtPass, rsdpPass, efiPass, dtPass, checksumsPass].map((p) => [p.name, p]),
);

/** The passes of each profile (the order comes from the passes' declarations); an option adds its
 * pass to the design profile (OPTION_PASSES). */
export const PROFILES: Record<Profile, string[]> = {
  design: ['fadt', 'gtdt', 'madt', 'stao', 'xsdt', 'rsdp', 'efi', 'dt', 'checksums'],
  xen: ['fadt', 'madt', 'stao', 'xsdt', 'rsdp', 'efi', 'dt', 'checksums'],
};

/**
 * The chosen passes in an order their declarations allow: every `tables` pass before every `placed`
 * one, each after the chosen passes it names in `after` and `needs` and those that name it in
 * `before`, a `last` pass after every other. A pass whose `needs` is not chosen, or declarations
 * that order passes in a cycle, are refused.
 */
export function orderPasses(given: string[], passes: Record<string, PassDef> = PASSES): string[] {
  const known = Object.keys(passes);
  const chosen = [...given].sort((a, b) => known.indexOf(a) - known.indexOf(b));
  for (const n of chosen) {
    if (!passes[n]) throw new BuildError(`unknown pass "${n}" (passes: ${Object.keys(passes).join(', ')})`);
    for (const need of passes[n].needs ?? []) if (!chosen.includes(need)) throw new BuildError(`the ${n} pass needs the ${need} pass`);
  }
  const before = (n: string) =>
    [
      ...(passes[n].after ?? []),
      ...(passes[n].needs ?? []),
      ...(passes[n].stage === 'placed' ? chosen.filter((x) => passes[x].stage === 'tables') : []),
      ...chosen.filter((x) => passes[x].before?.includes(n)),
      ...(passes[n].last ? chosen.filter((x) => !passes[x].last) : []),
    ].filter((x) => chosen.includes(x));
  const out: string[] = [];
  const open: string[] = [];
  const visit = (n: string) => {
    if (out.includes(n)) return;
    if (open.includes(n)) throw new BuildError(`the passes' declarations order them in a cycle: ${[...open.slice(open.indexOf(n)), n].join(' → ')}`);
    open.push(n);
    for (const b of before(n)) visit(b);
    open.pop();
    out.push(n);
  };
  for (const n of chosen) visit(n);
  return out;
}

type PassOptions = Pick<BuildOptions, 'profile' | 'skip' | 'only' | 'hideSmmu' | 'hideDevices'> & { staoPaths?: string[] };

/** Passes an option adds to the design profile. */
const OPTION_PASSES: { given: (o: PassOptions) => boolean; pass: string }[] = [
  { given: (o) => o.hideSmmu === true, pass: 'iort' },
  { given: (o) => (o.hideDevices?.length ?? 0) > 0 || (o.staoPaths?.length ?? 0) > 0, pass: 'devices' },
];

export function selectPasses(opts: PassOptions): string[] {
  for (const p of [...opts.skip, ...(opts.only ?? [])]) {
    if (!(p in PASSES)) throw new BuildError(`unknown pass "${p}" (passes: ${Object.keys(PASSES).join(', ')})`);
  }
  const profile = [...PROFILES[opts.profile], ...(opts.profile === 'design' ? OPTION_PASSES.filter((o) => o.given(opts)).map((o) => o.pass) : [])];
  return orderPasses(profile.filter((p) => !opts.skip.includes(p) && (!opts.only || opts.only.includes(p))));
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

/** dom0 sees one table of each signature declared `once`. When the input holds more, the host XSDT
 * picks one (its first entry: the xsdt pass leaves the others out); with no XSDT to pick (binary
 * tables, --relocate all on a set without one, --skip xsdt), the build is refused naming the files. */
function oneOfEach(start: Dom0Set, xsdtPicks: boolean): void {
  const xsdt = xsdtPicks ? start.tables.find((t) => t.id === 'XSDT') : undefined;
  const listed = new Set((xsdt?.table.items ?? []).map((it) => BigInt(it.fields.address as bigint)));
  const bySig = new Map<string, TableEntry[]>();
  for (const e of start.host.tables) if (defOf(e.table).once) bySig.set(e.table.signature, [...(bySig.get(e.table.signature) ?? []), e]);
  for (const [sig, es] of bySig) {
    if (es.length < 2 || es.some((e) => e.address !== undefined && listed.has(e.address))) continue;
    throw new BuildError(
      `the input holds ${es.length} ${sig} tables (${es.map((e) => e.source).join(', ')}) and no XSDT entry picks one: dom0 must see one ` +
        `${sig}; leave the others out with --exclude FILE`,
    );
  }
}

function needAddresses(host: TableSet): void {
  const missing = [...(host.rsdp ? [host.rsdp] : []), ...host.tables].filter((e) => e.address === undefined).map((e) => e.table.signature);
  if (!host.rsdp) missing.unshift('RSDP');
  if (missing.length) {
    const { why, give } = missingAddresses(host.kind);
    throw new BuildError(
      `the input has no host address for ${[...new Set(missing)].join(', ')} (${why}): ` +
        `reused tables stay at their host addresses, so give ${give}, or --relocate all to place every table in the new region`,
    );
  }
}

export interface BuildResult {
  set: PlacedSet;
  passes: string[];
  log: PassLog[];
  /** the bytes of the new region, to load at its base (set.region) */
  image: Uint8Array;
  dtb?: Uint8Array;
}

export function runPipeline(host: TableSet, opts: BuildOptions): BuildResult {
  checkOptions(opts);
  newBuild(); // each table is encoded once per build, and afresh in the next
  for (const e of allEntries(host)) known(e.table); // the host's tables, as read, are encoded already
  if (opts.relocate === 'none') needAddresses(host);
  const passes = selectPasses(opts);
  const start = initialSet(host);
  oneOfEach(start, passes.includes('xsdt'));
  const steps: Step[] = [];
  let set: Dom0Set = start;
  if (opts.relocate === 'all') {
    const r = relocatePass.run(set, opts);
    steps.push({ pass: relocatePass.name, before: set, after: r.set, extra: r.changes });
    set = r.set;
  }
  let placed: PlacedSet | undefined;
  for (const name of passes) {
    const pass = PASSES[name];
    if (pass.stage === 'tables') {
      const r = pass.run(set, opts);
      steps.push({ pass: name, before: set, after: r.set, extra: r.changes });
      set = r.set;
    } else {
      // the first placed pass: the layout gives every table (and the EFI blobs) its address
      const before: PlacedSet = placed ?? layoutRegion(set, opts, passes.includes('efi'));
      const r = pass.run(before, opts);
      steps.push({ pass: name, before, after: r.set, extra: r.changes });
      placed = r.set;
    }
  }
  placed ??= layoutRegion(set, opts, passes.includes('efi'));
  return { set: placed, passes, log: changeLogs(start, steps, placed), image: regionImage(placed), dtb: placed.dt && writeFdt(placed.dt) };
}

/** SPEC §8: run the named passes (in pipeline order) over a host set, with default options otherwise. */
export function runPasses(host: TableSet, passes: string[], opts: Partial<BuildOptions> = {}): BuildResult {
  return runPipeline(host, { ...defaultOptions(), ...opts, only: passes });
}

export function defaultOptions(): BuildOptions {
  return { profile: 'design', staoPaths: [], xenVersion: DEFAULTS.xenVersion, its: false, relocate: 'none', skip: [] };
}
