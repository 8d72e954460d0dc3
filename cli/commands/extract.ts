// dom0-acpi extract INPUT -o DIR: acpidump text to binary tables, named as acpixtract -a names them.
import type { Command } from 'commander';
import { tableFileNames } from '../../src/model/tableset.js';
import { writeFolderAtomic } from '../../src/io/output.js';
import { type Io, outputOptions } from '../io.js';
import { addInputOptions, loadSet, selectTables, collect, type InputOpts } from '../input.js';
import { shown } from '../../src/render/escape.js';

interface ExtractOpts extends InputOpts {
  output: string;
  table?: string[];
  force?: boolean;
}

export function registerExtract(program: Command, io: Io): void {
  addInputOptions(
    program
      .command('extract')
      .description('write every table of the input as a binary file (acpixtract -a names: facp.dat, ssdt1.dat, rsdp.dat)')
      .argument('<input>', 'acpidump text (or any other input)')
      .requiredOption('-o, --output <dir>', 'output folder: new, empty, or a previous output of dom0-acpi with --force')
      .option('-t, --table <sig>', 'only this table (repeatable)', collect)
      .option('--force', 'replace a previous output of dom0-acpi in that folder (and nothing else)'),
  ).action((input: string, o: ExtractOpts) => {
    const set = loadSet(input, o, io);
    const entries = selectTables(set, o.table);
    const names = tableFileNames(set);
    const files = new Map(entries.map((e) => [names.get(e)!, e.bytes] as const));
    writeFolderAtomic(o.output, files, outputOptions(io, o, input, set.origin));
    for (const e of entries) io.out(shown(`  ${e.table.signature.padEnd(4)} - ${String(e.bytes.length).padStart(7)} bytes - ${names.get(e)}`) + '\n');
    io.out(shown(`${entries.length} table(s) written to ${o.output}`) + '\n');
  });
}
