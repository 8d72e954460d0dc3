// One encoding per table per build. The layout stage sizes every table, the region image, the
// output entries and the change logs all need a table's bytes (and the logs its decoded form); a
// build encodes each table object once. Tables are values during a build (passes make new objects,
// never change one), and the memo is emptied when a build starts, so a caller that changes a table
// between two builds gets fresh bytes.
import { decodeTable, decodedFrom, encodeTable, type AcpiTable } from '../tables/registry.js';

let bytes = new WeakMap<AcpiTable, Uint8Array>();
let decoded = new WeakMap<AcpiTable, AcpiTable>();

/** Forget every memoised encoding: called when a build starts. */
export function newBuild(): void {
  bytes = new WeakMap();
  decoded = new WeakMap();
}

/** A table object decodeTable made (a host table, untouched) needs no encoding: encodeTable gives
 * its input bytes back, faults and all, and it reads back as itself. One a caller built or changed
 * is a new object, and is encoded. */
export function known(t: AcpiTable): void {
  const b = decodedFrom(t);
  if (!b) return;
  bytes.set(t, b);
  decoded.set(t, t);
}

/** The table's bytes (lengths, counts and checksums derived), encoded once per build. */
export function encoded(t: AcpiTable): Uint8Array {
  let b = bytes.get(t);
  if (!b) bytes.set(t, (b = encodeTable(t)));
  return b;
}

/** The table as a reader of its bytes sees it (derived fields as the encoder writes them). */
export function reread(t: AcpiTable): AcpiTable | undefined {
  let d = decoded.get(t);
  if (!d) {
    d = decodeTable(encoded(t)).table;
    if (d) decoded.set(t, d);
  }
  return d;
}
