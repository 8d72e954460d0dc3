// The README's convert example runs as written, line by line (from a folder of binary tables made
// by extract, as a user's `acpidump -b` folder would be).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ROOT, SAMPLES, tmp } from '../helpers.js';

/** The shell lines of the README code block that follows `heading`. */
function exampleAfter(heading: string): string[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const from = text.indexOf(heading);
  const block = text.slice(text.indexOf('```sh\n', from) + 6, text.indexOf('\n```', text.indexOf('```sh\n', from) + 6));
  return block
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

/** Words of a command line (the README's examples quote nothing). */
const words = (line: string) => line.split(/\s+/);

describe('README examples', () => {
  it('the convert chain', async () => {
    const lines = exampleAfter('### `convert INPUT');
    expect(lines.length).toBe(4);
    const dir = tmp('readme-');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await cli('extract', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', 'tables/')).code).toBe(0);
      for (const line of lines) {
        const [tool, ...args] = words(line);
        expect(tool).toBe('dom0-acpi');
        const r = await cli(...args);
        expect(r.code, `${line}\n${r.err}`).toBe(0);
        if (args[0] === 'dump') expect(r.out).toMatch(/mem\.img: image, 7 table\(s\)/);
      }
    } finally {
      process.chdir(cwd);
    }
  });
});
