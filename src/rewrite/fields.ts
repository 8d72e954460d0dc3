// Helpers the passes share: zero values for fields a table grows, and the FADT revision the
// output will have.
import { headerRevision } from '../tables/common.js';
export { zeroFields } from '../layout/codec.js';
import type { Dom0Set } from './types.js';
import { tableById } from './types.js';

/** Revision of the FADT dom0 will see (the new one when the fadt pass ran, else the host's). */
export function outputFadtRevision(set: Dom0Set): number {
  const t = tableById(set, 'FACP');
  return t ? headerRevision(t.table) : 0;
}
