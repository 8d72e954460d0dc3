// docs/checks.md, generated from the catalogue (npm run docs; a test keeps the file in step).
import { CODES, severityOf } from './catalog.js';
import { consumerText } from '../model/rules.js';

const GROUPS: [string, (code: string) => boolean][] = [
  ['Reading and decoding', (c) => /^(INPUT|IMAGE|DECODE)_/.test(c)],
  ['Structure (always)', (c) => !/^(INPUT|IMAGE|DECODE|DOM0|XEN_HOST)_/.test(c)],
  ['Xen dom0 consumer rules (--dom0)', (c) => c.startsWith('DOM0_')],
  ['Xen host rules (--xen-host [VERSION])', (c) => c.startsWith('XEN_HOST_')],
];

export function checksMarkdown(): string {
  let out = `# check findings

Every code \`dom0-acpi check\` reports, with who reads those bytes and what each consumer does with
them — which Linux, Xen, ACPICA (or this tool, for what it cannot read), its versions, the effect and
where in its source. The severity follows from the effects, never from taste: **error** when a named
consumer fails (panics, hangs, disables ACPI, loses a CPU or a function such as PCI MSIs), **warning**
when it logs, works around, ignores or skips, **info** when only the spec is broken, or when the
bytes are right and the consumer does not support what they describe (a limit of that consumer or
of its default build, such as a default Xen's 128 CPUs). \`--format json\`
carries the consumers of every finding. Codes are stable: CI configurations may match on them.
\`--fail-on\` (default \`error\`) decides which severities make the exit code 1. Paths use the
same vocabulary as \`dump --json\` (\`APIC.gicc[3].flags\`); offsets are
byte offsets inside the table (or inside the memory image, dom0.dtb or acpi.img for the image and
boot-chain codes). The codes marked *(no offset)* are about the input as a whole — a table the set
lacks, an empty input, an option — and carry no offset; every other finding does (a test holds
every code to this).

In \`check\`, malformed tables are findings (exit 1), not trouble: exit 2 is kept for inputs that
cannot be read at all (a missing path), bad options and refused output.

**Host set or dom0 set.** With \`--dom0\`, a build output folder and any set with an STAO (only a
hypervisor makes one) are checked as what dom0 sees. Any other set is a host's, which \`build\`
rewrites before dom0 sees it: a finding the build fixes (the codes with an entry under "on a host
set") is then reported as \`info\` with "the build fixes this", and the rest as usual — they are
what dom0 inherits unchanged (GTDT, SPCR, DSDT, IORT, …). \`--dom0\` never hides or lowers a
finding about the host itself.

**Xen on the host.** With \`--xen-host [VERSION]\` (4.17 to 4.22; the newest when no version is
given), a host set is also judged as that Xen release's own boot code judges it: the \`XEN_HOST_*\`
codes, each naming the releases it holds for (a code that does not hold for the release asked for
is not reported). docs/xen-host.md maps them to the 42 conditions read from Xen's source, and says
which conditions no table can show. On a dom0 set \`--xen-host\` reports only
\`XEN_HOST_NOT_HOST\`: Xen boots from the host's tables, not from what it gives dom0.

This file is generated from \`src/check/catalog.ts\` by \`npm run docs\`.
`;
  for (const [title, f] of GROUPS) {
    const dom0 = title.includes('--dom0');
    out +=
      `\n## ${title}\n\n| code | severity | what it means | who reads it, and what it does ` +
      `|${dom0 ? ' on a host set |' : ''}\n|---|---|---|---|${dom0 ? '---|' : ''}\n`;
    for (const [c, i] of Object.entries(CODES)) {
      if (!f(c)) continue;
      const who = i.consumers.map((x) => consumerText(x).replace(/\|/g, '\\|')).join('<br>');
      out += `| \`${c}\` | ${severityOf(c)} | ${i.summary.replace(/\|/g, '\\|')}${i.whole ? ' *(no offset)*' : ''} | ${who} |`;
      out += dom0 ? ` ${i.buildFixes ? `info: ${i.buildFixes.replace(/\|/g, '\\|')}` : ''} |\n` : '\n';
    }
  }
  return out;
}
