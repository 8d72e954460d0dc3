// The untrusted-input contract, as fast-check properties over structure-aware mutations of every
// seed table set (the corpus when present, the samples, iasl's templates when iasl is installed,
// the spec-built tables):
// - readTables (buffers, acpidump text, memory images), decodeTable, checkTables, diffTables, dump
//   and JSON never throw on bad bytes, and what decodes re-encodes to its input;
// - buildDom0, with mutated tables and arbitrary options (u64 addresses, vCPU counts, banks,
//   profiles, relocation, skipped passes), throws nothing but BuildError;
// - check --fix (in process) writes a corrected copy or says why not, never touching the input;
// - the CLI exits 0, 1 or 2 with no internal error, no stack trace and the input unchanged; each
//   message is one line of the one shape, and nothing it prints (or its report holds) is a raw
//   control or bidirectional character;
// - the hostile inputs of issue 27 (HOSTILE: a FIFO, /dev/zero, text notes in a table folder,
//   counts and lengths that claim GiBs in sparse files, a --baseline of 3 GB or /dev/zero, a
//   million bad RSDP candidates, OEM IDs holding escape sequences, a file name holding U+202E),
//   each given to every command, are read or refused in one line naming the file and the limit.
// - so does the installed command, in a process of its own, on inputs at a scale no firmware has
//   (fuzz/hostile.ts: 130,000 subtables, a 3,000-deep PPTT, 9,000 IORT mappings, 4,000 SMMUs in
//   series, 10,000 core segments, a baseline of 60,000 entries), each command within 10 s.
// Shared by the short seeded run in `npm test` and the long `npm run fuzz`.
import { XEN_RELEASES } from '../src/model/xen.js';
import fc from 'fast-check';
import {
  existsSync,
  readdirSync,
  readFileSync,
  mkdtempSync,
  writeFileSync,
  rmSync,
  mkdirSync,
  symlinkSync,
  lstatSync,
  readlinkSync,
  realpathSync,
  statSync,
  openSync,
  writeSync,
  closeSync,
  truncateSync,
} from 'node:fs';
import { join, resolve, dirname, relative, sep, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeTable, encodeTable, decodedSignatures } from '../src/tables/registry.js';
import { readTables } from '../src/io/read.js';
import { parseAcpidump, formatAcpidumpSet } from '../src/io/acpidump.js';
import { writeImage } from '../src/io/image.js';
import { writeElfCore } from '../src/io/elf.js';
import { checkTables } from '../src/check/index.js';
import { diffTables } from '../src/diff/set.js';
import { dumpTableText } from '../src/render/text.js';
import { tableJson } from '../src/render/json.js';
import { buildDom0 } from '../src/rewrite/build.js';
import { BuildError, type BuildOptions } from '../src/rewrite/types.js';
import { fixChecksums, writeFixed } from '../src/io/fix.js';
import { checksumOf } from '../src/layout/codec.js';
import { allEntries, type TableSet, type TableEntry } from '../src/model/tableset.js';
import { specBlobs, type Blob } from '../samples/spec-tables.js';
import { run } from '../cli/run.js';
import { readAml, encodeTerms, blockIssues } from '../src/aml/index.js';
import { printAsl } from '../src/aml/asl.js';
import { blockHeader } from '../src/aml/set.js';
import { namespaceLines, objectJson, termsJson } from '../src/aml/view.js';
import { diffAml } from '../src/diff/aml.js';
import { readNamespace, treeNamespace } from './aml-namespace.js';

/** Find the project root from this file (src or dist). */
function root(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, d = dirname(d)) if (existsSync(join(d, 'package.json'))) return d;
  return process.cwd();
}
const ROOT = root();
const CORPUS = resolve(ROOT, '../shared/corpus');

/** The table sets the mutations start from: each acpidump text of the samples and the corpus. */
export function seedSets(): { name: string; text: Uint8Array }[] {
  const out: { name: string; text: Uint8Array }[] = [];
  const add = (name: string, p: string) => existsSync(p) && out.push({ name, text: readFileSync(p) });
  for (const d of readdirSync(join(ROOT, 'samples'), { withFileTypes: true }))
    if (d.isDirectory()) add(`samples/${d.name}`, join(ROOT, 'samples', d.name, 'acpidump.txt'));
  if (existsSync(CORPUS)) {
    for (const d of readdirSync(CORPUS, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      add(`corpus/${d.name}`, join(CORPUS, d.name, 'acpidump.txt'));
      add(`corpus/${d.name}/host`, join(CORPUS, d.name, 'host', 'acpidump.txt'));
    }
  }
  return out;
}

/** Every seed table: the sets' tables, iasl's templates (when iasl is installed), the spec-built ones. */
export function seedTables(sets = seedSets()): Blob[] {
  const out: Blob[] = sets.flatMap((s) => parseAcpidump(s.text, s.name).blocks.map((b) => ({ name: `${s.name}:${b.name}`, bytes: b.bytes })));
  if (spawnSync('iasl', ['-v'], { stdio: 'ignore' }).error === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'dom0-acpi-fuzz-'));
    spawnSync('iasl', ['-T', 'ALL'], { cwd: dir, stdio: 'ignore' });
    const want = new Set(decodedSignatures());
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.asl'))) {
      const sig = f.slice(0, -4).toUpperCase();
      if (!want.has(sig)) continue;
      spawnSync('iasl', [f], { cwd: dir, stdio: 'ignore' });
      const aml = join(dir, `${f.slice(0, -4)}.aml`);
      if (existsSync(aml)) out.push({ name: `template ${sig}`, bytes: readFileSync(aml) });
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return [...out, ...specBlobs()];
}

/** Every DSDT and SSDT to mutate as AML: the seed sets', the Qualcomm device DSDTs of the corpus,
 * and iasl's DSDT and SSDT templates (when iasl is installed). */
export function seedAml(seeds: Blob[]): Blob[] {
  const out = seeds.filter((b) => /^(DSDT|SSDT)$/.test(Buffer.from(b.bytes.subarray(0, 4)).toString('latin1')) && b.bytes.length > 36);
  const q = join(CORPUS, 'qualcomm-aml');
  if (existsSync(q)) for (const f of readdirSync(q).filter((n) => n.endsWith('.aml'))) out.push({ name: `qualcomm-aml/${f}`, bytes: readFileSync(join(q, f)) });
  // the device DSDTs of 200-400 KB are read whole in the tests; a case here is one edit in a table,
  // which a smaller one shows as well at a hundredth of the time
  return out.filter((b) => b.bytes.length <= 32 * 1024);
}

/** An AML edit: a term's worth of bytes put in (an opcode of the grammar, a name prefix, a
 * PkgLength lead byte claiming much), or a byte changed, anywhere in the definition block. */
