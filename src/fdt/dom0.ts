// The minimal device tree a Xen dom0 boots ACPI with (docs/consumers.md §5): only /chosen and
// /hypervisor (with /hypervisor/uefi) at depth 1, so Linux picks ACPI; property order as Xen's.
import { type FdtNode, u32, u64, str, strList } from './writer.js';

/** The properties of /hypervisor/uefi, in the order Xen writes them (Linux fdtparams.c reads them). */
export const UEFI_PROPS = ['xen,uefi-system-table', 'xen,uefi-mmap-start', 'xen,uefi-mmap-size', 'xen,uefi-mmap-desc-size', 'xen,uefi-mmap-desc-ver'] as const;

export interface Dom0DtParams {
  bootargs?: string;
  initrd?: { start: bigint; end: bigint };
  xenVersion: string;
  systemTable: bigint;
  mmapStart: bigint;
  mmapSize: number;
  descSize: number;
  descVersion: number;
}

export function dom0Tree(p: Dom0DtParams): FdtNode {
  const chosen: FdtNode = { name: 'chosen', props: [], children: [] };
  if (p.bootargs !== undefined) chosen.props.push({ name: 'bootargs', value: str(p.bootargs) });
  if (p.initrd) {
    chosen.props.push({ name: 'linux,initrd-start', value: u64(p.initrd.start) });
    chosen.props.push({ name: 'linux,initrd-end', value: u64(p.initrd.end) });
  }
  const uefi: FdtNode = {
    name: 'uefi',
    props: [u64(p.systemTable), u64(p.mmapStart), u32(p.mmapSize), u32(p.descSize), u32(p.descVersion)].map((value, i) => ({ name: UEFI_PROPS[i], value })),
    children: [],
  };
  const hypervisor: FdtNode = {
    name: 'hypervisor',
    props: [{ name: 'compatible', value: strList([`xen,xen-${p.xenVersion}`, 'xen,xen']) }],
    children: [uefi],
  };
  return {
    name: '',
    props: [
      { name: '#address-cells', value: u32(2) },
      { name: '#size-cells', value: u32(1) },
    ],
    children: [chosen, hypervisor],
  };
}
