// dom0-acpi build INPUT -o DIR: the dom0 table set, EFI tables and device tree (SPEC §4).
import type { Command } from 'commander';
import { Option } from 'commander';
import { buildDom0 } from '../../src/rewrite/build.js';
import { writeBuildOutput, builtSet, REPORT } from '../../src/io/build-output.js';
import { makeReport } from '../../src/report.js';
import { VERSION } from '../version.js';
import { type BuildOptions, type Range, DEFAULTS } from '../../src/rewrite/types.js';
import { PASSES } from '../../src/rewrite/pipeline.js';
import { hex, formatFinding } from '../../src/layout/diagnostics.js';
import { CliError, refusing, type Io, report, outputOptions } from '../io.js';
import { checkOptions } from '../../src/rewrite/options.js';
import { addFormatOption, formatOf, type FormatOpts } from '../format.js';
import { addInputOptions, loadSet, parseAddress, collect, inputName, type InputOpts } from '../input.js';
import { jsonText, shown } from '../../src/render/escape.js';

/** The --format choices, the first the default (the options' type follows from it). */
const FORMATS = ['text', 'json'] as const;

interface BuildCliOpts extends InputOpts, FormatOpts<(typeof FORMATS)[number]> {
  output: string;
  vcpus?: string;
  hostMpidrs?: boolean;
  profile: 'design' | 'xen';
  base?: string;
  mem?: string[];
  acpiRegion?: string[];
  bootargs?: string;
  initrd?: string;
  staoPath?: string[];
  xenVersion: string;
  its?: boolean;
  hideSmmu?: boolean;
  hideDevice?: string[];
  relocate: 'none' | 'all';
  skip?: string[];
  only?: string[];
  force?: boolean;
  report: boolean;
}

/** BASE:SIZE (what may be given is checked with the other options, by checkOptions). */
export function parseRange(s: string, what: string): Range {
  const m = /^([^:]+):([^:]+)$/.exec(s);
  if (!m) throw new CliError(`${what}: "${s}" is not BASE:SIZE`);
  return { base: parseAddress(m[1], what), size: parseAddress(m[2], what) };
}

/** Each build option as its flag, for refusals. */
const FLAGS: Record<keyof BuildOptions, string> = {
  profile: '--profile',
  vcpus: '--vcpus',
  hostMpidrs: '--host-mpidrs',
  base: '--base',
  mem: '--mem',
  acpiRegions: '--acpi-region',
  bootargs: '--bootargs',
  initrd: '--initrd',
  staoPaths: '--stao-path',
  xenVersion: '--xen-version',
  its: '--its',
  hideSmmu: '--hide-smmu',
  hideDevices: '--hide-device',
  relocate: '--relocate',
  skip: '--skip',
  only: '--only',
};

export function buildOptions(o: BuildCliOpts): BuildOptions {
  let vcpus: number | undefined;
  if (o.vcpus !== undefined) {
    if (!/^\d+$/.test(o.vcpus)) throw new CliError(`--vcpus: "${o.vcpus}" is not a number`);
    vcpus = Number(o.vcpus);
  }
  const initrd = o.initrd === undefined ? undefined : parseRange(o.initrd, '--initrd');
  const base = o.base === undefined ? undefined : parseAddress(o.base, '--base');
  const opts: BuildOptions = {
    profile: o.profile,
    vcpus,
    hostMpidrs: Boolean(o.hostMpidrs),
    base,
    mem: o.mem?.length ? o.mem.map((m) => parseRange(m, '--mem')) : undefined,
    acpiRegions: o.acpiRegion?.length ? o.acpiRegion.map((m) => parseRange(m, '--acpi-region')) : undefined,
    bootargs: o.bootargs,
    initrd: initrd && { start: initrd.base, size: initrd.size },
    staoPaths: o.staoPath ?? [],
    xenVersion: o.xenVersion,
    its: Boolean(o.its),
    hideSmmu: Boolean(o.hideSmmu),
    hideDevices: o.hideDevice ?? [],
    relocate: o.relocate,
    skip: o.skip ?? [],
    only: o.only,
  };
  // the library's own check, naming flags: refused before the input is read
  refusing('', () => checkOptions(opts, (field) => FLAGS[field]));
  return opts;
}