export const amlCase = (seeds: Blob[]) =>
  fc.record({
    seed: fc.nat({ max: Math.max(0, seeds.length - 1) }),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        insert: fc.boolean(),
        bytes: fc.oneof(
          fc.constantFrom(
            [0x5b],
            [0x5b, 0x82],
            [0x10, 0xff],
            [0x14, 0x3f],
            [0xa0, 0xc0, 0xff, 0xff, 0xff],
            [0x2f, 0xff],
            [0x5c],
            [0x5e, 0x5e],
            [0x0d],
            [0x12, 0x05, 0xff],
            [0x15],
            [0x00],
          ),
          fc.uint8Array({ minLength: 1, maxLength: 4 }),
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });

/** AML edits applied to a table's definition block (the header kept). */
export function mutateAml(bytes: Uint8Array, edits: { at: number; insert: boolean; bytes: Uint8Array | readonly number[] }[]): Buffer {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    const at = 36 + (e.at % Math.max(1, b.length - 35));
    const x = Buffer.from(e.bytes);
    b = e.insert ? Buffer.concat([b.subarray(0, at), x, b.subarray(at)]) : Buffer.concat([b.subarray(0, at), x, b.subarray(Math.min(b.length, at + x.length))]);
  }
  b.writeUInt32LE(b.length, 4);
  return b;
}

/** The AML contract: read, encoded back to the same bytes, printed as ASL, its namespace and term
 * tree as JSON, and diffed against itself, without a throw; faults are issues at offsets inside it,
 * and printing (each list read once, none kept) finds the ones reading the whole tree does, and
 * prints what the whole tree prints. */
export function checkAml(b: Buffer): Outcome {
  const set = readAml([
    { table: 'DSDT', bytes: b, revision: b[8] },
    { table: 'SSDT', bytes: b, revision: b[8] },
  ]);
  for (const blk of set.blocks) {
    const streamed = blk.asl(blockHeader(b));
    if (!Buffer.from(encodeTerms(blk.terms)).equals(b.subarray(36))) throw new Violation('AML decode → encode is not the input', b.toString('hex'));
    const issues = blockIssues(blk);
    for (const i of issues) if (i.at < 36 || i.at > b.length) throw new Violation(`AML issue at ${i.at}, outside the table`, b.toString('hex'));
    if (JSON.stringify(streamed.issues) !== JSON.stringify(issues))
      throw new Violation('AML faults found printing are not those of the whole tree', b.toString('hex'));
    // encodeTerms has read every list, and kept it
    if (printAsl(blockHeader(b), blk.terms) !== streamed.text + '\n')
      throw new Violation('AML printed each list once is not the whole tree printed', b.toString('hex'));
    JSON.stringify(termsJson(blk));
  }
  const [read, tree] = [readNamespace(set), treeNamespace(set)];
  if (read.join('\n') !== tree.join('\n'))
    throw new Violation(
      `AML namespace read without the tree is not the one the tree declares (${read.length} objects, the tree's ${tree.length})`,
      b.toString('hex'),
    );
  namespaceLines(set.namespace);
  JSON.stringify(set.namespace.map(objectJson));
  const e: TableEntry = { table: { signature: 'DSDT', fields: {} } as TableEntry['table'], bytes: b, source: 'fuzz', address: 0x1000n };
  diffAml({ origin: 'a', kind: 'table', tables: [e] }, { origin: 'b', kind: 'table', tables: [e] }, () => true);
  return set.blocks.some((x) => blockIssues(x).length) ? 'finding' : 'ok';
}

// ---------------------------------------------------------------- mutations

const EDGE = [0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0xffffffff];

/** One structure-aware edit of a table's bytes. */
export type Edit = { kind: 'set'; at: number; width: 1 | 2 | 4 | 8; value: bigint } | { kind: 'cut'; at: number } | { kind: 'grow'; by: number; fill: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    value: fc.oneof(fc.constantFrom(...EDGE.map(BigInt)), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('grow' as const), by: fc.integer({ min: 1, max: 64 }), fill: fc.integer({ min: 0, max: 255 }) }),
);

/** Apply edits, keeping the declared length honest and the checksum right (so walkers go deep). */
export function mutate(bytes: Uint8Array, edits: Edit[], fixLength: boolean, fixChecksum: boolean): Buffer {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    if (e.kind === 'set') {
      if (!b.length) continue;
      const at = e.at % b.length;
      const w = Math.min(e.width, b.length - at);
      for (let i = 0; i < w; i++) b[at + i] = Number((e.value >> BigInt(8 * i)) & 0xffn);
    } else if (e.kind === 'cut') b = b.subarray(0, e.at % (b.length + 1));
    else b = Buffer.concat([b, Buffer.alloc(e.by, e.fill)]);
  }
  const rsdp = b.length >= 8 && b.toString('latin1', 0, 8) === 'RSD PTR ';
  if (!rsdp && b.length >= 8 && fixLength) b.writeUInt32LE(b.length, 4);
  if (!rsdp && b.length >= 10 && fixChecksum) b[9] = checksumOf(b, b.length, 9);
  return b;
}

export const tableCase = (seeds: Blob[]) =>
  fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    edits: fc.array(edit, { minLength: 1, maxLength: 4 }),
    fixLength: fc.boolean(),
    fixChecksum: fc.boolean(),
  });

/** Options, from the plausible to the absurd. */
export const optionsCase: fc.Arbitrary<Partial<BuildOptions>> = fc.record(
  {
    profile: fc.constantFrom('design' as const, 'xen' as const),
    vcpus: fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 600 })),
    base: fc.oneof(
      fc.constant(undefined),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => v & ~0xfffn),
    ),
    mem: fc.oneof(
      fc.constant(undefined),
      fc.array(
        fc.record({
          base: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => v & ~0xfffn),
          size: fc.bigInt({ min: 1n, max: 1n << 40n }).map((v) => (v + 0xfffn) & ~0xfffn),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    ),
    relocate: fc.constantFrom('none' as const, 'all' as const),
    its: fc.boolean(),
    hostMpidrs: fc.boolean(),
    hideSmmu: fc.boolean(),
    // devices the seed sets declare (QEMU's, the samples' processors and UARTs), and paths that are not
    hideDevices: fc.subarray(['\\_SB.FWCF', '\\_SB.VR00', '\\_SB.PCI0', '\\_SB.COM0', '\\_SB.C000', '\\_SB.NONE', '\\_SB.COM0._HID', '_SB.X']),
    skip: fc.subarray(['fadt', 'gtdt', 'madt', 'stao', 'xsdt', 'rsdp', 'efi', 'dt', 'checksums']),
  },
  { requiredKeys: ['profile', 'relocate', 'skip'] },
);

