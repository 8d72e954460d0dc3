// dom0-acpi convert INPUT --to text|binaries|image -o OUT: any input to any output form.
import type { Command } from 'commander';
import { Option } from 'commander';
import { allEntries, tableFileNames } from '../../src/model/tableset.js';
import { formatAcpidumpSet } from '../../src/io/acpidump.js';
import { writeImage } from '../../src/io/image.js';
import { writeFileAtomic, writeFolderAtomic } from '../../src/io/output.js';
import { hex } from '../../src/layout/diagnostics.js';
import { runPasses } from '../../src/rewrite/pipeline.js';
import { refusing, type Io, report, outputOptions, writeOut } from '../io.js';

/** where an image of a set without addresses starts unless --out-base says otherwise */
const RELOCATE_BASE = 0x80000000n;
import { addInputOptions, loadSet, parseAddress, inputName, type InputOpts } from '../input.js';
import { shown } from '../../src/render/escape.js';

interface ConvertOpts extends InputOpts {
  to: 'text' | 'binaries' | 'image';
  output: string;
  outBase?: string;
  force?: boolean;
}

export function registerConvert(program: Command, io: Io): void {
  addInputOptions(
    program
      .command('convert')
      .description('write the input as acpidump text, a folder of binary tables, or a memory image')
      .argument('<input>', 'any input form')
      .addOption(new Option('--to <form>', 'output form').choices(['text', 'binaries', 'image']).makeOptionMandatory())
      .requiredOption('-o, --output <path>', 'output file (text, image; - for standard output) or folder (binaries)')
      .option('--out-base <addr>', 'physical address of the first byte of an output image (default: lowest table address, page-aligned)')
      .option('--force', 'replace a previous output of dom0-acpi at that path (and nothing else)'),
  ).action((input: string, o: ConvertOpts) => {
    const set = loadSet(input, o, io);
    const wo = outputOptions(io, o, input, set.origin);
    if (o.to === 'text') {
      const text = formatAcpidumpSet(set);
      writeOut(io, o.output, text, () => writeFileAtomic(o.output, text, wo));
    } else if (o.to === 'binaries') {
      const names = tableFileNames(set);
      writeFolderAtomic(o.output, new Map(allEntries(set).map((e) => [names.get(e)!, e.bytes] as const)), wo);
    } else {
      const outBase = o.outBase === undefined ? undefined : parseAddress(o.outBase, '--out-base');
      const placed = allEntries(set).every((e) => e.address !== undefined) && set.rsdp !== undefined;
      let image: Uint8Array;
      let base: bigint;
      let rsdp: bigint;
      if (placed) {
        ({ image, base } = writeImage(set, outBase));
        rsdp = set.rsdp!.address!;
      } else {
        // no addresses: lay every table out from --out-base, with an XSDT and RSDP pointing at them
        base = outBase ?? RELOCATE_BASE;
        const r = refusing(inputName(input), () => runPasses(set, ['xsdt', 'rsdp'], { relocate: 'all', base, mem: [] }));
        image = r.image;
        rsdp = r.set.addresses!.get('RSDP')!;
        report(io, 'note', `the input has no table addresses; every table was placed from ${hex(base)} with a new XSDT and RSDP`);
      }
      const said = `image: ${image.length} bytes at ${hex(base, 16)}; RSDP at ${hex(rsdp, 16)} (read it back with --image-base ${hex(base)})`;
      writeOut(io, o.output, image, () => writeFileAtomic(o.output, image, wo));
      // the image itself is standard output with -o -: what it is goes to stderr
      if (o.output === '-') report(io, 'note', said);
      else io.out(`${shown(said)}\n`);
    }
    if (o.output !== '-') io.out(shown(`${allEntries(set).length} table(s) written to ${o.output}`) + '\n');
  });
}