export function registerBuild(program: Command, io: Io): void {
  addInputOptions(
    addFormatOption(
      program
        .command('build')
        .description('build the dom0 ACPI table set, EFI system table and memory map, and minimal device tree')
        .argument('<input>', 'host firmware tables (acpidump text, a memory image or an ELF core; binaries with --relocate all)')
        .requiredOption('-o, --output <dir>', 'output folder: new, empty, or a previous output of dom0-acpi with --force')
        .option('--vcpus <n>', 'dom0 vCPUs (default: the enabled host GICCs, at most 128; 8 on GICv2)')
        .option('--host-mpidrs', 'design profile: keep the host MPIDRs in the GICCs (for a hypervisor that gives dom0 the host MPIDRs; not Xen)')
        .addOption(
          new Option('--profile <name>', 'design: what this tool recommends; xen: what Xen 4.17-4.21 itself builds')
            .choices(['design', 'xen'])
            .default('design'),
        )
        .option('--base <addr>', 'guest-physical address of the new region (default: the top of the lowest free piece of dom0 RAM, derived or given)')
        .option(
          '--mem <base:size>',
          'a dom0 RAM bank for the EFI memory map (repeatable; default: the host RAM the SRAT or capture describes, less what its tables ' +
            'use; 0x40000000:0x20000000 when none)',
          collect,
        )
        .option('--acpi-region <base:size>', 'a host ACPI region for the EFI memory map (repeatable; default: page spans of the reused tables)', collect)
        .option('--bootargs <str>', '/chosen/bootargs')
        .option('--initrd <start:size>', '/chosen/linux,initrd-start and -end (end exclusive)')
        .option('--stao-path <path>', 'an ACPI namespace path for the STAO name list (repeatable; design profile)', collect)
        .option('--xen-version <ver>', 'version in the /hypervisor compatible string', DEFAULTS.xenVersion)
        .option('--its', 'copy the host ITS entries into the xen-profile MADT (Xen built with HAS_ITS)')
        .option(
          '--hide-smmu',
          "design profile: leave the SMMUs the hypervisor drives out of dom0's IORT, each device's ID mappings composed straight to its ITS groups",
        )
        .option(
          '--hide-device <path>',
          "design profile: a device of the DSDT/SSDTs the hypervisor owns (\\_SB.XXXX), made absent in dom0's: its _STA returns Zero (repeatable)",
          collect,
        )
        .addOption(new Option('--relocate <mode>', 'all: place every table, reused ones too, in the new region').choices(['none', 'all']).default('none'))
        .option('--skip <pass>', `leave a pass out (repeatable): ${Object.keys(PASSES).join(', ')}`, collect)
        .option('--only <pass>', 'run only these passes (repeatable)', collect)
        .option('--force', 'replace a previous output of dom0-acpi in that folder (and nothing else)')
        .option('--no-report', 'leave report.html out (it costs a few hundred ms: docs/report.md)'),
      FORMATS,
    ),
  ).action(async (input: string, o: BuildCliOpts) => {
    const opts = buildOptions(o);
    const host = loadSet(input, o, io);
    const out = refusing(inputName(input), () => buildDom0(host, opts));
    // the report: the host beside the dom0 set, checked as check and check --dom0 would, and their
    // diff; named by what they are, not where they are (identical inputs, identical outputs)
    const html = o.report
      ? await makeReport(
          [
            { name: inputName(input), set: host, read: [] },
            { name: 'the dom0 set', set: builtSet('', out), read: [], dom0: true },
          ],
          { checked: `check (the host), check --dom0 (the dom0 set)`, tool: `dom0-acpi ${VERSION}` },
        )
      : undefined;
    writeBuildOutput(o.output, out, outputOptions(io, o, input, host.origin), html);
    for (const w of out.warnings) report(io, w.severity === 'info' ? 'note' : 'warning', `${formatFinding(w)} [${w.code}]`);
    if (formatOf(o) === 'json') {
      io.out(jsonText(out.manifest, 2) + '\n');
      return;
    }
    io.out(summary(inputName(input), o.output, opts, out, html !== undefined));
  });
}

function summary(input: string, dir: string, opts: BuildOptions, out: ReturnType<typeof buildDom0>, report: boolean): string {
  const m = out.manifest;
  const by = (o: string) => m.tables.filter((t) => t.origin === o).map((t) => `${t.signature}@${t.address}`);
  const lines = [
    `dom0 ACPI set (${opts.profile} profile) from ${input} → ${dir}/`,
    `  region    ${hex(out.region.base)}-${hex(out.region.base + out.region.size)} (${out.region.size / 4096n} page(s)) in acpi.img`,
    `  new       ${by('new').join(' ')}`,
  ];
  if (by('relocated').length) lines.push(`  relocated ${by('relocated').join(' ')}`);
  if (by('reused').length) lines.push(`  reused    ${by('reused').join(' ')}`);
  lines.push(`  vCPUs     ${m.options.vcpus}`);
  const mem = m.memory;
  const banks = m.options.mem;
  const banksText =
    banks
      .slice(0, 4)
      .map((b) => `${b.base}+${b.size}`)
      .join(' ') + (banks.length > 4 ? ` … (${banks.length} banks)` : '');
  if (mem.source === 'defaults' && (mem.base_derived || mem.mem_derived)) {
    lines.push(`  RAM       ${banksText} (defaults: the input describes no memory; give --mem and --base for this host)`);
  } else if (mem.source === 'options') {
    lines.push(`  RAM       ${banksText} (given with --mem${mem.base_derived ? '; the region at the top of its lowest piece clear of the host' : ''})`);
  } else {
    const how = [mem.base_derived ? 'region' : '', mem.mem_derived ? 'RAM banks' : ''].filter(Boolean).join(' and ');
    lines.push(
      `  RAM       ${banksText}` +
        `${how ? ` (${how} derived from the ${mem.source === 'image' ? 'memory image' : mem.source}, clear of everything the host tables describe)` : ''}`,
    );
  }
  if (m.efi)
    lines.push(
      `  EFI       system table @ ${m.efi.system_table.address}, memory map @ ${m.efi.memory_map.address} (${m.efi.memory_map.entries.length} entries)`,
    );
  if (m.dt) lines.push(`  DT        dom0.dtb (${m.dt.size} bytes)`);
  if (report) lines.push(`  report    ${REPORT} (the host beside the dom0 set)`);
  const warned = out.warnings.filter((w) => w.severity !== 'info').length;
  const noted = out.warnings.length - warned;
  if (out.warnings.length) lines.push(`  ${[warned ? `${warned} warning(s)` : '', noted ? `${noted} note(s)` : ''].filter(Boolean).join(', ')}, above`);
  return lines.map(shown).join('\n') + '\n';
}
