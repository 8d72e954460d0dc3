// npm run fuzz -- --cases N [--seed S] [--report docs/fuzz.md]: the long run of the contract's
// properties (fuzz/contract.ts), N cases shared out by weight; prints cases/s, the outcome classes
// and the smallest input of each, and any violation with fast-check's shrunk counterexample; then
// every command on every hostile input at scale (fuzz/hostile.ts) once, as the installed command.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { properties, newTally, checkInstalled, type Tally } from './contract.js';
import { HOSTILE } from './hostile.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<number> {
  const cases = Number(arg('cases', '2000'));
  const seed = Number(arg('seed', String(Date.now() % 2 ** 31)));
  const report = arg('report', '');
  const dir = mkdtempSync(join(tmpdir(), 'dom0-acpi-fuzz-'));
  const tally: Tally = newTally();
  const lines: string[] = [];
  const say = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  const t0 = Date.now();
  let violations = 0;
  say(`dom0-acpi fuzz: ${cases} cases, seed ${seed}`);
  for (const p of properties(dir, tally)) {
    const numRuns = Math.max(1, Math.round(cases * p.share));
    const t1 = Date.now();
    const r = await fc.check(p.prop as fc.IAsyncProperty<unknown[]>, { numRuns, seed, endOnFailure: true });
    const secs = (Date.now() - t1) / 1000;
    say(`- ${p.name}: ${r.numRuns} cases in ${secs.toFixed(1)} s (${(r.numRuns / secs).toFixed(0)} cases/s)${r.failed ? ' — VIOLATION' : ''}`);
    if (r.failed) {
      violations++;
      say(`  counterexample (shrunk ${r.numShrinks} times): ${fc.stringify(r.counterexample)}`);
      say(`  ${String((r.errorInstance as Error | undefined)?.message ?? r.errorInstance)}`);
    }
  }
  say('');
  say(
    'Hostile inputs at scale (fuzz/hostile.ts, issue 27 §3), each command once as the installed command, held to the contract (exit 0/1/2, ' +
      'no internal error, input unchanged, 10 s):',
  );
  for (const h of HOSTILE) {
    const files = h.write(dir);
    for (const [cmd, argv] of Object.entries(h.commands)) {
      const f = { ...files, out: join(dir, `hostile-out-${cmd.replace(/\W+/g, '-')}`) };
      try {
        const r = checkInstalled(
          argv(f),
          [f.input, f.baseline].filter((p) => p !== undefined),
        );
        say(`- ${h.name} (${h.item}): ${cmd}: exit ${r.code} in ${(r.ms / 1000).toFixed(1)} s`);
      } catch (e) {
        violations++;
        say(`- ${h.name} (${h.item}): ${cmd} — VIOLATION: ${(e as Error).message}`);
      }
      rmSync(f.out, { recursive: true, force: true });
    }
  }
  const secs = (Date.now() - t0) / 1000;
  say('');
  say(`${tally.cases} cases in ${secs.toFixed(0)} s (${(tally.cases / secs).toFixed(0)} cases/s), ${violations} contract violation(s)`);
  say('');
  say('| property | ok | finding | refused | violation |');
  say('|---|---|---|---|---|');
  for (const [prop, o] of Object.entries(tally.outcomes)) say(`| ${prop} | ${o.ok} | ${o.finding} | ${o.refused} | ${o.violation} |`);
  say('');
  say('The smallest input of each outcome: the table mutated (and the set and table it replaces there), ← its bytes in hex; for build, the options too.');
  for (const [prop, byOutcome] of Object.entries(tally.smallest)) {
    for (const [outcome, v] of Object.entries(byOutcome)) say(`- ${prop} → ${outcome}: ${String(v).split(' ').slice(1).join(' ')}`);
  }
  rmSync(dir, { recursive: true, force: true });
  if (report)
    writeFileSync(
      report,
      `# Fuzz report\n\nMade by \`npm run fuzz -- --cases ${cases} --seed ${seed} --report ${report}\` on the 2-core development ` +
        `machine.\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`,
    );
  return violations ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
});