// ---------------------------------------------------------------- outcomes

export type Outcome = 'ok' | 'finding' | 'refused' | 'violation';

/** A contract violation: what happened and on what input. */
export class Violation extends Error {
  constructor(
    message: string,
    readonly input: unknown,
  ) {
    super(message);
    this.name = 'Violation';
  }
}

/** A decoded table's readers: dump, JSON, check (with --dom0, and with --xen-host at every release), diff. */
function readAll(set: TableSet): void {
  for (const e of allEntries(set)) {
    dumpTableText(e);
    JSON.stringify(tableJson(e));
  }
  checkTables(set, { dom0: true });
  // Xen's rules read raw bytes past what the decoder accepted: each release's, on the same set
  for (const xenHost of XEN_RELEASES) checkTables(set, { xenHost });
  diffTables(set, set);
}

/** decodeTable, the round trip and every reader on one mutated table. */
export function checkTable(b: Uint8Array): Outcome {
  const r = decodeTable(b);
  if (!r.table) return 'finding';
  const exact = b.subarray(0, r.length);
  if (!Buffer.from(encodeTable(r.table)).equals(Buffer.from(exact))) throw new Violation('decode → encode is not the input', Buffer.from(b).toString('hex'));
  readAll({ origin: 'fuzz', kind: 'table', tables: [{ table: r.table, bytes: exact, source: 'fuzz', address: 0x1000n }] });
  return r.findings.some((f) => f.severity === 'error') ? 'finding' : 'ok';
}

/** A seed set with one table replaced by a mutated one (same address), read as text and as an image. */
export function mutatedSet(text: Uint8Array, which: number, b: Buffer): { textInput: Buffer; image?: { bytes: Uint8Array; base: bigint } } {
  const { set } = readTables(Buffer.from(text), { name: 'seed.txt' });
  const all = allEntries(set); // the RSDP first when there is one
  const i = which % all.length;
  const replaced = all.map((e, k) => (k === i ? { ...e, bytes: new Uint8Array(b) } : e));
  const s2: TableSet = set.rsdp ? { ...set, rsdp: replaced[0], tables: replaced.slice(1) } : { ...set, tables: replaced };
  const textInput = Buffer.from(formatAcpidumpSet(s2));
  let image: { bytes: Uint8Array; base: bigint } | undefined;
  try {
    const w = writeImage(s2);
    image = { bytes: w.image, base: w.base };
  } catch {
    image = undefined; // an address-less or overlapping set makes no image
  }
  return { textInput, image };
}

/** Reading a whole (mutated) set every way, then every reader on it. */
export function checkSetReads(textInput: Buffer, image?: { bytes: Uint8Array; base: bigint }): Outcome {
  const t = readTables(textInput, { name: 'fuzz.txt' });
  readAll(t.set);
  if (image) {
    readAll(readTables(Buffer.from(image.bytes), { imageBase: image.base, name: 'fuzz.img' }).set);
    // the same memory as an ELF core, split in two segments
    const half = Math.floor(image.bytes.length / 16) * 8;
    const core = writeElfCore([
      { paddr: image.base, bytes: image.bytes.subarray(0, half) },
      { paddr: image.base + BigInt(half), bytes: image.bytes.subarray(half) },
    ]);
    readAll(readTables(core, { name: 'fuzz.elf' }).set);
  }
  return t.findings.some((f) => f.severity === 'error') ? 'finding' : 'ok';
}

/** buildDom0 throws only BuildError. */
export function checkBuild(set: TableSet, opts: Partial<BuildOptions>): Outcome {
  try {
    buildDom0(set, opts);
    return 'ok';
  } catch (e) {
    if (e instanceof BuildError) return 'refused';
    throw new Violation(`buildDom0 threw ${(e as Error).name}: ${(e as Error).message}`, {
      opts: String(JSON.stringify(opts, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))),
    });
  }
}

/** check --fix in process: a corrected copy or nothing, the input untouched. */
export function checkFix(dir: string, input: Buffer): Outcome {
  const p = join(dir, 'in.txt');
  writeFileSync(p, input);
  const { set } = readTables(p);
  if (!allEntries(set).length) return 'finding';
  const { set: good } = fixChecksums(set);
  writeFixed(p, good, join(dir, 'fixed.txt'), { force: true });
  if (!readFileSync(p).equals(input)) throw new Violation('check --fix modified its input', input.toString('latin1'));
  return 'ok';
}

const TIMEOUT_MS = 10_000;

/** What no output may hold raw (issue 27 §3): C0 controls but LF and tab, DEL, C1, the line and
 * paragraph separators and the bidirectional formatting characters. Every output shows them as
 * escapes (src/render/escape.ts); colour is off, as it is off a terminal. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** One run of the CLI held to the contract: exit 0, 1 or 2; no internal error or stack trace; each
 * message on stderr one line of the one shape; nothing printed (or written to `page`: report's
 * HTML) that a terminal or a browser would act on; done in time. Returns
 * what it printed, for the caller's own expectations. */
