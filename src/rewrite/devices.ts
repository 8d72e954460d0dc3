// devices (design, --hide-device, and the STAO's --stao-path names, which Linux does not read): dom0's
// DSDT and SSDTs with the devices the hypervisor owns made absent, so that dom0 binds no driver to them. Linux enumerates no device whose _STA says neither
// present nor functioning, nor anything below it (drivers/acpi/scan.c acpi_bus_attach(),
// acpi_device_is_present()). A constant _STA is changed in place to Zero; a method _STA, or a missing
// one, becomes Name (_STA, Zero) — the block's term tree is edited and written back, every
// enclosing PkgLength derived again. Refused, naming the path: a path that is no device, a PCI host
// bridge or a processor (the tables need them), and a device another table still points at (the
// SPCR's or DBG2's UART, an IORT named component).
import { readAml, encodeTerms, type AmlBlock, type AmlSet } from '../aml/index.js';
import { HOST_BRIDGE_IDS, PROCESSOR_ID, devicesOf, fullPathOf, hasId, type AmlDevice } from '../aml/devices.js';
import { BY_CODE } from '../aml/opcodes.js';
import { pathText, type Arg, type Term } from '../aml/tree.js';
import { encodeTable, type AcpiTable } from '../tables/registry.js';
import { partIn, partOf, fieldsOf } from '../layout/codec.js';
import { spcrLayout } from '../tables/spcr.js';
import { namedComponent, IORT_NAMED_COMPONENT } from '../tables/iort-nodes.js';
import { type Pass, type PassDef, type Dom0Table, BuildError, withTable, warn } from './types.js';
import { followRefs } from './relocate.js';
import { dbg2Register, registersPart } from '../tables/dbg2.js';

/** The devices the tables need: PCI host bridges and processors. */
const NEEDED = [...HOST_BRIDGE_IDS, PROCESSOR_ID];

const opByName = (asl: string) => [...BY_CODE.values()].find((d) => d.asl === asl)!.code;
const NAME = opByName('Name');
const METHOD = opByName('Method');
const ZERO = opByName('Zero');

/** A name as the term tree holds it: one segment, no prefix. */
const seg = (s: string): Arg => ({ t: 'name', v: { root: false, parents: 0, segs: [s], form: 'seg' } });
/** Name (_STA, Zero), a term of no table offset (a new one). */
const absentSta = (): Term => ({ code: NAME, at: -1, args: [seg('_STA'), { t: 'term', v: { code: ZERO, at: -1, args: [] } }] });

/** The name a Name or Method term declares, as stored. */
const declared = (t: Term) =>
  (t.code === NAME || t.code === METHOD) && t.args[0]?.t === 'name' && t.args[0].v.form === 'seg' && !t.args[0].v.root ? t.args[0].v.segs[0] : undefined;

/** The device's term in its block (found by the offset its namespace object names). */
function deviceTerm(block: AmlBlock, offset: number): Term | undefined {
  const stack = [...block.terms];
  while (stack.length) {
    const t = stack.pop()!;
    if (t.at === offset) return t;
    const def = BY_CODE.get(t.code);
    // only scope-level lists: a device is declared in none other
    if (!def?.args.includes('terms') || def.declares?.kind === 'Method') continue;
    const body = t.args[t.args.length - 1];
    if (body?.t === 'terms') for (const k of body.v) stack.push(k);
  }
  return undefined;
}

/** Why the tables need the device, or undefined. */
function neededBy(set: Parameters<Pass>[0], d: AmlDevice): string | undefined {
  if (hasId(d, ...NEEDED)) return `it is a ${hasId(d, PROCESSOR_ID) ? 'processor' : 'PCI host bridge'}, which dom0 cannot run without`;
  const base = (() => {
    if (d.crs?.is !== 'constant') return undefined;
    const m = d.crs.value.descriptors.find((x) => x.fields.base !== undefined || x.fields.min !== undefined);
    return m ? BigInt((m.fields.base ?? m.fields.min) as number | bigint) : undefined;
  })();
  for (const t of set.tables) {
    const sig = t.table.signature;
    if (sig === 'SPCR' && base !== undefined && BigInt(fieldsOf({ layout: spcrLayout }, t.table).serial_port?.address ?? -1n) === base)
      return 'the SPCR names its registers (the STAO hides the SPCR UART from dom0 already)';
    if (sig === 'DBG2' && base !== undefined)
      for (const n of t.table.items ?? [])
        for (const r of partOf(registersPart, n) ?? [])
          if (BigInt(fieldsOf(dbg2Register, r).address.address) === base) return 'the DBG2 names its registers as a debug port';
    if (sig === 'IORT')
      for (const n of t.table.items ?? [])
        if (n.fields.type === IORT_NAMED_COMPONENT && partIn(namedComponent, 'device_name', n) === d.fullPath) return 'an IORT named component names it';
  }
  return undefined;
}

