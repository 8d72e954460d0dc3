// Renaming a declared field makes tsc point at every line of src/ and cli/ that names it: diff keys,
// `in` tests, finding paths, pass updates and raw reads all go through the declaration's types
// (issue 20: before, renaming MADT's arm_mpidr left 8 of 11 uses silent, and a build then gave
// every vCPU MPIDR 0). The copy is type-checked in a scratch folder; the tree is not touched.
import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, tmp } from './helpers.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Lines of code (not comments) in src/ and cli/ that name the field, as "file:line". */
function namingLines(root: string, field: string, declaration: RegExp): string[] {
  const out: string[] = [];
  for (const f of [...files(join(root, 'src')), ...files(join(root, 'cli'))]) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const code = line.trim();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*') || declaration.test(line)) return;
        // prose (a quoted text with spaces: a message, a consumer's own struct member) names no field of ours
        const bare = line.replace(/(['"`])(?:(?!\1).)*\s(?:(?!\1).)*\1/g, '');
        if (new RegExp(`\\b${field}\\b`).test(bare)) out.push(`${relative(root, f)}:${i + 1}`);
      });
  }
  return out;
}

/** The "file:line" of every error tsc reports on a copy of src/ and cli/ with the field renamed. */
function errorsAfterRename(file: string, declaration: RegExp, renamed: string): string[] {
  const dir = tmp('rename-');
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  cpSync(join(ROOT, 'cli'), join(dir, 'cli'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const config = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...config, include: ['src', 'cli'] }));
  const p = join(dir, file);
  const text = readFileSync(p, 'utf8');
  expect(text).toMatch(declaration);
  writeFileSync(
    p,
    text.replace(declaration, (m) => m.replace(/'[a-z_]+'/, `'${renamed}'`)),
  );
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir, '--noEmit'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return [...r.stdout.matchAll(/^(\S+?)\((\d+),\d+\): error/gm)].map((m) => `${m[1]}:${m[2]}`);
}

describe('renaming a declared field', () => {
  it.each([
    ['src/tables/madt.ts', 'arm_mpidr', /u64\('arm_mpidr', 'ARM MPIDR'\)/],
    ['src/tables/iort.ts', 'output_reference', /u32\('output_reference', 'Output Reference'/],
    ['src/tables/fadt.ts', 'arm_boot_flags', /u16\('arm_boot_flags', 'ARM Flags'/],
  ])('%s %s: tsc points at every line that names it', (file, field, declaration) => {
    const naming = namingLines(ROOT, field, declaration);
    expect(naming.length).toBeGreaterThan(3);
    const errors = new Set(errorsAfterRename(file, declaration, `${field}_renamed`));
    expect(naming.filter((l) => !errors.has(l))).toEqual([]);
  });
});
