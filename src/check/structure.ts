// Structural checks on any table set (SPEC §6), generic over the declarations: header checksums,
// the pointers tables declare (where they land), byte ranges that overlap, tables declared "once"
// that appear twice. Each table's own rules (revision ⇔ length, GICD count, …) live with its
// declaration and run from checkTables.
import { checksumOf, declaredFields } from '../layout/codec.js';
import { hex } from '../layout/diagnostics.js';
import { findTable, missingAddresses, rootTable } from '../model/tableset.js';
import { defOf, defFor, describeTable, decodedSignatures, reachedOtherwise } from '../tables/registry.js';
import { CODES } from './catalog.js';
import { leaves } from '../layout/describe.js';
import type { CheckContext } from './context.js';
import { headerOf, HEADER_CHECKSUM_AT } from '../tables/common.js';

/** Every field rule a declaration carries (FieldOptions.valid), on every table that has one. */
export function checkFields(c: CheckContext): void {
  for (const e of c.set.tables) {
    // only tables whose declaration has a field rule are described (declaredFields is cached)
    if (!declaredFields(defOf(e.table)).some((f) => f.valid)) continue;
    for (const x of leaves(describeTable(e.table))) {
      if (x.kind !== 'field' || !x.field.valid) continue;
      const problem = x.field.valid.test(x.value, x.node);
      if (problem !== undefined) c.report(x.field.valid.code, e, x.path, problem, x.offset);
    }
  }
}

/** Every table whose header carries a checksum sums to zero (the RSDP's two are its own rules). */
export function checkChecksums(c: CheckContext): void {
  for (const e of c.set.tables) {
    if (headerOf(e.table)?.checksum === undefined) continue;
    const b = e.bytes;
    const at = HEADER_CHECKSUM_AT;
    if (checksumOf(b, b.length, -1) !== 0) {
      // firmware build tools often leave 0 for the installer to fill in: say so (the bytes still fail)
      const placeholder = b[at] === 0 ? ' (a stored 0x00 looks like a placeholder the firmware fills in at install time)' : '';
      c.report(
        'CHECKSUM',
        e,
        `${e.table.signature}.header.checksum`,
        `checksum ${hex(b[at], 2)} should be ${hex(checksumOf(b, b.length, at), 2)}${placeholder}`,
      );
    }
  }
}

/** Pointers between tables, checked when the input knows addresses: each lands on a table, of a
 * kind its declaration allows. */
export function checkLinks(c: CheckContext): void {
  if (!c.set.tables.some((e) => e.address !== undefined)) return;
  for (const l of c.resolved) {
    const p = l.pointer;
    if (!l.to) {
      const f = l.source.table.fields;
      const shadowed = p.onlyWithout && BigInt((f[p.onlyWithout] as bigint | number | undefined) ?? 0) !== 0n;
      if (!shadowed) c.report(p.code, l.source, l.from, `${l.from} = ${hex(l.address)}, where the input has no table`);
      continue;
    }
    const sig = l.to.table.signature;
    if (p.to && !p.to.includes(sig)) c.report(p.code, l.source, l.from, `${l.from} points at a ${sig}, not a ${p.to.join(' or ')}`);
    else if (p.listing && reachedOtherwise().has(sig))
      c.report(p.code, l.source, l.from, `${l.from} points at the ${sig}, which is reached another way and must not be listed`);
  }
}

/** Tables whose byte ranges overlap in memory (when addresses are known). */
export function checkOverlaps(c: CheckContext): void {
  const placed = [...(c.set.rsdp ? [c.set.rsdp] : []), ...c.set.tables].filter((e) => e.address !== undefined);
  placed.sort((a, b) => (a.address! < b.address! ? -1 : a.address! > b.address! ? 1 : 0));
  for (let i = 1; i < placed.length; i++) {
    const p = placed[i - 1];
    const q = placed[i];
    if (p.address! + BigInt(p.bytes.length) > q.address!) {
      c.report(
        'TABLE_OVERLAP',
        q,
        q.table.signature,
        `${q.table.signature} at ${hex(q.address!)} overlaps ${p.table.signature} at ${hex(p.address!)}-${hex(p.address! + BigInt(p.bytes.length))}`,
        0,
      );
    }
  }
}

/** A table declared "once" that dom0 would see twice: through the root table's entries when
 * addresses are known, else in the input. */
