// The referee for the AML namespace: what `iasl -d`'s ASL declares, read from its text, apart from
// our decoder. Lines are read as iasl prints them (one declaration a line, braces on lines of their
// own); a stack of the blocks open says the scope, whether a method body is being read (its
// declarations are the method's own), and whether an If/Else/While holds the declaration.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Declared {
  path: string;
  kind: string;
  conditional: boolean;
  args?: number;
  /** a Name's integer or string, as iasl prints it */
  value?: string;
}

export const HAVE_IASL = spawnSync('iasl', ['-v'], { stdio: 'ignore' }).error === undefined;

/** iasl -d's ASL of a table's bytes. */
export function iaslAsl(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'dom0-acpi-iasl-'));
  try {
    writeFileSync(join(dir, 't.aml'), bytes);
    const r = spawnSync('iasl', ['-d', 't.aml'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`iasl -d failed: ${r.stdout}${r.stderr}`);
    return readFileSync(join(dir, 't.dsl'), 'latin1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BLOCKS: Record<string, string> = {
  Scope: 'Scope',
  Device: 'Device',
  Processor: 'Processor',
  PowerResource: 'PowerResource',
  ThermalZone: 'ThermalZone',
  Method: 'Method',
};
const CREATE = /^(CreateBitField|CreateByteField|CreateWordField|CreateDWordField|CreateQWordField|CreateField) \(.*, ([\\^A-Z0-9_.]+)\)$/;

/** Joins a name to a scope as ASL resolves it (no search: a declaration names its place). */
function resolve(scope: string[], name: string): string[] {
  if (name.startsWith('\\')) return name.slice(1).split('.').filter(Boolean);
  let up = 0;
  while (name[up] === '^') up++;
  return [...scope.slice(0, scope.length - up), ...name.slice(up).split('.').filter(Boolean)];
}

/** The declarations of iasl's ASL (Externals left out: iasl adds some of its own). */
export function declaredBy(asl: string): Declared[] {
  const out: Declared[] = [];
  // each open block: its scope, and whether it is a method body or a condition
  const stack: { scope: string[]; method: boolean; cond: boolean; fields: boolean }[] = [{ scope: [], method: false, cond: false, fields: false }];
  let pending: { scope: string[]; method: boolean; cond: boolean; fields: boolean } | undefined;
  for (const raw of asl.split('\n')) {
    // strings and comments out (a brace in either is no block)
    const line = raw
      .replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .replace(/\/\*.*?\*\//g, '')
      .replace(/\/\/.*$/, '')
      .trim();
    if (!line || line.startsWith('/*') || line.startsWith('*')) continue;
    // text and braces in the order they come (iasl may go on after a brace on the same line)
    for (const piece of line.split(/([{}])/)) {
      if (piece === '{') {
        stack.push(pending ?? { ...stack[stack.length - 1], fields: false });
        pending = undefined;
      } else if (piece === '}') stack.pop();
      else if (piece.trim()) text(piece.trim(), raw.trim());
    }
  }
  return out;

  function text(line: string, raw: string): void {
    const top = stack[stack.length - 1];
    const here = top.scope;
    const declare = (name: string, kind: string, more: Partial<Declared> = {}) => {
      if (top.method) return;
      out.push({ path: '\\' + resolve(here, name).join('.'), kind, conditional: top.cond, ...more });
    };
    let m = /^(Scope|Device|Processor|PowerResource|ThermalZone|Method) \(([\\^A-Z0-9_.]+)(?:, (\d+))?/.exec(line);
    if (m) {
      const segs = resolve(here, m[2]);
      if (m[1] !== 'Scope') declare(m[2], BLOCKS[m[1]], m[1] === 'Method' ? { args: Number(m[3]) } : {});
      pending = { scope: segs, method: top.method || m[1] === 'Method', cond: top.cond, fields: false };
      return;
    }
    if (/^(If|Else|ElseIf|While)\b/.test(line)) {
      pending = { ...top, cond: true, fields: false };
      return;
    }
    if (/^(Field|IndexField|BankField) \(/.test(line)) {
      pending = { ...top, fields: true };
      return;
    }
    if (top.fields) {
      m = /^([A-Z_][A-Z0-9_]{0,3}),\s+\d+/.exec(line);
      if (m) declare(m[1], 'FieldUnit');
      return;
    }
    m = /^Name \(([\\^A-Z0-9_.]+),/.exec(line);
    if (m) {
      const v = /^Name \([^,]+, (0x[0-9A-F]+|Zero|One|Ones|"[^"]*")\)/.exec(raw.trim());
      declare(m[1], 'Name', v ? { value: v[1] } : {});
      return;
    }
    m = /^(OperationRegion|Mutex|Event|DataTableRegion) \(([\\^A-Z0-9_.]+)/.exec(line);
    if (m) {
      declare(m[2], m[1] === 'DataTableRegion' ? 'DataRegion' : m[1]);
      return;
    }
    m = /^Alias \(([\\^A-Z0-9_.]+), ([\\^A-Z0-9_.]+)\)/.exec(line);
    if (m) {
      declare(m[2], 'Alias');
      return;
    }
    m = CREATE.exec(line);
    if (m) declare(m[2], 'CreateField');
  }
}
