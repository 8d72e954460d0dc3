// relocate (--relocate all): every host table moves into the new region instead of staying at its
// host address; the pointers tables declare to tables outside the XSDT (the FADT's DSDT and FACS)
// follow the move as references. Runs first, before the profile's passes.
import { defOf } from '../tables/registry.js';
import { type Pass, type PassDef, type Dom0Set, type Dom0Table, type Ref, warn } from './types.js';

/** The references that make a table's declared pointers to `sig` outside the XSDT (the FADT's DSDT
 * and FACS, each a 64-bit field and a 32-bit one) follow that table wherever the layout puts it: the
 * 64-bit one when the table has it, the 32-bit one when it is set or the only one. */
export function followRefs(t: Dom0Table, sig: string): Ref[] {
  const fields = t.table.fields;
  const out: Ref[] = [];
  for (const { to, field: x, narrow } of defOf(t.table).pointers ?? []) {
    if (!narrow || to?.length !== 1 || to[0] !== sig || (!(x in fields) && !(narrow in fields))) continue;
    if (x in fields) out.push({ at: x, to: sig });
    if (Number(fields[narrow] ?? 0) !== 0 || !(x in fields)) out.push({ at: narrow, to: sig });
  }
  return out;
}

/** --relocate all: every host table moves into the new region; the FADT's DSDT/FACS pointers follow. */
const run: Pass = (set) => {
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
      // a FADT too short for either field has no such pointer: nothing to follow, nothing to write
      if (!(x in fields) && !(y in fields)) continue;
      if (!tables.some((t) => t.id === sig)) {
        // the input lacks it: a host address would point at nothing once the tables move
        if (BigInt((fields[x] as bigint | undefined) ?? 0n) !== 0n || Number(fields[y] ?? 0) !== 0) {
          if (x in fields) fields[x] = 0n;
          if (y in fields) fields[y] = 0;
          next = warn(
            next,
            'BUILD_POINTER_MISSING',
            owner,
            `${owner}.${x}`,
            `the ${owner} points at a ${sig} the input does not have; with --relocate all the pointer is set to 0`,
          );
        }
      }
    }
    for (const sig of new Set(defOf(fadt.table).pointers!.flatMap((p) => (p.narrow && p.to?.length === 1 ? p.to : []))))
      if (tables.some((t) => t.id === sig)) for (const r of followRefs({ ...fadt, table: { ...fadt.table, fields } }, sig)) refs.push(r);
    next.tables[tables.indexOf(fadt)] = { ...fadt, table: { ...fadt.table, fields }, refs };
  }
  return { set: next, changes: [] };
};

export const relocatePass = {
  name: 'relocate',
  stage: 'tables' as const,
  summary: "--relocate all: every host table moves into the new region; the FADT's DSDT/FACS pointers follow",
  run,
} satisfies PassDef;
