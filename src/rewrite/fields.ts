// Helpers the passes share: zero values for fields a table grows, and the FADT revision the
// output will have.
import type { Fields, Layout } from '../layout/schema.js';
import type { Dom0Set } from './types.js';
import { tableById } from './types.js';

/** Zero values for fields [from, to) of a layout (nested structs filled in full). */
export function zeroFields(l: Layout, from = 0, to = l.fields.length): Fields {
  const out: Fields = {};
  for (const f of l.fields.slice(from, to)) {
    switch (f.kind) {
      case 'u64': out[f.name] = 0n; break;
      case 'bytes': out[f.name] = new Uint8Array(f.size); break;
      case 'ascii': out[f.name] = '\0'.repeat(f.size); break;
      case 'struct': out[f.name] = zeroFields(f.struct!); break;
      default: out[f.name] = 0;
    }
  }
  return out;
}

export const headerOf = (f: Fields): Fields => f.header as Fields;

/** Revision of the FADT dom0 will see (the new one when the fadt pass ran, else the host's). */
export function outputFadtRevision(set: Dom0Set): number {
  const t = tableById(set, 'FACP');
  return t ? Number(headerOf(t.table.fields).revision) : 0;
}
