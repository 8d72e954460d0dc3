// dt: the minimal FDT (v17) pointing dom0 at the EFI system table and memory map.
import { dom0Tree } from '../fdt/dom0.js';
import { EFI_MEMORY_DESC_SIZE, EFI_MEMORY_DESC_VERSION } from '../efi/tables.js';
import { hex } from '../layout/diagnostics.js';
import { type PlacedPass, type PassDef, type PlacedSet, BuildError, tableById, warn } from './types.js';
import { EFI_SYSTAB_ID, EFI_MMAP_ID } from './layout.js';

const run: PlacedPass = (set, opts) => {
  const systab = set.addresses.get(EFI_SYSTAB_ID);
  const mmap = set.addresses.get(EFI_MMAP_ID);
  if (systab === undefined || mmap === undefined || !set.efi) throw new BuildError('the dt pass needs the efi pass');
  const tree = dom0Tree({
    bootargs: opts.bootargs,
    initrd: opts.initrd && { start: opts.initrd.start, end: opts.initrd.start + opts.initrd.size },
    xenVersion: opts.xenVersion,
    systemTable: systab,
    mmapStart: mmap,
    mmapSize: set.efi.mmapBytes.length,
    descSize: EFI_MEMORY_DESC_SIZE,
    descVersion: EFI_MEMORY_DESC_VERSION,
  });
  const changes = [
    ...(opts.bootargs !== undefined ? [{ path: 'DT./chosen.bootargs', kind: 'added' as const, new: opts.bootargs }] : []),
    ...(opts.initrd ? [
      { path: 'DT./chosen.linux,initrd-start', kind: 'added' as const, new: hex(opts.initrd.start) },
      { path: 'DT./chosen.linux,initrd-end', kind: 'added' as const, new: hex(opts.initrd.start + opts.initrd.size) },
    ] : []),
    { path: 'DT./hypervisor.compatible', kind: 'added' as const, new: [`xen,xen-${opts.xenVersion}`, 'xen,xen'] },
    { path: 'DT./hypervisor/uefi.xen,uefi-system-table', kind: 'added' as const, new: hex(systab) },
    { path: 'DT./hypervisor/uefi.xen,uefi-mmap-start', kind: 'added' as const, new: hex(mmap) },
    { path: 'DT./hypervisor/uefi.xen,uefi-mmap-size', kind: 'added' as const, new: set.efi.mmapBytes.length },
    { path: 'DT./hypervisor/uefi.xen,uefi-mmap-desc-size', kind: 'added' as const, new: EFI_MEMORY_DESC_SIZE },
    { path: 'DT./hypervisor/uefi.xen,uefi-mmap-desc-ver', kind: 'added' as const, new: EFI_MEMORY_DESC_VERSION },
  ];
  let next: PlacedSet = { ...set, dt: tree };
  if (Number(tableById(set, 'STAO')?.table.fields.ignore_uart ?? 0) !== 0 && !/(^|\s)console=hvc0(\s|$)/.test(opts.bootargs ?? '')) {
    next = warn(next, 'BUILD_NO_HVC_CONSOLE', 'STAO', 'DT./chosen.bootargs',
      'the STAO hides the SPCR UART from dom0 but the bootargs have no console=hvc0: dom0 keeps only the SPCR earlycon (Xen adds hvc only for domUs); add --bootargs "console=hvc0 ..."');
  }
  return { set: next, changes };
};

export const dtPass: PassDef = {
  name: 'dt',
  stage: 'placed',
  summary: 'dom0.dtb: /chosen and /hypervisor with the xen,uefi-* properties',
  needs: ['efi'],
  run,
};
