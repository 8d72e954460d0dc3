// Output folders: atomic, and with the mode a user expects (the umask's, or the existing folder's).
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFolderAtomic } from '../../src/io/output.js';
import { tmp } from '../helpers.js';

const umask = (() => {
  try {
    const m = process.umask(0);
    process.umask(m);
    return m;
  } catch {
    return 0o022;
  }
})();
const modeOf = (p: string) => statSync(p).mode & 0o777;

describe('writeFolderAtomic', () => {
  it("a new folder gets 0777 less the umask, not mkdtemp's 0700", () => {
    const out = join(tmp('mode-'), 'out');
    writeFolderAtomic(out, new Map([['a.txt', 'x']]));
    expect(modeOf(out)).toBe(0o777 & ~umask);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('x');
  });

  it('an existing empty folder keeps its mode', () => {
    const out = join(tmp('mode-'), 'out');
    mkdirSync(out);
    chmodSync(out, 0o750);
    writeFolderAtomic(out, new Map([['a.txt', 'x']]));
    expect(modeOf(out)).toBe(0o750);
  });

  it('a replaced folder (--force) keeps its mode too', () => {
    const out = join(tmp('mode-'), 'out');
    writeFolderAtomic(out, new Map([['a.txt', 'x']]));
    chmodSync(out, 0o705);
    writeFolderAtomic(out, new Map([['b.txt', 'y']]), { force: true });
    expect(modeOf(out)).toBe(0o705);
  });
});
