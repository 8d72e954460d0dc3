// The AML decoder (src/aml): every DSDT and SSDT we have read into a term tree that encodes back to
// the same bytes; the namespace it builds held to what `iasl -d`'s ASL declares (paths, kinds,
// method argument counts, where a declaration is conditional, Name values); calls resolved across
// blocks and before their method; and hostile blocks read without a trace, a hang or deep recursion.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAml, encodeTerms, blockIssues, type AmlObject } from '../../src/aml/index.js';
import { CALL, RAW } from '../../src/aml/opcodes.js';
import { termsInOrder, type Term } from '../../src/aml/tree.js';
import { readTables } from '../../src/io/read.js';
import { CORPUS, HAVE_CORPUS, SAMPLES, cli } from '../helpers.js';
import { tableAsl } from '../../src/aml/set.js';
import { aslText } from '../../src/aml/asl.js';
import { dumpTableLines, dumpTableText } from '../../src/render/text.js';
import type { TableEntry } from '../../src/model/tableset.js';
import { decodeTable } from '../../src/tables/registry.js';
import { HAVE_IASL, declaredBy, iaslAsl } from './iasl-asl.js';
import { readNamespace, treeNamespace } from '../../fuzz/aml-namespace.js';

/** Every DSDT and SSDT of the corpus and the samples: a name and the table's bytes. */
function amlTables(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const fromSet = (label: string, input: string) => {
    for (const e of readTables(input).set.tables)
      if (e.table.signature === 'DSDT' || e.table.signature === 'SSDT') out.push({ name: `${label} ${e.table.signature}`, bytes: e.bytes });
  };
  for (const s of readdirSync(SAMPLES)) if (existsSync(join(SAMPLES, s, 'acpidump.txt'))) fromSet(`samples/${s}`, join(SAMPLES, s, 'acpidump.txt'));
  if (HAVE_CORPUS) {
    for (const d of readdirSync(CORPUS)) {
      if (existsSync(join(CORPUS, d, 'acpidump.txt'))) fromSet(d, join(CORPUS, d, 'acpidump.txt'));
    }
    const q = join(CORPUS, 'qualcomm-aml');
    for (const f of readdirSync(q).filter((x) => x.endsWith('.aml'))) out.push({ name: `qualcomm-aml/${f}`, bytes: new Uint8Array(readFileSync(join(q, f))) });
  }
  return out;
}

/** Bytes that break the AML grammar most: an unknown opcode, PkgLength lead bytes, name prefixes,
 * Zero, Method, Scope, If and Else. */
const BREAKING = [0x02, 0xff, 0x4f, 0x5c, 0x2f, 0x00, 0x14, 0x10, 0xa0, 0xa1];

/** A table, then copies of it cut short at `cuts` places (its length field following), then
 * `changes` copies with `per` bytes of the AML each set to one of `values`: a fixed sequence, drawn
 * from `next` (a seeded generator, n → 0..n-1). */
function variantsOf(bytes: Uint8Array, next: (n: number) => number, o: { cuts: number; changes: number; per: number; values: number[] }): Uint8Array[] {
  const out: Uint8Array[] = [bytes];
  if (bytes.length <= 37) return out;
  for (let k = 0; k < o.cuts; k++) {
    const cut = bytes.slice(0, 37 + next(bytes.length - 37));
    new DataView(cut.buffer).setUint32(4, cut.length, true);
    out.push(cut);
  }
  for (let k = 0; k < o.changes; k++) {
    const b = bytes.slice();
    for (let j = 0; j < o.per; j++) b[36 + next(bytes.length - 36)] = o.values[next(o.values.length)];
    out.push(b);
  }
  return out;
}

/** A table entry holding `bytes` (what the ASL printer needs of one). */
const entryOf = (bytes: Uint8Array): TableEntry => ({ table: decodeTable(bytes).table!, bytes, source: 'test' });

const one = (bytes: Uint8Array, table = 'T') => readAml([{ table, bytes, revision: bytes[8] }]);

