// Checks every build output must pass, shared by the build tests: iasl on each table, dtc on the
// device tree, acpixtract on acpidump.txt, and the EFI/ACPI pointer chain with map coverage.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readTables } from '../../src/io/read.js';
import { resolveLinks, allEntries } from '../../src/model/tableset.js';
import { systemTableCrc, ACPI_20_TABLE_GUID, EFI_ACPI_RECLAIM_MEMORY } from '../../src/efi/tables.js';
import { HAVE_IASL, HAVE_DTC, HAVE_ACPIXTRACT, tmp } from '../helpers.js';
import { compareAll, iaslComplaints } from '../tables/iasl-compare.js';

const iaslSeen = new Map<string, string[]>();

/** iasl -d complaints for one table (cached by content: reused host tables repeat across builds). */
export function iaslProblems(bytes: Uint8Array): string[] {
  if (!HAVE_IASL) return [];
  const key = createHash('sha1').update(bytes).digest('hex');
  const hit = iaslSeen.get(key);
  if (hit) return hit;
  const dir = tmp('iasl-build-');
  writeFileSync(join(dir, 't.dat'), bytes);
  const r = spawnSync('iasl', ['-d', 't.dat'], { cwd: dir, encoding: 'utf8' });
  const text = `${r.stdout}\n${r.stderr}\n${readFileSync(join(dir, 't.dsl'), 'utf8')}`;
  const problems = iaslComplaints(text, /incorrect checksum|invalid .*length|length mismatch|\berror\b|\bwarning\b/i);
  if (r.status !== 0) problems.push(`iasl exit ${r.status}`);
  iaslSeen.set(key, problems);
  return problems;
}

export interface OutputReport {
  iasl: Record<string, string[]>;
  /** fields where dump and iasl -d disagree (value or label), for the FADT, MADT, GTDT, STAO built */
  iaslFields: string[];
  dtcStderr: string;
  dtNodes: string[];
  acpixtract: string[];
  efi: string[];
  coverage: string[];
}

interface Manifest {
  region: { base: string; size: string };
  tables: { signature: string; file: string; address: string }[];
  efi: { system_table: { address: string }; memory_map: { address: string; size: number } };
}

export function checkOutput(dir: string): OutputReport {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const report: OutputReport = { iasl: {}, iaslFields: [], dtcStderr: '', dtNodes: [], acpixtract: [], efi: [], coverage: [] };
  for (const f of readdirSync(join(dir, 'tables'))) {
    if (f === 'rsdp.dat') continue; // iasl 20200925 cannot disassemble a bare RSDP; its checksums are checked below
    const p = iaslProblems(readFileSync(join(dir, 'tables', f)));
    if (p.length) report.iasl[f] = p;
  }
  if (HAVE_IASL) {
    const built = readdirSync(join(dir, 'tables')).map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, 'tables', f))) }));
    for (const r of compareAll(built)) report.iaslFields.push(...r.mismatches, ...r.unprinted, ...r.labels);
  }
  if (HAVE_DTC) {
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', join(dir, 'dom0.dtb')], { encoding: 'utf8' });
    report.dtcStderr = r.stderr + (r.status ? `exit ${r.status}` : '');
    const nodes: string[] = [];
    const stack: string[] = [];
    for (const l of r.stdout.split('\n')) {
      const open = /^\s*([^\s]+) \{$/.exec(l);
      if (open) {
        stack.push(open[1] === '/' ? '' : open[1]);
        nodes.push(stack.join('/') || '/');
      } else if (/^\s*\};$/.test(l)) stack.pop();
    }
    report.dtNodes = nodes;
  }
  if (HAVE_ACPIXTRACT) {
    const x = tmp('acpixtract-build-');
    spawnSync('acpixtract', ['-a', join(dir, 'acpidump.txt')], { cwd: x, stdio: 'ignore' });
    const ours = readdirSync(join(dir, 'tables')).sort();
    const theirs = readdirSync(x).sort();
    if (ours.join() !== theirs.join()) report.acpixtract.push(`files: ours ${ours.join(' ')}, acpixtract ${theirs.join(' ')}`);
    for (const f of ours)
      if (theirs.includes(f) && !readFileSync(join(x, f)).equals(readFileSync(join(dir, 'tables', f)))) report.acpixtract.push(`${f} differs`);
  }
  // EFI system table → config table → RSDP; memory map coverage of every table dom0 reaches
  const img = readFileSync(join(dir, 'acpi.img'));
  const base = BigInt(m.region.base);
  const at = (a: bigint) => Number(a - base);
  const sys = img.subarray(at(BigInt(m.efi.system_table.address)));
  if (sys.subarray(0, 8).toString('latin1') !== 'IBI SYST') report.efi.push('no IBI SYST signature');
  if (systemTableCrc(sys) !== sys.readUInt32LE(16)) report.efi.push('system table CRC-32 does not verify');
  const cfg = img.subarray(at(sys.readBigUInt64LE(112)));
  if (!cfg.subarray(0, 16).equals(Buffer.from(ACPI_20_TABLE_GUID))) report.efi.push('config table GUID is not ACPI 2.0');
  const rsdpAddr = cfg.readBigUInt64LE(16);
  const rsdp = m.tables.find((t) => t.signature === 'RSDP')!;
  if (rsdpAddr !== BigInt(rsdp.address)) report.efi.push(`config table points at ${rsdpAddr.toString(16)}, the RSDP is at ${rsdp.address}`);
  const mm = img.subarray(at(BigInt(m.efi.memory_map.address)), at(BigInt(m.efi.memory_map.address)) + m.efi.memory_map.size);
  const reclaim: [bigint, bigint][] = [];
  for (let o = 0; o < mm.length; o += 40) {
    if (mm.readUInt32LE(o) === EFI_ACPI_RECLAIM_MEMORY)
      reclaim.push([mm.readBigUInt64LE(o + 8), mm.readBigUInt64LE(o + 8) + mm.readBigUInt64LE(o + 24) * 4096n]);
  }
  const { set } = readTables(dir);
  const inside = (a: bigint, n: number) => reclaim.some(([lo, hi]) => a >= lo && a + BigInt(n) <= hi);
  for (const l of resolveLinks(set)) {
    if (l.from.startsWith('RSDP.rsdt')) continue;
    if (!l.to) report.coverage.push(`${l.from} = ${l.address.toString(16)} lands on no table`);
    else if (!inside(l.address, l.to.bytes.length)) report.coverage.push(`${l.from} → ${l.to.table.signature} is not inside one ACPIReclaim descriptor`);
  }
  for (const e of allEntries(set))
    if (e.address !== undefined && !inside(e.address, e.bytes.length)) report.coverage.push(`${e.table.signature} outside ACPIReclaim`);
  return report;
}
