// dom0-acpi check INPUT...: checksums, structure and (--dom0) the Xen dom0 consumer rules, for CI.
// Exit 0: nothing at or above --fail-on; 1: findings at or above it (malformed tables are findings
// here); 2: trouble (an input that cannot be read at all, bad options, refused output).
import type { Command } from 'commander';
import { Option } from 'commander';
import { checkTables } from '../../src/check/index.js';
import { renderText, renderJson, renderJunit, renderGithub, atLeast, type InputReport } from '../../src/render/findings.js';
import { tableKeys } from '../../src/diff/set.js';
import { allEntries } from '../../src/model/tableset.js';
import type { Severity } from '../../src/layout/diagnostics.js';
import { fixChecksums, writeFixed } from '../../src/io/fix.js';
import { CliError, type Io, type Exit, report } from '../io.js';
import { addFormatOption, formatOf, colourFor, type FormatOpts } from '../format.js';
import { addInputOptions, readOptions, readInput, type InputOpts } from '../input.js';

interface CheckOpts extends InputOpts, FormatOpts<'text' | 'json' | 'junit' | 'github'> {
  dom0?: boolean;
  failOn: Severity;
  fix?: boolean;
  output?: string;
  force?: boolean;
}

export function registerCheck(program: Command, io: Io, exit: Exit): void {
  addInputOptions(
    addFormatOption(
      program
        .command('check')
        .description('check checksums, lengths, structure and (--dom0) what a Xen dom0 Linux enforces; for CI')
        .argument('<inputs...>', 'table sets in any input form (a build output folder adds its DT and EFI tables)')
        .option('--dom0', 'add the dom0 consumer rules (docs/consumers.md X1-X12) and, on a build output, the DT → EFI → RSDP chain')
        .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['error', 'warning', 'info']).default('error'))
        .option('--fix', 'write the input with corrected checksums to -o (never in place)')
        .option('-o, --output <path>', 'where --fix writes (same form as the input)')
        .option('--force', 'replace an existing --fix output'),
      ['text', 'json', 'junit', 'github'],
    ),
  ).action((inputs: string[], o: CheckOpts) => {
    if (o.fix && (!o.output || inputs.length !== 1)) throw new CliError('--fix needs exactly one input and -o OUT');
    if (!o.fix && o.output) throw new CliError('-o is only for --fix');
    if (inputs.filter((i) => i === '-').length > 1) throw new CliError('standard input (-) can be only one of the inputs');
    if (o.fix && inputs[0] === '-') throw new CliError('--fix writes the input in its own form: give a file or folder, not standard input');
    const sets = inputs.map((input) => readInput(input, o, io));
    const reports: InputReport[] = sets.map(({ set, findings }, i) => ({
      input: inputs[i],
      tables: [...tableKeys(allEntries(set)).values()],
      findings: [...findings, ...checkTables(set, { dom0: o.dom0 })],
    }));
    const format = formatOf(o);
    const colour = colourFor(io);
    if (format === 'json') io.out(JSON.stringify(renderJson(reports, o.failOn), null, 2) + '\n');
    else if (format === 'junit') io.out(renderJunit(reports, o.failOn));
    else if (format === 'github') io.out(renderGithub(reports));
    else io.out(renderText(reports, o.failOn, colour));
    if (o.fix && !allEntries(sets[0].set).length) {
      report(io, 'note', `--fix: ${inputs[0]} holds no table to fix; nothing written`);
    } else if (o.fix) {
      const { fixed, set: good } = fixChecksums(sets[0].set);
      writeFixed(inputs[0], good, o.output!, { force: o.force, imageBase: readOptions(o).imageBase });
      report(
        io,
        'note',
        `--fix: ${fixed.length} checksum(s) corrected (${fixed.map((e) => e.table.signature).join(', ') || 'none needed'}); written to ${o.output}`,
      );
    }
    exit.code = reports.some((r) => r.findings.some((f) => atLeast(f, o.failOn))) ? 1 : 0;
  });
}
