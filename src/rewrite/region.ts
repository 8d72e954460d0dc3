// The new region as bytes to load at its base: every placed table and EFI blob at its address.
import { encoded } from './encoded.js';
import type { PlacedSet } from './types.js';
import { EFI_SYSTAB_ID, EFI_MMAP_ID } from './layout.js';

/** The new region's bytes: every placed table and EFI blob at its offset, zeros between. */
export function regionImage(set: PlacedSet): Uint8Array {
  const region = set.region;
  const img = new Uint8Array(Number(region.size));
  const put = (id: string, bytes: Uint8Array) => {
    const a = set.addresses.get(id)!;
    img.set(bytes, Number(a - region.base));
  };
  for (const t of set.tables) if (t.origin !== 'reused') put(t.id, encoded(t.table));
  if (set.efi) {
    put(EFI_SYSTAB_ID, set.efi.systab);
    put(EFI_MMAP_ID, set.efi.mmapBytes);
  }
  return img;
}
