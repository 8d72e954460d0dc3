// ELF core files as physical memory: QEMU's dump-guest-memory (and virsh dump --memory-only, which
// uses it), a kdump /proc/vmcore, makedumpfile -E. Each PT_LOAD segment holds memory at its physical
// address (p_paddr); a segment's bytes past its file size are zero. The ELF header and program
// headers are declared with the layout engine (ELF64 and ELF32, little-endian), read with readAt
// and written with encodeNode (the writer makes the small cores the tests and the bench use).
import { layout, bytes, u16, u32, u64 } from '../layout/schema.js';
import { type ContainerDef, readAt, encodeNode, make } from '../layout/codec.js';
import { hex, Refusal } from '../layout/diagnostics.js';
import { memoryOf, type Memory, type Segment, type Source } from './memory.js';

export const ELF_MAGIC = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46);
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ET_CORE = 4;
const PT_LOAD = 1;
/** e_phnum when the count does not fit: the real one is section header 0's sh_info */
const PN_XNUM = 0xffff;

const ident = bytes('e_ident', 'Identification', 16);
const tail = [
  u32('e_flags', 'Flags'),
  u16('e_ehsize', 'Header Size'),
  u16('e_phentsize', 'Program Header Size'),
  u16('e_phnum', 'Program Header Count'),
  u16('e_shentsize', 'Section Header Size'),
  u16('e_shnum', 'Section Header Count'),
  u16('e_shstrndx', 'Section Name Index'),
] as const;

export const elf64Header = {
  name: 'ELF64',
  label: 'ELF64 header',
  layout: layout('elf64_header', [
    ident,
    u16('e_type', 'Type'),
    u16('e_machine', 'Machine'),
    u32('e_version', 'Version'),
    u64('e_entry', 'Entry'),
    u64('e_phoff', 'Program Header Offset'),
    u64('e_shoff', 'Section Header Offset'),
    ...tail,
  ]),
} satisfies ContainerDef;

export const elf32Header = {
  name: 'ELF32',
  label: 'ELF32 header',
  layout: layout('elf32_header', [
    ident,
    u16('e_type', 'Type'),
    u16('e_machine', 'Machine'),
    u32('e_version', 'Version'),
    u32('e_entry', 'Entry'),
    u32('e_phoff', 'Program Header Offset'),
    u32('e_shoff', 'Section Header Offset'),
    ...tail,
  ]),
} satisfies ContainerDef;

export const elf64Phdr = {
  name: 'ELF64_PHDR',
  label: 'ELF64 program header',
  layout: layout('elf64_phdr', [
    u32('p_type', 'Type'),
    u32('p_flags', 'Flags'),
    u64('p_offset', 'Offset'),
    u64('p_vaddr', 'Virtual Address'),
    u64('p_paddr', 'Physical Address'),
    u64('p_filesz', 'File Size'),
    u64('p_memsz', 'Memory Size'),
    u64('p_align', 'Alignment'),
  ]),
} satisfies ContainerDef;

export const elf32Phdr = {
  name: 'ELF32_PHDR',
  label: 'ELF32 program header',
  layout: layout('elf32_phdr', [
    u32('p_type', 'Type'),
    u32('p_offset', 'Offset'),
    u32('p_vaddr', 'Virtual Address'),
    u32('p_paddr', 'Physical Address'),
    u32('p_filesz', 'File Size'),
    u32('p_memsz', 'Memory Size'),
    u32('p_flags', 'Flags'),
    u32('p_align', 'Alignment'),
  ]),
} satisfies ContainerDef;

/** sh_info of section header 0 (ELF64 offset 44, ELF32 offset 28): the program header count under PN_XNUM */
const SH_INFO_AT = { 64: 44, 32: 28 } as const;

/** The most program headers a core is read with. A core has one per memory range: QEMU's a few,
 * /proc/vmcore's one per System RAM range, makedumpfile -E's one per run of kept pages (some
 * hundred thousand on a large, fragmented server). Each segment kept costs some 220 bytes of
 * memory (a core of 2^20 segments is read in 284 MB RSS), so the limit keeps a hostile count
 * (PN_XNUM allows 2^32) to a bounded read. */
export const MAX_PROGRAM_HEADERS = 1 << 20;

/** Program headers are read this many at a time (at 56 bytes each, 224 KiB), never all at once. */
const PHDR_BATCH = 4096;

export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && ELF_MAGIC.every((b, i) => head[i] === b);
}

/** An ELF file that cannot be read as a core: the message says why (and where). */
export class ElfError extends Refusal {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'ElfError';
  }
}

const big = (v: number | bigint) => BigInt(v);

