// The FDT writer refuses every misuse libfdt's sequential-write API would turn into a broken blob,
// and what it writes reads back (with the offset of every node and property) through our reader.
import { describe, expect, it } from 'vitest';
import { FdtWriter, FdtError, u32 } from '../../src/fdt/writer.js';
import { readFdt, findNode, FdtReadError } from '../../src/fdt/reader.js';
import { readHeader, fdtHeader, headerOffset, FDT_MAGIC } from '../../src/fdt/format.js';

const str = (s: string) => Uint8Array.from(Buffer.from(`${s}\0`, 'latin1'));

describe('FdtWriter misuse', () => {
  it.each([
    [
      'a property after a child node',
      (w: FdtWriter) => w.beginNode('').beginNode('a').endNode().property('late', u32(1)),
      /property "late" after a child node of "\/"/,
    ],
    ['a property outside any node', (w: FdtWriter) => w.finishReservemap().property('x', u32(1)), /outside any node/],
    ['a named root', (w: FdtWriter) => w.beginNode('root'), /root node must be named ""/],
    ['a child name with a slash', (w: FdtWriter) => w.beginNode('').beginNode('a/b'), /invalid node name/],
    ['an empty property name', (w: FdtWriter) => w.beginNode('').property('', u32(1)), /invalid property name/],
    ['endNode with nothing open', (w: FdtWriter) => w.finishReservemap().endNode(), /endNode without an open node/],
    ['a second root', (w: FdtWriter) => w.beginNode('').endNode().beginNode(''), /after the root node was closed/],
    ['finish with a node open', (w: FdtWriter) => w.beginNode('').beginNode('a').endNode().finish(), /1 node\(s\) still open/],
    ['finish without a root', (w: FdtWriter) => w.finishReservemap().finish(), /without a root node/],
    ['a reservation after the structure began', (w: FdtWriter) => w.beginNode('').addReservation(0n, 0x1000n), /not allowed in the struct state/],
    [
      'use after finish',
      (w: FdtWriter) => {
        w.beginNode('').endNode().finish();
        w.beginNode('');
      },
      /not allowed in the done state/,
    ],
  ])('refuses %s', (_what, misuse, message) => {
    const w = new FdtWriter();
    expect(() => misuse(w)).toThrow(FdtError);
    expect(() => misuse(new FdtWriter())).toThrow(message);
  });
});

describe('what the writer writes, the reader reads', () => {
  it('nodes, properties, reservations; offsets point at their tokens', () => {
    const blob = new FdtWriter()
      .addReservation(0x80000000n, 0x1000n)
      .beginNode('')
      .property('compatible', str('xen,xen-4.17'))
      .beginNode('chosen')
      .property('bootargs', str('console=hvc0'))
      .endNode()
      .endNode()
      .finish();
    const root = readFdt(blob);
    const chosen = findNode(root, '/chosen')!;
    expect(Buffer.from(chosen.props[0].value).toString('latin1')).toBe('console=hvc0\0');
    const b = Buffer.from(blob);
    expect(b.readUInt32BE(root.offset!)).toBe(1); // FDT_BEGIN_NODE
    expect(b.readUInt32BE(chosen.offset!)).toBe(1);
    expect(b.readUInt32BE(chosen.props[0].offset!)).toBe(3); // FDT_PROP
    expect(b.readBigUInt64BE(b.readUInt32BE(16))).toBe(0x80000000n); // off_mem_rsvmap (the header rounded up to 16 bytes)
    expect(b.readUInt32BE(16)).toBe(48);
  });

  it("the header is the engine's big-endian layout, written and read through the same declaration", () => {
    const blob = new FdtWriter().beginNode('').endNode().finish();
    expect(Array.from(blob.subarray(0, 4))).toEqual([0xd0, 0x0d, 0xfe, 0xed]);
    const h = readHeader(blob);
    expect(h).toMatchObject({ magic: FDT_MAGIC, totalsize: blob.length, version: 17, last_comp_version: 16, off_mem_rsvmap: 48 });
    expect(fdtHeader.layout.size).toBe(40);
    expect(headerOffset('version')).toBe(20);
  });

  it('a truncated blob is a read error with an offset, not a throw of another kind', () => {
    const blob = new FdtWriter().beginNode('').property('a', u32(1)).endNode().finish();
    const cut = Uint8Array.from(blob);
    new DataView(cut.buffer).setUint32(36, 4); // size_dt_struct: one token only
    expect(() => readFdt(cut)).toThrow(FdtReadError);
  });
});