export function checkDuplicates(c: CheckContext): void {
  const set = c.set;
  const once = (sig: string | undefined) => sig !== undefined && set.tables.some((e) => e.table.signature === sig && defOf(e.table).once);
  const links = c.resolved.filter((l) => l.pointer.part !== undefined && l.to);
  if (links.length) {
    const seen = new Map<string, string>();
    for (const l of links) {
      const sig = l.to!.table.signature;
      if (!once(sig)) continue;
      if (seen.has(sig))
        c.report(
          'DUPLICATE_TABLE',
          l.source,
          l.from,
          `a second ${sig} in the ${l.source.table.signature} (first at ${seen.get(sig)}); Linux uses the first for some checks and the last for others`,
        );
      else seen.set(sig, l.from);
    }
    return;
  }
  const counts = new Map<string, number>();
  for (const e of set.tables) {
    const sig = e.table.signature;
    if (!once(sig)) continue;
    counts.set(sig, (counts.get(sig) ?? 0) + 1);
    if (counts.get(sig)! > 1)
      c.report(
        'DUPLICATE_TABLE',
        e,
        `${sig}.header.signature`,
        `${set.tables.filter((x) => x.table.signature === sig).length} ${sig} tables in the input; ` +
          `${c.dom0 ? 'dom0 must see one' : 'an OS expects one (Linux uses the first for some checks and the last for others)'}`,
        0,
      );
  }
}

/** dom0 cannot boot without the tables declared required (RSDP, XSDT, FADT, MADT). */
export function checkRequired(c: CheckContext, required: string[]): void {
  const placed = [c.set.rsdp, ...c.set.tables].some((e) => e?.address !== undefined);
  // a form without addresses and without the tables that hold them (a copy of
  // /sys/firmware/acpi/tables lists neither the RSDP nor the XSDT): their absence is the form's
  const rootless = !placed && !decodedSignatures().some((sig) => holdsAddresses(sig) && findTable(c.set, sig));
  const unlisted: string[] = [];
  for (const sig of required) {
    if (findTable(c.set, sig)) continue;
    if (rootless && holdsAddresses(sig)) {
      unlisted.push(sig);
      continue;
    }
    const why = defFor(sig).dom0Required;
    c.report('DOM0_NO_TABLE', undefined, sig, `no ${sig}${typeof why === 'string' ? `: ${why}` : ' in the input'}`);
  }
  const { why, give } = missingAddresses(c.set.kind);
  if (unlisted.length)
    c.report(
      'INPUT_NO_ROOT',
      undefined,
      '',
      `the input has no ${unlisted.join(' or ')} and no table addresses (${why}; a copy of /sys/firmware/acpi/tables lists neither): the ` +
        `links from them are not checked; give ${give}, or a build output`,
    );
  else if (!placed)
    c.report(
      'INPUT_NO_ADDRESSES',
      undefined,
      '',
      `the input has no table addresses (${why}): the links dom0 follows are not checked; give ${give}, or a build output`,
    );
}

/** The root pointer and the tables made of other tables' addresses (XSDT, RSDT): what an input
 * form without addresses may lack as a whole. */
const holdsAddresses = (sig: string): boolean => defFor(sig).rootPointer !== undefined || (defFor(sig).pointers ?? []).some((p) => p.part !== undefined);

/** --xen-host: the tables Xen's boot code needs, looked for where Xen looks, in the root table's
 * entries (in the input, when it has no addresses). Without a root table nothing can be said. */
export function checkXenRequired(c: CheckContext): void {
  const root = rootTable(c.set);
  if (!root) return;
  const placed = c.set.tables.some((e) => e.address !== undefined);
  const listed = new Set(
    placed
      ? c.resolved.filter((l) => l.source === root && l.pointer.part !== undefined && l.to).map((l) => l.to!.table.signature)
      : c.set.tables.map((e) => e.table.signature),
  );
  const sig = root.table.signature;
  for (const s of decodedSignatures()) {
    const code = defFor(s).xenHostRequired;
    if (!code || listed.has(s)) continue;
    const what = CODES[code].consumers.find((x) => x.who === 'Xen')?.what;
    c.report(code, root, `${sig}.header.length`, `the ${sig} lists no ${s}${what ? `: ${what}` : ''}`);
  }
}
