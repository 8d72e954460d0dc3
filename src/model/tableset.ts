// A table set: the tables of one machine (or one build output), with their physical addresses
// when the input had them, and the pointers between them resolved.
import { defOf } from '../tables/registry.js';
import { listOf } from '../layout/codec.js';
import type { AcpiTable, InputKind, TableEntry, TableSet, Link, PointerDef } from './set.js';

export type { AcpiTable, InputKind, TableEntry, TableSet, EfiPart, Link, ReadResult } from './set.js';

/** Why an input of this kind lacks table addresses, and where they come from instead: the words
 * of every "no addresses" message (acpidump text may have them at 0; binary tables never do). */
export function missingAddresses(kind: InputKind): { why: string; give: string } {
  switch (kind) {
    case 'acpidump':
      return { why: 'its acpidump text gives them as 0 or not at all', give: 'acpidump text with the addresses (as acpidump prints them) or a memory image' };
    case 'binaries':
      return { why: 'folders of binary tables carry none', give: 'acpidump text or a memory image' };
    case 'table':
      return { why: 'a single table file carries none', give: 'acpidump text or a memory image' };
    default:
      return { why: 'the input does not give them', give: 'acpidump text or a memory image' };
  }
}

export function findTable(set: TableSet, signature: string, instance = 0): TableEntry | undefined {
  if (set.rsdp?.table.signature === signature) return instance === 0 ? set.rsdp : undefined;
  let i = 0;
  for (const e of set.tables) if (e.table.signature === signature && i++ === instance) return e;
  return undefined;
}

export function allEntries(set: TableSet): TableEntry[] {
  return set.rsdp ? [set.rsdp, ...set.tables] : set.tables;
}

/** A file-name-safe, lower-case form of a signature (it comes from untrusted bytes). */
export function safeName(signature: string): string {
  return signature.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/**
 * acpixtract -a names, in set order: the signature in lower case, numbered from 1 only when the
 * signature occurs more than once (apic1.dat, apic2.dat, ssdt.dat); the RSDP is rsdp.dat.
 */
export function tableFileNames(set: TableSet): Map<TableEntry, string> {
  const names = new Map<TableEntry, string>();
  if (set.rsdp) names.set(set.rsdp, 'rsdp.dat');
  const total = new Map<string, number>();
  for (const e of set.tables) total.set(e.table.signature, (total.get(e.table.signature) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const e of set.tables) {
    const sig = e.table.signature;
    const n = (seen.get(sig) ?? 0) + 1;
    seen.set(sig, n);
    names.set(e, `${safeName(sig)}${total.get(sig)! > 1 ? n : ''}.dat`);
  }
  return names;
}

const num = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt((v as number | undefined) ?? 0));

/** Every pointer the tables declare (RSDP → RSDT/XSDT, root entries, FADT → DSDT/FACS) and where
 * it lands; a 64-bit pointer that is 0 falls back to its 32-bit twin. */
export function resolveLinks(set: TableSet): Link[] {
  const byAddr = new Map<bigint, TableEntry>();
  for (const e of set.tables) if (e.address !== undefined) byAddr.set(e.address, e);
  return allEntries(set).flatMap((source) => pointersOf(source.table).map((p) => ({ ...p, to: byAddr.get(p.address), source })));
}

/** The non-zero pointers a table declares, with their field paths (a table of any length: a field
 * it is too short to have is no pointer). */
export function pointersOf(t: AcpiTable): { from: string; address: bigint; pointer: PointerDef }[] {
  const out: { from: string; address: bigint; pointer: PointerDef }[] = [];
  for (const pointer of defOf(t).pointers ?? []) {
    const add = (from: string, address: bigint) => {
      if (address !== 0n) out.push({ from, address, pointer });
    };
    if (pointer.part) {
      const part = defOf(t).parts?.find((p) => p.key === pointer.part);
      const items = part ? listOf(t, part) : [];
      items.forEach((it, i) => add(`${t.signature}.entry[${i}].${pointer.field}`, num(it.fields[pointer.field])));
      continue;
    }
    const f = t.fields;
    const wide = num(f[pointer.field]);
    if (wide || !pointer.narrow) add(`${t.signature}.${pointer.field}`, wide);
    else add(`${t.signature}.${pointer.narrow}`, num(f[pointer.narrow]));
  }
  return out;
}

/** A set from entries in input order: the root pointer (RSDP) apart, every table in `tables`. */
export function setOf(origin: string, kind: InputKind, entries: TableEntry[], boot?: TableSet['boot']): TableSet {
  const isRoot = (e: TableEntry) => defOf(e.table).rootPointer !== undefined;
  return { origin, kind, rsdp: entries.find(isRoot), tables: entries.filter((e) => !isRoot(e)), ...(boot ? { boot } : {}) };
}

/** The root table the RSDP selects (XSDT when revision ≥ 2 and the address is set, else RSDT). */
export function rootTable(set: TableSet): TableEntry | undefined {
  const links = resolveLinks(set);
  return (
    // the root pointer's declared pointers in order (XSDT before RSDT); a zero one is no link
    links.find((l) => l.source === set.rsdp)?.to ?? findTable(set, 'XSDT') ?? findTable(set, 'RSDT')
  );
}
