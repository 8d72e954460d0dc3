// The layers the code keeps: no import cycle among the modules of src/ and cli/ (type imports
// included: a cycle through types still ties the modules together for a reader and for tsc), and the
// lint rules (eslint.config.js) refuse an import that goes up a layer or names a particular table
// from generic code.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { ROOT } from './helpers.js';

const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Each module's imports of other modules in src/ and cli/, type-only ones included. */
function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of [...files(SRC), ...files(join(ROOT, 'cli'))]) {
    const text = readFileSync(f, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\s+(?:type\s+)?[^'";]*?from\s+'(\.[^']+)'/gms))
      deps.push(resolve(dirname(f), m[1].replace(/\.js$/, '.ts')));
    g.set(f, deps);
  }
  return g;
}

/** The first cycle found, as a list of modules (empty when there is none). */
function findCycle(g: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] => {
    if (state.get(n) === 'done') return [];
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const d of g.get(n) ?? []) {
      const c = visit(d);
      if (c.length) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return [];
  };
  for (const n of g.keys()) {
    const c = visit(n);
    if (c.length) return c.map((x) => relative(ROOT, x));
  }
  return [];
}

describe('layers', () => {
  it('no import cycle among the modules of src/ and cli/, through type imports either', () => {
    const g = importGraph();
    expect(g.size).toBeGreaterThan(50);
    expect(findCycle(g)).toEqual([]);
    // the graph holds type imports: the rule types reach the set's types without reaching the registry
    expect(g.get(join(SRC, 'model', 'rules.ts'))).toContain(join(SRC, 'model', 'set.ts'));
  });

  it('no command module imports the CLI runner (run.ts imports them): no type cycle either', () => {
    for (const f of files(join(ROOT, 'cli', 'commands'))) expect(readFileSync(f, 'utf8'), f).not.toMatch(/from '\.\.\/run\.js'/);
  });

  it('finds a cycle when there is one (the finder can fail)', () => {
    const g = new Map(
      [
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
      ].map(([k, v]) => [join(ROOT, k as string), (v as string[]).map((x) => join(ROOT, x))]),
    );
    expect(findCycle(g)).toEqual(['a', 'b', 'c', 'a']);
  });

  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (file: string, code: string) =>
    (await eslint.lintText(code, { filePath: join(ROOT, file) }))[0].messages.map((m) => `${m.ruleId}: ${m.message}`);

  it.each([
    ['src/layout/probe.ts', "import { checkTables } from '../check/index.js';\nexport const x = checkTables;\n", /the engine/],
    ['src/layout/probe.ts', "import type { TableSet } from '../model/tableset.js';\nexport type X = TableSet;\n", /the engine/],
    ['src/check/probe.ts', "import { buildDom0 } from '../rewrite/build.js';\nexport const x = buildDom0;\n", /check does not depend on the build/],
    ['src/diff/probe.ts', "import { setJson } from '../render/json.js';\nexport const x = setJson;\n", /diff does not depend on the renderers/],
    ['src/io/probe.ts', "import { madt } from '../tables/madt.js';\nexport const x = madt;\n", /through the registry/],
    [
      'src/tables/probe.ts',
      "import { checkTables } from '../check/index.js';\nexport const x = checkTables;\n",
      /a table declaration knows the engine and the model only/,
    ],
    ['src/tables/probe.ts', "import type { BuildOptions } from '../rewrite/types.js';\nexport type X = BuildOptions;\n", /a table declaration knows/],
    ['cli/commands/probe.ts', "import { madt } from '../../src/tables/madt.js';\nexport const x = madt;\n", /the CLI reads tables through the registry/],
  ])('lint refuses %s importing %s', async (file, code, why) => {
    const messages = await lint(file, code);
    expect(messages.some((m) => m.startsWith('no-restricted-imports') && why.test(m))).toBe(true);
  });

  it('lint accepts the same imports where the layers allow them', async () => {
    expect(await lint('src/rewrite/probe.ts', "import { madt } from '../tables/madt.js';\nexport const x = madt;\n")).toEqual([]);
    expect(await lint('src/io/probe.ts', "import { defFor } from '../tables/registry.js';\nexport const x = defFor;\n")).toEqual([]);
    expect(await lint('src/tables/probe.ts', "import type { TableRule } from '../model/rules.js';\nexport type X = TableRule;\n")).toEqual([]);
    expect(await lint('cli/commands/probe.ts', "import { defFor } from '../../src/tables/registry.js';\nexport const x = defFor;\n")).toEqual([]);
  });
});

describe('the engine in parts', () => {
  it('no module of src/ or cli/ is over 600 lines', () => {
    const long = [...files(SRC), ...files(join(ROOT, 'cli'))]
      .map((f) => [relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 600);
    expect(long).toEqual([]);
  });

  it('each part kind is one module of src/layout/parts, and only the dispatch table names them', () => {
    const kinds = ['records', 'subtables', 'strings', 'string', 'raw', 'matrix'];
    for (const k of kinds) expect(readFileSync(join(SRC, 'layout', 'parts', `${k}.ts`), 'utf8')).toMatch(new RegExp(`PartKind<PartOf<'${k}'>>`));
    const index = readFileSync(join(SRC, 'layout', 'parts', 'index.ts'), 'utf8');
    for (const k of kinds) expect(index).toContain(`from './${k}.js'`);
    // nothing else asks a part what kind it is: it asks the kind's module (kindOf)
    const asking = [...files(SRC), ...files(join(ROOT, 'cli'))]
      .filter((f) => !f.includes(join('layout', 'parts')))
      .filter((f) => /\bpart\.kind\b|\.kind === '(records|subtables|strings|matrix)'|case '(records|subtables|strings|matrix)'/.test(readFileSync(f, 'utf8')));
    expect(asking.map((f) => relative(ROOT, f))).toEqual(['src/layout/node.ts']);
  });
});