async function runHeld(argv: string[], page?: string): Promise<{ code: number; out: string; err: string; page: string }> {
  let out = '';
  let err = '';
  const t0 = Date.now();
  const code = await run(argv, { out: (s) => void (out += s), err: (s) => void (err += s), tty: false });
  const ms = Date.now() - t0;
  const written = page !== undefined && existsSync(page) && statSync(page).isFile() ? readFileSync(page, 'utf8') : '';
  const shown = argv.join(' ');
  if (![0, 1, 2].includes(code)) throw new Violation(`exit ${code}`, shown);
  if (/internal error|\n\s+at |TypeError|RangeError|ReferenceError/.test(err))
    throw new Violation(`the CLI printed an internal error: ${err.split('\n')[0]}`, shown);
  const odd = err.split('\n').find((l, i, all) => (l || i < all.length - 1) && !/^dom0-acpi: (error|warning|note): |^\(run dom0-acpi help/.test(l));
  if (odd !== undefined) throw new Violation(`a message on stderr that is not one line of the one shape: ${JSON.stringify(odd)}`, shown);
  for (const [what, text] of [
    ['stdout', out],
    ['stderr', err],
    ['the file written', written],
  ])
    if (RAW.test(text)) throw new Violation(`${what} holds a raw control or bidirectional character: ${JSON.stringify(RAW.exec(text)![0])}`, shown);
  if (ms > TIMEOUT_MS) throw new Violation(`the CLI took ${ms} ms`, shown);
  return { code, out, err, page: written };
}

const outcomeOf = (code: number): Outcome => (code === 2 ? 'refused' : code === 1 ? 'finding' : 'ok');

/** The CLI: exit 0/1/2, no internal error or stack trace, one-line messages, no raw control
 * character in any output, input unchanged, in time. */
export async function checkCli(dir: string, input: Buffer, argv: (file: string, out: string) => string[]): Promise<Outcome> {
  const p = join(dir, 'in.dat');
  writeFileSync(p, input);
  const out = join(dir, `out-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  try {
    const args = argv(p, out);
    const { code } = await runHeld(args, args[0] === 'report' ? out : undefined);
    if (!readFileSync(p).equals(input)) throw new Violation('the CLI modified its input', argv(p, out).join(' '));
    return outcomeOf(code);
  } catch (e) {
    if (e instanceof Violation) throw new Violation(e.message, { argv: argv(p, out).join(' '), input: input.toString('hex') });
    throw e;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- hostile inputs (issue 27 §2, §3)

/** The inputs a tester built to break the readers, each with what the tool must say of it. Each is
 * made once per run (large ones sparse: a few KiB on disk), except a FIFO, which is read only once
 * and made for each case. */
interface Hostile {
  /** the input path (and options) for a command; `fresh` inputs are made anew for each run */
  make(dir: string): { input: string; options?: string[]; done?: () => void };
  fresh?: boolean;
  /** what stdout, stderr or the written file must hold (the message naming the limit; the escaped
   * string), given the command: a RegExp for every command */
  says?: RegExp | ((cmd: HostileCommand) => RegExp | undefined);
  /** the commands it is given to (default: every one) */
  commands?: readonly HostileCommand[];
  /** it is a stream or a device: its bytes are not compared after the run */
  stream?: boolean;
}

const HOSTILE_COMMANDS = ['dump', 'dump-summary', 'dump-json', 'check', 'check-github', 'check-junit', 'diff', 'report', 'build'] as const;
type HostileCommand = (typeof HOSTILE_COMMANDS)[number];

/** A sparse file: `size` bytes holding `parts` and zeros elsewhere. */
function sparseFile(path: string, size: number, ...parts: [number, Uint8Array][]): string {
  writeFileSync(path, '');
  for (const [at, b] of parts) {
    const fd = openSync(path, 'r+');
    writeSync(fd, b, 0, b.length, at);
    closeSync(fd);
  }
  truncateSync(path, size);
  return path;
}

/** An ELF64 core header whose program header count is PN_XNUM, the real count (`count`) in section
 * header 0's sh_info at 0x80; the program headers would start at 0xC0. */
export function elfClaiming(count: number): Buffer {
  const h = Buffer.alloc(0xc0);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  h.writeUInt16LE(4, 16); // ET_CORE
  h.writeUInt16LE(183, 18);
  h.writeUInt32LE(1, 20);
  h.writeBigUInt64LE(0xc0n, 32); // e_phoff
  h.writeBigUInt64LE(0x80n, 40); // e_shoff
  h.writeUInt16LE(64, 52);
  h.writeUInt16LE(56, 54);
  h.writeUInt16LE(0xffff, 56); // PN_XNUM
  h.writeUInt16LE(64, 58);
  h.writeUInt16LE(1, 60);
  h.writeUInt32LE(count, 0x80 + 44);
  return h;
}

/** RSDP → XSDT → one table whose header declares `length`, at 0x80000000 (image offsets 0, 0x100, 0x180). */
export function imageDeclaring(length: number): Buffer {
  const b = Buffer.alloc(0x200);
  b.write('RSD PTR ', 0, 'latin1');
  b.write('HOSTIL', 9, 'latin1');
  b[15] = 2;
  b.writeUInt32LE(36, 20);
  b.writeBigUInt64LE(0x80000100n, 24);
  b[8] = checksumOf(b, 20, 8);
  b[32] = checksumOf(b, 36, 32);
  b.write('XSDT', 0x100, 'latin1');
  b.writeUInt32LE(44, 0x104);
  b[0x108] = 1;
  b.writeBigUInt64LE(0x80000180n, 0x100 + 36);
  b[0x109] = checksumOf(b.subarray(0x100, 0x100 + 44), 44, 9);
  b.write('SSDT', 0x180, 'latin1');
  b.writeUInt32LE(length, 0x184);
  return b;
}

const SAMPLE_TEXT = () => join(ROOT, 'samples', 'qemu-virt-gicv3', 'acpidump.txt');

/** A folder of the sample's binary tables and `extra` files. */
function tableFolder(dir: string, name: string, extra: Record<string, string | Uint8Array>): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const e of readTables(SAMPLE_TEXT()).set.tables) writeFileSync(join(d, `${e.table.signature.toLowerCase()}.dat`), e.bytes);
  for (const [n, v] of Object.entries(extra)) writeFileSync(join(d, n), v);
  return d;
}

/** The sample with OEM IDs that hold an escape sequence, a CR, an LF and a C1 CSI. */
function hostileStrings(): string {
  const { set } = readTables(SAMPLE_TEXT());
  const tables = set.tables.map((e) => {
    const id = e.table.signature === 'FACP' ? '\x1b[31m\r' : e.table.signature === 'GTDT' ? 'A\r\n\x9b2J' : undefined;
    if (id === undefined) return e;
    const table = { ...e.table, fields: { ...e.table.fields, header: { ...(e.table.fields.header as object), oem_id: id } } } as typeof e.table;
    return { ...e, table, bytes: encodeTable(table) };
  });
  return formatAcpidumpSet({ ...set, tables });
}

const HAVE_MKFIFO = spawnSync('mkfifo', ['--version'], { stdio: 'ignore' }).status === 0;

/** A FIFO a writer process fills from `from` once the command opens it. */
function fifoOf(dir: string, from: string): { input: string; done: () => void } {
  const input = join(mkdtempSync(join(dir, 'fifo-')), 'tables.fifo');
  spawnSync('mkfifo', [input]);
  const writer = spawn('sh', ['-c', 'cat "$1" > "$2" 2>/dev/null', 'sh', from, input], { stdio: 'ignore' });
  writer.unref();
  return {
    input,
    done: () => {
      writer.kill();
      rmSync(dirname(input), { recursive: true, force: true });
    },
  };
}

export const HOSTILE: Record<string, Hostile> = {
  'text notes in a table folder (NOTES, "TODO fix the GTDT")': {
    make: (dir) => ({ input: tableFolder(dir, 'notes', { NOTES: 'NOTES\nremember the GTDT\n', TODO: 'TODO fix the GTDT\n' }), options: ['--relocate', 'all'] }),
    says: /skipped 2 file\(s\) that are neither ACPI tables nor acpidump text: NOTES, TODO/,
  },
  'acpidump text whose addresses are all 0, beside binary tables': {
    make: (dir) => {
      const { set } = readTables(SAMPLE_TEXT());
      const text = formatAcpidumpSet({ tables: set.tables.map((e) => ({ ...e, address: undefined })) });
      return { input: tableFolder(dir, 'zero-addresses', { 'acpidump.txt': text }), options: ['--relocate', 'all'] };
    },
    says: /acpidump text, though its table addresses are all 0 or missing/,
    commands: ['dump', 'dump-summary', 'check', 'check-junit', 'build'],
  },
  'an ELF core claiming 0xFFFFFFFF program headers, as large as they claim (sparse)': {
    make: (dir) => ({ input: sparseFile(join(dir, 'phnum-max.elf'), 0xc0 + 0xffffffff * 56, [0, elfClaiming(0xffffffff)]) }),
    says: /4294967295 program headers, more than the 1048576 read/,
  },
  'an ELF core claiming 30,000,000 program headers (sparse 1.6 GiB)': {
    make: (dir) => ({ input: sparseFile(join(dir, 'phnum-30m.elf'), 0xc0 + 30_000_000 * 56, [0, elfClaiming(30_000_000)]) }),
    says: /30000000 program headers, more than the 1048576 read/,
  },
  'a table length of 0xFFFFFFFF in an 8 GiB image (sparse)': {
    make: (dir) => ({ input: sparseFile(join(dir, 'len-max.img'), 2 ** 33, [0, imageDeclaring(0xffffffff)]), options: ['--image-base', '0x80000000'] }),
    says: /declares length 4294967295, more than the 64 MiB a table may have/,
  },
  'a table length of 0x7FFFF000 in a 4 GiB image (sparse)': {
    make: (dir) => ({ input: sparseFile(join(dir, 'len-2g.img'), 2 ** 32, [0, imageDeclaring(0x7ffff000)]), options: ['--image-base', '0x80000000'] }),
    says: /declares length 2147479552, more than the 64 MiB a table may have/,
  },
  'acpidump text of 1 GiB (sparse after 16 KiB of text)': {
    make: (dir) => ({
      input: sparseFile(join(dir, 'huge.txt'), 2 ** 30, [0, readFileSync(join(ROOT, 'samples', 'server-128cpu', 'acpidump.txt')).subarray(0, 16 << 10)]),
    }),
    says: /acpidump text of 1073741824 bytes, more than the 64 MiB read/,
  },
  'a stray 3 GiB file in a table folder (sparse)': {
    make: (dir) => {
      const d = tableFolder(dir, 'stray', {});
      sparseFile(join(d, 'DATA.bin'), 3 * 2 ** 30, [0, Buffer.from('DATA\x00\x10\x00\x00')]);
      return { input: d, options: ['--relocate', 'all'] };
    },
    says: /DATA\.bin \(3221225472 bytes, more than the 64 MiB a table may have\)/,
  },
  'a --baseline of 3 GB (sparse)': {
    make: (dir) => ({ input: SAMPLE_TEXT(), options: ['--baseline', sparseFile(join(dir, 'baseline.json'), 3e9, [0, Buffer.from('{"format": ')])] }),
    says: /--baseline .*baseline\.json: more than 64 MiB, the most read/,
    commands: ['check', 'check-github', 'check-junit'],
  },
  'a --baseline of /dev/zero': {
    make: () => ({ input: SAMPLE_TEXT(), options: ['--baseline', '/dev/zero'] }),
    says: /--baseline \/dev\/zero: more than 64 MiB, the most read/,
    commands: ['check'],
  },
  'an image of 1 M bad "RSD PTR " candidates': {
    make: (dir) => {
      const b = Buffer.alloc(8 << 20);
      for (let at = 0; at < b.length; at += 8) b.write('RSD PTR ', at, 'latin1');
      const input = join(dir, 'candidates.img');
      if (!existsSync(input)) writeFileSync(input, b);
      return { input, options: ['--image-base', '0'] };
    },
    says: /no RSDP with valid checksums .* found at 0x0 \(\+0x0\): its 20-byte checksum fails; 0x8 \(\+0x8\): its 20-byte checksum fails; 0x10 /,
  },
  '/dev/zero as the input': {
    make: () => ({ input: '/dev/zero' }),
    says: /\/dev\/zero[\s\S]*more than 64 MiB on a stream/,
    stream: true,
  },
  'acpidump text on a FIFO': {
    make: (dir) => (HAVE_MKFIFO ? fifoOf(dir, SAMPLE_TEXT()) : { input: SAMPLE_TEXT() }),
    fresh: true,
    stream: true,
    // github prints findings only, and there are none
    says: (cmd) => (HAVE_MKFIFO && cmd !== 'check-github' ? /tables\.fifo/ : undefined),
  },
  'OEM IDs holding an escape sequence, CR, LF and a C1 control': {
    make: (dir) => {
      const input = join(dir, 'hostile-strings.txt');
      writeFileSync(input, hostileStrings());
      return { input };
    },
    // what shows an OEM ID shows it escaped (JSON in its own escapes); the rest must not print it raw
    says: (cmd) => (cmd === 'dump-json' ? /"\\u001b\[31m\\r"/ : ['dump', 'dump-summary', 'diff', 'report'].includes(cmd) ? /\\x1b\[31m\\x0d/ : undefined),
  },
  'a file name holding U+202E': {
    make: (dir) => {
      const input = join(dir, 'host\u202etxt.dump');
      writeFileSync(input, readFileSync(SAMPLE_TEXT()));
      return { input };
    },
    says: (cmd) => (cmd === 'check-github' ? undefined : /host\\u202etxt\.dump/),
  },
};

/** The hostile inputs made so far, by folder and name (each is made once per run, but a FIFO). */
const madeOnce = new Map<string, ReturnType<Hostile['make']>>();

/** One hostile input given to one command: the contract, and what the tool must say of it. */
export async function checkHostile(dir: string, name: string, cmd: HostileCommand): Promise<Outcome> {
  const h = HOSTILE[name];
  const made = (h.fresh ? undefined : madeOnce.get(`${dir}\0${name}`)) ?? h.make(dir);
  if (!h.fresh) madeOnce.set(`${dir}\0${name}`, made);
  const { input, options = [] } = made;
  const out = join(dir, `hostile-out-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const argv = {
    dump: ['dump', input],
    'dump-summary': ['dump', input, '--summary'],
    'dump-json': ['dump', input, '--json'],
    check: ['check', input],
    'check-github': ['check', input, '--format', 'github'],
    'check-junit': ['check', input, '--format', 'junit'],
    diff: ['diff', input, SAMPLE_TEXT()],
    report: ['report', input, '-o', out],
    build: ['build', input, '-o', out],
  }[cmd];
  // options only where they mean something: --baseline is check's, --relocate build's
  const wanted = options.filter((o, i) => {
    const flag = o.startsWith('--') ? o : options[i - 1];
    return flag === '--image-base' || (flag === '--baseline' && cmd.startsWith('check')) || (flag === '--relocate' && cmd === 'build');
  });
  const before = h.stream ? undefined : fingerprint(input);
  try {
    const r = await runHeld([...argv, ...wanted], cmd === 'report' ? out : undefined);
    if (before !== undefined && fingerprint(input) !== before) throw new Violation('the CLI modified its input', argv.join(' '));
    const says = typeof h.says === 'function' ? h.says(cmd) : h.says;
    if (says && !says.test(`${r.out}${r.err}${r.page}`))
      throw new Violation(`${cmd} did not say ${says}: ${(r.err || r.out).split('\n')[0]}`, [...argv, ...wanted].join(' '));
    return outcomeOf(r.code);
  } finally {
    made.done?.();
    rmSync(out, { recursive: true, force: true });
  }
}

/** A file or folder as it stands: its size and modification time (a sparse file of GiBs is not
 * read to compare it), each entry of a folder. */
function fingerprint(p: string): string {
  const st = statSync(p);
  if (!st.isDirectory()) return `${st.size}@${st.mtimeMs}`;
  return readdirSync(p)
    .sort()
    .map((n) => `${n}:${fingerprint(join(p, n))}`)
    .join(',');
}

/** The installed command, as a user runs it. */
export const BIN = join(ROOT, 'dist', 'dom0-acpi.cjs');

/** The installed command (dist/dom0-acpi.cjs) in a process of its own, with the stack a user's run
 * has (not a test runner's): exit 0/1/2, no internal error or stack trace, the inputs unchanged, in
 * time. A run four times over the time is stopped. */
export function checkInstalled(argv: string[], inputs: string[]): { code: number; out: string; err: string; ms: number } {
  const before = inputs.map((p) => readFileSync(p));
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 4 * TIMEOUT_MS });
  const ms = Date.now() - t0;
  const line = argv.join(' ');
  if (r.error) throw new Violation(`${line}: ${r.error.message} after ${ms} ms`, line);
  if (![0, 1, 2].includes(r.status ?? -1)) throw new Violation(`exit ${r.status ?? r.signal}: ${r.stderr.split('\n')[0]}`, line);
  if (/internal error|\n\s+at |TypeError|RangeError|ReferenceError/.test(r.stderr))
    throw new Violation(`the CLI printed an internal error: ${r.stderr.split('\n')[0]}`, line);
  inputs.forEach((p, i) => {
    if (!readFileSync(p).equals(before[i])) throw new Violation(`the CLI modified its input ${p}`, line);
  });
  if (ms > TIMEOUT_MS) throw new Violation(`the CLI took ${ms} ms`, line);
  return { code: r.status!, out: r.stdout, err: r.stderr, ms };
}

