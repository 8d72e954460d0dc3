// The PCI segment view (src/tables/pci-segments.ts): each segment's ECAM, host bridges and IORT root
// complexes, with the requester IDs composed through the SMMUs to the ITS groups. Its routes are
// held to dom0's IORT that --hide-smmu composes from the same walk: the same ITS group and DeviceID
// for every requester ID, the SMMU left out. And dump --format json carries it.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { buildDom0 } from '../../src/rewrite/build.js';
import { pciSegments as segmentsOf, type PciRoute } from '../../src/tables/pci-segments.js';
import { setAml } from '../../src/aml/set.js';
import type { TableSet } from '../../src/model/tableset.js';

const pciSegments = (set: TableSet) => segmentsOf(set, setAml(set));
import { CORPUS, HAVE_CORPUS, SAMPLES, cli, editTable } from '../helpers.js';
import { diffTables } from '../../src/diff/set.js';
import type { Node } from '../../src/layout/codec.js';

const SERVER = join(SAMPLES, 'server-128cpu', 'acpidump.txt');

/** Where each route sends its requester IDs: ITS group and DeviceID of its first, per first ID. */
const ends = (routes: PciRoute[]) => routes.map((r) => `${r.rids[0]}-${r.rids[1]} → ${r.its?.deviceIds.join('-') ?? 'nowhere'}`);

describe('PCI segments', () => {
  it('the server sample: two segments, each an ECAM, a root complex through its SMMUv3 to its ITS group', () => {
    const segs = pciSegments(readTables(SERVER).set);
    expect(segs.map((s) => s.segment)).toEqual([0, 1]);
    for (const s of segs) {
      expect(s.ecam).toEqual([expect.objectContaining({ path: `MCFG.allocation[${s.segment}]`, startBus: 0, endBus: 255 })]);
      // the sample's DSDT declares no host bridge
      expect(s.bridges).toEqual([]);
      expect(s.rootComplexes).toEqual([
        {
          path: `IORT.root_complex[${s.segment}]`,
          routes: [
            {
              rids: [0, 0xffff],
              smmu: { path: `IORT.smmu_v3[${s.segment}]`, streamIds: [0, 0xffff] },
              its: { path: `IORT.its_group[${s.segment}]`, deviceIds: [s.segment << 16, (s.segment << 16) | 0xffff] },
            },
          ],
        },
      ]);
    }
  });

  it('composes by the walk --hide-smmu composes with: dom0’s IORT sends every requester ID to the same DeviceID', () => {
    const host = readTables(SERVER).set;
    const dom0 = buildDom0(host, { profile: 'design', hideSmmu: true }).tables;
    const [a, b] = [pciSegments(host), pciSegments(dom0)];
    for (const [i, s] of a.entries()) {
      const [was, now] = [s.rootComplexes[0].routes, b[i].rootComplexes[0].routes];
      expect(now.every((r) => r.smmu === undefined)).toBe(true);
      expect(ends(now)).toEqual(ends(was));
    }
  });

  it.skipIf(!HAVE_CORPUS)('QEMU with an SMMUv3: the host bridge and its windows, requester IDs 0-255 through the SMMU, the rest straight to the ITS', () => {
    const [s] = pciSegments(readTables(join(CORPUS, 'qemu-virt-gicv3-ras-smmuv3-smp4', 'acpidump.txt')).set);
    expect(s.bridges).toEqual([
      {
        path: 'DSDT.\\_SB.PCI0',
        startBus: 0,
        endBus: 255,
        windows: [
          { base: 0x10000000n, size: 0x2eff0000n },
          { base: 0x8000000000n, size: 0x8000000000n },
        ],
      },
    ]);
    expect(s.rootComplexes[0].routes).toEqual([
      { rids: [0, 255], smmu: { path: 'IORT.smmu_v3[0]', streamIds: [0, 255] }, its: { path: 'IORT.its_group[0]', deviceIds: [0, 255] } },
      { rids: [256, 65535], its: { path: 'IORT.its_group[0]', deviceIds: [256, 65535] } },
    ]);
  });

  it('diff keys the routes by segment: --hide-smmu changes each segment’s path, never where an ID ends; a remapped ID is said', () => {
    const host = readTables(SERVER).set;
    const dom0 = buildDom0(host, { profile: 'design', hideSmmu: true }).tables;
    const routes = diffTables(host, dom0).filter((c) => /^IORT\.pci_segment\[/.test(c.path));
    expect(routes.map((c) => c.path)).toEqual(['IORT.pci_segment[0].routes', 'IORT.pci_segment[1].routes']);
    expect(routes[1]).toMatchObject({
      old: 'RIDs 0x0-0xFFFF via smmu_v3[1] StreamIDs 0x0-0xFFFF to its_group[1] DeviceIDs 0x10000-0x1FFFF',
      new: 'RIDs 0x0-0xFFFF to its_group[1] DeviceIDs 0x10000-0x1FFFF',
      note: 'every requester ID still ends at the same ITS group and DeviceID',
      seat: { old: 'IORT.root_complex[1]', new: 'IORT.root_complex[1]' },
    });
    // an SMMU that sends segment 1's IDs elsewhere: the route changes, and no note says all is as before
    const shifted = editTable(host, 'IORT', (t) => ({
      ...t,
      items: t.items!.map((n) =>
        n.fields.type === 4 && n.fields.identifier === 0x101
          ? { ...n, parts: { ...n.parts, mappings: (n.parts!.mappings as Node[]).map((m) => ({ ...m, fields: { ...m.fields, output_base: 0x20000 } })) } }
          : n,
      ),
    }));
    const moved = diffTables(host, shifted).find((c) => c.path === 'IORT.pci_segment[1].routes')!;
    expect(moved.new).toBe('RIDs 0x0-0xFFFF via smmu_v3[1] StreamIDs 0x0-0xFFFF to its_group[1] DeviceIDs 0x20000-0x2FFFF');
    expect(moved.note).toBeUndefined();
  });

  it('dump --format json carries each segment', async () => {
    const r = await cli('dump', SERVER, '--format', 'json');
    const segs = JSON.parse(r.out).pciSegments;
    expect(segs[1]).toEqual({
      segment: 1,
      ecam: [{ path: 'MCFG.allocation[1]', base: expect.stringMatching(/^0x/), buses: '0x0-0xFF' }],
      bridges: [],
      rootComplexes: [
        {
          path: 'IORT.root_complex[1]',
          routes: [
            {
              rids: '0x0-0xFFFF',
              smmu: { path: 'IORT.smmu_v3[1]', streamIds: '0x0-0xFFFF' },
              its: { path: 'IORT.its_group[1]', deviceIds: '0x10000-0x1FFFF' },
            },
          ],
        },
      ],
    });
  });
});
