// The untrusted-input contract, as fast-check properties over structure-aware mutations of every
// seed table set (the corpus when present, the samples, iasl's templates when iasl is installed,
// the spec-built tables):
// - readTables (buffers, acpidump text, memory images), decodeTable, checkTables, diffTables, dump
//   and JSON never throw on bad bytes, and what decodes re-encodes to its input;
// - buildDom0, with mutated tables and arbitrary options (u64 addresses, vCPU counts, banks,
//   profiles, relocation, skipped passes), throws nothing but BuildError;
// - check --fix (in process) writes a corrected copy or says why not, never touching the input;
// - the CLI exits 0, 1 or 2 with no internal error, no stack trace and the input unchanged;
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
} from 'node:fs';
import { join, resolve, dirname, relative, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
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

/** The CLI: exit 0/1/2, no internal error or stack trace, input unchanged, in time. */
export async function checkCli(dir: string, input: Buffer, argv: (file: string, out: string) => string[]): Promise<Outcome> {
  const p = join(dir, 'in.dat');
  writeFileSync(p, input);
  let err = '';
  const t0 = Date.now();
  const out = join(dir, `out-${t0}-${Math.random().toString(36).slice(2)}`);
  const code = await run(argv(p, out), { out: () => {}, err: (s) => void (err += s), tty: false });
  const ms = Date.now() - t0;
  rmSync(out, { recursive: true, force: true });
  if (![0, 1, 2].includes(code)) throw new Violation(`exit ${code}`, argv(p, out).join(' '));
  if (/internal error|\n\s+at |TypeError|RangeError|ReferenceError/.test(err))
    throw new Violation(`the CLI printed an internal error: ${err.split('\n')[0]}`, input.toString('hex'));
  if (!readFileSync(p).equals(input)) throw new Violation('the CLI modified its input', argv(p, out).join(' '));
  if (ms > TIMEOUT_MS) throw new Violation(`the CLI took ${ms} ms`, argv(p, out).join(' '));
  return code === 2 ? 'refused' : code === 1 ? 'finding' : 'ok';
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
 * current folder, and an existing output is empty, or a previous output of this very kind with --force. */
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
  return c.force && out === realpathSync(join(world, 'prev'));
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
    // the tool's files: the previous output (a folder, or the file and the record beside it)
    const ours = (rel: string) => rel === 'prev' || rel.startsWith(`prev${sep}`) || rel === '.dom0-acpi-files.json';
    const before = [...entries(dirname(world))].filter(([rel]) => rel.startsWith(relative(dirname(world), world)));
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
    const after = entries(dirname(world));
    const base = relative(dirname(world), world);
    for (const [rel, v] of before) {
      const inWorld = relative(base, rel);
      if (ours(inWorld) && code !== 2) continue; // replacing our own output is the point
      if (after.get(rel) !== v) throw new Violation(`${rel} changed (exit ${code}): ${err.split('\n')[0]}`, { ...c, prev: existsSync(prev) });
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
export function properties(dir: string, t: Tally) {
  const sets = seedSets();
  const seeds = seedTables(sets);
  const parsed = sets.map((s) => readTables(Buffer.from(s.text), { name: s.name }).set);
  const table = tableCase(seeds);
  const samples = sets.filter((s) => s.name.startsWith('samples/'));
  return [
    {
      name: 'tables: decode, round trip, dump, JSON, check, diff',
      share: 0.5,
      prop: fc.property(table, (c) => {
        const b = mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum);
        note(t, 'tables', checkTable(b), b.length, () => `${seeds[c.seed].name} ← ${hex(b)}`);
      }),
    },
    {
      name: 'sets: a mutated table in acpidump text, in a memory image and in an ELF core, read every way',
      share: 0.15,
      prop: fc.property(fc.nat({ max: Math.max(0, sets.length - 1) }), fc.nat(), table, (si, which, c) => {
        const b = mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum);
        const { textInput, image } = mutatedSet(sets[si].text, which, b);
        note(
          t,
          'sets',
          checkSetReads(textInput, image),
          b.length,
          () => `${seeds[c.seed].name} in ${sets[si].name} for ${tableName(allEntries(parsed[si]), which)} ← ${hex(b)}`,
        );
      }),
    },
    {
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
            `${sets[si].name}${mutateIt ? ` with ${seeds[c.seed].name} for ${tableName(parsed[si].tables, which)} ← ${hex(mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum))}` : ''} options ${JSON.stringify(opts, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`,
        );
      }),
    },
    {
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
    },
    {
      name: 'check --fix: a corrected copy or nothing, the input untouched',
      share: 0.05,
      prop: fc.property(fc.nat({ max: Math.max(0, sets.length - 1) }), fc.nat(), table, (si, which, c) => {
        const b = mutate(seeds[c.seed].bytes, c.edits, c.fixLength, c.fixChecksum);
        const { textInput } = mutatedSet(sets[si].text, which, b);
        note(
          t,
          'fix',
          checkFix(dir, textInput),
          b.length,
          () => `${seeds[c.seed].name} in ${sets[si].name} for ${tableName(allEntries(parsed[si]), which)} ← ${hex(b)}`,
        );
      }),
    },
    {
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
