// Structural diff of two table sets. Tables pair by signature (SSDTs by OEM table id, then order);
// inside them diffTable pairs MADT GICCs by MPIDR and root-table entries by the table they point
// to. A table that moved shows as a change of its "@address" (a pointer change).
import { defOf, tableKey, type AcpiTable } from '../tables/registry.js';
import type { TableSet, TableEntry } from '../model/tableset.js';
import { allEntries } from '../model/tableset.js';
import { hex } from '../layout/diagnostics.js';
import type { Json } from '../layout/values.js';
import { diffTable, type Change, type Resolver } from './table.js';
import { diffAml } from './aml.js';
import { diffSegments } from './segments.js';

export { tableKey };

/** Keys for a list of tables, in order; a repeated key gets "#2", "#3"… */
export function tableKeys<T extends { table: AcpiTable }>(list: T[]): Map<T, string> {
  const out = new Map<T, string>();
  const seen = new Map<string, number>();
  for (const e of list) {
    const k = tableKey(e.table);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    out.set(e, n > 1 ? `${k}#${n}` : k);
  }
  return out;
}

/** Names tables by address; undefined for a set that carries no addresses (binary tables). */
export function resolverFor<T extends { table: AcpiTable; address?: bigint }>(list: T[], keys = tableKeys(list)): Resolver | undefined {
  const byAddr = new Map<bigint, string>();
  for (const e of list) if (e.address !== undefined && !byAddr.has(e.address)) byAddr.set(e.address, keys.get(e)!);
  return byAddr.size ? (a) => byAddr.get(a) : undefined;
}

/** Drops what --ignore hides; an added or removed item loses its address fields under "addresses". */
export function presented(c: Change, ignore: DiffOptions['ignore'] = []): Change | undefined {
  const hideAddresses = ignore.includes('addresses');
  if ((ignore.includes('derived') && c.derived) || (hideAddresses && c.pointer)) return undefined;
  const { pointerFields, ...rest } = c;
  if (!hideAddresses || !pointerFields) return rest;
  const strip = (v: Json | undefined) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => !pointerFields.includes(k))) : v;
  return { ...rest, ...(rest.old !== undefined ? { old: strip(rest.old) } : {}), ...(rest.new !== undefined ? { new: strip(rest.new) } : {}) };
}

export interface DiffOptions {
  /** hide derived fields (lengths, counts, offsets, checksums) and/or table addresses and pointers */
  ignore?: ('derived' | 'addresses')[];
  /** only these tables (signatures or keys) */
  tables?: string[];
}

export function addressChange(key: string, a: bigint | undefined, b: bigint | undefined): Change[] {
  return a !== undefined && b !== undefined && a !== b ? [{ path: `${key}.@address`, kind: 'changed', old: hex(a), new: hex(b), pointer: true }] : [];
}

/** Whether a table key is one of the tables asked for (a signature, or a key such as SSDT[CPUS]). */
export function selectedKey(key: string, tables: readonly string[] | undefined): boolean {
  if (!tables) return true;
  const k = key.toUpperCase();
  return tables.some((t) => {
    const w = t.toUpperCase();
    return k === w || k.startsWith(`${w}[`) || k.startsWith(`${w}#`);
  });
}

/** The tables asked for that neither set has (a typo must not make a diff pass). */
export function missingTables(a: TableSet, b: TableSet, tables: readonly string[]): string[] {
  const keys = [...tableKeys(allEntries(a)).values(), ...tableKeys(allEntries(b)).values()];
  return tables.filter((t) => !keys.some((k) => selectedKey(k, [t])));
}

export function diffTables(a: TableSet, b: TableSet, opts: DiffOptions = {}): Change[] {
  const ea = allEntries(a);
  const eb = allEntries(b);
  const ka = tableKeys(ea);
  const kb = tableKeys(eb);
  // root-table entries pair by the table they point to when both sides name tables by address;
  // when one side has no addresses (binary tables) both pair by position
  const [ra, rb] = [resolverFor(ea, ka), resolverFor(eb, kb)];
  const ctx = ra && rb ? { a: ra, b: rb } : {};
  const byKey = new Map<string, TableEntry>();
  for (const e of eb) byKey.set(kb.get(e)!, e);
  const selected = (key: string) => selectedKey(key, opts.tables);
  const out: Change[] = [];
  const amlBytes: Change[] = [];
  for (const x of ea) {
    const key = ka.get(x)!;
    if (!selected(key)) continue;
    const y = byKey.get(key);
    if (!y) {
      out.push({ path: key, kind: 'removed' });
      continue;
    }
    // on each side, the dump's heading line names the address ("SIG.@address")
    const seat = { old: `${x.table.signature}.@address`, new: `${y.table.signature}.@address` };
    for (const c of addressChange(key, x.address, y.address)) out.push({ ...c, seat });
    for (const c of diffTable(x.table, y.table, key, ctx)) {
      // an AML body's bytes: summed up here, said object by object below
      if (defOf(x.table).tailIsAml && c.path === `${key}.tail`) amlBytes.push(c);
      else out.push(c);
    }
  }
  const keysA = new Set(ka.values());
  for (const y of eb) {
    const key = kb.get(y)!;
    if (selected(key) && !keysA.has(key)) out.push({ path: key, kind: 'added' });
  }
  // the DSDT's and SSDTs' AML by what it declares, objects paired by namespace path across the set
  const aml = diffAml(a, b, selected);
  for (const c of amlBytes)
    out.push({
      ...c,
      note: [
        c.note?.replace(/(^|; )AML: compare with iasl -d$/, ''),
        aml.length ? 'the AML changes by namespace path follow' : 'the AML differs where nothing is declared (scope-level code, method-local objects)',
      ]
        .filter(Boolean)
        .join('; '),
    });
  for (const c of aml) out.push(c);
  // each PCI segment's requester IDs, composed through the SMMUs to the ITS groups
  for (const c of diffSegments(a, b, selected)) out.push(c);
  return out.flatMap((c) => presented(c, opts.ignore) ?? []);
}
