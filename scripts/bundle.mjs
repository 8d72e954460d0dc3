// npm run build's second step (after tsc): the CLI as one CommonJS bundle (dist/bundle.cjs,
// package.json's version built in) and the launcher that loads it through a V8 code cache
// (dist/dom0-acpi.cjs, the installed command; CommonJS too, which Node starts sooner than an ES module).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };

// commander loads node:child_process at start-up for executable subcommands, which dom0-acpi does
// not have; loading it costs a few ms of every run, so the bundle gets a stub that refuses use
const noChildProcess = {
  name: 'no-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, () => ({ path: 'child_process', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: "module.exports = new Proxy({}, { get() { throw new Error('dom0-acpi runs no child processes'); } });",
      loader: 'js',
    }));
  },
};
// Graphviz (WebAssembly, 1.2 MB) is a file of its own, dist/graphviz.cjs, which the bundle requires
// only when a report draws a graph: no other command loads or parses it
const graphvizApart = {
  name: 'graphviz-apart',
  setup(b) {
    b.onResolve({ filter: /^@viz-js\/viz$/ }, () => ({ path: './graphviz.cjs', external: true }));
  },
};
await build({
  ...common,
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/bundle.cjs',
  format: 'cjs',
  define: { __DOM0_ACPI_VERSION__: JSON.stringify(version) },
  plugins: [noChildProcess, graphvizApart],
  // the launcher runs the bundle as a vm.Script (for its code cache), which has no import(): the
  // bundle requires graphviz.cjs instead
  supported: { 'dynamic-import': false },
});
await build({ ...common, entryPoints: ['@viz-js/viz'], outfile: 'dist/graphviz.cjs', format: 'cjs' });
await build({
  ...common,
  entryPoints: ['dist/cli/launch.js'],
  outfile: 'dist/dom0-acpi.cjs',
  format: 'cjs',
  // the launcher finds the bundle beside itself through import.meta.url, which CommonJS lacks
  define: { 'import.meta.url': 'launcherUrl' },
  banner: { js: 'const launcherUrl = require("node:url").pathToFileURL(__filename).href;' },
});
