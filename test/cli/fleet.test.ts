// Many inputs at once: check and dump --summary take many inputs and folders of inputs (a fleet
// of acpidump files), stream one result per input (text, jsonl, github), and exit with the worst
// outcome over all of them; an input that cannot be read is reported and the rest still checked.
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, SAMPLES, tmp } from '../helpers.js';
import { expandInputs } from '../../src/io/read.js';

const SAMPLE = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

/** fleet/: host1.txt … host3.txt, rack/host4/acpidump.txt, rack/host5/acpidump.txt, a README and a broken host. */
function fleet(broken = false): string {
  const d = join(tmp('fleet-'), 'fleet');
  mkdirSync(join(d, 'rack', 'host4'), { recursive: true });
  mkdirSync(join(d, 'rack', 'host5'), { recursive: true });
  for (const n of [1, 2, 3]) copyFileSync(SAMPLE, join(d, `host${n}.txt`));
  copyFileSync(SAMPLE, join(d, 'rack', 'host4', 'acpidump.txt'));
  copyFileSync(join(SAMPLES, 'server-128cpu', 'acpidump.txt'), join(d, 'rack', 'host5', 'acpidump.txt'));
  writeFileSync(join(d, 'README.md'), '# the fleet\n');
  if (broken) {
    // a FACP checksum off by one: a finding (a warning: exit 1 under --fail-on warning), not trouble
    const text = readFileSync(SAMPLE, 'latin1').replace(
      /(FACP @ [^\n]*\n {4}0000: 46 41 43 50 14 01 00 00 06 )([0-9A-F]{2})/,
      (_, a: string, c: string) => a + ((parseInt(c, 16) + 1) & 0xff).toString(16).toUpperCase().padStart(2, '0'),
    );
    writeFileSync(join(d, 'host9.txt'), text);
  }
  return d;
}

describe('folders of inputs', () => {
  it('expand into each acpidump text and each input subfolder; a table folder stays one input', () => {
    const d = fleet();
    const { inputs, skipped } = expandInputs([d]);
    expect(inputs.map((p) => p.slice(d.length + 1))).toEqual(['host1.txt', 'host2.txt', 'host3.txt', 'rack/host4', 'rack/host5']);
    expect(skipped.map((p) => p.slice(d.length + 1))).toEqual(['README.md']);
    expect(expandInputs([join(SAMPLES, 'qemu-virt-gicv3')]).inputs).toEqual([join(SAMPLES, 'qemu-virt-gicv3')]);
  });
});

describe('check over a fleet', () => {
  it('text: one line per clean input, streamed in order; exit 0', async () => {
    const d = fleet();
    const r = await cli('check', d);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/host1\.txt: 7 table\(s\), 0 error\(s\), 0 warning\(s\), 0 info — ok$/);
    expect(lines[4]).toMatch(/rack\/host5: \d+ table\(s\), 0 error\(s\).* — ok$/);
    expect(r.err).toMatch(/^dom0-acpi: warning: skipped 1 file\(s\) in folders of inputs .*README\.md\n$/);
  });

  it('jsonl: one object per line per input; the worst outcome is the exit code (1 for a finding, 2 for an unreadable input)', async () => {
    const d = fleet(true);
    const r = await cli('check', d, join(d, 'missing.txt'), '--format', 'jsonl', '--fail-on', 'warning');
    expect(r.code).toBe(2);
    const objs = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { input: string; failed: boolean; findings: { code: string }[] });
    expect(objs).toHaveLength(6);
    expect(objs.filter((o) => o.failed).map((o) => o.input.slice(d.length + 1))).toEqual(['host9.txt']);
    expect(objs.find((o) => o.failed)!.findings.map((f) => f.code)).toContain('CHECKSUM');
    expect(r.err).toMatch(/dom0-acpi: error: .*missing\.txt: no such file or folder/);
    const one = await cli('check', d, '--format', 'jsonl', '--fail-on', 'warning');
    expect(one.code).toBe(1);
  });

  it('json and junit stay one document over every input; github streams annotations', async () => {
    const d = fleet(true);
    const json = JSON.parse((await cli('check', d, '--format', 'json')).out) as { inputs: unknown[] };
    expect(json.inputs).toHaveLength(6);
    const junit = (await cli('check', d, '--format', 'junit')).out;
    expect(junit.match(/<testsuite /g)).toHaveLength(6);
    const gh = await cli('check', d, '--format', 'github');
    expect(gh.out).toMatch(/^::warning file=.*host9\.txt,line=\d+,title=CHECKSUM FACP::/m);
  });
});

describe('dump --summary over a fleet', () => {
  it('one summary block per input, or one JSON object per line; several inputs need one of the two', async () => {
    const d = fleet();
    const r = await cli('dump', d, '--summary');
    expect(r.code).toBe(0);
    expect(r.out.match(/^\S+: acpidump, \d+ table\(s\)$/gm)).toHaveLength(5);
    const jsonl = await cli('dump', d, '--format', 'jsonl');
    const objs = jsonl.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { origin: string; tables: unknown[] });
    expect(objs.map((o) => o.origin.slice(d.length + 1))).toEqual([
      'host1.txt',
      'host2.txt',
      'host3.txt',
      'rack/host4/acpidump.txt',
      'rack/host5/acpidump.txt',
    ]);
    const refused = await cli('dump', d);
    expect(refused.code).toBe(2);
    expect(refused.err).toBe('dom0-acpi: error: 5 inputs: give --summary or --format jsonl to dump several\n');
    const bad = await cli('dump', SAMPLE, join(d, 'nope.txt'), '--summary');
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/acpidump, 7 table\(s\)/);
    expect(bad.err).toMatch(/nope\.txt: no such file or folder/);
  });
});
