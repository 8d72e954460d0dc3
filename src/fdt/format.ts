// The flattened device tree format (devicetree specification v0.4 §5), declared once for the writer
// and the reader: the header's big-endian u32 fields in order, and the structure block's tokens.

export const FDT_MAGIC = 0xd00dfeed;

/** The header fields, each a big-endian u32 at 4 × its index. */
export const FDT_HEADER_FIELDS = [
  'magic',
  'totalsize',
  'off_dt_struct',
  'off_dt_strings',
  'off_mem_rsvmap',
  'version',
  'last_comp_version',
  'boot_cpuid_phys',
  'size_dt_strings',
  'size_dt_struct',
] as const;
export type FdtHeader = Record<(typeof FDT_HEADER_FIELDS)[number], number>;
export const FDT_HEADER_SIZE = FDT_HEADER_FIELDS.length * 4;

export const FDT_BEGIN_NODE = 1;
export const FDT_END_NODE = 2;
export const FDT_PROP = 3;
export const FDT_NOP = 4;
export const FDT_END = 9;

/** The byte offset of a header field. */
export const headerOffset = (f: (typeof FDT_HEADER_FIELDS)[number]): number => FDT_HEADER_FIELDS.indexOf(f) * 4;

export function writeHeader(out: Buffer, h: FdtHeader): void {
  FDT_HEADER_FIELDS.forEach((f, i) => out.writeUInt32BE(h[f] >>> 0, i * 4));
}

/** The header of a blob at least FDT_HEADER_SIZE bytes long. */
export function readHeader(b: Buffer): FdtHeader {
  return Object.fromEntries(FDT_HEADER_FIELDS.map((f, i) => [f, b.readUInt32BE(i * 4)])) as FdtHeader;
}
