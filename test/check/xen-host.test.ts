// check --xen-host [VERSION]: a host's tables judged as that Xen release's own boot code judges
// them. The referee is a host a real Xen 4.17 booted (../shared/corpus/xen-4.17-gicv2-dom0v2):
// nothing Xen fails on may be reported there. Each code's own fault is in codes.test.ts.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { checkTables, CODES } from '../../src/check/index.js';
import { releasesIn, XEN_RELEASES, NEWEST_XEN } from '../../src/model/xen.js';
import { xenReleasesOf } from '../../src/check/context.js';
import { cli, CORPUS, HAVE_CORPUS, SAMPLES, editTable } from '../helpers.js';

const SAMPLE = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
const host = readTables(SAMPLE).set;
const codes = (fs: { code: string; severity: string }[]) => fs.map((f) => `${f.severity} ${f.code}`).sort();

describe('check --xen-host', () => {
  it.skipIf(!HAVE_CORPUS)('a host a real Xen 4.17 booted: no XEN_HOST error or warning, only what Xen does not support', () => {
    const { set } = readTables(join(CORPUS, 'xen-4.17-gicv2-dom0v2', 'host', 'acpidump.txt'));
    for (const v of XEN_RELEASES)
      expect(codes(checkTables(set, { xenHost: v }).filter((f) => f.code.startsWith('XEN_HOST_')))).toEqual(['info XEN_HOST_MSI_FRAME', 'info XEN_HOST_PMU']);
  });

  it.skipIf(!HAVE_CORPUS)('QEMU virt without virtualization=on gives PSCI over HVC: Xen starts no secondary CPU there', () => {
    const { set } = readTables(join(CORPUS, 'qemu-virt-gicv3-smp4', 'acpidump.txt'));
    const f = checkTables(set, { xenHost: '4.22' }).filter((x) => x.severity === 'error');
    expect(f.map((x) => x.code)).toEqual(['XEN_HOST_PSCI_HVC']);
    expect(f[0].message).toMatch(/PSCI over HVC: Xen calls PSCI over SMC only.*\(Xen 4\.17-4\.22\)$/);
  });

  it('no XEN_HOST finding without --xen-host, and none but XEN_HOST_NOT_HOST on a dom0 set', () => {
    const bad = editTable(host, 'FACP', (t) => ({ ...t, fields: { ...t.fields, arm_boot_flags: 0 } }));
    expect(checkTables(bad).some((f) => f.code.startsWith('XEN_HOST_'))).toBe(false);
    expect(checkTables(bad, { dom0: true }).some((f) => f.code.startsWith('XEN_HOST_'))).toBe(false);
    expect(checkTables(bad, { xenHost: '4.22' }).map((f) => f.code)).toContain('XEN_HOST_PSCI');
  });

  it("a finding names the releases it holds for, and is left out for a release it does not hold for (4.17's secure timer)", () => {
    const bad = editTable(host, 'GTDT', (t) => ({ ...t, fields: { ...t.fields, secure_el1_interrupt: 0 } }));
    const at = (v: (typeof XEN_RELEASES)[number]) => checkTables(bad, { xenHost: v }).filter((f) => f.code === 'XEN_HOST_TIMER_SECURE');
    expect(at('4.17')).toHaveLength(1);
    expect(at('4.17')[0].message).toMatch(/\(Xen 4\.17\)$/);
    for (const v of XEN_RELEASES.slice(1)) expect(at(v), v).toEqual([]);
  });

  it('every XEN_HOST code names Xen releases this tool knows (XEN_HOST_NOT_HOST is a note of its own)', () => {
    const family = Object.entries(CODES).filter(([c]) => c.startsWith('XEN_HOST_'));
    expect(family.length).toBeGreaterThan(30);
    for (const [code, info] of family) {
      expect(info.xenHost, code).toBe(true);
      if (code === 'XEN_HOST_NOT_HOST') continue;
      expect(xenReleasesOf(info).length, code).toBeGreaterThan(0);
      expect(info.consumers.find((c) => c.who === 'Xen')!.what, code).toMatch(/\(XH\d+(, XH\d+)*\)$/);
    }
    expect(releasesIn('4.17+')).toEqual(XEN_RELEASES);
    expect(releasesIn('4.18-4.20')).toEqual(['4.18', '4.19', '4.20']);
    expect(() => releasesIn('four')).toThrow(/not a Xen version range/);
  });

  it('the library refuses a release it has not read', () => {
    expect(() => checkTables(host, { xenHost: '4.16' as never })).toThrow(/not a Xen release this tool knows \(4\.17, .*4\.22\)/);
  });

  it('the CLI: --xen-host alone is the newest release, "4.17" or "RELEASE-4.19.0" name one, an unknown one is refused', async () => {
    const plain = await cli('check', SAMPLE, '--xen-host');
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(new RegExp(`info XEN_HOST_ITS: .*\\(Xen 4\\.17-${NEWEST_XEN.replace('.', '\\.')}\\)`));
    // commander hands an optional value the next word: a path there is an input, the release the newest
    const before = await cli('check', '--xen-host', SAMPLE);
    expect(before.code).toBe(0);
    expect(before.out).toBe(plain.out);
    expect((await cli('check', SAMPLE, '--xen-host', 'RELEASE-4.19.0')).code).toBe(0);
    const old = await cli('check', SAMPLE, '--xen-host', '4.16');
    expect(old.code).toBe(2);
    expect(old.err).toMatch(/--xen-host 4\.16: a Xen release from 4\.17 to 4\.22 is needed/);
  });

  it('--format json carries each finding with its Xen consumer and versions', async () => {
    const r = await cli('check', SAMPLE, '--xen-host', '4.17', '--format', 'json');
    const doc = JSON.parse(r.out) as { inputs: { findings: { code: string; consumers: { who: string; versions: string; effect: string }[] }[] }[] };
    const its = doc.inputs[0].findings.find((f) => f.code === 'XEN_HOST_ITS')!;
    expect(its.consumers).toEqual([expect.objectContaining({ who: 'Xen', versions: '4.17+', effect: 'unsupported' })]);
  });

  it('--dom0 and --xen-host together: whether Xen boots on the host and what dom0 sees, neither hiding the other', () => {
    // an 82-byte GICC (ACPI 6.5) in a revision-6 MADT under a revision-6 FADT
    const t = host.tables.find((e) => e.table.signature === 'APIC')!.table;
    const long = editTable(host, 'APIC', () => ({
      ...t,
      fields: { ...t.fields, header: { ...(t.fields.header as object), revision: 6 } } as typeof t.fields,
      items: t.items!.map((s) => (s.fields.type === 0x0b ? { ...s, fields: { ...s.fields, trbe_interrupt: 0 } } : s)),
    }));
    const f = codes(checkTables(long, { dom0: true, xenHost: '4.22' }));
    expect(f).toContain('error XEN_HOST_GICC_LENGTH');
    // one root cause, one finding about the host: with --xen-host it says what Xen does (plain check, what Linux does)
    expect(f).not.toContain('error GICC_LENGTH_FADT_REVISION');
    expect(codes(checkTables(long, { dom0: true }))).toContain('error GICC_LENGTH_FADT_REVISION');
    expect(f).toContain('info DOM0_GICC_LENGTH');
  });
});

