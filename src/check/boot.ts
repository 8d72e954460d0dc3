// For a build output: the chain dom0 follows from x0 — DT /hypervisor/uefi → EFI system table →
// ACPI 2.0 configuration entry → RSDP — and the EFI memory map that must cover every table.
import { readFdt, findNode, propNumber, propStrings, FdtReadError } from '../fdt/reader.js';
import type { FdtProp } from '../fdt/writer.js';
import { UEFI_PROPS } from '../fdt/dom0.js';
import {
  systemTableCrc,
  ACPI_20_TABLE_GUID,
  EFI_ACPI_RECLAIM_MEMORY,
  EFI_CONVENTIONAL_MEMORY,
  EFI_MEMORY_DESC_SIZE,
  EFI_MEMORY_DESC_VERSION,
  EFI_SYSTAB_SIZE,
  EFI_CONFIG_ENTRY_SIZE,
  EFI_PAGE_SIZE,
  EFI_SYSTEM_TABLE_SIGNATURE,
  MIN_DOM0_RAM,
  systemTable,
  configEntry,
  memoryDescriptor,
  efiOffset,
} from '../efi/tables.js';
import { hex } from '../layout/diagnostics.js';
import { readAt } from '../layout/codec.js';
import type { TableEntry } from '../model/tableset.js';
import type { CheckContext } from './context.js';

export function checkBoot(c: CheckContext): void {
  const boot = c.set.boot;
  if (!boot?.dtb) return;
  const uefi = checkDt(c, boot.dtb, boot.dtbFile);
  const img = boot.image;
  if (!uefi || !img) return;
  const image: Image = { ...img, file: boot.imageFile };
  checkSystemTable(c, image, propNumber(uefi(UEFI_PROPS[0])!.value));
  const ranges = memoryMap(c, image, uefi, boot.dtbFile);
  if (ranges) checkCoverage(c, ranges);
}

/** The image the build wrote, placed at its base. */
interface Image {
  base: bigint;
  bytes: Uint8Array;
  file?: string;
}
const inImage = (img: Image, a: bigint, n: number) => a >= img.base && a + BigInt(n) <= img.base + BigInt(img.bytes.length);
const offIn = (img: Image, a: bigint) => Number(a - img.base);

/** dom0.dtb: only /chosen and /hypervisor, Xen's compatible, the five /hypervisor/uefi properties.
 * Gives the uefi properties when they are all there. */
function checkDt(c: CheckContext, dtb: Uint8Array, dtFile: string | undefined): ((name: string) => FdtProp | undefined) | undefined {
  let root;
  try {
    root = readFdt(dtb);
  } catch (e) {
    if (!(e instanceof FdtReadError)) throw e; // a bug of ours is not a fault of the tree
    c.reportFile('DOM0_DT_INVALID', dtFile, 'DT', e.message, e.offset);
    return undefined;
  }
  for (const n of root.children) {
    if (n.name !== 'chosen' && n.name !== 'hypervisor')
      c.reportFile('DOM0_DT_NODE', dtFile, `DT./${n.name}`, `depth-1 node "${n.name}": Linux then boots with the device tree and ignores ACPI`, n.offset);
  }
  const hyp = findNode(root, '/hypervisor');
  const compat = hyp?.props.find((p) => p.name === 'compatible');
  const strings = (compat && propStrings(compat.value)) || [];
  if (!hyp || !strings[0]?.startsWith('xen,xen-') || strings[0].length <= 'xen,xen-'.length || !strings.includes('xen,xen')) {
    c.reportFile(
      'DOM0_DT_COMPATIBLE',
      dtFile,
      'DT./hypervisor.compatible',
      `compatible is ${JSON.stringify(strings)}: dom0 needs "xen,xen-<version>" first and "xen,xen"`,
      compat?.offset ?? hyp?.offset ?? root.offset,
    );
  }
  const uefi = findNode(root, '/hypervisor/uefi');
  const prop = (name: string) => uefi?.props.find((p) => p.name === name);
  const bad = UEFI_PROPS.filter((n) => ![4, 8].includes(prop(n)?.value.length ?? 0));
  if (!bad.length) return prop;
  c.reportFile(
    'DOM0_DT_UEFI',
    dtFile,
    `DT./hypervisor/uefi.${bad[0]}`,
    `${uefi ? `missing or not 4/8 bytes: ${bad.join(', ')}` : 'no /hypervisor/uefi node'}: Linux finds no EFI, so no ACPI`,
    prop(bad[0])?.offset ?? uefi?.offset ?? hyp?.offset ?? root.offset,
  );
  return undefined;
}