/** A table header (36 bytes) before `aml`, as iasl would write one (checksum not needed here). */
function block(aml: number[] | Uint8Array, sig = 'SSDT'): Uint8Array {
  const b = new Uint8Array(36 + aml.length);
  b.set([...sig].map((c) => c.charCodeAt(0)));
  new DataView(b.buffer).setUint32(4, b.length, true);
  b[8] = 2;
  b.set(aml, 36);
  return b;
}

/** Compiles ASL with iasl (no optimisation: -oa) to its AML table; `force`: past semantic errors
 * (-f: a DSDT naming objects of other tables), undefined when iasl writes nothing. */
function compile(asl: string, force = false): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'dom0-acpi-asl-'));
  try {
    writeFileSync(join(dir, 't.asl'), asl);
    const r = spawnSync('iasl', [...(force ? ['-f'] : []), '-oa', '-p', join(dir, 'o'), join(dir, 't.asl')], { encoding: 'utf8' });
    if (!existsSync(join(dir, 'o.aml'))) {
      if (force) return new Uint8Array();
      throw new Error(r.stdout + r.stderr);
    }
    return new Uint8Array(readFileSync(join(dir, 'o.aml')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether compiled AML has the same definition block as the original (the header's compiler
 * fields and checksum aside). */
const sameAml = (compiled: Uint8Array, original: Uint8Array) =>
  compiled.length === original.length && Buffer.from(compiled.subarray(36)).equals(Buffer.from(original.subarray(36)));

/** A Name's value as iasl prints it, as a number or a string to compare. */
function iaslValue(v: string, ones: bigint): bigint | string {
  // iasl escapes a string's backslashes, quotes and unprintable bytes (\\, \", \xNN, \n …)
  const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
  if (v.startsWith('"'))
    return v
      .slice(1, -1)
      .replace(/\\(x[0-9A-Fa-f]{1,2}|.)/g, (_m, e: string) => (e[0] === 'x' && e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (ESC[e] ?? e)));
  return v === 'Zero' ? 0n : v === 'One' ? 1n : v === 'Ones' ? ones : BigInt(v);
}

const label = (o: { path: string; kind: string; args?: number; conditional?: boolean }) =>
  `${o.path} ${o.kind}${o.kind === 'Method' ? `(${o.args})` : ''}${o.conditional ? ' (conditional)' : ''}`;

describe('AML decoder', () => {
  const tables = amlTables();

  it('reads every DSDT and SSDT of the corpus and the samples into a tree that encodes back to its bytes', () => {
    expect(tables.length).toBeGreaterThanOrEqual(HAVE_CORPUS ? 17 : 4);
    for (const { name, bytes } of tables) {
      const set = one(bytes);
      const [b] = set.blocks;
      expect(blockIssues(b), name).toEqual([]);
      expect(
        termsInOrder(b.terms).some((t) => t.code === RAW),
        name,
      ).toBe(false);
      expect(Buffer.from(encodeTerms(b.terms)).equals(Buffer.from(bytes.subarray(36))), name).toBe(true);
    }
  });

  it('reads the namespace without the term tree as the tree declares it: every table, and each cut short or with a byte changed', () => {
    // a fixed sequence of changes (a linear congruential generator): each table cut at 20 places,
    // and 100 bytes of it set to what breaks the grammar most (an unknown opcode, a PkgLength's
    // lead byte, a name prefix, Zero)
    let seed = 12345;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    let sets = 0;
    for (const { name, bytes } of tables) {
      for (const v of variantsOf(bytes, next, { cuts: 20, changes: 100, per: 1, values: BREAKING.slice(0, 8) })) {
        const set = readAml([
          { table: 'DSDT', bytes: v, revision: v[8] },
          { table: 'SSDT', bytes, revision: bytes[8] },
        ]);
        expect(readNamespace(set), name).toEqual(treeNamespace(set));
        sets++;
      }
    }
    expect(sets).toBeGreaterThan(HAVE_CORPUS ? 1000 : 10);
  });

  it('prints each TermList as it comes to it, keeping none, as the whole tree prints, with the faults a whole read finds: every table, cut short or with a byte changed', () => {
    let seed = 271828;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const header = { signature: 'DSDT', revision: 2, oemId: 'OEM', oemTableId: 'TABLE', oemRevision: 1 };
    let printed = 0;
    let faulty = 0;
    for (const { name, bytes } of tables) {
      for (const v of variantsOf(bytes, next, { cuts: 4, changes: 8, per: 3, values: BREAKING })) {
        const streamed = one(v).blocks[0].asl(header);
        // the same block read whole and kept: every list read (termsInOrder reads each), then printed
        const kept = one(v).blocks[0];
        termsInOrder(kept.terms);
        expect(streamed.text, name).toBe(aslText(header, kept.terms).text);
        expect(streamed.issues, name).toEqual(blockIssues(kept));
        // and a block whose lists are read only for their faults
        expect(streamed.issues, name).toEqual(blockIssues(one(v).blocks[0]));
        // the dump's text, made without its lines, is the text of its lines
        const e = entryOf(v);
        expect(dumpTableText(e), name).toBe(
          dumpTableLines(e)
            .map((l) => l.text)
            .join('\n') + '\n',
        );
        printed++;
        if (streamed.issues.length) faulty++;
      }
    }
    expect(printed).toBeGreaterThan(HAVE_CORPUS ? 100 : 10);
    expect(faulty).toBeGreaterThan(HAVE_CORPUS ? 50 : 5);
  });

  it.skipIf(!HAVE_IASL)('builds the namespace iasl -d’s ASL declares: paths, kinds, argument counts, conditions, Name values', () => {
    let objects = 0;
    for (const { name, bytes } of tables) {
      const ns = one(bytes).namespace.filter((o) => o.kind !== 'External' && o.kind !== 'Scope');
      const theirs = declaredBy(iaslAsl(bytes));
      expect(ns.map(label).sort(), name).toEqual(theirs.map(label).sort());
      const ones = bytes[8] < 2 ? 0xffffffffn : 0xffffffffffffffffn;
      const ourValue = (o: AmlObject) => (o.value?.type === 'integer' || o.value?.type === 'string' ? o.value.value : undefined);
      const byPath = new Map(ns.filter((o) => o.kind === 'Name').map((o) => [o.path, o]));
      for (const d of theirs.filter((x) => x.value !== undefined)) expect(ourValue(byPath.get(d.path)!), `${name} ${d.path}`).toBe(iaslValue(d.value!, ones));
      objects += ns.length;
    }
    expect(objects).toBeGreaterThan(HAVE_CORPUS ? 4000 : 10);
  });

  it.skipIf(!HAVE_IASL)('reads a call by its method’s argument count: declared later, in another table, by an External, or recursively', () => {
    const dsdt = compile(`DefinitionBlock ("", "DSDT", 2, "DOM0AC", "CALLS", 1) {
      Method (FRST, 0) { Return (LATE (1, 2)) }
      Method (LATE, 2) { Return (Arg0 + Arg1) }
      Method (SELF, 1) { If (Arg0) { Return (SELF (Arg0 - 1)) } Return (Zero) }
      Scope (_SB) { Device (DEV0) { Method (_STA) { Return (\\LATE (3, 4)) } } }
    }`);
    const ssdt = compile(`DefinitionBlock ("", "SSDT", 2, "DOM0AC", "OTHER", 1) {
      External (\\LATE, MethodObj)
      External (\\_SB.DEV0.XTRN, MethodObj)
      Method (USE1, 0) { Return (LATE (5, 6)) }
    }`);
    const set = readAml([
      { table: 'DSDT', bytes: dsdt, revision: 2 },
      { table: 'SSDT', bytes: ssdt, revision: 2 },
    ]);
    const calls = set.blocks.map((b) => termsInOrder(b.terms).filter((t) => t.code === CALL));
    // each call carries its arguments: LATE's two, SELF's one
    const shape = (t: Term) => `${t.args[0].t === 'name' ? t.args[0].v.segs.join('.') : ''}/${t.args.length - 1}`;
    expect(calls[0].map(shape)).toEqual(['LATE/2', 'SELF/1', 'LATE/2']);
    // the SSDT's External says MethodObj without a count: the DSDT's declaration gives it
    expect(calls[1].map(shape)).toEqual(['LATE/2']);
    expect(set.blocks.flatMap((b) => blockIssues(b))).toEqual([]);
    for (const [i, b] of set.blocks.entries()) expect(Buffer.from(encodeTerms(b.terms)).equals(Buffer.from([dsdt, ssdt][i].subarray(36)))).toBe(true);
  });

  it.skipIf(!HAVE_IASL)('dump’s ASL compiles back to the same AML wherever iasl -d’s own ASL does', () => {
    let exact = 0;
    for (const { name, bytes } of tables) {
      const theirs = sameAml(compile(iaslAsl(bytes), true), bytes);
      const ours = sameAml(compile(tableAsl(entryOf(bytes)), true), bytes);
      if (theirs) expect(ours, name).toBe(true);
      if (ours) exact++;
    }
    // the samples' four, and on the corpus also tables iasl's own ASL does not give back (an External iasl drops)
    expect(exact).toBeGreaterThanOrEqual(HAVE_CORPUS ? 9 : 4);
  });

  it.skipIf(!HAVE_IASL)('method bodies in ASL 2.0 operators where they compile back to the same opcodes, ASL 1.0 where iasl would fold a store', () => {
    const aml = compile(`DefinitionBlock ("", "SSDT", 2, "DOM0AC", "OPS", 1) {
      Name (BUF0, Buffer (4) {})
      Method (M1, 2) {
        Add (Arg0, One, Local0)
        Store (Add (Arg0, One), Local1)
        Store (Arg1, Local2)
        If (LAnd (LEqual (Arg0, One), LNot (LEqual (Arg1, Zero)))) { Increment (Local0) }
        If (LOr (LNot (LLess (Arg0, 2)), LGreater (Arg1, 3))) { Decrement (Local0) }
        Store (Index (BUF0, One), Local4)
        Store (DerefOf (Index (BUF0, One)), Local5)
        ShiftLeft (Arg0, 2, Local6)
        Store (Not (Arg0), Local7)
        Return (Or (Local0, Local1))
      }
    }`);
    const asl = tableAsl(entryOf(aml));
    for (const line of [
      'Local0 = (Arg0 + One)',
      'Store ((Arg0 + One), Local1)', // Local1 = (Arg0 + One) would compile to Add (Arg0, One, Local1)
      'Local2 = Arg1',
      'If (((Arg0 == One) && (Arg1 != Zero)))',
      'Local0++',
      'If (((Arg0 >= 0x02) || (Arg1 > 0x03)))',
      'Local0--',
      'Store (BUF0 [One], Local4)',
      'Local5 = DerefOf (BUF0 [One])',
      'Local6 = (Arg0 << 0x02)',
      'Store (~Arg0, Local7)',
      'Return ((Local0 | Local1))',
    ])
      expect(asl).toContain(line);
    expect(sameAml(compile(asl), aml)).toBe(true);
  });

  it.skipIf(!HAVE_IASL)('the CLI: dump -t DSDT prints ASL that iasl compiles to the table', async () => {
    const input = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
    const r = await cli('dump', input, '-t', 'DSDT');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^DefinitionBlock \("", "DSDT", 2, /m);
    const dsdt = readTables(input).set.tables.find((e) => e.table.signature === 'DSDT')!;
    expect(sameAml(compile(r.out), dsdt.bytes)).toBe(true);
  });

  it('the CLI: dump --namespace lists each object; --format json gives the namespace and a flat term tree; --summary counts by kind', async () => {
    const input = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
    const ns = await cli('dump', '--namespace', input);
    expect(ns.code, ns.err).toBe(0);
    expect(ns.out).toMatch(/^\\_SB\.C000\._HID +Name +"ACPI0007" +\[DSDT\+0x[0-9A-F]+\]$/m);
    const set = readTables(input).set;
    const dsdt = set.tables.find((e) => e.table.signature === 'DSDT')!;
    const objects = one(dsdt.bytes, 'DSDT').namespace;
    expect(ns.out.trimEnd().split('\n')).toHaveLength(objects.length);
    const j = JSON.parse((await cli('dump', '--format', 'json', input, '-t', 'DSDT')).out) as {
      tables: {
        aml: {
          namespace: { path: string; kind: string; offset: number; value?: { type: string; value: string } }[];
          terms: { op: string; parent: number | null }[];
        };
      }[];
    };
    const aml = j.tables[0].aml;
    expect(aml.namespace.map((o) => o.path)).toEqual(objects.map((o) => o.path));
    expect(aml.namespace.find((o) => o.path === '\\_SB.C000._UID')!.value).toEqual({ type: 'integer', value: '0x0' });
    // every term but the top ones names an earlier term as its parent
    expect(aml.terms.every((t, i) => t.parent === null || (t.parent >= 0 && t.parent < i))).toBe(true);
    expect(aml.terms.filter((t) => t.op === 'Device')).toHaveLength(objects.filter((o) => o.kind === 'Device').length);
    const sum = await cli('dump', '--summary', input);
    expect(sum.out).toMatch(new RegExp(`^DSDT .* ${objects.length} object\\(s\\): .*Device`, 'm'));
    const none = await cli('dump', '--namespace', input, '-t', 'APIC');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no DSDT or SSDT among the tables selected/);
  });

  it.skipIf(!HAVE_IASL)('diff pairs the objects by namespace path across the set: values, method bodies, added, removed, moved to an SSDT', async () => {
    const dsdt = (seg: string, body: string, dev: string, extra: string, base = '0x09000000') =>
      compile(`DefinitionBlock ("", "DSDT", 2, "DOM0AC", "DIFF", 1) {
        Scope (\\_SB) {
          Device (PCI0) { Name (_SEG, ${seg}) Method (_OSC, 4) { ${body} Return (Arg3) } }
          Device (COM0) { Name (_CRS, ResourceTemplate () { Memory32Fixed (ReadWrite, ${base}, 0x1000) Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { 33 } }) }
          Device (${dev}) { Name (_HID, "ARMH0011") }
          ${extra}
        }
      }`);
    const dir = mkdtempSync(join(tmpdir(), 'dom0-acpi-amldiff-'));
    try {
      writeFileSync(join(dir, 'a.dat'), dsdt('Zero', 'Store (Arg0, Local0)', 'URT0', 'Name (MOVD, 0x05)'));
      const b = join(dir, 'b');
      spawnSync('mkdir', [b]);
      writeFileSync(join(b, 'dsdt.dat'), dsdt('One', 'Store (Arg1, Local0)', 'URT1', '', '0x09010000'));
      writeFileSync(join(b, 'ssdt.dat'), compile('DefinitionBlock ("", "SSDT", 2, "DOM0AC", "MOVED", 1) { Scope (\\_SB) { Name (MOVD, 0x05) } }'));
      const r = await cli('diff', '--json', join(dir, 'a.dat'), b);
      const changes = (JSON.parse(r.out) as { changes: { path: string; kind: string; old?: unknown; new?: unknown; note?: string }[] }).changes;
      const by = (path: string) => changes.filter((c) => c.path === path);
      expect(by('DSDT.\\_SB.PCI0._SEG')).toEqual([
        expect.objectContaining({ kind: 'changed', old: { type: 'integer', value: '0x0' }, new: { type: 'integer', value: '0x1' } }),
      ]);
      expect(by('DSDT.\\_SB.PCI0._OSC.body')[0].note).toMatch(
        /^method body, first difference at a name \/ a name|^method body, first difference at Arg0 \/ Arg1/,
      );
      // a resource template field by field: only the base moved
      expect(changes.filter((c) => c.path.includes('COM0'))).toEqual([
        expect.objectContaining({ path: 'DSDT.\\_SB.COM0._CRS[0].base', kind: 'changed', old: '0x9000000', new: '0x9010000' }),
      ]);
      expect(by('DSDT.\\_SB.URT0').map((c) => c.kind)).toEqual(['removed']);
      expect(by('DSDT.\\_SB.URT0._HID').map((c) => c.kind)).toEqual(['removed']);
      expect(by('DSDT.\\_SB.URT1').map((c) => c.kind)).toEqual(['added']);
      expect(by('SSDT[MOVED].\\_SB.MOVD.@table')).toEqual([expect.objectContaining({ old: 'DSDT', new: 'SSDT[MOVED]' })]);
      // nothing else about MOVD: it is the same object
      expect(changes.filter((c) => c.path.includes('MOVD'))).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hostile blocks: each fault an issue at its byte, the rest of the table still read, the bytes kept', () => {
    // Scope (\) { Name (AAAA, 1); <unknown 0x5B 0xFF>; … } Name (BBBB, 2)
    const unknown = block([0x10, 0x0e, 0x5c, 0x00, 0x08, 0x41, 0x41, 0x41, 0x41, 0x01, 0x5b, 0xff, 0x00, 0x00, 0x00, 0x08, 0x42, 0x42, 0x42, 0x42, 0x0a, 0x02]);
    let set = one(unknown);
    expect(blockIssues(set.blocks[0])).toEqual([{ at: 36 + 10, message: 'unknown opcode 0x5B 0xFF' }]);
    expect(set.namespace.map((o) => o.path)).toEqual(['\\AAAA', '\\BBBB']);
    expect(Buffer.from(encodeTerms(set.blocks[0].terms)).equals(Buffer.from(unknown.subarray(36)))).toBe(true);
    // a PkgLength past the end of the table
    const past = block([0x08, 0x41, 0x41, 0x41, 0x41, 0x01, 0x10, 0x3f, 0x5c]);
    set = one(past);
    expect(blockIssues(set.blocks[0])).toEqual([{ at: 36 + 7, message: 'PkgLength 0x3F runs past the end of the table' }]);
    expect(set.namespace.map((o) => o.path)).toEqual(['\\AAAA']);
    expect(Buffer.from(encodeTerms(set.blocks[0].terms)).equals(Buffer.from(past.subarray(36)))).toBe(true);
    // a name path that never ends: MultiNamePrefix with 255 segments in a 10-byte table tail
    const endless = block([0x08, 0x2f, 0xff, 0x41, 0x41, 0x41, 0x41, 0x42, 0x42, 0x42]);
    set = one(endless);
    expect(blockIssues(set.blocks[0])).toEqual([{ at: 36 + 7, message: 'a name segment runs past the end of the table' }]);
    expect(Buffer.from(encodeTerms(set.blocks[0].terms)).equals(Buffer.from(endless.subarray(36)))).toBe(true);
    // an unknown opcode inside a method body: the namespace is built without reading the body; the
    // fault is found, at its offset, when the body is read (printing, encoding, blockIssues)
    const inBody = block([0x14, 0x0a, 0x4d, 0x54, 0x48, 0x44, 0x00, 0xa4, 0x01, 0x5b, 0xfe, 0x00, 0x08, 0x41, 0x41, 0x41, 0x41, 0x01]);
    set = one(inBody);
    expect(set.namespace.map((o) => o.path)).toEqual(['\\MTHD', '\\AAAA']);
    expect(set.blocks[0].issues).toEqual([]);
    expect(blockIssues(set.blocks[0])).toEqual([{ at: 36 + 9, message: 'unknown opcode 0x5B 0xFE (reading in \\MTHD)' }]);
    expect(Buffer.from(encodeTerms(set.blocks[0].terms)).equals(Buffer.from(inBody.subarray(36)))).toBe(true);
    // a call with fewer arguments than its method takes, cut off by the end of its scope: the issue
    // names the call and where it is
    const shortCall = block([
      ...[0x14, 0x08, 0x46, 0x4f, 0x4f, 0x5f, 0x03, 0xa4, 0x00],
      ...[0x10, 0x0a, 0x5f, 0x53, 0x42, 0x5f, 0x46, 0x4f, 0x4f, 0x5f, 0x01],
      ...[0x08, 0x41, 0x41, 0x41, 0x41, 0x01],
    ]);
    set = one(shortCall);
    expect(blockIssues(set.blocks[0])).toEqual([
      { at: 56, message: 'a term runs past the end of its package (0x38) (reading the 3 argument(s) of a call to FOO in \\_SB)' },
    ]);
    expect(set.namespace.map((o) => o.path)).toEqual(['\\_SB', '\\FOO', '\\AAAA']);
    expect(Buffer.from(encodeTerms(set.blocks[0].terms)).equals(Buffer.from(shortCall.subarray(36)))).toBe(true);
    // a string with no NUL
    const str = block([0x08, 0x41, 0x41, 0x41, 0x41, 0x0d, 0x41, 0x42]);
    expect(blockIssues(one(str).blocks[0])).toEqual([{ at: 36 + 6, message: 'a string with no NUL before the end of the table' }]); // a Processor whose package ends before its ProcessorID: it declares nothing (the term reader
    // keeps it as bytes), nor does what follows it in its list; the object before it stays
    const shortCpu = block([
      ...[0x10, 0x17, 0x5c, 0x00],
      ...[0x08, 0x41, 0x41, 0x41, 0x41, 0x01],
      ...[0x5b, 0x83, 0x05, 0x43, 0x50, 0x55, 0x30, 0x00, 0x08, 0x42, 0x42, 0x42, 0x42, 0x01],
    ]);
    set = one(shortCpu);
    expect(blockIssues(set.blocks[0])).toEqual([{ at: 36 + 17, message: 'a byte runs past the end of its package (0x35) (reading in \\CPU0)' }]);
    expect(set.namespace.map((o) => o.path)).toEqual(['\\AAAA']);
    // a field list cut inside an element: the units before it are declared
    const shortField = block([0x5b, 0x81, 0x0e, 0x52, 0x45, 0x47, 0x30, 0x01, 0x46, 0x4c, 0x44, 0x30, 0x08, 0x46, 0x4c, 0x44, 0x31]);
    set = one(shortField);
    expect(set.namespace.map((o) => o.path)).toEqual(['\\FLD0']);
    for (const b of [unknown, past, endless, inBody, shortCall, str, shortCpu, shortField]) expect(readNamespace(one(b))).toEqual(treeNamespace(one(b)));
  });

  it('nesting 10,000 deep: read, built and written with explicit stacks', () => {
    // Scope (\) { If (One) { If (One) { … Name (DEEP, 1) … } } }, each If with a 4-byte PkgLength
    const depth = 10_000;
    const inner = [0x08, 0x44, 0x45, 0x45, 0x50, 0x01];
    const parts: number[][] = [];
    let size = inner.length;
    for (let i = 0; i < depth; i++) {
      size += 1 + 4 + 1; // If, PkgLength, One
      parts.push([0xa0, 0xc0 | ((size - 1) & 0x0f), ((size - 1) >> 4) & 0xff, ((size - 1) >> 12) & 0xff, ((size - 1) >> 20) & 0xff, 0x01]);
    }
    const aml = [...parts.reverse().flat(), ...inner];
    const bytes = block(aml);
    const set = one(bytes);
    expect(blockIssues(set.blocks[0])).toEqual([]);
    expect(set.namespace.map((o) => [o.path, o.conditional])).toEqual([['\\DEEP', true]]);
    expect(Buffer.from(encodeTerms(set.blocks[0].terms)).equals(Buffer.from(bytes.subarray(36)))).toBe(true);
  });
});
