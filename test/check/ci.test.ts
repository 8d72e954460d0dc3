// What a CI pipeline needs to adopt check: --ignore CODE[@SIG], a baseline of accepted findings
// (--write-baseline, --baseline: known ones shown but not failing, new ones failing, stale ones
// named), JUnit with one <failure> per testcase, a checksum placeholder named as such, and
// messages that speak of dom0 only under --dom0.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, BIN, SAMPLES, tmp } from '../helpers.js';

const SAMPLE = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

/** The sample's acpidump text with one byte of a table's block changed (by hex line and column). */
function withByte(sig: string, at: number, value: number, text = readFileSync(SAMPLE, 'latin1')): string {
  const start = text.indexOf(`\n${sig} @ `) + 1;
  const lineStart = text.indexOf(`    ${(at & ~15).toString(16).toUpperCase().padStart(4, '0')}:`, start);
  const col = lineStart + 10 + (at & 15) * 3;
  return text.slice(0, col) + value.toString(16).toUpperCase().padStart(2, '0') + text.slice(col + 2);
}

describe('check for CI', () => {
  it('--ignore CODE or CODE@SIG leaves those findings out; an unknown code is refused with ones like it', async () => {
    const d = tmp('ci-');
    const f = join(d, 'fw.txt');
    writeFileSync(f, withByte('APIC', 9, 0x00));
    const plain = await cli('check', f, '--fail-on', 'warning');
    expect(plain.code).toBe(1);
    expect(plain.out).toMatch(
      /^warning CHECKSUM: .*APIC: offset 0x9: checksum 0x00 should be 0x[0-9A-F]{2} \(a stored 0x00 looks like a placeholder the firmware fills in at install time\)/m,
    );
    expect((await cli('check', f, '--fail-on', 'warning', '--ignore', 'CHECKSUM')).code).toBe(0);
    expect((await cli('check', f, '--fail-on', 'warning', '--ignore', 'CHECKSUM@APIC')).code).toBe(0);
    expect((await cli('check', f, '--fail-on', 'warning', '--ignore', 'CHECKSUM@FACP')).code).toBe(1);
    const typo = await cli('check', f, '--ignore', 'CHECKSUMS');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/--ignore CHECKSUMS: no finding code CHECKSUMS/);
  });

  it('a baseline accepts known findings; a new one fails; one fixed since is named as stale', async () => {
    const d = tmp('ci-');
    const f = join(d, 'fw.txt');
    writeFileSync(f, withByte('APIC', 9, 0x00));
    const base = join(d, 'baseline.json');
    const w = await cli('check', f, '--fail-on', 'warning', '--write-baseline', base);
    expect(w.code).toBe(0);
    expect(w.err).toMatch(/--write-baseline: 1 finding\(s\) recorded in/);
    expect(JSON.parse(readFileSync(base, 'utf8'))).toEqual({
      format: 'dom0-acpi check baseline v2',
      inputs: 'paths from the folder of this file',
      findings: [{ input: 'fw.txt', code: 'CHECKSUM', table: 'APIC', path: 'APIC.header.checksum' }],
    });
    const known = await cli('check', f, '--fail-on', 'warning', '--baseline', base);
    expect(known.code).toBe(0);
    expect(known.out).toMatch(/^warning \(in the baseline\) CHECKSUM: /m);
    expect(known.out).toMatch(/0 error\(s\), 1 warning\(s\), 0 info \(1 in the baseline\) — ok$/m);
    // a new finding fails; the known one still does not
    writeFileSync(f, withByte('GTDT', 9, 0x00, withByte('APIC', 9, 0x00)));
    const fresh = await cli('check', f, '--fail-on', 'warning', '--baseline', base, '--format', 'json');
    expect(fresh.code).toBe(1);
    const findings = JSON.parse(fresh.out).inputs[0].findings as { code: string; table: string; baselined: boolean }[];
    expect(findings.map((x) => [x.code, x.table, x.baselined])).toEqual([
      ['CHECKSUM', 'APIC', true],
      ['CHECKSUM', 'GTDT', false],
    ]);
    // fixed since: the entry is stale, named on stderr and in the JSON
    const stale = await cli('check', SAMPLE, '--baseline', base, '--json');
    expect(stale.code).toBe(0);
    expect(JSON.parse(stale.out).stale_baseline).toEqual([]); // recorded for another input
    expect(stale.err).toMatch(
      /warning: --baseline: it names none of the inputs given \(fw\.txt, as paths from .*baseline\.json's folder\): their recorded findings were not applied/,
    );
    const sameInput = await cli('check', f, '--baseline', join(d, 'b2.json'));
    expect(sameInput.code).toBe(2); // a missing baseline file is trouble
    writeFileSync(f, readFileSync(SAMPLE));
    const gone = await cli('check', f, '--baseline', base, '--json');
    expect(gone.code).toBe(0);
    expect(JSON.parse(gone.out).stale_baseline).toEqual([{ input: 'fw.txt', code: 'CHECKSUM', table: 'APIC', path: 'APIC.header.checksum' }]);
    expect(gone.err).toMatch(/--baseline: 1 recorded finding\(s\) no longer occur .*: CHECKSUM at APIC\.header\.checksum in /);
  });

  it('--ignore CODE@SIG refuses a SIG that is no signature (a table name, a field path); an ignore that matches nothing is said', async () => {
    const d = tmp('ci-');
    const f = join(d, 'fw.txt');
    writeFileSync(f, withByte('APIC', 9, 0x00));
    const madt = await cli('check', f, '--ignore', 'CHECKSUM@MADT');
    expect(madt.code).toBe(2);
    expect(madt.err).toMatch(/--ignore CHECKSUM@MADT: MADT is not a signature: that table's signature is APIC \(give CHECKSUM@APIC\)/);
    const fadt = await cli('check', f, '--ignore', 'CHECKSUM@fadt');
    expect(fadt.err).toMatch(/FADT is not a signature: that table's signature is FACP/);
    const path = await cli('check', f, '--ignore', 'CHECKSUM@APIC.header');
    expect(path.code).toBe(2);
    expect(path.err).toMatch(/--ignore CHECKSUM@APIC\.header: "APIC\.header" is not a table signature/);
    const none = await cli(
      'check',
      f,
      '--fail-on',
      'warning',
      '--ignore',
      'CHECKSUM@FACP',
      '--ignore',
      'CHECKSUM@apic',
      '--ignore',
      'CHECKSUM@APIC',
      '--ignore',
      'DOM0_PSCI',
    );
    expect(none.code).toBe(0);
    expect(none.err).toMatch(/note: --ignore CHECKSUM@FACP matched no finding$/m);
    expect(none.err).toMatch(/note: --ignore DOM0_PSCI matched no finding$/m);
    expect(none.err).not.toMatch(/CHECKSUM@apic|CHECKSUM@APIC/); // the same ignore given twice matched
  });

  it('a baseline meets its input however it is spelled and from any working folder; a v1 baseline is still read', async () => {
    const d = tmp('ci-');
    // a folder of binaries with a bad MADT checksum, the baseline beside it
    const work = join(d, 'work');
    expect((await cli('convert', SAMPLE, '--to', 'binaries', '-o', work)).code).toBe(0);
    const apic = readFileSync(join(work, 'apic.dat'));
    apic[9] ^= 0x33;
    writeFileSync(join(work, 'apic.dat'), apic);
    const base = join(d, 'ci', 'baseline.json');
    cpSync(SAMPLE, join(d, 'ci', 'unused.txt')); // the folder exists
    expect((await cli('check', work, '--fail-on', 'warning', '--write-baseline', base)).code).toBe(0);
    expect(JSON.parse(readFileSync(base, 'utf8')).findings[0]).toEqual({ input: '../work', code: 'CHECKSUM', table: 'APIC', path: 'APIC.header.checksum' });
    const rel = relative(process.cwd(), work);
    for (const spelling of [work, `${work}/`, rel, `./${rel}`, `${rel}/`, join(d, 'ci', '..', 'work')]) {
      const r = await cli('check', spelling, '--fail-on', 'warning', '--baseline', base);
      expect([spelling, r.code, r.err]).toEqual([spelling, 0, '']);
    }
    // the whole tree moved, checked from inside it with the installed command
    const moved = join(tmp('ci-'), 'elsewhere');
    cpSync(d, moved, { recursive: true });
    const there = spawnSync(process.execPath, [BIN, 'check', 'work', '--fail-on', 'warning', '--baseline', 'ci/baseline.json'], {
      cwd: moved,
      encoding: 'utf8',
    });
    expect([there.status, there.stderr]).toEqual([0, '']);
    expect(there.stdout).toMatch(/\(1 in the baseline\) — ok$/m);
    // a v1 baseline (inputs as typed, from the folder it was written in) is read from the current folder
    const v1 = join(d, 'ci', 'v1.json');
    writeFileSync(
      v1,
      JSON.stringify({
        format: 'dom0-acpi check baseline v1',
        findings: [{ input: `./${rel}/`, code: 'CHECKSUM', table: 'APIC', path: 'APIC.header.checksum' }],
      }),
    );
    const old = await cli('check', work, '--fail-on', 'warning', '--baseline', v1);
    expect(old.code).toBe(0);
    expect(old.err).toMatch(/note: --baseline .*v1\.json: a v1 baseline, whose inputs are paths as they were typed: read from the current folder/);
    expect(old.err).not.toMatch(/warning/);
    // rewritten, it is v2
    expect((await cli('check', work, '--fail-on', 'warning', '--write-baseline', v1)).code).toBe(0);
    expect(JSON.parse(readFileSync(v1, 'utf8')).format).toBe('dom0-acpi check baseline v2');
  });

  it('--write-baseline replaces a baseline, never another file; a bad baseline is trouble', async () => {
    const d = tmp('ci-');
    const notes = join(d, 'notes.json');
    writeFileSync(notes, '{"mine": true}\n');
    const r = await cli('check', SAMPLE, '--write-baseline', notes);
    expect(r.code).toBe(2);
    expect(readFileSync(notes, 'utf8')).toBe('{"mine": true}\n');
    const bad = await cli('check', SAMPLE, '--baseline', notes);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--baseline .*notes\.json: not a dom0-acpi baseline/);
    const base = join(d, 'b.json');
    expect((await cli('check', SAMPLE, '--write-baseline', base)).code).toBe(0);
    expect((await cli('check', SAMPLE, '--write-baseline', base)).code).toBe(0);
  });

  it('JUnit: one <failure> per testcase, naming every failing code; baselined findings are output, not failures', async () => {
    const d = tmp('ci-');
    const f = join(d, 'fw.txt');
    // two faults in the GTDT: its checksum and its virtual timer GSIV (not a PPI, a dom0 rule)
    writeFileSync(f, withByte('GTDT', 0x40, 0x05, withByte('GTDT', 9, 0x00)));
    const j = await cli('check', f, '--dom0', '--format', 'junit', '--fail-on', 'warning');
    const gtdt = /<testcase classname="[^"]*" name="GTDT">([\s\S]*?)<\/testcase>/.exec(j.out)![1];
    expect(gtdt.match(/<failure /g)).toHaveLength(1);
    expect(gtdt).toMatch(/<failure type="(CHECKSUM|DOM0_GTDT_VIRT_PPI)" message="2 findings: (CHECKSUM, DOM0_GTDT_VIRT_PPI|DOM0_GTDT_VIRT_PPI, CHECKSUM)">/);
    const base = join(d, 'b.json');
    await cli('check', f, '--dom0', '--fail-on', 'warning', '--write-baseline', base);
    const k = await cli('check', f, '--dom0', '--fail-on', 'warning', '--baseline', base, '--format', 'junit');
    expect(k.out).not.toMatch(/<failure /);
    expect(k.out).toMatch(/<system-out>warning \(in the baseline\) CHECKSUM/);
  });

  it('without --dom0 no message speaks of dom0', async () => {
    const bins = join(tmp('ci-'), 'bins');
    expect((await cli('convert', SAMPLE, '--to', 'binaries', '-o', bins)).code).toBe(0);
    writeFileSync(join(bins, 'facp2.dat'), readFileSync(join(bins, 'facp.dat')));
    const r = await cli('check', bins);
    expect(r.out).toMatch(/DUPLICATE_TABLE/);
    expect(r.out).not.toMatch(/dom0(?!-acpi)/); // the temporary paths hold dom0-acpi
    expect((await cli('check', bins, '--dom0')).out).toMatch(/dom0 must see one/);
  });
});
