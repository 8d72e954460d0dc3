// Lint: typescript-eslint's recommended rules, and the layers the code keeps (docs/design.md,
// "Layers"). A layer may import those below it, never those above; generic code never imports a
// particular table's file (it reads declarations through the registry). Cycles are caught by
// test/layers.test.ts (no import-graph plugin without native binaries).
import tseslint from 'typescript-eslint';

const ABOVE_ENGINE = ['model', 'tables', 'check', 'rewrite', 'diff', 'render', 'io', 'efi', 'fdt'];
// a module one folder deeper (src/render/report/) reaches the same layers through ../../
const up = (dirs) => dirs.flatMap((d) => [`../${d}/*`, `../../${d}/*`]);
const PARTICULAR_TABLES = {
  group: ['../tables/*', '../../tables/*', '!../tables/registry.js', '!../../tables/registry.js', '!../tables/common.js', '!../../tables/common.js'],
  message: "generic code reads tables through the registry (defOf, defFor), not by importing a table's file",
};
const layer = (files, forbidden, message, extra = []) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [...(forbidden.length ? [{ group: up(forbidden), message }] : []), ...extra] }],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'out/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  layer(['src/layout/**'], ABOVE_ENGINE, 'the engine (src/layout) knows no table, set or command'),
  layer(['src/model/**'], ['check', 'rewrite', 'diff', 'render', 'io'], "the model is below the commands' code"),
  layer(
    ['src/tables/**'],
    ['check', 'rewrite', 'diff', 'render', 'io', 'efi', 'fdt'],
    'a table declaration knows the engine and the model only; the commands read it',
  ),
  layer(['src/check/**'], ['rewrite', 'diff', 'render', 'io'], 'check does not depend on the build, diff or the renderers', [PARTICULAR_TABLES]),
  layer(['src/diff/**'], ['render', 'check', 'rewrite', 'io'], 'diff does not depend on the renderers or the other commands', [PARTICULAR_TABLES]),
  layer(['src/render/**'], ['check', 'rewrite', 'io'], 'the renderers turn results into text; they compute nothing of the commands', [PARTICULAR_TABLES]),
  layer(['src/io/**'], ['check', 'diff', 'render'], 'reading and writing do not depend on the commands', [PARTICULAR_TABLES]),
  layer(['src/efi/**', 'src/fdt/**'], ['check', 'rewrite', 'diff', 'render', 'io'], 'EFI and FDT structures are below the commands', [PARTICULAR_TABLES]),
  // one screen a function, and the project's own width for every line, template literals and
  // strings included (prettier breaks code at 160, not the text inside a literal: split it with +)
  {
    files: ['src/**', 'cli/**', 'bench/**', 'fuzz/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
      'max-len': ['error', { code: 160, ignoreUrls: false, ignoreStrings: false, ignoreTemplateLiterals: false, ignoreRegExpLiterals: false }],
    },
  },
  // an array spread into a call's arguments puts every element on the stack: a list from the input
  // (130,000 MADT subtables, a million SLIT cells) overflows it, an internal error (issue 27 §3)
  {
    files: ['src/**', 'cli/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'CallExpression[callee.property.name=/^(push|unshift|splice|concat)$/] > SpreadElement',
          "CallExpression[callee.object.name='Math'] > SpreadElement",
          "CallExpression[callee.property.name='fromCharCode'] > SpreadElement",
          "CallExpression[callee.property.name='apply']",
        ].map((selector) => ({
          selector,
          message: 'no array spread into a call: append with a loop, fold with reduce (the array may be as long as the input)',
        })),
      ],
    },
  },
  // the CLI is the top: it may use any layer, but reads tables through the registry like generic code
  {
    files: ['cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/tables/*', '!**/src/tables/registry.js'],
              message: "the CLI reads tables through the registry (defOf, defFor, decodedSignatures), not by importing a table's file",
            },
          ],
        },
      ],
    },
  },
);
