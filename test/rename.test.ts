// Renaming a declared field makes tsc point at every line of src/ and cli/ that names it: diff keys,
// `in` tests, finding paths, pass updates and raw reads all go through the declaration's types
// (issue 20: before, renaming MADT's arm_mpidr left 8 of 11 uses silent, and a build then gave
// every vCPU MPIDR 0). Every distinctive field name is renamed at once in a copy (one tsc run); the
// tree is not touched. A name is distinctive when one declaration in src/tables has it and it holds
// an underscore (a grep for "flags" or "length" cannot tell which declaration a line means).
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

/** A field's declaration: its kind's builder and its name. */
const DECLARATION = /\b(u8|u16|u24|u32|u48|u64|bytes|ascii|struct)\('([a-z0-9_]+)'/g;

/** Names declared exactly once in src/tables, with an underscore, not reserved padding. */
function distinctiveNames(): string[] {
  const count = new Map<string, number>();
  for (const f of files(join(ROOT, 'src', 'tables')))
    for (const m of readFileSync(f, 'utf8').matchAll(DECLARATION)) count.set(m[2], (count.get(m[2]) ?? 0) + 1);
  return [...count].filter(([n, c]) => c === 1 && n.includes('_') && !n.startsWith('reserved')).map(([n]) => n);
}

/** The line with every string literal that holds whitespace blanked: prose (a message, a consumer's
 * own struct member in a citation) names no field of ours; a bare name in quotes is code. The code
 * inside a template literal's ${…} is kept: it reads fields too. */
const withoutProse = (line: string): string =>
  line.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, (s) => {
    if (!/\s/.test(s)) return s;
    if (!s.startsWith('`')) return ' ';
    return ' ' + [...s.matchAll(/\$\{([^}]*)\}/g)].map((m) => withoutProse(m[1])).join(' ') + ' ';
  });

/** Lines of code in src/ and cli/ that name one of the fields, as "file:line" → the name. Gates
 * (`g.read('name')` in a `when`) are callbacks tsc cannot check; decode throws on an undeclared
 * name instead (test/layout/codec.test.ts), so they are left out here. */
function namingLines(names: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  const word = /[a-z0-9_]+/g;
  for (const f of [...files(join(ROOT, 'src')), ...files(join(ROOT, 'cli'))]) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const code = line.trim();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
        const bare = withoutProse(line.replace(DECLARATION, ' ').replace(/\.read[?!]?\.?\('[a-z0-9_]+'\)/g, ' '));
        const hit = bare.match(word)?.find((w) => names.has(w));
        if (hit) out.set(`${relative(ROOT, f)}:${i + 1}`, hit);
      });
  }
  return out;
}

/** The "file:line" of every error tsc reports on a copy of src/ and cli/ with the names renamed. */
function errorsAfterRename(names: Set<string>): Set<string> {
  const dir = tmp('rename-');
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  cpSync(join(ROOT, 'cli'), join(dir, 'cli'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const config = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...config, include: ['src', 'cli'] }));
  for (const f of files(join(dir, 'src', 'tables'))) {
    const text = readFileSync(f, 'utf8');
    writeFileSync(
      f,
      text.replace(DECLARATION, (m, kind: string, name: string) => (names.has(name) ? `${kind}('${name}_renamed'` : m)),
    );
  }
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir, '--noEmit'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 180_000,
  });
  return new Set([...r.stdout.matchAll(/^(\S+?)\((\d+),\d+\): error/gm)].map((m) => `${m[1]}:${m[2]}`));
}

describe('renaming every distinctive declared field', () => {
  it('makes tsc point at every line that names one', () => {
    const names = new Set(distinctiveNames());
    // the three issue 20 found silent uses of are among them
    for (const n of ['arm_mpidr', 'output_reference', 'arm_boot_flags']) expect(names.has(n)).toBe(true);
    expect(names.size).toBeGreaterThan(250);
    const naming = namingLines(names);
    expect(naming.size).toBeGreaterThan(150);
    const errors = errorsAfterRename(names);
    const property = /^\s*[a-z0-9_]+: /;
    const silent = [...naming].filter(([at]) => {
      if (errors.has(at)) return false;
      // tsc names only the first unknown property of an object literal: a later one is covered
      // when a property line above it, in the same literal, is flagged
      const [file, line] = [at.slice(0, at.lastIndexOf(':')), Number(at.slice(at.lastIndexOf(':') + 1))];
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      if (!property.test(lines[line - 1])) return true;
      for (let k = line - 1; k >= 1 && property.test(lines[k - 1]); k--) if (errors.has(`${file}:${k}`)) return false;
      return true;
    });
    expect(silent.map(([at, name]) => `${at} ${name}`)).toEqual([]);
  });
});
