// dom0-acpi report INPUT [INPUT2] -o report.html: one self-contained HTML page of the tables, the
// address map, the IORT graph, the topology, check's findings and (two inputs) their diff.
import type { Command } from 'commander';
import { CliError, type Io, outputOptions, writeOut } from '../io.js';
import { addInputOptions, readInput, inputName, type InputOpts } from '../input.js';
import { xenHostOption, XEN_HOST_HELP } from './check.js';
import { makeReport } from '../../src/report.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from '../../src/io/output.js';

interface ReportOpts extends InputOpts {
  output: string;
  dom0?: boolean;
  xenHost?: string | true;
  force?: boolean;
}

export function registerReport(program: Command, io: Io): void {
  addInputOptions(
    program
      .command('report')
      .description(
        'one self-contained HTML page: the table tree with every dump, the physical address map, the IORT graph, the CPU topology, the ' +
          'findings and (two inputs) the diff',
      )
      .argument('<inputs...>', 'one table set in any input form, or two (the old and the new: a host and its dom0 build output)')
      .requiredOption('-o, --output <file>', 'the HTML file to write (- for standard output)')
      .option('--dom0', 'add the dom0 consumer rules to the findings (a build output always has them)')
      .option('--xen-host [version]', XEN_HOST_HELP)
      .option('--force', 'replace a previous output of dom0-acpi at that path (and nothing else)'),
  ).action(async (given: string[], o: ReportOpts) => {
    const [inputs, xenHost] = xenHostOption(given, o.xenHost);
    if (!inputs.length || inputs.length > 2) throw new CliError(`report takes one input or two (old and new), not ${inputs.length}`);
    if (inputs.filter((i) => i === '-').length > 1) throw new CliError('standard input (-) can be only one of the inputs');
    const sources = inputs.map((input) => {
      const { set, findings } = readInput(input, o, io);
      return { name: inputName(input), set, read: findings, dom0: o.dom0 || set.kind === 'build' };
    });
    const checked =
      ['check', o.dom0 ? '--dom0' : '', xenHost ? `--xen-host ${xenHost}` : ''].filter(Boolean).join(' ') +
      (sources.some((s) => s.dom0 && !o.dom0) ? ' (--dom0 on build outputs)' : '');
    const html = await makeReport(sources, { xenHost, checked, tool: `dom0-acpi ${VERSION}` });
    writeOut(io, o.output, html, () => writeFileAtomic(o.output, html, outputOptions(io, o, ...inputs.filter((i) => i !== '-'))));
  });
}