/** The EFI system table at `systab`: its signature, its CRC-32, and an ACPI 2.0 entry at the RSDP. */
function checkSystemTable(c: CheckContext, img: Image, systab: bigint): void {
  const st = inImage(img, systab, EFI_SYSTAB_SIZE) ? readAt(systemTable, img.bytes, offIn(img, systab)) : undefined;
  if (!st || st.signature !== EFI_SYSTEM_TABLE_SIGNATURE) {
    c.reportFile(
      'DOM0_EFI_SYSTAB',
      img.file,
      'EFI.system_table',
      `no EFI system table ("${EFI_SYSTEM_TABLE_SIGNATURE}") at ${hex(systab)} in the image`,
      inImage(img, systab, 8) ? offIn(img, systab) : undefined,
    );
    return;
  }
  const at = offIn(img, systab);
  if (!inImage(img, systab, st.header_size) || systemTableCrc(img.bytes.subarray(at)) !== st.crc32) {
    c.reportFile(
      'DOM0_EFI_CRC',
      img.file,
      'EFI.system_table.crc32',
      `CRC-32 ${hex(st.crc32)} does not verify over ${st.header_size} bytes`,
      at + efiOffset(systemTable, 'crc32'),
    );
  }
  const rsdp = c.set.rsdp?.address;
  const entryAt = (i: bigint) => st.configuration_table + i * BigInt(EFI_CONFIG_ENTRY_SIZE);
  let found = false;
  for (let i = 0n; i < st.number_of_table_entries && i < 64n && inImage(img, entryAt(i), EFI_CONFIG_ENTRY_SIZE); i++) {
    const e = readAt(configEntry, img.bytes, offIn(img, entryAt(i)));
    if (Buffer.from(e.vendor_guid).equals(Buffer.from(ACPI_20_TABLE_GUID)) && e.vendor_table === rsdp) found = true;
  }
  if (!found)
    c.reportFile(
      'DOM0_EFI_CONFIG',
      img.file,
      'EFI.configuration_table',
      `no ACPI 2.0 configuration entry points at the RSDP${rsdp === undefined ? '' : ` (${hex(rsdp)})`}`,
      at + efiOffset(systemTable, 'configuration_table'),
    );
}

interface Range {
  type: number;
  lo: bigint;
  hi: bigint;
}

/** The EFI memory map the DT points at: 40-byte version 1 descriptors inside the image, none
 * overlapping, enough Conventional RAM for a kernel. Gives its ranges when it can be read. */
function memoryMap(c: CheckContext, img: Image, uefi: (name: string) => FdtProp | undefined, dtFile: string | undefined): Range[] | undefined {
  const value = (i: number) => propNumber(uefi(UEFI_PROPS[i])!.value);
  const start = value(1);
  const [size, dsize, dver] = [2, 3, 4].map((i) => Number(value(i)));
  if (dsize !== EFI_MEMORY_DESC_SIZE || dver !== EFI_MEMORY_DESC_VERSION || size % EFI_MEMORY_DESC_SIZE || !inImage(img, start, size)) {
    c.reportFile(
      'DOM0_MMAP',
      dtFile,
      `DT./hypervisor/uefi.${UEFI_PROPS[1]}`,
      `memory map ${hex(start)} + ${size} bytes, descriptor size ${dsize}, version ${dver}: expected 40-byte version 1 descriptors inside the image`,
      uefi(UEFI_PROPS[1])?.offset,
    );
    return undefined;
  }
  const at = offIn(img, start);
  const ranges = Array.from({ length: size / EFI_MEMORY_DESC_SIZE }, (_, i) => {
    const d = readAt(memoryDescriptor, img.bytes, at + i * EFI_MEMORY_DESC_SIZE);
    return { type: d.type, lo: d.physical_start, hi: d.physical_start + d.number_of_pages * EFI_PAGE_SIZE };
  });
  const sorted = [...ranges].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const overlap = sorted.findIndex((r, i) => i > 0 && r.lo < sorted[i - 1].hi);
  if (overlap > 0) {
    const [p, q] = [sorted[overlap - 1], sorted[overlap]];
    c.reportFile('DOM0_MMAP', img.file, 'EFI.memory_map', `descriptors overlap: ${hex(p.lo)}-${hex(p.hi)} and ${hex(q.lo)}-${hex(q.hi)}`, at);
  }
  const ram = ranges.filter((r) => r.type === EFI_CONVENTIONAL_MEMORY).reduce((n, r) => n + (r.hi - r.lo), 0n);
  if (ram < MIN_DOM0_RAM)
    c.reportFile(
      'DOM0_MMAP_RAM',
      img.file,
      'EFI.memory_map',
      `the memory map gives dom0 ${ram >> 10n} KiB of Conventional RAM: an arm64 kernel needs at least ${MIN_DOM0_RAM >> 20n} MiB (give the build --mem)`,
      at,
    );
  return ranges;
}

/** Every table dom0 reaches lies in exactly one ACPIReclaim range and in no Conventional one. */
function checkCoverage(c: CheckContext, ranges: Range[]): void {
  const reached = new Set<TableEntry>(c.set.rsdp ? [c.set.rsdp] : []);
  // the root pointer's RSDT address counts only without an XSDT (its declaration says so): dom0 reaches tables through the XSDT
  for (const l of c.resolved) if (l.to && !(l.source === c.set.rsdp && l.pointer.onlyWithout)) reached.add(l.to);
  for (const e of reached) {
    if (e.address === undefined) continue;
    const lo = e.address;
    const hi = lo + BigInt(e.bytes.length);
    const holders = ranges.filter((r) => r.type === EFI_ACPI_RECLAIM_MEMORY && lo >= r.lo && hi <= r.hi);
    const inRam = ranges.some((r) => r.type === EFI_CONVENTIONAL_MEMORY && lo < r.hi && r.lo < hi);
    if (holders.length !== 1 || inRam) {
      c.report(
        'DOM0_MMAP_COVERAGE',
        e,
        `${e.table.signature}`,
        `${e.table.signature} at ${hex(lo)}-${hex(hi)} is ` +
          `${inRam ? 'in Conventional RAM' : holders.length ? 'in several ACPIReclaim descriptors' : 'in no ACPIReclaim descriptor'}: ` +
          `Linux's acpi_os_ioremap() refuses it`,
        0,
      );
    }
  }
}