/** Where a path leads among the blocks' devices, or why it is not to be hidden. */
type Target = { device: AmlDevice } | { refused: string };

function targetOf(set: Parameters<Pass>[0], aml: AmlSet, devices: AmlDevice[], p: string): Target {
  const full = fullPathOf(p);
  const d = devices.find((x) => x.fullPath === full);
  if (!d) {
    const o = aml.namespace.find((x) => pathText(x.segs) === full);
    return { refused: o ? `it is a ${o.kind}, not a device` : 'no object of the DSDT/SSDTs has that path' };
  }
  const why = neededBy(set, d);
  return why ? { refused: why } : { device: d };
}

const run: Pass = (set, opts) => {
  // what --hide-device names, and (design) every STAO name: Linux ignores the STAO's list, so a
  // device it names is hidden from dom0 only by its _STA
  const asked = opts.hideDevices ?? [];
  const stao = opts.profile === 'design' ? opts.staoPaths.filter((p) => !asked.includes(p)) : [];
  if (!asked.length && !stao.length) return { set, changes: [] };
  const tables = set.tables.filter((t) => t.table.signature === 'DSDT' || t.table.signature === 'SSDT');
  const aml = readAml(
    tables.map((t) => {
      const bytes = encodeTable(t.table);
      return { table: t.id, bytes, revision: bytes[8] };
    }),
  );
  const devices = devicesOf(aml.namespace);
  let next = set;
  const targets: AmlDevice[] = [];
  for (const p of asked) {
    const t = targetOf(set, aml, devices, p);
    if ('refused' in t) throw new BuildError(`--hide-device ${p}: ${t.refused}`);
    targets.push(t.device);
  }
  for (const p of stao) {
    const t = targetOf(set, aml, devices, p);
    if ('device' in t) targets.push(t.device);
    // the SPCR UART is hidden by the STAO's flag, the way Linux hides it: nothing to say
    else if (!t.refused.startsWith('the SPCR'))
      next = warn(
        next,
        'BUILD_STAO_NAME_KEPT',
        'STAO',
        'STAO',
        `--stao-path ${p}: ${t.refused}, so it is not made absent in dom0's DSDT/SSDTs (Linux ignores the STAO's name list)`,
      );
  }
  const edited = new Set<number>();
  for (const d of targets) {
    const i = tables.findIndex((t) => t.id === d.object.table);
    const term = deviceTerm(aml.blocks[i], d.object.offset);
    const body = term?.args[term.args.length - 1];
    if (!term || body?.t !== 'terms') throw new BuildError(`--hide-device ${d.path}: its Device term was not read (the AML around it could not be)`);
    const list = body.v;
    const k = list.findIndex((x) => declared(x) === '_STA');
    const kids =
      k < 0 ? [absentSta(), ...list] : list.map((x, j) => (j !== k ? x : x.code === NAME ? { ...x, args: [x.args[0], absentSta().args[1]] } : absentSta()));
    term.args[term.args.length - 1] = { t: 'terms', v: kids };
    edited.add(i);
  }
  for (const i of edited) {
    const t: Dom0Table = tables[i];
    const table: AcpiTable = { ...t.table, tail: new Uint8Array(encodeTerms(aml.blocks[i].terms)) };
    next = withTable(next, { ...t, table, origin: 'new' });
    // a DSDT made anew is placed in the new region: the FADT's pointers to it follow it there
    for (const f of next.tables) {
      const refs = followRefs(f, t.id);
      if (refs.length) next = withTable(next, { ...f, refs: [...(f.refs ?? []).filter((r) => r.to !== t.id), ...refs] });
    }
  }
  return { set: next, changes: [] };
};

export const devicesPass: PassDef = {
  name: 'devices',
  stage: 'tables',
  summary: "--hide-device (and the design STAO's --stao-path names): the devices the hypervisor owns made absent in dom0's DSDT/SSDTs (_STA Zero)",
  before: ['xsdt'],
  run,
};
