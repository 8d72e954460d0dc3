// CONTRIBUTING's recipes, followed as written in a scratch copy of src/ and cli/: "Adding a table"
// (one declaration file and two registry lines) with "Adding a check code" (a rule in that file),
// "Adding a pass" (one file, added to PASSES and a profile) and "Adding an output format" (a
// renderer, a choice, the line that prints it). The copy is type-checked and
// compiled; the new table is read, dumped, checked and written back through the generic code, and
// the new pass runs in its place in a build, its change log derived. The tree is not touched.
import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, tmp } from './helpers.js';

/** Step 1: the declaration, as the recipe shapes it (AGDI: Arm DEN 0093, which iasl 20200925 does
 * not know; 48 bytes). Its rule reports a code with its consumer (step "Adding a check code"). */
const AGDI = `// AGDI, Arm DEN 0093 1.0 (Arm Generic Diagnostic Dump and Reset Interface): the SDEI event or
// the interrupt (GSIV) through which the OS asks the firmware for a diagnostic dump and reset.
import { layout, u8, u32, bytes } from '../layout/schema.js';
import { fieldsOf, tablePath } from '../layout/codec.js';
import { type TableDef, rule, spec, table } from '../model/rules.js';
import { headerField } from './common.js';

const agdiLayout = layout('agdi', [
  headerField(),
  u8('flags', 'Flags', { bits: [{ name: 'signalling_mode', label: 'Signalling Mode', bit: 0 }] }),
  bytes('reserved', 'Reserved', 3),
  u32('sdei_event', 'SDEI Event Number'),
  u32('gsiv', 'GSIV'),
]);
const at = tablePath('AGDI', agdiLayout);

export const agdi = table({
  name: 'AGDI',
  label: 'Arm Generic Diagnostic Dump and Reset Interface',
  minLength: 48,
  layout: agdiLayout,
  rules: [
    rule({
      codes: {
        AGDI_SDEI_EVENT: {
          summary: 'SDEI signalling with SDEI event number 0',
          consumers: [spec('with the SDEI signalling mode the table names the SDEI event to register', 'Arm DEN 0093 1.0, Table 1')],
        },
      },
      run(c) {
        const f = fieldsOf({ layout: agdiLayout }, c.entry.table);
        if ((f.flags & 1) === 0 && f.sdei_event === 0) c.report('AGDI_SDEI_EVENT', at('sdei_event'), 'SDEI signalling, but SDEI event 0');
      },
    }),
  ],
  summary: (e) => {
    const f = fieldsOf({ layout: agdiLayout }, e.table);
    return (f.flags & 1) === 0 ? \`SDEI event \${f.sdei_event}\` : \`GSIV \${f.gsiv}\`;
  },
}) satisfies TableDef;
`;

/** "Adding a pass": dom0 does not get the host's AGDI (the dump-and-reset it signals is for the
 * whole machine: the hypervisor's to ask for). It drops a table, so it comes before xsdt. */
const AGDI_PASS = `// agdi: the host's AGDI left out of dom0's tables: the diagnostic dump and reset it signals
// concerns the whole machine, which is the hypervisor's to ask for.
import type { Pass, PassDef } from './types.js';

const run: Pass = (set) => ({ set: { ...set, tables: set.tables.filter((t) => t.table.signature !== 'AGDI') }, changes: [] });

export const agdiPass: PassDef = { name: 'agdi', stage: 'tables', summary: "the host's AGDI left out of dom0's tables", before: ['xsdt'], run };
`;

