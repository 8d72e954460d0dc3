// Hostile inputs at scale (issue 27 §3; fuzz/hostile.ts): each command on each, run as the installed
// command in a process of its own (a user's stack, not the test runner's), must keep the contract
// (fuzz/contract.ts checkInstalled: exit 0/1/2, no internal error, input unchanged, within its 10 s)
// and give what the input calls for, whole. Before the fix these overflowed the stack (an internal
// error, exit 70) or ran for 12-60 s; nothing here measures time beyond the contract's limit.
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTILE, type HostileFiles } from '../../fuzz/hostile.js';
import { checkInstalled } from '../../fuzz/contract.js';
import { readTables } from '../../src/io/read.js';
import { findTable } from '../../src/model/tableset.js';
import { fieldsOf, type Node } from '../../src/layout/codec.js';
import { idMapping, mappingsOf, IORT_ROOT_COMPLEX } from '../../src/tables/iort.js';
import { BUILT, tmp } from '../helpers.js';

type Run = { code: number; out: string; err: string };

const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;
/** Whether a long text holds `what`, said without printing the text (a report is megabytes). */
const holds = (text: string, what: string | RegExp) => expect(typeof what === 'string' ? text.includes(what) : what.test(text), `holds ${what}`).toBe(true);
const html = (f: HostileFiles) => readFileSync(f.out, 'utf8');
/** dom0's IORT as a build wrote it. */
const dom0Iort = (f: HostileFiles) => findTable(readTables(f.out).set, 'IORT')!.table;
const rcMappings = (f: HostileFiles) =>
  dom0Iort(f)
    .items!.filter((n: Node) => n.fields.type === IORT_ROOT_COMPLEX)
    .map((n) => mappingsOf(n).map((m) => fieldsOf(idMapping, m)));

