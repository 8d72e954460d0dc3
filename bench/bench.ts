// npm run bench: throughput figures measured side by side in one run, printed as ratios.
// Nothing here is asserted by tests; the numbers depend on the machine.
import { readdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as r from 'restructure';
import { decodeTable, encodeTable, type AcpiTable } from '../src/tables/registry.js';
import { readTables } from '../src/io/read.js';
import { allEntries, findTable } from '../src/model/tableset.js';
import { EMPTY, type Node } from '../src/layout/codec.js';
import { checkTables } from '../src/check/index.js';
import { U64 as u64 } from '../src/layout/backends.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLES = join(ROOT, 'samples');

/** Runs fn repeatedly for about `ms` milliseconds; returns calls per second. */
function rate(fn: () => unknown, ms = 700): number {
  for (let i = 0; i < 20; i++) fn(); // warm up
  let n = 0;
  const t0 = process.hrtime.bigint();
  const limit = BigInt(ms) * 1_000_000n;
  let el = 0n;
  while (el < limit) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    el = process.hrtime.bigint() - t0;
  }
  return n / (Number(el) / 1e9);
}

function bigMadt(cpus: number): Uint8Array {
  const base = findTable(readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set, 'APIC')!.table;
  const gicc = base.items!.find((s) => s.fields.type === 0x0b)!;
  const others = base.items!.filter((s) => s.fields.type !== 0x0b);
  const giccs: Node[] = Array.from({ length: cpus }, (_, i) => ({
    fields: { ...gicc.fields, uid: i, cpu_interface_number: i, arm_mpidr: BigInt(i) << 8n },
    tail: EMPTY,
  }));
  const t: AcpiTable = { ...base, items: [others[0], ...giccs, ...others.slice(1)] };
  return encodeTable(t);
}

// restructure alone, for the same MADT: header + a walk over type/length subtables
const rsHeader = new r.Struct({
  signature: new (r as unknown as { String: new (n: number) => r.Type }).String(4),
  length: r.uint32le,
  revision: r.uint8,
  checksum: r.uint8,
  oem_id: new (r as unknown as { String: new (n: number) => r.Type }).String(6),
  oem_table_id: new (r as unknown as { String: new (n: number) => r.Type }).String(8),
  oem_revision: r.uint32le,
  asl_compiler_id: new (r as unknown as { String: new (n: number) => r.Type }).String(4),
  asl_compiler_revision: r.uint32le,
  local_apic_address: r.uint32le,
  flags: r.uint32le,
});
const rsGicc = new r.Struct({
  type: r.uint8,
  length: r.uint8,
  reserved: r.uint16le,
  cpu_interface_number: r.uint32le,
  uid: r.uint32le,
  flags: r.uint32le,
  parking_version: r.uint32le,
  performance_interrupt: r.uint32le,
  parked_address: u64,
  base_address: u64,
  gicv_base_address: u64,
  gich_base_address: u64,
  vgic_interrupt: r.uint32le,
  gicr_base_address: u64,
  arm_mpidr: u64,
  efficiency_class: r.uint8,
  reserved2: r.uint8,
  spe_interrupt: r.uint16le,
});
function restructureDecode(b: Uint8Array): unknown {
  const s = new r.DecodeStream(b);
  const header = rsHeader.decode(s) as { length: number };
  const subtables: unknown[] = [];
  while (s.pos + 2 <= header.length) {
    const type = b[s.pos];
    const len = b[s.pos + 1];
    if (type === 0x0b && len === 80) subtables.push(rsGicc.decode(s));
    else {
      subtables.push({ type, length: len, raw: s.readBuffer(len) });
    }
  }
  return { header, subtables };
}

const mb = (bytes: number, perSec: number) => (bytes * perSec) / 1e6;
const fmt = (x: number) => x.toFixed(1).padStart(9);

/** Median wall time of a command over `n` runs, in milliseconds. */
function wall(args: string[], n = 7): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

