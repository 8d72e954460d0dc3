// checksums: every table the build emits sums to zero (a checksum that was wrong in a host table we
// copied is dropped here; encode derives the right one). Reused tables stay as the host has them.
import { withoutFaults, hasChecksumFault } from '../tables/registry.js';
import { type PlacedPass, type PassDef, warn } from './types.js';

const run: PlacedPass = (set) => {
  let next = { ...set, tables: set.tables.map((t) => (t.origin === 'reused' ? t : { ...t, table: withoutFaults(t.table) })) };
  for (const t of set.tables) {
    if (t.origin === 'reused' && hasChecksumFault(t.table)) {
      next = warn(
        next,
        'BUILD_REUSED_CHECKSUM',
        t.table.signature,
        `${t.table.signature}.header.checksum`,
        `the host ${t.id} is reused in place with a wrong checksum (Linux only warns: "Incorrect checksum in table")`,
      );
    }
  }
  return { set: next, changes: [] };
};

export const checksumsPass: PassDef = {
  name: 'checksums',
  stage: 'placed',
  summary: "every emitted table's checksums derived; a reused host table's wrong checksum warned about",
  last: true,
  run,
};
