// The flattened device tree format (devicetree specification v0.4 §5), declared once for the writer
// and the reader: the header (an engine layout of big-endian u32s) and the structure block's tokens.
import { layout, u32be, type FieldsOf } from '../layout/schema.js';
import { type ContainerDef, EMPTY, encodeNode, readAt, fieldAt } from '../layout/codec.js';

export const FDT_MAGIC = 0xd00dfeed;

/** The header: ten big-endian u32s, declared with the same engine as the ACPI tables. */
export const fdtHeader = {
  name: 'FDT',
  label: 'Flattened device tree header',
  layout: layout('fdt_header', [
    u32be('magic', 'Magic'),
    u32be('totalsize', 'Total Size'),
    u32be('off_dt_struct', 'Structure Block Offset'),
    u32be('off_dt_strings', 'Strings Block Offset'),
    u32be('off_mem_rsvmap', 'Reserve Map Offset'),
    u32be('version', 'Version'),
    u32be('last_comp_version', 'Last Compatible Version'),
    u32be('boot_cpuid_phys', 'Boot CPU ID'),
    u32be('size_dt_strings', 'Strings Block Size'),
    u32be('size_dt_struct', 'Structure Block Size'),
  ]),
} satisfies ContainerDef;
export type FdtHeader = FieldsOf<typeof fdtHeader.layout>;
export const FDT_HEADER_SIZE = fdtHeader.layout.size;

export const FDT_BEGIN_NODE = 1;
export const FDT_END_NODE = 2;
export const FDT_PROP = 3;
export const FDT_NOP = 4;
export const FDT_END = 9;

/** The byte offset of a header field. */
export const headerOffset = (f: keyof FdtHeader): number => fieldAt(fdtHeader.layout, f)!.offset;

export function writeHeader(out: Buffer, h: FdtHeader): void {
  out.set(encodeNode(fdtHeader, { fields: h, tail: EMPTY }), 0);
}

/** The header of a blob at least FDT_HEADER_SIZE bytes long. */
export function readHeader(b: Uint8Array): FdtHeader {
  return readAt(fdtHeader, b);
}