/** What the compiled copy is asked: read, dump, check and write back an AGDI through the generic code. */
const PROBE = `
import { readTables } from './src/io/read.js';
import { decodeTable, encodeTable, describeSignature } from './src/tables/registry.js';
import { checkTables } from './src/check/index.js';
import { dumpTableText } from './src/render/text.js';
import { allEntries } from './src/model/tableset.js';
import { checksumOf } from './src/layout/codec.js';
import { buildDom0, type Dom0Output } from './src/rewrite/build.js';
import { run } from './cli/run.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const b = Buffer.alloc(48);
b.write('AGDI', 0, 'latin1');
b.writeUInt32LE(48, 4);
b[8] = 1;
b.write('ARMLTD', 10, 'latin1');
b.writeUInt32LE(0, 40); // SDEI event 0 with SDEI signalling: the rule's fault
b.writeUInt32LE(42, 44);
b[9] = checksumOf(b, 48, 9);
const d = decodeTable(b).table!;
const e = allEntries(readTables(b).set)[0];
console.log(JSON.stringify({
  description: describeSignature('AGDI'),
  fields: d.fields.sdei_event === 0 && d.fields.gsiv === 42,
  roundTrip: Buffer.from(encodeTable(d)).equals(b),
  dump: dumpTableText(e),
  findings: checkTables(readTables(b).set).map((f) => ({ code: f.code, offset: f.offset, severity: f.severity })),
  build: built(b),
  tsv: await tsv(),
}));

/** "Adding an output format": check --format tsv, through the CLI's own runner. */
async function tsv() {
  const out: string[] = [];
  const code = await run(['check', process.argv[2], '--dom0', '--format', 'tsv'], { out: (s) => out.push(s), err: () => {}, tty: false });
  return { code, text: out.join('') };
}

/** A build of a binary folder (the sample's tables, no addresses) with the AGDI beside them. */
function built(agdi: Uint8Array) {
  const dir = mkdtempSync(join(tmpdir(), 'recipe-in-'));
  for (const e of allEntries(readTables(process.argv[2]).set)) if (!['RSDP', 'XSDT'].includes(e.table.signature)) writeFileSync(join(dir, e.table.signature + '.dat'), e.bytes);
  writeFileSync(join(dir, 'AGDI.dat'), agdi);
  const sigs = (o: Dom0Output) => allEntries(o.tables).map((e) => e.table.signature);
  const host = readTables(dir).set;
  const withPass = buildDom0(host, { profile: 'design', relocate: 'all' });
  const without = buildDom0(host, { profile: 'design', relocate: 'all', skip: ['agdi'] });
  const xsdtSigs = (o: Dom0Output) => {
    const at = new Map(allEntries(o.tables).map((e) => [e.address, e.table.signature]));
    return (o.tables.tables.find((e) => e.table.signature === 'XSDT')!.table.items ?? []).map((it) => at.get(it.fields.address as bigint));
  };
  return {
    order: withPass.log.map((l) => l.pass),
    tables: sigs(withPass),
    listed: xsdtSigs(withPass),
    log: withPass.log.find((l) => l.pass === 'agdi')?.changes.map((c) => c.path + ' ' + c.kind),
    withoutTables: sigs(without),
    withoutListed: xsdtSigs(without),
  };
}
`;

