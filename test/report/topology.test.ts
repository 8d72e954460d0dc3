// The report's #topology (issue 28 §2): the PPTT summary counts clusters as Linux finds them, the
// GICC grid is laid out in columns on a many-CPU server, and one row per CPU joins what the tables say
// of it.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES, cli, tmp } from '../helpers.js';
import { readTables } from '../../src/io/read.js';
import { allEntries } from '../../src/model/tableset.js';
import { encodeTable, type AcpiTable } from '../../src/tables/registry.js';
import { make, type Node } from '../../src/layout/codec.js';
import { PPTT_LEAF, PPTT_PHYSICAL_PACKAGE, PPTT_PROCESSOR, ppttProcessor } from '../../src/tables/pptt.js';

const SERVER = join(SAMPLES, 'server-128cpu', 'acpidump.txt');

/** The sample's tables as binary files, one of them replaced. */
function withTable(sig: string, edit: (t: AcpiTable) => AcpiTable): string {
  const dir = join(tmp('topology-'), 't');
  mkdirSync(dir);
  for (const e of allEntries(readTables(SERVER).set))
    writeFileSync(join(dir, `${e.table.signature.toLowerCase()}.dat`), e.table.signature === sig ? encodeTable(edit(e.table)) : e.bytes);
  return dir;
}

async function report(input: string): Promise<string> {
  const out = join(tmp('topology-r-'), 'r.html');
  const r = await cli('report', input, '-o', out);
  expect(r.code, r.err).toBe(0);
  return readFileSync(out, 'utf8');
}

const topology = (html: string) => html.slice(html.indexOf('<section id="topology"'), html.indexOf('<section id="findings"'));

describe('#topology', () => {
  it('counts clusters as Linux does: an Altra-shaped PPTT (a level above the packages, one node above each CPU) has one per CPU', async () => {
    // the sample's two packages of 64 CPUs, put under one node of their own (no flags), each CPU
    // under a node of its own holding nothing else (an Ampere Altra's shape: Linux's cluster of a
    // CPU is its parent, find_acpi_cpu_topology_cluster())
    const dir = withTable('PPTT', (t) => {
      const key = (i: number) => 0x2000_0000 + i;
      const top = { ...make(ppttProcessor, { type: PPTT_PROCESSOR, flags: 0, parent: 0, acpi_processor_id: 0 }), at: key(0) } as Node;
      const items: Node[] = [top];
      let k = 1;
      for (const n of t.items!) {
        const flags = Number(n.fields.flags);
        if (n.fields.type !== PPTT_PROCESSOR) items.push(n);
        else if (flags & PPTT_PHYSICAL_PACKAGE) items.push({ ...n, fields: { ...n.fields, parent: top.at! } });
        else if (flags & PPTT_LEAF) {
          const mid = {
            ...make(ppttProcessor, { type: PPTT_PROCESSOR, flags: 0, parent: Number(n.fields.parent), acpi_processor_id: 0 }),
            at: key(k++),
          } as Node;
          items.push(mid, { ...n, fields: { ...n.fields, parent: mid.at! } });
        } else items.push(n);
      }
      return { ...t, items };
    });
    const summary = await cli('dump', dir, '--summary');
    expect(summary.out).toMatch(/PPTT .*2 package\(s\), 128 cluster\(s\), 128 core\(s\), 1 other level\(s\)/);
    const html = topology(await report(dir));
    expect(html).toContain('PPTT: 2 package(s), 128 cluster(s), 128 core(s), 1 other level(s)');
    expect(html.match(/<div class="box cluster">/g)).toHaveLength(128);
    expect(html.match(/<div class="box group">/g)).toHaveLength(1);
  });

  it('the sample server: its CPUs directly under their packages make no cluster of their own (Linux takes the package)', async () => {
    const html = topology(await report(SERVER));
    expect(html).toContain('PPTT: 2 package(s), 0 cluster(s), 128 core(s)');
  });

  it("lays a server's GICC grid out in columns: 128 CPUs of one Aff0 each are blocks of 16 rows side by side, not one column of 128", async () => {
    const html = topology(await report(SERVER));
    const svg = /<svg class="cpu-grid"[^>]* width="(\d+)" height="(\d+)"[\s\S]*?<\/svg>/.exec(html)!;
    const cells = [...svg[0].matchAll(/<rect x="(\d+)" y="(\d+)"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(cells).toHaveLength(128);
    expect(new Set(cells.map((c) => c.y)).size).toBe(16);
    expect(new Set(cells.map((c) => c.x)).size).toBe(8);
    expect(Number(svg[1])).toBeLessThanOrEqual(1100);
    expect(Number(svg[2])).toBeLessThan(400);
    // each block names its rows: every CPU's row is labelled
    expect(svg[0].match(/text-anchor="end">0\.0\.\d+</g)).toHaveLength(128);
  });

  it('one row per CPU joins what the tables say of it: MPIDR (MADT), place and caches (PPTT), node (SRAT), each linked to its item', async () => {
    const html = topology(await report(SERVER));
    const table = /<table class="grid per-cpu">[\s\S]*?<\/table>/.exec(html)![0];
    expect(table).toMatch(
      /<tr><th scope="col">UID<\/th><th scope="col">MPIDR<\/th><th scope="col">GICC<\/th><th scope="col">PPTT place<\/th><th scope="col">caches<\/th><th scope="col">SRAT node<\/th><\/tr>/,
    );
    expect(table.match(/<tr data-uid=/g)).toHaveLength(128);
    const row = /<tr data-uid="70">(.*?)<\/tr>/.exec(table)![1];
    const cells = [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
    // the second socket's seventh CPU: MPIDR Aff1 70 (the sample's layout), under package 1, node 1
    expect(cells).toEqual(['70', '0x4600', 'enabled', 'Package / CPU 70', '1 MiB unified → 32 MiB unified', '1']);
    expect([...row.matchAll(/<a href="#(s0-t\d+-L\d+)">/g)]).toHaveLength(3); // MADT, PPTT and SRAT items
  });
});
