// The build options, checked once for the library and the CLI alike: types (a number where a bigint
// belongs is named, not a "Cannot mix BigInt" later), alignment, ranges inside 64 bits, names.
// The CLI names each option as its flag (--mem), the library as its field (mem[0]).
import { hex } from '../layout/diagnostics.js';
import { type BuildOptions, BuildError } from './types.js';

const PAGE = 4096n;
const LIMIT = 1n << 64n;

/** How a refusal names an option: its field and, for a list, the index. */
export type OptionName = (field: keyof BuildOptions, index?: number) => string;

export const fieldName: OptionName = (field, index) => (index === undefined ? field : `${field}[${index}]`);

const KNOWN = new Set<string>([
  'profile',
  'vcpus',
  'hostMpidrs',
  'base',
  'mem',
  'acpiRegions',
  'bootargs',
  'initrd',
  'staoPaths',
  'xenVersion',
  'its',
  'hideSmmu',
  'hideDevices',
  'relocate',
  'skip',
  'only',
] satisfies (keyof BuildOptions)[]);

const shown = (v: unknown) => (typeof v === 'bigint' ? `${hex(v)}n` : typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Throws a BuildError naming the first option that cannot work. */
export function checkOptions(o: BuildOptions, name: OptionName = fieldName): void {
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new BuildError(`unknown option ${k} (options: ${[...KNOWN].join(', ')})`);
  const bad = (field: keyof BuildOptions, why: string, index?: number): never => {
    throw new BuildError(`${name(field, index)}: ${why}`);
  };
  const oneOf = (field: 'profile' | 'relocate', choices: string[]) => {
    if (!choices.includes(o[field] as string)) bad(field, `${shown(o[field])} is not one of ${choices.join(', ')}`);
  };
  const bigint = (field: keyof BuildOptions, v: unknown, index?: number): bigint => {
    if (typeof v !== 'bigint')
      return bad(field, `${shown(v)} is a ${typeof v}: addresses and sizes are bigints (${typeof v === 'number' ? `${v}n` : '0x1000n'})`, index);
    if (v < 0n || v >= LIMIT) return bad(field, `${shown(v)} is outside the 64-bit address space`, index);
    return v;
  };
  const ranges = (field: 'mem' | 'acpiRegions') => {
    const list = o[field];
    if (list === undefined) return;
    if (!Array.isArray(list)) return bad(field, 'give a list of { base, size } ranges (or leave it out to derive it)');
    list.forEach((r: unknown, i) => {
      const { base, size } = (r ?? {}) as { base?: unknown; size?: unknown };
      const b = bigint(field, base, i);
      const s = bigint(field, size, i);
      if (s === 0n) bad(field, `${hex(b)}:${hex(s)} has size 0`, i);
      if (b % PAGE || s % PAGE) bad(field, `${hex(b)}:${hex(s)} must be 4 KiB aligned in base and size (EFI memory map pages)`, i);
      if (b + s > LIMIT) bad(field, `${hex(b)}:${hex(s)} runs past the 64-bit address space`, i);
    });
  };
  oneOf('profile', ['design', 'xen']);
  oneOf('relocate', ['none', 'all']);
  if (o.vcpus !== undefined && (typeof o.vcpus !== 'number' || !Number.isInteger(o.vcpus) || o.vcpus < 0))
    bad('vcpus', `${shown(o.vcpus)} is not a whole number of vCPUs`);
  if (o.base !== undefined) {
    const b = bigint('base', o.base);
    if (b % PAGE) bad('base', `${hex(b)} must be 4 KiB aligned`);
  }
  ranges('mem');
  ranges('acpiRegions');
  if (o.initrd !== undefined) {
    const start = bigint('initrd', o.initrd?.start);
    const size = bigint('initrd', o.initrd?.size);
    if (start + size > LIMIT) bad('initrd', `${hex(start)}:${hex(size)} runs past the 64-bit address space`);
  }
  if (o.bootargs !== undefined && typeof o.bootargs !== 'string') bad('bootargs', `${shown(o.bootargs)} is not a string`);
  if (typeof o.xenVersion !== 'string' || !/^[0-9A-Za-z._+-]+$/.test(o.xenVersion)) bad('xenVersion', `${shown(o.xenVersion)} is not a version string`);
  if (!Array.isArray(o.staoPaths)) bad('staoPaths', 'give a list of ACPI paths');
  o.staoPaths.forEach((p, i) => typeof p !== 'string' && bad('staoPaths', `${shown(p)} is not a string`, i));
  for (const field of ['skip', 'only'] as const) {
    const list = o[field];
    if (list !== undefined && (!Array.isArray(list) || list.some((p) => typeof p !== 'string'))) bad(field, 'give a list of pass names');
  }
  for (const field of ['its', 'hostMpidrs', 'hideSmmu'] as const)
    if (o[field] !== undefined && typeof o[field] !== 'boolean') bad(field, `${shown(o[field])} is not true or false`);
  if (o.hideDevices !== undefined) {
    if (!Array.isArray(o.hideDevices)) bad('hideDevices', 'give a list of ACPI paths');
    o.hideDevices.forEach((p, i) => {
      if (typeof p !== 'string' || !/^\\[A-Z_][A-Z0-9_]{0,3}(\.[A-Z_][A-Z0-9_]{0,3})*$/.test(p))
        bad('hideDevices', `${shown(p)} is not a full ACPI path like \\_SB.FWCF`, i);
    });
    if (o.hideDevices.length && o.profile === 'xen') bad('hideDevices', "is for the design profile: Xen passes the host's DSDT and SSDTs on to dom0 unchanged");
  }
  if (o.hideSmmu && o.profile === 'xen')
    bad('hideSmmu', 'is for the design profile: Xen passes the host IORT on to dom0 unchanged (acpi_map_other_tables()), SMMUs included');
}
