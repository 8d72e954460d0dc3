// Raw physical-memory images: find the RSDP (every 8-byte boundary: edk2 places it 8-byte aligned;
// the 16-byte rule is only the legacy BIOS area's), then read every table through the pointers.
// Every access is bounds-checked against the image; nothing is read twice, so loops end.
import { type Finding, hex, Refusal } from '../layout/diagnostics.js';
import { type ReadResult, type TableEntry, type TableSet, pointersOf, setOf } from '../model/tableset.js';
import { readUint } from '../layout/codec.js';
import { entryFrom } from './entry.js';
import { latin1, describeTable, rootPointer } from '../tables/registry.js';
import { entryAt } from '../layout/describe.js';
import type { Memory } from './memory.js';
import { findWord } from './wordsearch.js';
import { MAX_TABLE, sizeText } from './bounded.js';

/** Calls `visit` with each offset of `img` on the root pointer's boundary where its signature
 * sits, in image order, while it returns true. Nothing is gathered: a capture may hold millions
 * of candidates (a page of "RSD PTR " repeated holds 512). */
function eachCandidate(img: Uint8Array, visit: (at: number) => boolean): void {
  const root = rootPointer();
  const sig = Buffer.from(root.signature, 'latin1');
  // an 8-byte signature on 8-byte boundaries: the word search (SIMD on the scan's own buffers)
  const next =
    sig.length === 8 && root.align === 8
      ? (from: number) => findWord(img, sig, from)
      : (from: number) => {
          const b = Buffer.from(img.buffer, img.byteOffset, img.length);
          for (let at = b.indexOf(sig, from); at >= 0; at = b.indexOf(sig, at + 1)) if (at % root.align === 0) return at;
          return -1;
        };
  for (let at = next(0); at >= 0 && visit(at); at = next(at + root.align));
}

/** Every offset of `img` on the root pointer's boundary where its signature sits, with what keeps
 * it from being one (undefined: a valid root pointer), in image order. */
export function rootCandidates(img: Uint8Array): { at: number; fault?: string }[] {
  const root = rootPointer();
  const out: { at: number; fault?: string }[] = [];
  eachCandidate(img, (at) => out.push({ at, fault: root.fault(img, at) }) > 0);
  return out;
}

/** Offsets of root pointer (RSDP) candidates whose checksums hold. */
export function scanForRsdp(img: Uint8Array): number[] {
  return rootCandidates(img)
    .filter((c) => c.fault === undefined)
    .map((c) => c.at);
}

/** Overlap between chunks: a revision 2 RSDP (36 bytes) that starts in one chunk is whole in it. */
const SCAN_OVERLAP = 64;

/** How many of the signatures passed over are named (with what is wrong with each). */
const REJECTED_KEPT = 3;

/** The first RSDP with valid checksums, scanning every segment of a capture in order (8-byte
 * boundaries, as the declaration says), or undefined; and the signatures passed over on the way
 * (the first few), with what is wrong with each. Reads the capture in bounded chunks, and keeps
 * nothing per candidate beyond the first few rejected: memory stays bounded whatever the count. */
export function scanMemoryForRsdp(mem: Memory): { at?: bigint; rejected: { at: bigint; fault: string }[] } {
  const root = rootPointer();
  const rejected: { at: bigint; fault: string }[] = [];
  for (const c of mem.chunks(SCAN_OVERLAP)) {
    let found: number | undefined;
    eachCandidate(c.bytes, (at) => {
      if (at >= c.own) return false; // in the overlap: the next chunk sees it
      const fault = root.fault(c.bytes, at);
      if (!fault) found = at;
      else if (rejected.length < REJECTED_KEPT) rejected.push({ at: c.addr + BigInt(at), fault });
      return found === undefined;
    });
    if (found !== undefined) return { at: c.addr + BigInt(found), rejected };
  }
  return { rejected };
}

/** A finding about a capture: its code, table, path, message and file offset. */
type ImageErr = (code: string, table: string, path: string, message: string, offset?: number) => void;

/** Where the capture's RSDP is: at --rsdp when given (its signature there checked), else where the
 * scan finds one whose checksums hold; undefined, with a finding, when neither. */
