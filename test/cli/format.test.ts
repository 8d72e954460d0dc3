// One --format plumbing for every command that prints a report: --format with the command's
// choices, --json as the alias of --format json, an unknown format refused with exit 2.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, SAMPLES } from '../helpers.js';

const S = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
const S2 = join(SAMPLES, 'gicv2-8cpu', 'acpidump.txt');

describe('--format', () => {
  it('dump: text (default), json (= --json), summary (= --summary)', async () => {
    const [text, json, jsonAlias, summary, summaryAlias] = await Promise.all([
      cli('dump', S),
      cli('dump', S, '--format', 'json'),
      cli('dump', S, '--json'),
      cli('dump', S, '--format', 'summary'),
      cli('dump', S, '--summary'),
    ]);
    expect(text.out).toMatch(/^\[000h 0000   4\] +Signature : "FACP"/m);
    expect(json.out).toBe(jsonAlias.out);
    expect(JSON.parse(json.out).tables.length).toBe(7); // the RSDP and six tables
    expect(summary.out).toBe(summaryAlias.out);
    expect(summary.out.split('\n')[0]).toMatch(/acpidump, 7 table\(s\)/);
  });

  it('diff: text and json, the exit code the same either way', async () => {
    const [text, json, alias] = await Promise.all([cli('diff', S, S2), cli('diff', S, S2, '--format', 'json'), cli('diff', S, S2, '--json')]);
    expect([text.code, json.code, alias.code]).toEqual([1, 1, 1]);
    expect(json.out).toBe(alias.out);
    expect(JSON.parse(json.out).changes.length).toBeGreaterThan(0);
  });

  it('an unknown format is refused with exit 2 and the choices', async () => {
    for (const cmd of [
      ['dump', S],
      ['diff', S, S],
      ['check', S],
    ]) {
      const r = await cli(...cmd, '--format', 'yaml');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/argument 'yaml' is invalid\. Allowed choices are/);
    }
  });
});

describe('diff text: an added or removed item', () => {
  it('lists its fields one per line, not a JSON blob; --json keeps the object', async () => {
    const text = await cli('diff', S, S2);
    const lines = text.out.split('\n');
    const at = lines.indexOf('  + gicc[uid=0x4]:');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual(['      type: 11', '      length: 80']);
    expect(lines.some((l) => l.startsWith('  + gicc[uid=0x4]: {'))).toBe(false);
    const json = JSON.parse((await cli('diff', S, S2, '--json')).out);
    expect(json.changes.find((c: { path: string }) => c.path.endsWith('gicc[uid=0x4]')).new).toMatchObject({ type: 11, length: 80 });
  });
});