/** What each command on each input must give, beyond the contract. */
const EXPECT: Record<string, (r: Run, f: HostileFiles) => void> = {
  'MADT of 130,000 two-byte subtables: dump': (r) => {
    expect(r.code).toBe(0);
    expect(count(r.out, /Subtable Type : 80 \[Unknown Subtable Type\]/g)).toBe(130_000);
  },
  'MADT of 130,000 two-byte subtables: dump --json': (r) => {
    expect(r.code).toBe(0);
    const paths = (JSON.parse(r.out) as { tables: { fields: { path: string }[] }[] }).tables[0].fields.map((x) => x.path);
    expect(paths.at(-1)).toBe('APIC.type_0x80[129999].length');
  },
  'MADT of 130,000 two-byte subtables: report': (r, f) => {
    expect(r.code).toBe(0);
    expect(count(html(f), /Subtable Type : 80 \[Unknown Subtable Type\]/g)).toBe(130_000);
  },
  'MADT of 130,000 two-byte subtables: check --dom0': (r) => expect(r.out).toMatch(/15 table\(s\), 0 error\(s\)/),
  'MADT of 130,000 two-byte subtables: diff': (r) => {
    expect(r.code).toBe(0);
    holds(r.out, 'no differences');
  },
  'MADT of 130,000 two-byte subtables: build --no-report': (r, f) => {
    expect(r.code).toBe(0);
    expect(existsSync(join(f.out, 'manifest.json'))).toBe(true);
  },
  'MADT of 40,000 nested GICR regions: check': (r) => {
    expect(r.code).toBe(0);
    holds(r.out, '15 table(s), 0 error(s), 0 warning(s), 0 info');
  },
  'MADT of 40,000 nested GICR regions: report': (r, f) => {
    expect(r.code).toBe(0);
    // each of the 40,000 a band of the address map (the sample's own two are one band, "APIC.gicr[] ×2")
    expect(count(html(f), /aria-label="APIC\.gicr\[\d+\] \(GICR region\)/g)).toBe(40_000);
  },
  'MADT of 4,000 nested GICR regions and 4,000 MSI frames inside them: check': (r) => {
    expect(r.code).toBe(0);
    // each frame lies in all 4,000 GICR regions: reported against the first three, the rest counted
    holds(r.out, '15 table(s), 0 error(s), 0 warning(s), 12000 info');
    expect(r.out).toMatch(
      /^info REGION_OVERLAP: .*APIC\.msi_frame\[3999\] \(GICv2m frame\) at 0x20000000F9F0-0x2000000109F0 overlaps APIC\.gicr\[4\] \(GICR region\) at 0x200000000000-0x200000030000; … and 3997 more regions overlap it \(not listed\) \[APIC\.msi_frame\[3999\]\]$/m,
    );
  },
  'MADT of 4,000 nested GICR regions and 4,000 MSI frames inside them: report': (r, f) => {
    expect(r.code).toBe(0);
    const page = html(f);
    // the map's overlaps are check's (issue 28 §2): its 12,000 REGION_OVERLAP findings, the first 50 listed
    holds(page, '<b>12000 overlap(s)</b> as <code>check</code> finds them (hatched)');
    expect(count(page, /<ul class="overlaps"><li>/g)).toBe(1);
    expect(count(page, /<li><span class="sev sev-info">info<\/span> <code>REGION_OVERLAP<\/code>/g)).toBe(50);
    holds(page, '<li>… and 11950 more (under Findings)</li>');
    // hatched: the 4,000 frames the findings are at, and the three GICR regions check names with them
    expect(count(page, /aria-label="[^"]*; overlaps another region"/g)).toBe(4003);
  },
  'PPTT parent chain 3,000 deep: check': (r) => {
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^error PPTT_DEPTH: .*: 1 CPU leaf node\(s\) more than 255 levels below their package \(PPTT\.processor\[2999\] .*: 2999 levels\)/m);
    expect(r.out).toMatch(/1 error\(s\), 0 warning\(s\)/);
  },
  'PPTT parent chain 3,000 deep: report': (r, f) => {
    expect(r.code).toBe(0);
    const page = html(f);
    // the tree nests 64 levels and lists the rest; the finding links to its field
    holds(page, '2936 node(s) deeper than the first 64 levels, not drawn');
    // package 0 and the chain's first 63 nodes (64 levels), package 0's 63 other CPUs, package 1 and its 64
    expect(count(page, /<div class="box /g)).toBe(64 + 63 + 65);
    holds(page, 'data-finding="PPTT_DEPTH"');
  },
  'PPTT parent chain 3,000 deep: diff': (r) => {
    expect(r.code).toBe(0);
    holds(r.out, 'no differences');
  },
  'PPTT parent chain 3,000 deep: build': (r, f) => {
    expect(r.code).toBe(0);
    holds(html({ ...f, out: join(f.out, 'report.html') }), 'data-finding="PPTT_DEPTH"');
  },
  'IORT of 9,000 ID mappings: report': (r, f) => {
    expect(r.code).toBe(0);
    const page = html(f);
    // five nodes (an ITS group, an SMMU, three root complexes), each pair's 3,000 mappings one edge
    expect(count(page, / data-iort-node="/g)).toBe(5);
    expect(count(page, />\+ 2997 more \(3000 in all\)<\/text>/g)).toBe(3);
    expect(count(page, /<path class="edge"/g)).toBe(4);
  },
  'IORT of 9,000 ID mappings: check': (r) => expect(r.code).toBe(0),
  'IORT of 3,000 ID mappings: build': (r, f) => {
    expect(r.code).toBe(0);
    holds(html({ ...f, out: join(f.out, 'report.html') }), '>+ 2997 more (3000 in all)</text>');
  },
  'IORT of 3,000 ID mappings: build --hide-smmu': (r, f) => {
    expect(r.code).toBe(0);
    // IDs 0-2999, each through the SMMU to the same ID at the ITS group: one mapping straight there
    expect(rcMappings(f)).toEqual([[expect.objectContaining({ input_base: 0, id_count: 2999, output_base: 0 })]]);
  },
  'IORT chain of 4,000 SMMUs: check': (r) => {
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^error IORT_SMMU_CHAIN: .*IORT\.smmu_v3\[0\] maps IDs into IORT\.smmu_v3\[1\]: 3999 SMMU node\(s\) lead into another SMMU, up to 4000 SMMUs in series/m,
    );
    expect(r.out).toMatch(/1 error\(s\), 0 warning\(s\)/);
  },
  'IORT chain of 4,000 SMMUs: report': (r, f) => {
    expect(r.code).toBe(0);
    expect(count(html(f), / data-iort-node="/g)).toBe(4002);
  },
  'IORT chain of 4,000 SMMUs: build --hide-smmu': (r, f) => {
    expect(r.code).toBe(0);
    // every ID through 4,000 SMMUs, unchanged, to the ITS group: the root complex maps straight there
    expect(dom0Iort(f).items!.length).toBe(2);
    expect(rcMappings(f)).toEqual([[expect.objectContaining({ input_base: 0, id_count: 0xffff, output_base: 0 })]]);
  },
  'IORT SMMU mapping 0xFFFFFFFF IDs into itself, one up: check': (r) => {
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^error IORT_MAPPING_CYCLE: .*ID 0x0 goes round IORT\.smmu_v3\[0\] → IORT\.smmu_v3\[0\] and comes back as ID 0x1: Linux's walk goes round again, until the ID leaves the mappings \[IORT\.smmu_v3\[0\]\.mapping\[0\]\.output_reference\]$/m,
    );
    expect(count(r.out, /^error IORT_MAPPING_CYCLE: /gm)).toBe(1);
  },
  'IORT SMMU mapping 0xFFFFFFFF IDs into itself, one up: report': (r, f) => {
    expect(r.code).toBe(0);
    holds(html(f), 'data-finding="IORT_MAPPING_CYCLE"');
  },
  'IORT SMMU mapping 0xFFFFFFFF IDs into itself, one up: build': (r, f) => {
    expect(r.code).toBe(0);
    holds(html({ ...f, out: join(f.out, 'report.html') }), 'data-finding="IORT_MAPPING_CYCLE"');
  },
  'IORT of 400 ranges onto 400 one-ID SMMU mappings: build --hide-smmu': (r, f) => {
    // composed, the root complex would need 160,000 mappings (3.2 MB, its 16-bit length wrapped before)
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /--hide-smmu: the Root Complex node at offset 0x[0-9A-F]+ would need more than 3274 ID mappings straight to the ITS groups \(its ranges split where the SMMUs split them\), and its 16-bit length holds no more: it cannot be composed\n$/,
    );
    expect(existsSync(f.out)).toBe(false);
  },
  'ELF core of 10,000 segments: report': (r, f) => {
    expect(r.code).toBe(0);
    expect(count(html(f), /memory the capture holds: /g)).toBe(10_000);
  },
  'ELF core of 10,000 segments: dump': (r) => {
    expect(r.code).toBe(0);
    holds(r.out, /^IORT /m);
  },
  'check baseline of 60,000 repeated entries: check --baseline': (r) => {
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^info \(in the baseline\) DOM0_PSCI_HVC: /m);
    expect(r.err).toBe('');
  },
};

describe.skipIf(!BUILT)('hostile inputs at scale (issue 27 §3): the installed command keeps the contract and gives the whole answer', () => {
  it('every command of every hostile case has its expectation, and every expectation a command', () => {
    const runs = HOSTILE.flatMap((h) => Object.keys(h.commands).map((c) => `${h.name}: ${c}`));
    expect(runs.sort()).toEqual(Object.keys(EXPECT).sort());
  });

  for (const h of HOSTILE) {
    describe(`${h.name} (${h.item})`, () => {
      let dir: string;
      let files: Omit<HostileFiles, 'out'>;
      beforeAll(() => {
        dir = tmp('hostile-');
        files = h.write(dir);
      });
      it.each(Object.keys(h.commands))(
        '%s',
        (cmd) => {
          const f = { ...files, out: join(dir, `out-${cmd.replace(/\W+/g, '-')}`) };
          const r = checkInstalled(
            h.commands[cmd](f),
            [f.input, f.baseline].filter((p) => p !== undefined),
          );
          EXPECT[`${h.name}: ${cmd}`](r, f);
        },
        120_000,
      );
    });
  }
});