function rsdpOf(mem: Memory, rsdpAddr: bigint | undefined, err: ImageErr): bigint | undefined {
  const root = rootPointer();
  if (rsdpAddr !== undefined) {
    const head = mem.read(rsdpAddr, root.signature.length);
    if (!head) {
      err('IMAGE_RSDP_OUTSIDE', 'RSDP', 'RSDP', `--rsdp ${hex(rsdpAddr)} is outside ${mem.where}`);
      return undefined;
    }
    if (latin1(head, 0, 8) !== root.signature) {
      err('IMAGE_RSDP_SIGNATURE', 'RSDP', 'RSDP', `no "RSD PTR " signature at --rsdp ${hex(rsdpAddr)}`, offsetOf(mem, rsdpAddr));
      return undefined;
    }
    return rsdpAddr;
  } else {
    const { at, rejected } = scanMemoryForRsdp(mem);
    if (at === undefined) {
      const size = mem.segments.reduce((n, s) => n + s.size, 0n);
      // a signature whose checksum fails is worth naming: Xen 4.17 writes its dom0 RSDP with a wrong 20-byte checksum
      const near = rejected.map((r) => `${hex(r.at)}${mem.segments.length === 1 ? ` (+${hex(r.at - mem.segments[0].start)})` : ''}: ${r.fault}`);
      err(
        'IMAGE_NO_RSDP',
        '',
        '',
        `no RSDP with valid checksums on any 8-byte boundary of ${mem.where} (${size} bytes)` +
          (near.length ? `; "RSD PTR " found at ${near.join('; ')} — give --rsdp ${hex(rejected[0].at)} to read through it anyway` : '; give --rsdp'),
      );
      return undefined;
    }
    return at;
  }
}

/** Read the tables of a memory capture (a raw image or an ELF core): the RSDP (given, or found by
 * the scan), then every table through the pointers, each read at its address. */
export function readImage(mem: Memory, file: string, rsdpAddr?: bigint): ReadResult {
  const findings: Finding[] = [];
  const entries: TableEntry[] = [];
  const memory = mem.segments.map((s) => ({ base: s.start, size: s.size }));
  const set: TableSet = { origin: file, kind: 'image', tables: [], memory };
  const err: ImageErr = (code, table, path, message, offset) => findings.push({ code, severity: 'error', table, path, message, file, offset });
  const root = rootPointer();

  const rsdp = rsdpOf(mem, rsdpAddr, err);
  if (rsdp === undefined) return { set, findings };

  /** The table at a physical address, read by its declared length, or a finding. */
  // `pointerAt` gives the image offset of the pointer field itself (looked up only on failure)
  const tableAt = (addr: bigint, via: string, table: string, pointerAt: () => number | undefined): Uint8Array | undefined => {
    const head = mem.read(addr, 24);
    if (!head) {
      err('IMAGE_POINTER_OUTSIDE', table, via, `${via} = ${hex(addr)} is outside ${mem.where}`, pointerAt());
      return undefined;
    }
    const len = latin1(head, 0, 8) === root.signature ? root.lengthAt(head, 0) : readUint(head, 4, 4);
    // checked before anything is allocated: a length field may claim 4 GiB
    if (len > MAX_TABLE) {
      err(
        'IMAGE_TABLE_TOO_LARGE',
        table,
        via,
        `the table at ${hex(addr)} (reached through ${via}) declares length ${len}, more than the ${sizeText(MAX_TABLE)} a table may have: not read`,
        offsetOf(mem, addr),
      );
      return undefined;
    }
    const bytes = len >= 8 ? mem.read(addr, len) : undefined;
    if (!bytes) {
      err(
        'IMAGE_TABLE_OUTSIDE',
        table,
        via,
        `the table at ${hex(addr)} (reached through ${via}) declares length ${len}, which runs past the end of ${mem.where}`,
        offsetOf(mem, addr),
      );
      return undefined;
    }
    return bytes;
  };

  const seen = new Set<bigint>();
  const load = (addr: bigint, via: string, table: string, pointerAt: () => number | undefined): TableEntry | undefined => {
    if (seen.has(addr)) return undefined;
    seen.add(addr);
    const bytes = tableAt(addr, via, table, pointerAt);
    if (!bytes) return undefined;
    const e = entryFrom(bytes, `${file}@${hex(addr)}`, addr, findings);
    if (!e) return undefined;
    const at = offsetOf(mem, addr, e.bytes.length);
    entries.push(at === undefined ? e : { ...e, fileOffset: at });
    return entries[entries.length - 1];
  };

  // every pointer a table declares leads to the next ones (RSDP → XSDT → entries, FADT → DSDT/FACS);
  // a pointer shadowed by another (the RSDT when there is an XSDT) is not followed
  // (depth first, so each table's own targets follow it: FACP, DSDT, FACS, then the next entry)
  const follow = (e: TableEntry | undefined): void => {
    if (!e) return;
    for (const p of pointersOf(e.table)) {
      const other = p.pointer.onlyWithout;
      // a null pointer, or a shadowed one
      if (p.address === 0n || (other && BigInt((e.table.fields[other] as bigint | number | undefined) ?? 0) !== 0n)) continue;
      const pointerAt = () => {
        const at = entryAt(describeTable(e.table), p.from)?.offset;
        return at === undefined ? undefined : offsetOf(mem, e.address! + BigInt(at));
      };
      follow(load(p.address, p.from, e.table.signature, pointerAt));
    }
  };
  follow(load(rsdp, 'RSDP', 'RSDP', () => offsetOf(mem, rsdp)));
  return { set: { ...setOf(file, 'image', entries), memory }, findings };
}