// ---------------------------------------------------------------- outputs never touch what the tool did not write

/** The commands that write, each with the kind of output it makes. */
const WRITERS = {
  build: { folder: true, argv: (i: string, o: string) => ['build', i, '-o', o] },
  extract: { folder: true, argv: (i: string, o: string) => ['extract', i, '-o', o] },
  'convert-binaries': { folder: true, argv: (i: string, o: string) => ['convert', i, '--to', 'binaries', '-o', o] },
  'convert-text': { folder: false, argv: (i: string, o: string) => ['convert', i, '--to', 'text', '-o', o] },
  'convert-image': { folder: false, argv: (i: string, o: string) => ['convert', i, '--to', 'image', '-o', o] },
  'check-fix': { folder: false, argv: (i: string, o: string) => ['check', i, '--fix', '-o', o] },
  report: { folder: false, argv: (i: string, o: string) => ['report', i, '-o', o] },
} as const;
type Writer = keyof typeof WRITERS;

/** Where the output goes, relative to the world's root (links: to the firmware folder, to a previous output). */
const OUTPUTS = [
  '.',
  'fw',
  'fw/out',
  'fw/host.txt',
  'fw/notes.md',
  'fw/.git',
  'fw/sub/deeper',
  '..',
  'new',
  'prev',
  'link-fw',
  'link-prev',
  'link-fw/out',
  'empty',
] as const;
const INPUTS = ['fw/host.txt', 'fw', 'link-fw/host.txt', 'link-fw'] as const;
const CWDS = ['', 'fw', 'empty', 'fw/sub'] as const;

