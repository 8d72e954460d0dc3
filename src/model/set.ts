// The model of a table set, as types only: a table, an entry of a set (the table, its bytes, its
// address), the set, the links between its tables, and the pointer declarations links come from.
// It sits below the table declarations (which name these types in their rules) and imports no
// table, so no cycle runs through it; model/tableset.ts holds the functions over them.
import type { Node } from '../layout/codec.js';
import type { Finding } from '../layout/diagnostics.js';
import type { EfiKind } from '../efi/tables.js';

export interface AcpiTable extends Node {
  /** "FACP", "APIC", …; the RSDP is "RSDP" */
  signature: string;
}

export type InputKind = 'binaries' | 'acpidump' | 'table' | 'image' | 'build';

export interface TableEntry {
  table: AcpiTable;
  /** the bytes as read; encodeTable(table) gives them back */
  bytes: Uint8Array;
  /** physical address, when the input says (acpidump text, memory image, build output) */
  address?: bigint;
  /** where it came from: a file, or file:line for acpidump text */
  source: string;
  /** a memory capture's: the byte offset of the table in the capture's file (check --fix writes there) */
  fileOffset?: number;
}

export interface TableSet {
  /** the input path (or "<buffer>") */
  origin: string;
  kind: InputKind;
  rsdp?: TableEntry;
  /** every table except the RSDP, in input order */
  tables: TableEntry[];
  /** the physical ranges a memory capture covers (the RAM it shows: an image's span, a core's segments) */
  memory?: { base: bigint; size: bigint }[];
  /** what a build output folder holds besides tables (check --dom0 follows the DT → EFI → RSDP chain) */
  boot?: { dtb?: Uint8Array; image?: { base: bigint; bytes: Uint8Array }; dtbFile?: string; imageFile?: string };
  /** the EFI structures the input holds besides its tables (a build output's, Xen's EFI blobs, such a file alone) */
  efi?: EfiPart[];
}

/** An EFI system table, configuration table or memory map, as read. */
export interface EfiPart {
  kind: EfiKind;
  bytes: Uint8Array;
  /** physical address, when the input says (a build output) */
  address?: bigint;
  source: string;
}

export interface Link {
  /** field path of the pointer: XSDT.entry[2].address, FACP.x_dsdt, RSDP.xsdt_address */
  from: string;
  address: bigint;
  /** the table found at that address, if any */
  to?: TableEntry;
  /** the table holding the pointer, and the declaration of the pointer */
  source: TableEntry;
  pointer: PointerDef;
}

/** A pointer a table holds to another table (ACPICA's acpi_fadt_info does this for the FADT). */
export interface PointerDef {
  /** the field holding the address (a 64-bit one when a 32-bit twin exists) */
  field: string;
  /** the 32-bit twin, used when the 64-bit field is absent or 0 */
  narrow?: string;
  /** the records of this part each hold the pointer in `field` (XSDT/RSDT entries) */
  part?: string;
  /** the signatures it may land on (any table when absent) */
  to?: string[];
  /** a list of tables (the XSDT's, the RSDT's entries): it may not name a table reached another way
   * (the registry's reachedOtherwise: the root pointer, and what another pointer field names) */
  listing?: true;
  /** the finding when it lands nowhere or on the wrong table */
  code: string;
  /** reported only when this other pointer field of the same table is absent or 0 (the RSDP's RSDT
   * pointer matters only without an XSDT) */
  onlyWithout?: string;
}

export type ReadResult = { set: TableSet; findings: Finding[] };
