// Structural checks on any table set (SPEC §6): checksums, the RSDP, links between tables,
// duplicates, and the revision/length agreements consumers rely on.
import type { Fields } from '../layout/schema.js';
import { checksumOf } from '../layout/codec.js';
import { hex } from '../model/diagnostics.js';
import { resolveLinks, type TableEntry } from '../model/tableset.js';
import { MADT_GICC, MADT_GICD } from '../tables/madt.js';
import { FADT_V5_SIZE, FADT_V6_SIZE } from '../tables/fadt.js';
import { GTDT_V2_SIZE, GTDT_V3_SIZE } from '../tables/gtdt.js';
import { type CheckContext, num, big } from './context.js';

const header = (e: TableEntry) => e.table.fields.header as Fields | undefined;

export function checkChecksums(c: CheckContext): void {
  const { rsdp, tables } = c.set;
  if (rsdp) {
    const b = rsdp.bytes;
    const f = rsdp.table.fields;
    if (checksumOf(b, 20, -1) !== 0) {
      c.report('RSDP_CHECKSUM', rsdp, 'RSDP.checksum', `bytes 0-19 sum to ${hex((256 - checksumOf(b, 20, -1)) & 0xff)}; checksum ${hex(b[8], 2)} should be ${hex(checksumOf(b, 20, 8), 2)}`);
    }
    const rev = num(f.revision);
    if (rev >= 2) {
      if (checksumOf(b, b.length, -1) !== 0) {
        c.report('RSDP_EXT_CHECKSUM', rsdp, 'RSDP.extended_checksum', `bytes 0-${b.length - 1} do not sum to 0; extended checksum ${hex(b[32], 2)} should be ${hex(checksumOf(b, b.length, 32), 2)}`);
      }
      if (num(f.length) !== 36) c.report('RSDP_LENGTH', rsdp, 'RSDP.length', `Length is ${num(f.length)}; a revision ${rev} RSDP is 36 bytes`);
    }
    if (rev !== 0 && rev !== 2) c.report('RSDP_REVISION', rsdp, 'RSDP.revision', `revision ${rev}: ACPI defines 0 (1.0) and 2 (2.0 and later)`);
  }
  for (const e of tables) {
    if (!header(e) || e.table.signature === 'FACS') continue;
    const b = e.bytes;
    if (checksumOf(b, b.length, -1) !== 0) {
      c.report('CHECKSUM', e, `${e.table.signature}.header.checksum`, `checksum ${hex(b[9], 2)} should be ${hex(checksumOf(b, b.length, 9), 2)}`);
    }
  }
}

/** Pointers between tables, checked when the input knows addresses. */
export function checkLinks(c: CheckContext): void {
  const set = c.set;
  if (!set.tables.some((e) => e.address !== undefined)) return;
  const find = (sig: string) => set.tables.find((e) => e.table.signature === sig);
  for (const l of resolveLinks(set)) {
    if (l.to) {
      checkTarget(c, l.from, l.to);
      continue;
    }
    if (l.from.startsWith('RSDP.')) {
      const xsdtLink = l.from === 'RSDP.xsdt_address' || !('xsdt_address' in set.rsdp!.table.fields) || set.rsdp!.table.fields.xsdt_address === 0n;
      if (xsdtLink) c.report('RSDP_XSDT_UNRESOLVED', set.rsdp, l.from, `${l.from} = ${hex(l.address)}, where the input has no table`);
    } else if (l.from.startsWith('FACP.') && l.from.endsWith('dsdt')) {
      c.report('FADT_DSDT_UNRESOLVED', find('FACP'), l.from, `${l.from} = ${hex(l.address)}, where the input has no table`);
    } else if (/^[XR]SDT\./.test(l.from)) {
      c.report('XSDT_ENTRY_UNRESOLVED', find(l.from.slice(0, 4)), l.from, `${l.from} = ${hex(l.address)}, where the input has no table`);
    }
  }
  for (const root of set.tables.filter((e) => e.table.signature === 'XSDT' || e.table.signature === 'RSDT')) {
    (root.table.items ?? []).forEach((it, i) => {
      if (big(it.fields.address) === 0n) c.report('XSDT_ENTRY_NULL', root, `${root.table.signature}.entry[${i}].address`, `entry ${i} is NULL; ACPICA skips it`);
    });
  }
  const fadt = find('FACP');
  if (fadt && 'x_dsdt' in fadt.table.fields) {
    const x = big(fadt.table.fields.x_dsdt);
    const d = big(fadt.table.fields.dsdt);
    if (x !== 0n && d !== 0n && x !== d) c.report('FADT_DSDT_MISMATCH', fadt, 'FACP.dsdt', `Dsdt ${hex(d)} and XDsdt ${hex(x)} differ; ACPICA warns "32/64X DSDT address mismatch" and uses XDsdt`);
  }
}

