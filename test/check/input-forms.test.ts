// What an input form cannot carry is a note about the form, not a finding about the tables: a copy
// of a booted dom0's /sys/firmware/acpi/tables has no RSDP, no XSDT and no addresses, and check
// --dom0 says so once (INPUT_NO_ROOT) and leaves out the rules that need them.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, CORPUS, HAVE_CORPUS, SAMPLES, tmp } from '../helpers.js';

/** A folder as Linux's sysfs shows a booted system's tables: one file per table named by its
 * signature (a second of a kind numbered, as SSDT2), with data/ and dynamic/ beside them; the RSDP
 * and the root tables are not there. */
function sysfsCopy(tables: string): string {
  const dir = join(tmp('sysfs-'), 'tables');
  mkdirSync(join(dir, 'data'), { recursive: true });
  mkdirSync(join(dir, 'dynamic'));
  const seen = new Map<string, number>();
  for (const f of readdirSync(tables).filter((n) => n.endsWith('.dat') && !n.startsWith('efi-'))) {
    const bytes = readFileSync(join(tables, f));
    const sig = bytes.subarray(0, 8).toString('latin1').startsWith('RSD PTR ') ? 'RSDP' : bytes.subarray(0, 4).toString('latin1');
    if (sig === 'RSDP' || sig === 'XSDT' || sig === 'RSDT') continue;
    const n = (seen.get(sig) ?? 0) + 1;
    seen.set(sig, n);
    writeFileSync(join(dir, n > 1 ? `${sig}${n}` : sig), bytes);
  }
  return dir;
}

interface Reported {
  code: string;
  severity: string;
  path: string;
}
const findingsOf = async (...argv: string[]) => {
  const r = await cli('check', '--json', ...argv);
  expect(r.err).toBe('');
  return { code: r.code, findings: (JSON.parse(r.out).inputs[0].findings as Reported[]).map((f) => `${f.severity} ${f.code} ${f.path}`) };
};

describe('check --dom0 on a sysfs copy of a dom0 set', () => {
  it("a build output's tables: clean, but for one note saying what the form lacks", async () => {
    const out = join(tmp('sysfs-'), 'out');
    expect((await cli('build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '--profile', 'xen', '--bootargs', 'console=hvc0', '-o', out)).code).toBe(0);
    const copy = sysfsCopy(join(out, 'tables'));
    expect(readdirSync(copy).sort()).toEqual(['APIC', 'DSDT', 'FACP', 'GTDT', 'SPCR', 'STAO', 'data', 'dynamic']);
    const r = await findingsOf(copy, '--dom0');
    expect(r).toEqual({ code: 0, findings: ['info INPUT_NO_ROOT '] });
    // the same tables with the root tables but no addresses (acpidump -b): the RSDP and XSDT are
    // checked, and only the links between them are left out
    expect(await findingsOf(join(out, 'tables'), '--dom0')).toEqual({ code: 0, findings: ['info INPUT_NO_ADDRESSES '] });
    // a missing table the form does carry is still an error
    const noMadt = sysfsCopy(join(out, 'tables'));
    writeFileSync(join(noMadt, 'APIC'), '');
    const broken = await cli('check', '--dom0', noMadt);
    expect(broken.code).toBe(1);
  });

  it.skipIf(!HAVE_CORPUS)('what a real Xen 4.17 gave its dom0: the same findings as the folder with its RSDP and XSDT, less theirs', async () => {
    const xen = join(CORPUS, 'xen-4.17-gicv2-dom0v2', 'xen');
    const full = await findingsOf(xen, '--dom0');
    const copy = await findingsOf(sysfsCopy(xen), '--dom0');
    const notAbout = (fs: string[]) => fs.filter((f) => !/ (RSDP|XSDT)\b| INPUT_/.test(f));
    expect(copy.findings).toContain('info INPUT_NO_ROOT ');
    expect(copy.findings.filter((f) => f.startsWith('error '))).not.toContainEqual(expect.stringMatching(/DOM0_NO_TABLE|DOM0_NO_ADDRESSES/));
    expect(notAbout(copy.findings)).toEqual(notAbout(full.findings));
  });
});
