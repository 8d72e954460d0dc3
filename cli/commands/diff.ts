// dom0-acpi diff A B: field-level differences between two table sets. Exit 0 same, 1 different,
// 2 trouble (like diff(1)).
import type { Command } from 'commander';
import { diffTables, missingTables } from '../../src/diff/set.js';
import { renderDiffText, renderDiffJson } from '../../src/render/diff.js';
import { CliError, type Io, type Exit } from '../io.js';
import { addFormatOption, addColourOption, formatOf, colourFor, type FormatOpts, type ColourOpts } from '../format.js';
import { addInputOptions, loadSet, collect, inputName, type InputOpts } from '../input.js';
import { jsonText } from '../../src/render/escape.js';

/** The --format choices, the first the default (the options' type follows from it). */
const FORMATS = ['text', 'json'] as const;

interface DiffOpts extends InputOpts, ColourOpts, FormatOpts<(typeof FORMATS)[number]> {
  table?: string[];
  ignore?: string;
}

export function registerDiff(program: Command, io: Io, exit: Exit): void {
  addInputOptions(
    addColourOption(
      addFormatOption(
        program
          .command('diff')
          .description('field-level diff of two table sets (items by their declared keys: GICCs by UID or MPIDR; XSDT entries by the table they point to)')
          .argument('<a>', 'the old table set (any input form)')
          .argument('<b>', 'the new table set (any input form)')
          .option('-t, --table <sig>', 'only this table (repeatable)', collect)
          .option('--ignore <what>', 'hide derived fields and/or table addresses and pointers: derived, addresses, or derived,addresses'),
        FORMATS,
      ),
    ),
  ).action((a: string, b: string, o: DiffOpts) => {
    const ignore = (o.ignore ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const i of ignore) if (i !== 'derived' && i !== 'addresses') throw new CliError(`--ignore: "${i}" is not derived or addresses`);
    if (a === '-' && b === '-') throw new CliError('standard input (-) can be only one of the two inputs');
    const sa = loadSet(a, o, io);
    const sb = loadSet(b, o, io);
    const missing = missingTables(sa, sb, o.table ?? []);
    if (missing.length)
      throw new CliError(`-t ${missing.join(', ')}: neither ${sa.origin} nor ${sb.origin} has ${missing.length > 1 ? 'these tables' : 'this table'}`);
    const changes = diffTables(sa, sb, { ignore: ignore as ('derived' | 'addresses')[], tables: o.table });
    const [na, nb] = [inputName(a), inputName(b)];
    if (formatOf(o) === 'json') io.out(jsonText(renderDiffJson(na, nb, changes), 2) + '\n');
    else io.out(renderDiffText(na, nb, changes, colourFor(io, o)));
    exit.code = changes.length ? 1 : 0;
  });
}