describe('CONTRIBUTING recipes, followed in a copy', () => {
  it('Adding a table (one file, two registry lines) with a check code, a pass and an output format: read, dump, check, write back, build, print', () => {
    const dir = tmp('recipe-');
    cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
    cpSync(join(ROOT, 'cli'), join(dir, 'cli'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    // 1. declare it
    writeFileSync(join(dir, 'src', 'tables', 'agdi.ts'), AGDI);
    // 2. register it: an import and a line in the map
    const registry = join(dir, 'src', 'tables', 'registry.ts');
    const text = readFileSync(registry, 'utf8');
    expect(text).toContain("  ['SSDT', ssdt],\n");
    writeFileSync(
      registry,
      text
        .replace("import { dsdt, ssdt } from './aml.js';", "import { dsdt, ssdt } from './aml.js';\nimport { agdi } from './agdi.js';")
        .replace("  ['SSDT', ssdt],\n", "  ['SSDT', ssdt],\n  ['AGDI', agdi],\n"),
    );
    // "Adding a pass": the file, then PASSES and the design profile in pipeline.ts
    writeFileSync(join(dir, 'src', 'rewrite', 'agdi.ts'), AGDI_PASS);
    const pipeline = join(dir, 'src', 'rewrite', 'pipeline.ts');
    const ptext = readFileSync(pipeline, 'utf8');
    expect(ptext).toContain('[fadtPass, gtdtPass, madtPass, staoPass, iortPass, devicesPass, xsdtPass, rsdpPass, efiPass, dtPass, checksumsPass]');
    writeFileSync(
      pipeline,
      ptext
        .replace("import { staoPass } from './stao.js';", "import { staoPass } from './stao.js';\nimport { agdiPass } from './agdi.js';")
        .replace(
          '[fadtPass, gtdtPass, madtPass, staoPass, iortPass, devicesPass, xsdtPass,',
          '[fadtPass, gtdtPass, madtPass, staoPass, iortPass, devicesPass, agdiPass, xsdtPass,',
        )
        .replace("design: ['fadt', 'gtdt', 'madt', 'stao', 'xsdt',", "design: ['fadt', 'gtdt', 'madt', 'stao', 'xsdt', 'agdi',"),
    );
    // "Adding an output format": the renderer in src/render/findings.ts, the choice and the line
    // that prints it in cli/commands/check.ts
    const findings = join(dir, 'src', 'render', 'findings.ts');
    writeFileSync(
      findings,
      readFileSync(findings, 'utf8') +
        "\n/** One line per finding: input, code, severity, table, offset, path, message (tab-separated). */\nexport function renderTsv(reports: InputReport[]): string {\n  return reports.flatMap((r) => r.findings.map((f) => [r.input, f.code, f.severity, f.table, f.offset ?? '', f.path, f.message].join('\\t') + '\\n')).join('');\n}\n",
    );
    const check = join(dir, 'cli', 'commands', 'check.ts');
    const ctext = readFileSync(check, 'utf8');
    expect(ctext).toContain("const FORMATS = ['text', 'json', 'jsonl', 'junit', 'github'] as const;");
    expect(ctext).toContain("else if (format === 'github') io.out(renderGithub([r]));");
    writeFileSync(
      check,
      ctext
        .replace(
          "const FORMATS = ['text', 'json', 'jsonl', 'junit', 'github'] as const;",
          "const FORMATS = ['text', 'json', 'jsonl', 'junit', 'github', 'tsv'] as const;",
        )
        .replace(
          "else if (format === 'github') io.out(renderGithub([r]));",
          "else if (format === 'github') io.out(renderGithub([r]));\n      else if (format === 'tsv') io.out(renderTsv([r]));",
        )
        .replace(/import \{([^}]*)renderGithub([^}]*)\} from '(\.\.\/\.\.\/src\/render\/findings\.js)';/, "import {$1renderGithub, renderTsv$2} from '$3';"),
    );
    writeFileSync(join(dir, 'probe.ts'), PROBE);
    const config = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        ...config,
        compilerOptions: { ...config.compilerOptions, noEmit: false, outDir: 'out', rootDir: '.' },
        include: ['src', 'cli', 'probe.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    writeFileSync(join(dir, 'out', 'package.json'), JSON.stringify({ type: 'module' }));
    const run = spawnSync(process.execPath, [join(dir, 'out', 'probe.js'), join(ROOT, 'samples', 'qemu-virt-gicv3', 'acpidump.txt')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    const got = JSON.parse(run.stdout);
    expect(got.description).toBe('Arm Generic Diagnostic Dump and Reset Interface');
    expect(got.fields).toBe(true);
    expect(got.roundTrip).toBe(true);
    // dump prints the declaration's labels at their offsets, as iasl would
    expect(got.dump).toMatch(/\[028h 0040 \s*4\]\s+SDEI Event Number : 00000000/);
    expect(got.dump).toMatch(/\[02Ch 0044 \s*4\]\s+GSIV : 0000002A/);
    // check runs the table's own rule, at the field's offset; the severity follows from its consumer
    expect(got.findings).toContainEqual({ code: 'AGDI_SDEI_EVENT', offset: 40, severity: 'info' });
    // the pass, listed after xsdt in the profile, runs before it (its declaration says so): dom0's
    // set and XSDT lack the AGDI, and its change log says it was removed
    expect(got.build.order.indexOf('agdi')).toBeLessThan(got.build.order.indexOf('xsdt'));
    expect(got.build.tables).not.toContain('AGDI');
    expect(got.build.listed).not.toContain('AGDI');
    expect(got.build.log).toEqual(['AGDI removed']);
    // the new format: one tab-separated line per finding, exit code as for any format
    expect(got.tsv.code).toBe(0);
    expect(got.tsv.text).toMatch(/^\S+acpidump\.txt\tDOM0_PSCI_HVC\tinfo\tFACP\t129\tFACP\.arm_boot_flags\tPSCI conduit is SMC/m);
    // skipped, the AGDI is dom0's and listed
    expect(got.build.withoutTables).toContain('AGDI');
    expect(got.build.withoutListed).toContain('AGDI');
  });
});
