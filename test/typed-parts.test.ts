// Table code reads a node's parts through the part's declaration (partOf, partIn in
// src/layout/node.ts), never by a key of its own: a part's key is its declaration's to change, and
// a renamed key then fails to compile wherever it is read (issue 31: renaming IORT's `mappings`
// key once compiled with no error, and every IORT rule, picture and summary saw no mappings). The
// checker finds each `.parts` read whose object is a Node outside the engine (src/layout).
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { join, relative } from 'node:path';
import { ROOT } from './helpers.js';

const NODE_FILE = join(ROOT, 'src', 'layout', 'node.ts');

/** Every `x.parts` (or `x.parts?.…`, `x.parts[…]`) whose `x` is an engine Node, outside the engine,
 * as "file:line". */
function rawPartReads(program: ts.Program, within: (file: string) => boolean): string[] {
  const checker = program.getTypeChecker();
  const isNode = (t: ts.Type) => {
    const types = t.isUnion() ? t.types : [t];
    return types.some((x) => {
      const d = (x.aliasSymbol ?? x.getSymbol())?.declarations?.[0];
      return d !== undefined && d.getSourceFile().fileName === NODE_FILE && (x.aliasSymbol ?? x.getSymbol())?.name === 'Node';
    });
  };
  const out: string[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!within(sf.fileName)) continue;
    const visit = (n: ts.Node) => {
      if (ts.isPropertyAccessExpression(n) && n.name.text === 'parts' && isNode(checker.getTypeAtLocation(n.expression)))
        out.push(`${relative(ROOT, sf.fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

function project(extra?: { file: string; text: string }): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  if (!extra) return ts.createProgram(config.fileNames, config.options);
  const host = ts.createCompilerHost(config.options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === extra.file ? extra.text : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === extra.file || exists(f);
  return ts.createProgram([...config.fileNames, extra.file], config.options, host);
}

describe('typed parts', () => {
  it('no code outside the engine reads a node’s parts by a key of its own', () => {
    const outside = (f: string) =>
      !f.includes('node_modules') && f.startsWith(ROOT) && !f.startsWith(join(ROOT, 'src', 'layout') + '/') && !f.includes('/test/');
    expect(rawPartReads(project(), outside)).toEqual([]);
  }, 60_000);

  it('finds such a read (the check can fail)', () => {
    const file = join(ROOT, 'src', 'tables', 'zz-planted.ts');
    const text = "import type { Node } from '../layout/codec.js';\nexport const planted = (n: Node) => n.parts?.mappings;\n";
    expect(rawPartReads(project({ file, text }), (f) => f === file)).toEqual(['src/tables/zz-planted.ts:2']);
  }, 60_000);
});
