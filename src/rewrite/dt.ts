// dt: the minimal FDT (v17) pointing dom0 at the EFI system table and memory map.
import { dom0Tree } from '../fdt/dom0.js';
import type { FdtNode } from '../fdt/writer.js';
import { propStrings } from '../fdt/reader.js';
import type { Change } from '../diff/table.js';
import { hexBytes, type Json } from '../layout/values.js';
import { EFI_MEMORY_DESC_SIZE, EFI_MEMORY_DESC_VERSION } from '../efi/tables.js';
import { hex } from '../layout/diagnostics.js';
import { type PlacedPass, type PassDef, type PlacedSet, BuildError, tableById, warn } from './types.js';
import { EFI_SYSTAB_ID, EFI_MMAP_ID } from './layout.js';
import { fieldsOf } from '../layout/codec.js';
import { stao } from '../tables/stao.js';

/** Every property of the tree as `diff` and the manifest show it ("/chosen.bootargs"): strings as
 * text (a list for several), 8-byte cells as hex addresses, 4-byte cells as numbers. */
export function dtProperties(root: FdtNode): { path: string; value: Json }[] {
  const out: { path: string; value: Json }[] = [];
  const show = (v: Uint8Array): Json => {
    const strings = propStrings(v);
    if (strings) return strings.length === 1 ? strings[0] : strings;
    const b = Buffer.from(v);
    return v.length === 8 ? hex(b.readBigUInt64BE(0)) : v.length === 4 ? b.readUInt32BE(0) : hexBytes(v);
  };
  const visit = (n: FdtNode, path: string) => {
    for (const p of n.props) out.push({ path: `${path || '/'}.${p.name}`, value: show(p.value) });
    for (const c of n.children) visit(c, `${path}/${c.name}`);
  };
  visit(root, '');
  return out;
}

/** What the tree adds, property by property, in `diff`'s vocabulary. */
const treeChanges = (root: FdtNode): Change[] => dtProperties(root).map((p) => ({ path: `DT.${p.path}`, kind: 'added', new: p.value }));

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
  const changes = treeChanges(tree);
  let next: PlacedSet = { ...set, dt: tree };
  const staoTable = tableById(set, 'STAO')?.table;
  if (staoTable && Number(fieldsOf(stao, staoTable).ignore_uart ?? 0) !== 0 && !/(^|\s)console=hvc0(\s|$)/.test(opts.bootargs ?? '')) {
    next = warn(
      next,
      'BUILD_NO_HVC_CONSOLE',
      'STAO',
      'DT./chosen.bootargs',
      'the STAO hides the SPCR UART from dom0 but the bootargs have no console=hvc0: dom0 keeps only the SPCR earlycon (Xen adds hvc only ' +
        'for domUs); add --bootargs "console=hvc0 ..."',
    );
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
