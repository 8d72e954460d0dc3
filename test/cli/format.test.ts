// One --format plumbing for every command that prints a report: --format with the command's
// choices, --json as the alias of --format json, an unknown format refused with exit 2.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, SAMPLES } from '../helpers.js';
import { colourFor } from '../../cli/format.js';

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

describe('colour: --color, FORCE_COLOR, NO_COLOR, a terminal', () => {
  const io = (tty: boolean) => ({ out: () => {}, err: () => {}, tty });
  it('decides in that order', () => {
    expect(colourFor(io(false), { color: 'always' }, {})).toBe(true);
    expect(colourFor(io(true), { color: 'never' }, { FORCE_COLOR: '1' })).toBe(false);
    expect(colourFor(io(false), { color: 'auto' }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourFor(io(false), {}, { FORCE_COLOR: '' })).toBe(true);
    expect(colourFor(io(true), {}, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourFor(io(true), {}, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colourFor(io(true), {}, { FORCE_COLOR: '3', NO_COLOR: '1' })).toBe(true);
    expect(colourFor(io(true), {}, { NO_COLOR: '1' })).toBe(false);
    expect(colourFor(io(true), {}, {})).toBe(true);
    expect(colourFor(io(false), {}, {})).toBe(false);
  });

  it('CI logs can be coloured: diff and check --color always write ANSI colour to a pipe; never, none on a terminal', async () => {
    const diff = await cli('diff', S, S2, '--color', 'always');
    expect(diff.out).toMatch(/\x1b\[3\dm/);
    const check = await cli('check', '--dom0', S, '--color', 'always');
    expect(check.out).toMatch(/\x1b\[3\dm/);
    const plain = await cli('diff', S, S2);
    expect(plain.out).not.toMatch(/\x1b\[/);
    const bad = await cli('diff', S, S2, '--color', 'sometimes');
    expect(bad.code).toBe(2);
  });
});