describe('SPCR interface types are named as DBG2 numbers them', () => {
  it('0x0D is the 32-bit SBSA UART, 0x0E the generic SBSA UART, 0x0F DCC (Xen drives 0x00, 0x03, 0x0D, 0x0E)', async () => {
    const { SPCR_INTERFACE_TYPES } = await import('../../src/tables/spcr.js');
    expect(SPCR_INTERFACE_TYPES[0x0d]).toMatch(/SBSA .*32-bit/);
    expect(SPCR_INTERFACE_TYPES[0x0e]).toBe('ARM SBSA Generic UART');
    expect(SPCR_INTERFACE_TYPES[0x0f]).toBe('ARM DCC');
    expect(SPCR_INTERFACE_TYPES[0x12]).toBe('16550 compatible (GAS parameters)');
    expect(SPCR_INTERFACE_TYPES[0x07]).toBeUndefined();
  });
});

describe('docs/xen-host.md', () => {
  it('maps each of XH1-XH42 to its code or says why no table shows it, and names every XEN_HOST code', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(join(SAMPLES, '..', 'docs', 'xen-host.md'), 'utf8');
    for (let i = 1; i <= 42; i++) expect(doc, `XH${i}`).toMatch(new RegExp(`^\\| XH${i} \\|`, 'm'));
    for (const code of Object.keys(CODES).filter((c) => c.startsWith('XEN_HOST_'))) expect(doc, code).toContain(`\`${code}\``);
  });
});