function main() {
  const madt = bigMadt(1024);
  const decoded = decodeTable(madt).table!;
  const ours = rate(() => decodeTable(madt));
  const theirs = rate(() => restructureDecode(madt));
  const enc = rate(() => encodeTable(decoded));
  console.log(`MADT with 1024 GICCs: ${madt.length} bytes`);
  console.log(`  decode (binary-parser, via our layouts) ${fmt(mb(madt.length, ours))} MB/s  ${fmt(ours)} tables/s`);
  console.log(
    `  decode (restructure alone)              ${fmt(mb(madt.length, theirs))} MB/s  ${fmt(theirs)} tables/s   ours/restructure = ${(ours / theirs).toFixed(2)}x`,
  );
  console.log(`  encode (restructure, via our layouts)   ${fmt(mb(madt.length, enc))} MB/s  ${fmt(enc)} tables/s`);
  console.log('');
  console.log('Whole table sets, every table decoded then encoded (the samples, and a NUMA/HMAT QEMU set from the corpus):');
  const numa = join(ROOT, '../shared/corpus/qemu-virt-gicv3-numa3-hmat-smp6/acpidump.txt');
  const setFiles = [
    ...readdirSync(SAMPLES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => [d.name, join(SAMPLES, d.name, 'acpidump.txt')] as const)
      .sort(),
    ...(existsSync(numa) ? [['corpus numa3-hmat', numa] as const] : []),
  ];
  for (const [name, file] of setFiles) {
    const entries = allEntries(readTables(file).set);
    const bytes = entries.reduce((n, e) => n + e.bytes.length, 0);
    const d = rate(() => entries.map((e) => decodeTable(e.bytes)), 300);
    const tables = entries.map((e) => e.table);
    const e = rate(() => tables.map(encodeTable), 300);
    console.log(
      `  ${name.padEnd(18)} ${String(entries.length).padStart(3)} tables ${String(bytes).padStart(6)} B  decode ${fmt(d)} sets/s (${fmt(mb(bytes, d))} MB/s)  encode ${fmt(e)} sets/s (${fmt(mb(bytes, e))} MB/s)`,
    );
  }
  console.log('');
  // check: every sample set, many times, in one process — beside one iasl -d process per table
  const sets = readdirSync(SAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => readTables(join(SAMPLES, d.name, 'acpidump.txt')).set);
  const tablesPerRound = sets.reduce((n, s) => n + allEntries(s).length, 0);
  const rounds = 50;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) for (const s of sets) checkTables(s, { dom0: true });
  const checkMs = Number(process.hrtime.bigint() - t0) / 1e6 / (rounds * tablesPerRound);
  const iasl = spawnSync('iasl', ['-v'], { stdio: 'ignore' }).error === undefined;
  console.log(`check --dom0 in one process: ${fmt(checkMs * 1000)} µs per table (${rounds} rounds of ${tablesPerRound} tables)`);
  if (iasl) {
    const w = mkdtempSync(join(tmpdir(), 'dom0-acpi-iasl-'));
    const blobs = sets.flatMap((s) =>
      allEntries(s)
        .filter((e) => e.table.signature !== 'RSDP')
        .map((e) => e.bytes),
    );
    const t1 = process.hrtime.bigint();
    blobs.forEach((b, i) => {
      writeFileSync(join(w, `t${i}.dat`), b);
      spawnSync('iasl', ['-d', `t${i}.dat`], { cwd: w, stdio: 'ignore' });
    });
    const iaslMs = Number(process.hrtime.bigint() - t1) / 1e6 / blobs.length;
    rmSync(w, { recursive: true, force: true });
    console.log(`iasl -d, one process per table: ${fmt(iaslMs * 1000)} µs per table   check is ${(iaslMs / checkMs).toFixed(0)}x faster`);
  } else {
    console.log('iasl not installed: no side-by-side figure');
  }
  console.log('');
  const out = mkdtempSync(join(tmpdir(), 'dom0-acpi-bench-'));
  const bin = join(ROOT, 'dist/dom0-acpi.mjs');
  const server = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
  const empty = wall(['-e', '0']);
  const build = wall([bin, 'build', server, '-o', join(out, 'o'), '--force', '--bootargs', 'console=hvc0']);
  const help = wall([bin, '--version']);
  rmSync(out, { recursive: true, force: true });
  console.log('CLI wall time (median of 7), server-128cpu sample:');
  console.log(`  node -e 0                 ${fmt(empty)} ms   1.00x`);
  console.log(`  dom0-acpi --version       ${fmt(help)} ms   ${(help / empty).toFixed(2)}x  (loading the tool)`);
  console.log(
    `  dom0-acpi build           ${fmt(build)} ms   ${(build / empty).toFixed(2)}x  (tool's own work: ${fmt(build - empty)} ms, of which loading ${fmt(help - empty)} ms)`,
  );
}

main();