/** The PT_LOAD segments of an ELF core, checked against the file (bounded by its size). */
export function elfSegments(source: Source): Segment[] {
  const read = (at: number, n: number): Uint8Array => {
    const b = new Uint8Array(n);
    if (source.read(b, at) !== n) throw new ElfError(`the file ends at ${hex(source.size)}, inside the ELF structure at ${hex(at)} (${n} bytes)`, at);
    return b;
  };
  const id = read(0, 16);
  const cls = id[4];
  if (cls !== ELFCLASS64 && cls !== ELFCLASS32) throw new ElfError(`ELF class ${id[4]} is neither ELF32 (1) nor ELF64 (2)`, 4);
  if (id[5] !== ELFDATA2LSB) throw new ElfError(`a big-endian ELF (data encoding ${id[5]}): only little-endian cores are read`, 5);
  const bits = cls === ELFCLASS64 ? 64 : 32;
  const h = bits === 64 ? readAt(elf64Header, read(0, elf64Header.layout.size)) : readAt(elf32Header, read(0, elf32Header.layout.size));
  if (h.e_type !== ET_CORE) throw new ElfError(`an ELF file of type ${h.e_type}, not a core (4): not a memory capture`, 16);
  const phdr = bits === 64 ? elf64Phdr : elf32Phdr;
  if (h.e_phentsize !== phdr.layout.size)
    throw new ElfError(`program headers of ${h.e_phentsize} bytes; ELF${bits} has ${phdr.layout.size}`, bits === 64 ? 54 : 42);
  let count = h.e_phnum;
  let countAt = bits === 64 ? 56 : 44;
  if (count === PN_XNUM) {
    const shoff = Number(h.e_shoff);
    countAt = shoff + SH_INFO_AT[bits];
    count = readAt({ name: 'sh_info', label: 'sh_info', layout: layout('sh_info', [u32('v', 'sh_info')]) }, read(countAt, 4)).v;
  }
  const phoff = Number(h.e_phoff);
  const entry = phdr.layout.size;
  // both checked before anything is read: the file's real size, then the limit
  if (!Number.isSafeInteger(phoff) || phoff + count * entry > source.size)
    throw new ElfError(`${count} program headers at ${hex(h.e_phoff)} run past the end of the file (${hex(source.size)})`, bits === 64 ? 32 : 28);
  if (count > MAX_PROGRAM_HEADERS)
    throw new ElfError(`${count} program headers, more than the ${MAX_PROGRAM_HEADERS} read (a core has one per memory range)`, countAt);
  const segments: Segment[] = [];
  for (let first = 0; first < count; first += PHDR_BATCH) {
    const n = Math.min(PHDR_BATCH, count - first);
    const table = read(phoff + first * entry, n * entry);
    for (let k = 0; k < n; k++) {
      const i = first + k;
      const p = bits === 64 ? readAt(elf64Phdr, table, k * entry) : readAt(elf32Phdr, table, k * entry);
      if (p.p_type !== PT_LOAD || big(p.p_memsz) === 0n) continue;
      const at = phoff + i * entry;
      const start = big(p.p_paddr);
      const size = big(p.p_memsz);
      const fileSize = big(p.p_filesz);
      if (start + size > 1n << 64n) throw new ElfError(`PT_LOAD ${i} at ${hex(start)} (${hex(size)} bytes) runs past the 64-bit address space`, at);
      if (fileSize > size) throw new ElfError(`PT_LOAD ${i} has file size ${hex(fileSize)} above its memory size ${hex(size)}`, at);
      if (big(p.p_offset) + fileSize > big(source.size))
        throw new ElfError(
          `PT_LOAD ${i} (${hex(start)}) needs file bytes ${hex(p.p_offset)}..${hex(big(p.p_offset) + fileSize)}, past the end of the file ` +
            `(${hex(source.size)}): a truncated core`,
          at,
        );
      segments.push({ start, size, fileOffset: Number(p.p_offset), fileSize: Number(fileSize) });
    }
  }
  if (!segments.length) throw new ElfError('an ELF core without PT_LOAD segments holds no memory', bits === 64 ? 56 : 44);
  const sorted = [...segments].sort((a, b) => (a.start < b.start ? -1 : 1));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i - 1].start + sorted[i - 1].size > sorted[i].start)
      throw new ElfError(`PT_LOAD segments ${hex(sorted[i - 1].start)}+${hex(sorted[i - 1].size)} and ${hex(sorted[i].start)} overlap in physical memory`);
  return segments;
}

const described = (segs: Segment[]) =>
  segs.length <= 4
    ? segs.map((s) => `${hex(s.start)}..${hex(s.start + s.size)}`).join(', ')
    : `${segs.length} ranges, ${hex(segs[0].start)}..${hex(segs[segs.length - 1].start + segs[segs.length - 1].size)}`;

/** An ELF core as physical memory. */
export function elfCore(source: Source): Memory {
  const segs = elfSegments(source).sort((a, b) => (a.start < b.start ? -1 : 1));
  return memoryOf(source, segs, `every PT_LOAD segment of the core (${described(segs)})`);
}

/** An ELF64 core holding `segments` (physical address and bytes), laid out as QEMU writes one: the
 * header, the program headers, then each segment's bytes. `zeroTail` extends a segment's memory
 * size past its bytes. */
export function writeElfCore(segments: { paddr: bigint; bytes: Uint8Array; zeroTail?: number }[]): Uint8Array {
  const phoff = elf64Header.layout.size;
  let offset = phoff + segments.length * elf64Phdr.layout.size;
  const phdrs: Uint8Array[] = [];
  for (const s of segments) {
    phdrs.push(
      encodeNode(
        elf64Phdr,
        make(elf64Phdr, {
          p_type: PT_LOAD,
          p_flags: 0,
          p_offset: big(offset),
          p_vaddr: 0n,
          p_paddr: s.paddr,
          p_filesz: big(s.bytes.length),
          p_memsz: big(s.bytes.length + (s.zeroTail ?? 0)),
          p_align: 0n,
        }),
      ),
    );
    offset += s.bytes.length;
  }
  const ehdr = encodeNode(
    elf64Header,
    make(elf64Header, {
      e_ident: Uint8Array.of(...ELF_MAGIC, ELFCLASS64, ELFDATA2LSB, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
      e_type: ET_CORE,
      e_machine: 183, // EM_AARCH64
      e_version: 1,
      e_entry: 0n,
      e_phoff: big(phoff),
      e_shoff: 0n,
      e_flags: 0,
      e_ehsize: elf64Header.layout.size,
      e_phentsize: elf64Phdr.layout.size,
      e_phnum: segments.length,
      e_shentsize: 0,
      e_shnum: 0,
      e_shstrndx: 0,
    }),
  );
  return Buffer.concat([ehdr, ...phdrs, ...segments.map((s) => s.bytes)]);
}