/** What a pointer may land on: the RSDP's on a root table, the FADT's on a DSDT/FACS, root entries on neither. */
function checkTarget(c: CheckContext, from: string, to: TableEntry): void {
  const sig = to.table.signature;
  const src = c.set.tables.find((e) => e.table.signature === from.slice(0, 4)) ?? c.set.rsdp;
  let want: string | undefined;
  let code = '';
  if (from === 'RSDP.xsdt_address') [want, code] = ['XSDT', 'RSDP_XSDT_UNRESOLVED'];
  else if (from === 'RSDP.rsdt_address') [want, code] = ['RSDT', 'RSDP_XSDT_UNRESOLVED'];
  else if (/^FACP\.(x_)?dsdt$/.test(from)) [want, code] = ['DSDT', 'FADT_DSDT_UNRESOLVED'];
  else if (/^FACP\.(x_)?facs$/.test(from)) [want, code] = ['FACS', 'FADT_DSDT_UNRESOLVED'];
  if (want && sig !== want) {
    c.report(code, from.startsWith('RSDP') ? c.set.rsdp : src, from, `${from} points at a ${sig}, not a ${want}`);
  } else if (/^[XR]SDT\./.test(from) && ['DSDT', 'FACS', 'RSDT', 'XSDT', 'RSDP'].includes(sig)) {
    c.report('XSDT_ENTRY_UNRESOLVED', src, from, `${from} points at the ${sig}, which is reached another way and must not be listed`);
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
      c.report('TABLE_OVERLAP', q, q.table.signature, `${q.table.signature} at ${hex(q.address!)} overlaps ${p.table.signature} at ${hex(p.address!)}-${hex(p.address! + BigInt(p.bytes.length))}`, 0);
    }
  }
}

const ONCE = ['FACP', 'APIC', 'GTDT', 'STAO'];

export function checkDuplicates(c: CheckContext): void {
  const set = c.set;
  const xsdt = set.tables.find((e) => e.table.signature === 'XSDT');
  const byAddr = new Map(set.tables.filter((e) => e.address !== undefined).map((e) => [e.address!, e] as const));
  if (xsdt && byAddr.size) {
    const seen = new Map<string, number>();
    (xsdt.table.items ?? []).forEach((it, i) => {
      const sig = byAddr.get(big(it.fields.address))?.table.signature;
      if (!sig || !ONCE.includes(sig)) return;
      if (seen.has(sig)) c.report('DUPLICATE_TABLE', xsdt, `XSDT.entry[${i}].address`, `a second ${sig} in the XSDT (first at entry ${seen.get(sig)}); Linux uses the first for some checks and the last for others`);
      else seen.set(sig, i);
    });
    return;
  }
  for (const sig of ONCE) {
    const all = set.tables.filter((e) => e.table.signature === sig);
    for (const e of all.slice(1)) c.report('DUPLICATE_TABLE', e, `${sig}.header.signature`, `${all.length} ${sig} tables in the input; dom0 must see one`, 0);
  }
}

export function checkRevisions(c: CheckContext): void {
  for (const e of c.set.tables) {
    const h = header(e);
    if (!h) continue;
    const rev = num(h.revision);
    const len = e.bytes.length;
    if (e.table.signature === 'FACP') {
      const want = rev >= 6 ? FADT_V6_SIZE : rev === 5 ? FADT_V5_SIZE : undefined;
      if (want !== undefined && len !== want) c.report('FADT_REVISION_LENGTH', e, 'FACP.header.length', `revision ${rev} FADT is ${len} bytes; revision ${rev >= 6 ? '6+' : 5} means ${want} (ACPICA reads min(length, 276) and zero-fills the rest)`);
    }
    if (e.table.signature === 'GTDT') {
      const want = rev >= 3 ? GTDT_V3_SIZE : rev === 2 ? GTDT_V2_SIZE : undefined;
      if (want !== undefined && len < want) c.report('GTDT_REVISION_LENGTH', e, 'GTDT.header.length', `revision ${rev} GTDT is ${len} bytes; revision ${rev >= 3 ? '3' : '2'} needs at least ${want}`);
    }
  }
}

export function checkMadt(c: CheckContext, dom0 = false): void {
  const fadt = c.set.tables.find((e) => e.table.signature === 'FACP');
  const fadtRev = fadt ? num((fadt.table.fields.header as Fields).revision) : undefined;
  for (const e of c.set.tables.filter((x) => x.table.signature === 'APIC')) {
    const items = e.table.items ?? [];
    const gicds = items.filter((s) => s.fields.type === MADT_GICD);
    if (gicds.length !== 1) c.report('MADT_GICD_COUNT', e, 'APIC.gicd', `${gicds.length} GICD entries; exactly one is needed`, gicds.length ? c.offsetOf(e, 'APIC.gicd[1]') : 44);
    const giccs = items.filter((s) => s.fields.type === MADT_GICC);
    const mpidrs = new Map<bigint, number>();
    const uids = new Map<number, number>();
    giccs.forEach((g, i) => {
      const p = `APIC.gicc[${i}]`;
      if ('arm_mpidr' in g.fields) {
        const m = big(g.fields.arm_mpidr);
        if (mpidrs.has(m)) c.report('MADT_DUPLICATE_MPIDR', e, `${p}.arm_mpidr`, `GICC ${i} repeats MPIDR ${hex(m)} of GICC ${mpidrs.get(m)}`);
        else mpidrs.set(m, i);
      }
      const u = num(g.fields.uid);
      if (uids.has(u)) c.report('MADT_DUPLICATE_UID', e, `${p}.uid`, `GICC ${i} repeats processor UID ${u} of GICC ${uids.get(u)}`);
      else uids.set(u, i);
    });
    if (fadtRev !== undefined) {
      const want = fadtRev >= 6 ? 80 : 76;
      const bad = giccs.map((g, i) => [g, i] as const).filter(([g]) => num(g.fields.length) !== want);
      if (bad.length) {
        const [g, i] = bad[0];
        const code = dom0 ? 'DOM0_GICC_LENGTH' : 'GICC_LENGTH_FADT_REVISION';
        c.report(code, e, `APIC.gicc[${i}].length`, `${bad.length} GICC(s) are not ${want} bytes (GICC ${i}: ${num(g.fields.length)}); with FADT revision ${fadtRev}, Xen and Linux 4.2-4.20 accept only ${want}`);
      }
    }
  }
}