/** Where a physical address is in the capture's file (finding offsets name bytes of the input);
 * with a length, only when all of those bytes are in the file (not in a segment's zero tail). */
function offsetOf(mem: Memory, addr: bigint, length = 1): number | undefined {
  const s = mem.segments.find((x) => addr >= x.start && addr < x.start + x.size);
  if (!s || addr - s.start + BigInt(length) > BigInt(s.fileSize)) return undefined;
  return s.fileOffset + Number(addr - s.start);
}

/** Largest image we are willing to write: a set whose tables are spread further apart is refused. */
export const MAX_IMAGE_SPAN = 256n << 20n;

/**
 * A memory image holding every table at its address. `base` defaults to the lowest table address
 * rounded down to 4 KiB. Every table (and the RSDP) must have an address.
 */
export function writeImage(set: TableSet, base?: bigint): { image: Uint8Array; base: bigint } {
  const all = set.rsdp ? [set.rsdp, ...set.tables] : set.tables;
  const missing = all.filter((e) => e.address === undefined).map((e) => e.table.signature);
  if (missing.length) {
    throw new Refusal(`no address for ${missing.join(', ')}: an image needs every table's address (acpidump text or an image as input)`);
  }
  if (!set.rsdp) throw new Refusal('no RSDP in the input: nothing in an image would point at the tables');
  const lo = all.reduce((m, e) => (e.address! < m ? e.address! : m), all[0].address!);
  const hi = all.reduce((m, e) => (e.address! + BigInt(e.bytes.length) > m ? e.address! + BigInt(e.bytes.length) : m), 0n);
  const b = base ?? lo & ~0xfffn;
  if (b > lo) throw new Refusal(`--image-base ${hex(b)} is above the lowest table address ${hex(lo)}`);
  if (hi - b > MAX_IMAGE_SPAN) throw new Refusal(`the tables span ${hex(hi - b)} bytes from ${hex(b)}, more than the ${hex(MAX_IMAGE_SPAN)} an image may hold`);
  const sorted = [...all].sort((x, y) => (x.address! < y.address! ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.address! + BigInt(prev.bytes.length) > sorted[i].address!) {
      throw new Refusal(
        `${prev.table.signature} at ${hex(prev.address!)} (${prev.bytes.length} bytes) overlaps ${sorted[i].table.signature} at ${hex(sorted[i].address!)}`,
      );
    }
  }
  const size = Number((hi - b + 0xfffn) & ~0xfffn);
  const image = new Uint8Array(size);
  for (const e of all) image.set(e.bytes, Number(e.address! - b));
  return { image, base: b };
}
