// dom0-acpi dump INPUT: every decoded field, iasl -d style, or as JSON, or one line per table.
import type { Command } from 'commander';
import { dumpTableText, dumpEfiText } from '../../src/render/text.js';
import { setAml } from '../../src/aml/set.js';
import { setJson } from '../../src/render/json.js';
import { summaryLines } from '../../src/render/summary.js';
import { CliError, type Io, type Exit, report } from '../io.js';
import { readFdt, readReservations, FdtReadError } from '../../src/fdt/reader.js';
import { readFdtFile, expandInputs, isFdt } from '../../src/io/read.js';
import { renderDts } from '../../src/render/dts.js';
import { hex, Refusal } from '../../src/layout/diagnostics.js';
import { addFormatOption, formatOf, type FormatOpts } from '../format.js';
import { addInputOptions, loadSetAndErrors, selectTables, collect, streamed, type InputOpts } from '../input.js';
import { jsonText, shown } from '../../src/render/escape.js';
import { namespaceLines } from '../../src/aml/view.js';

/** The --format choices, the first the default (the options' type follows from it). */
const FORMATS = ['text', 'json', 'jsonl', 'summary'] as const;

interface DumpOpts extends InputOpts, FormatOpts<(typeof FORMATS)[number]> {
  table?: string[];
  summary?: boolean;
  namespace?: boolean;
  partial?: boolean;
}

export function registerDump(program: Command, io: Io, exit: Exit): void {
  addInputOptions(
    addFormatOption(
      program
        .command('dump')
        .description(
          'print every decoded field of a table set ([offset width] Label : value), as JSON (nested values and the flat field list; u64 as ' +
            'hex strings), or one line per table',
        )
        .argument(
          '<inputs...>',
          'folder of binary tables, acpidump text, a single table, a memory image (--image-base) or an ELF core (dump-guest-memory, ' +
            'vmcore); several (or folders of them) with --summary or --format jsonl',
        )
        .option('-t, --table <sig>', 'only this table (repeatable; RSDP for the RSDP)', collect),
      FORMATS,
    )
      .option('--summary', 'same as --format summary')
      .option('--namespace', 'the objects the DSDT and SSDTs declare, one a line: path, kind, value, the table and offset that declared it')
      .option('--partial', 'on malformed input, print what decodes (each table up to its fault) before the error lines; exit 2 still (default on a terminal)')
      .option('--no-partial', 'on malformed input, print only the error lines'),
  ).action((given: string[], o: DumpOpts) => {
    const format = o.summary && !o.json ? 'summary' : formatOf(o);
    if (given.filter((i) => i === '-').length > 1) throw new CliError('standard input (-) can be only one of the inputs');
    const { inputs, skipped } = expandInputs(given);
    if (inputs.length === 1 && given.length === 1) return dumpOne(inputs[0], o, format, io);
    // many inputs (a fleet): one summary block or one JSON line each, streamed; exit 2 if any failed
    if (format !== 'summary' && format !== 'jsonl') throw new CliError(`${inputs.length} inputs: give --summary or --format jsonl to dump several`);
    if (skipped.length) report(io, 'warning', `skipped ${skipped.length} file(s) in folders of inputs that are neither tables nor acpidump text`);
    for (const input of inputs) {
      try {
        dumpOne(input, o, format, io);
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        report(io, 'error', e instanceof CliError ? e.lines : e.message);
        exit.code = 2;
      }
    }
  });
}

/** Dump one input in `format`; a fault is a CliError (after what decodes, with --partial). */
function dumpOne(input: string, o: DumpOpts, format: 'text' | 'json' | 'jsonl' | 'summary', io: Io): void {
  // a flattened device tree (dom0.dtb) is printed as DTS source, as dtc -I dtb -O dts does; a
  // stream (standard input, <(…)) is read once, and its bytes looked at for one
  const stream = streamed(input, o, io);
  const fdt = stream ? (stream.bytes && isFdt(stream.bytes) ? stream.bytes : undefined) : readFdtFile(input);
  if (fdt) {
    try {
      io.out(renderDts(readFdt(fdt), readReservations(fdt)));
    } catch (e) {
      if (e instanceof FdtReadError) throw new CliError(`${input}: offset ${hex(e.offset)}: ${e.message}`);
      throw e;
    }
    return;
  }
  const { set, errors } = loadSetAndErrors(input, o, io, stream);
  // like iasl -d, a fault need not hide what comes before it: on a terminal, or with --partial
  if (errors.length && !(o.partial ?? io.tty)) throw new CliError(errors);
  // -t EFI selects the EFI structures (a build output's, Xen's EFI blobs)
  const efiAsked = o.table?.some((t) => t.toUpperCase() === 'EFI');
  const sigs = o.table?.filter((t) => t.toUpperCase() !== 'EFI');
  if (efiAsked && !set.efi?.length) throw new CliError(`${set.origin}: no EFI system table, configuration table or memory map in the input`);
  let entries = (set.tables.length || set.rsdp) && !(efiAsked && !sigs?.length) ? selectTables(set, errors.length ? undefined : sigs) : [];
  if (errors.length && sigs?.length) entries = entries.filter((e) => sigs.some((t) => t.toUpperCase() === e.table.signature.toUpperCase()));
  const efi = !o.table?.length || efiAsked ? (set.efi ?? []) : [];
  const view = { ...set, efi };
  if (!entries.length && !efi.length) {
    // nothing decoded (or nothing selected decoded): only the errors
  } else if (o.namespace) {
    // the namespace of the selected DSDT/SSDTs (all of them by default), read together
    const aml = setAml(set);
    const tables = new Set(entries.flatMap((e) => aml.blocks.get(e)?.table ?? []));
    if (!tables.size) throw new CliError(`${set.origin}: no DSDT or SSDT${sigs?.length ? ' among the tables selected' : ''}: no namespace to list`);
    io.out(
      namespaceLines(aml.aml.namespace.filter((x) => tables.has(x.table)))
        .map(shown)
        .join('\n') + '\n',
    );
  } else if (format === 'json') io.out(jsonText(setJson(view, entries), 2) + '\n');
  else if (format === 'jsonl') io.out(jsonText(setJson(view, entries)) + '\n');
  else if (format === 'summary') io.out(summaryLines(view, entries).join('\n') + '\n');
  else {
    // DSDT and SSDTs are read together: a call in one to a method of another needs its argument count
    const aml = setAml(set);
    io.out([...entries.map((e) => dumpTableText(e, aml.blocks.get(e))), ...efi.map(dumpEfiText)].join('\n'));
  }
  if (errors.length) throw new CliError(errors);
}