export const outputCase = fc.record({
  cmd: fc.constantFrom(...(Object.keys(WRITERS) as Writer[])),
  input: fc.constantFrom(...INPUTS),
  output: fc.constantFrom(...OUTPUTS),
  cwd: fc.constantFrom(...CWDS),
  force: fc.boolean(),
});

/** Every entry under a folder (files by content, links by target, folders by name), by relative path. */
function entries(dir: string, skip?: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (p === skip) continue;
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isSymbolicLink()) out.set(rel, `link ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(rel, 'folder');
        walk(p);
      } else out.set(rel, readFileSync(p).toString('hex'));
    }
  };
  walk(dir);
  return out;
}

/** Whether the layout is one the tool must accept, by the rules alone (not the tool's code): the
 * output neither is, holds, nor lies inside a path read, a folder output neither is nor holds the
 * current folder, and an existing output is an empty folder, a previous output folder of this very
 * kind with --force, or (a single file, the user's to name) any regular file with --force. */
function allowed(world: string, c: { cmd: Writer; input: string; output: string; cwd: string; force: boolean }): boolean {
  // the real path of the part that exists, the rest appended
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return join(real(dirname(p)), p.slice(dirname(p).length + 1));
    }
  };
  const inside = (a: string, b: string) => a.startsWith(b + sep);
  const out = real(resolve(world, c.cwd, c.output));
  const input = realpathSync(join(world, c.input));
  // a folder given as input reads the one acpidump text in it
  const read = statSync(input).isDirectory() ? [input, join(input, 'host.txt')] : [input];
  for (const r of read) if (out === r || inside(r, out) || (statSync(r).isDirectory() && inside(out, r))) return false;
  const cwd = realpathSync(join(world, c.cwd));
  const folder = WRITERS[c.cmd].folder;
  if (folder && (out === cwd || inside(cwd, out))) return false;
  const given = resolve(world, c.cwd, c.output);
  if (!existsSync(given)) return lstatSync(given, { throwIfNoEntry: false }) === undefined;
  const st = lstatSync(given);
  if (!folder && st.isSymbolicLink()) return false;
  const isDir = statSync(given).isDirectory();
  if (folder !== isDir) return false;
  if (folder && !readdirSync(given).length) return true;
  return c.force && (!folder || out === realpathSync(join(world, 'prev')));
}

/** One layout: a firmware folder (the acpidump text, notes, a git repository), a previous output of
 * the same command, links to both, an empty folder; the command run from `cwd`. No file the tool did
 * not write may change, and the exit code is 2 exactly when the layout is refused. */
export async function checkOutputs(
  dir: string,
  text: Uint8Array,
  c: { cmd: Writer; input: string; output: string; cwd: string; force: boolean },
): Promise<Outcome> {
  const world = mkdtempSync(join(dir, 'world-'));
  try {
    mkdirSync(join(world, 'fw', '.git'), { recursive: true });
    mkdirSync(join(world, 'fw', 'sub'));
    mkdirSync(join(world, 'empty'));
    writeFileSync(join(world, 'fw', 'host.txt'), text);
    writeFileSync(join(world, 'fw', 'notes.md'), 'bring-up notes\n');
    writeFileSync(join(world, 'fw', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    symlinkSync(join(world, 'fw'), join(world, 'link-fw'));
    symlinkSync(join(world, 'prev'), join(world, 'link-prev'));
    const w = WRITERS[c.cmd];
    const quiet = { out: () => {}, err: () => {}, tty: false };
    if ((await run(w.argv(join(world, 'fw', 'host.txt'), join(world, 'prev')), quiet)) === 2) throw new Violation(`${c.cmd} could not make a first output`, c);
    const prev = join(world, 'prev');
    // the tool's files: the previous output; and a single file the user named with --force is theirs to replace
    const named = !w.folder && c.force ? relative(world, resolve(world, c.cwd, c.output)) : undefined;
    const ours = (rel: string) => rel === 'prev' || rel.startsWith(`prev${sep}`) || rel === named;
    // the world's own entries (not the rest of the run's folder, which holds other properties' inputs:
    // FIFOs, sparse files of GiBs)
    const before = entries(world);
    const expectOk = allowed(world, c);
    let err = '';
    const cwd = process.cwd();
    process.chdir(join(world, c.cwd));
    let code: number;
    try {
      code = await run([...w.argv(join(world, c.input), c.output), ...(c.force ? ['--force'] : [])], {
        out: () => {},
        err: (s) => void (err += s),
        tty: false,
      });
    } finally {
      process.chdir(cwd);
    }
    const after = existsSync(world) ? entries(world) : new Map<string, string>();
    for (const [rel, v] of before) {
      if (ours(rel) && code !== 2) continue; // replacing our own output is the point
      if (after.get(rel) !== v)
        throw new Violation(`${join(basename(world), rel)} changed (exit ${code}): ${err.split('\n')[0]}`, { ...c, prev: existsSync(prev) });
    }
    if (code === 2 && expectOk) throw new Violation(`refused a layout the rules allow: ${err.split('\n')[0]}`, c);
    if (code !== 2 && !expectOk) throw new Violation(`exit ${code} on a layout the rules refuse`, c);
    if (/internal error|\n\s+at /.test(err)) throw new Violation(`internal error: ${err.split('\n')[0]}`, c);
    return code === 2 ? 'refused' : 'ok';
  } finally {
    rmSync(world, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the properties

export interface Tally {
  cases: number;
  outcomes: Record<string, Record<Outcome, number>>;
  /** the smallest input seen per property and outcome (fewest bytes of the mutated table; for build, an unmutated set first) */
  smallest: Record<string, Partial<Record<Outcome, string>>>;
}

export function newTally(): Tally {
  return { cases: 0, outcomes: {}, smallest: {} };
}

function note(t: Tally, prop: string, outcome: Outcome, size: number, show: () => string): void {
  t.cases++;
  const o = (t.outcomes[prop] ??= { ok: 0, finding: 0, refused: 0, violation: 0 });
  o[outcome]++;
  const s = (t.smallest[prop] ??= {});
  const prev = s[outcome];
  if (prev === undefined || size < Number(prev.split(' ')[0])) s[outcome] = `${size} ${show()}`;
}

const hex = (b: Uint8Array) => (b.length ? Buffer.from(b).toString('hex') : '(empty)');

/** Which table of a seed set `which` replaces, as "table N (SIG)". */
function tableName(entries: TableEntry[], which: number): string {
  const i = which % entries.length;
  return `table ${i} (${entries[i]?.table.signature ?? '?'})`;
}

/** The properties, each with its share of the cases. */
/** What the properties draw from: the seed sets and tables, and where they note outcomes. */
interface Seeds {
  dir: string;
  t: Tally;
  sets: ReturnType<typeof seedSets>;
  seeds: ReturnType<typeof seedTables>;
  parsed: TableSet[];
  table: ReturnType<typeof tableCase>;
}

/** Where a mutated table was put, as a violation names it: the seed, in which set, for which table. */
const inSet = (x: Seeds, seed: number, si: number, which: number) =>
  `${x.seeds[seed].name} in ${x.sets[si].name} for ${tableName(allEntries(x.parsed[si]), which)}`;

/** The build property: buildDom0 on a set, a table of it mutated or not, with arbitrary options. */
function buildProperty(x: Seeds) {
  const { t, sets, seeds, parsed, table } = x;
  return {
    name: 'build: buildDom0 with mutated tables and arbitrary options throws only BuildError',
    share: 0.2,
    prop: fc.property(fc.nat({ max: Math.max(0, parsed.length - 1) }), fc.nat(), table, optionsCase, fc.boolean(), (si, which, c, opts, mutateIt) => {
      let set = parsed[si];
      if (mutateIt) {
        const b = mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum);
        const r = decodeTable(b);
        if (r.table && set.tables.length) {
          const i = which % set.tables.length;
          set = { ...set, tables: set.tables.map((e, k) => (k === i ? { ...e, table: r.table!, bytes: b.subarray(0, r.length) } : e)) };
        }
      }
      note(
        t,
        'build',
        checkBuild(set, opts),
        mutateIt ? c.edits.length + 1 : 0,
        () =>
          `${sets[si].name}` +
          (mutateIt
            ? ` with ${seeds[c.seed].name} for ${tableName(parsed[si].tables, which)} ← ` +
              hex(mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum))
            : '') +
          ` options ${JSON.stringify(opts, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`,
      );
    }),
  };
}

/** The captures property: an ELF core of a set with its headers mutated. */
function capturesProperty(x: Seeds) {
  const { t, parsed } = x;
  return {
    name: 'captures: an ELF core whose header and program headers are mutated reads to findings, never throws',
    share: 0.05,
    prop: fc.property(fc.nat({ max: Math.max(0, parsed.length - 1) }), fc.array(edit, { minLength: 1, maxLength: 4 }), (si, edits) => {
      let core: Buffer | undefined;
      try {
        const w = writeImage(parsed[si]);
        core = Buffer.from(writeElfCore([{ paddr: w.base, bytes: w.image, zeroTail: 0x1000 }]));
      } catch {
        return; // an address-less set makes no image
      }
      // edits land in the headers (64 + 56 bytes), the cut and grow anywhere
      const head = mutate(
        core.subarray(0, 120),
        edits.filter((e) => e.kind === 'set'),
        false,
        false,
      );
      const tail = edits.some((e) => e.kind === 'cut')
        ? core.subarray(120, 120 + ((edits.find((e) => e.kind === 'cut') as { at: number }).at % (core.length - 119)))
        : core.subarray(120);
      const b = Buffer.concat([head, tail]);
      note(
        t,
        'captures',
        readTables(b, { name: 'fuzz.elf' }).findings.some((f) => f.severity === 'error') ? 'finding' : 'ok',
        b.length,
        () => `${parsed[si].origin} core ← ${hex(b.subarray(0, 120))}`,
      );
    }),
  };
}

/** The CLI property: every command on a mutated table, or a set holding one. */
function cliProperty(x: Seeds) {
  const { dir, t, sets, seeds, parsed, table } = x;
  return {
    name: 'the CLI: every command on a mutated table or a set holding one, exit 0/1/2, no internal error, input unchanged',
    share: 0.05,
    prop: fc.asyncProperty(
      table,
      fc.option(fc.tuple(fc.nat({ max: Math.max(0, sets.length - 1) }), fc.nat()), { freq: 2 }),
      fc.constantFrom('dump', 'dump-json', 'check', 'check-fix', 'diff', 'build', 'build-xen', 'build-hide-smmu', 'report', 'convert', 'extract'),
      async (c, inSet, cmd) => {
        const b = mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum);
        const input = inSet ? mutatedSet(sets[inSet[0]].text, inSet[1], b).textInput : b;
        const argv = (f: string, out: string): string[] =>
          ({
            dump: ['dump', f],
            'dump-json': ['dump', f, '--json'],
            check: ['check', '--dom0', f],
            'check-fix': ['check', f, '--fix', '-o', out],
            diff: ['diff', f, f],
            build: ['build', f, '-o', out, '--relocate', 'all'],
            'build-xen': ['build', f, '-o', out, '--relocate', 'all', '--profile', 'xen'],
            'build-hide-smmu': ['build', f, '-o', out, '--relocate', 'all', '--hide-smmu'],
            report: ['report', f, f, '-o', out],
            convert: ['convert', f, '--to', 'text', '-o', out],
            extract: ['extract', f, '-o', out],
          })[cmd]!;
        const where = `${seeds[c.seed].name}${inSet ? ` in ${sets[inSet[0]].name} for ${tableName(allEntries(parsed[inSet[0]]), inSet[1])}` : ''} ← `;
        note(t, `cli ${cmd}`, await checkCli(dir, input, argv), b.length, () => `${where}${hex(b)}`);
      },
    ),
  };
}

export function properties(dir: string, t: Tally) {
  const sets = seedSets();
  const seeds = seedTables(sets);
  const parsed = sets.map((s) => readTables(Buffer.from(s.text), { name: s.name }).set);
  const table = tableCase(seeds);
  const amlSeeds = seedAml(seeds);
  const aml = amlCase(amlSeeds);
  const samples = sets.filter((s) => s.name.startsWith('samples/'));
  const x: Seeds = { dir, t, sets, seeds, parsed, table };
  return [
    {
      name: 'tables: decode, round trip, dump, JSON, check, diff',
      share: 0.4,
      prop: fc.property(table, (c) => {
        const b = mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum);
        note(t, 'tables', checkTable(b), b.length, () => `${seeds[c.seed].name} ← ${hex(b)}`);
      }),
    },
    {
      name:
        'AML: a mutated DSDT/SSDT read, encoded back byte for byte, printed as ASL, its namespace held to the one its tree declares, ' +
        'namespace and tree as JSON, diffed',
      share: 0.1,
      prop: fc.property(aml, (c) => {
        const b = mutateAml(amlSeeds[c.seed].bytes, c.edits);
        note(t, 'aml', checkAml(b), b.length, () => `${amlSeeds[c.seed].name} ← ${hex(b)}`);
      }),
    },
    {
      name: 'sets: a mutated table in acpidump text, in a memory image and in an ELF core, read every way',
      share: 0.15,
      prop: fc.property(fc.nat({ max: Math.max(0, sets.length - 1) }), fc.nat(), table, (si, which, c) => {
        const b = mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum);
        const { textInput, image } = mutatedSet(sets[si].text, which, b);
        note(t, 'sets', checkSetReads(textInput, image), b.length, () => `${inSet(x, c.seed, si, which)} ← ${hex(b)}`);
      }),
    },
    buildProperty(x),
    capturesProperty(x),
    {
      name: 'check --fix: a corrected copy or nothing, the input untouched',
      share: 0.05,
      prop: fc.property(fc.nat({ max: Math.max(0, sets.length - 1) }), fc.nat(), table, (si, which, c) => {
        const b = mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum);
        const { textInput } = mutatedSet(sets[si].text, which, b);
        note(t, 'fix', checkFix(dir, textInput), b.length, () => `${inSet(x, c.seed, si, which)} ← ${hex(b)}`);
      }),
    },
    cliProperty(x),
    {
      name:
        'hostile inputs (issue 27): streams, text notes, counts and lengths that claim GiBs, escapes and bidi names, each given to ' +
        'every command: the contract, bounded memory, and the one line naming the limit',
      share: 0.01,
      prop: fc.asyncProperty(fc.constantFrom(...Object.keys(HOSTILE)), fc.constantFrom(...HOSTILE_COMMANDS), async (name, cmd) => {
        const h = HOSTILE[name];
        if (h.commands && !h.commands.includes(cmd)) return;
        note(t, `hostile ${cmd}`, await checkHostile(dir, name, cmd), 0, () => name);
      }),
    },
    {
      name: 'outputs: for any layout of inputs, outputs, links and current folder, no file the tool did not write changes, and the exit code says so',
      share: 0.05,
      // the samples: every command can write each of them (they carry table addresses)
      prop: fc.asyncProperty(outputCase, fc.nat({ max: Math.max(0, samples.length - 1) }), async (c, si) => {
        note(t, 'outputs', await checkOutputs(dir, samples[si].text, c), 0, () => `${samples[si].name} ${JSON.stringify(c)}`);
      }),
    },
  ];
}
