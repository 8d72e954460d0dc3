// dom0-acpi dump INPUT: every decoded field, iasl -d style, or as JSON, or one line per table.
import type { Command } from 'commander';
import { dumpTableText } from '../../src/render/text.js';
import { setJson } from '../../src/render/json.js';
import { summaryLines } from '../../src/render/summary.js';
import { CliError, type Io } from '../io.js';
import { readFdt, readReservations, FdtReadError } from '../../src/fdt/reader.js';
import { readFdtFile } from '../../src/io/read.js';
import { renderDts } from '../../src/render/dts.js';
import { hex } from '../../src/layout/diagnostics.js';
import { addFormatOption, formatOf, type FormatOpts } from '../format.js';
import { addInputOptions, loadSet, selectTables, collect, type InputOpts } from '../input.js';

interface DumpOpts extends InputOpts, FormatOpts<'text' | 'json' | 'summary'> {
  table?: string[];
  summary?: boolean;
}

export function registerDump(program: Command, io: Io): void {
  addInputOptions(
    addFormatOption(
      program
        .command('dump')
        .description(
          'print every decoded field of a table set ([offset width] Label : value), as JSON (nested values and the flat field list; u64 as hex strings), or one line per table',
        )
        .argument('<input>', 'folder of binary tables, acpidump text, a single table, or a memory image')
        .option('-t, --table <sig>', 'only this table (repeatable; RSDP for the RSDP)', collect),
      ['text', 'json', 'summary'],
    ).option('--summary', 'same as --format summary'),
  ).action((input: string, o: DumpOpts) => {
    // a flattened device tree (dom0.dtb) is printed as DTS source, as dtc -I dtb -O dts does
    const fdt = input === '-' ? undefined : readFdtFile(input); // standard input is read once, as tables
    if (fdt) {
      try {
        io.out(renderDts(readFdt(fdt), readReservations(fdt)));
      } catch (e) {
        if (e instanceof FdtReadError) throw new CliError(`${input}: offset ${hex(e.offset)}: ${e.message}`);
        throw e;
      }
      return;
    }
    const set = loadSet(input, o, io);
    const entries = selectTables(set, o.table);
    const format = o.summary && !o.json ? 'summary' : formatOf(o);
    if (format === 'json') io.out(JSON.stringify(setJson(set, entries), null, 2) + '\n');
    else if (format === 'summary') io.out(summaryLines(set, entries).join('\n') + '\n');
    else io.out(entries.map(dumpTableText).join('\n'));
  });
}
