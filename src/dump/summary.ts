// dump --summary: one line per table with the facts a dom0 bring-up looks at first.
import type { Fields } from '../layout/schema.js';
import type { TableEntry, TableSet } from '../model/tableset.js';
import { hasChecksumFault } from '../tables/registry.js';
import { u64Text } from './text.js';
import { resolveLinks } from '../model/tableset.js';
import { hex } from '../model/diagnostics.js';
import { MADT_GICC, MADT_GICD, MADT_GICR, MADT_ITS, MADT_MSI_FRAME, GICC_ENABLED } from '../tables/madt.js';
import { FADT_HW_REDUCED } from '../tables/fadt.js';
import { SPCR_INTERFACE_TYPES } from '../tables/spcr.js';

const n = (v: unknown) => Number(v ?? 0);

function facts(e: TableEntry, set: TableSet): string {
  const t = e.table;
  const f = t.fields;
  switch (t.signature) {
    case 'RSDP':
      return `rev ${f.revision}, RSDT ${hex(n(f.rsdt_address))}${'xsdt_address' in f ? `, XSDT ${hex(f.xsdt_address as bigint)}` : ''}`;
    case 'XSDT':
    case 'RSDT': {
      const links = resolveLinks(set).filter((l) => l.from.startsWith(`${t.signature}.`));
      const names = links.map((l) => l.to?.table.signature ?? `?${hex(l.address)}`);
      return `${t.items?.length ?? 0} entries${names.length && e.address !== undefined ? `: ${names.join(' ')}` : ''}`;
    }
    case 'FACP': {
      const parts = [`rev ${(f.header as Fields).revision}${'minor_revision' in f ? `.${f.minor_revision}` : ''}`];
      parts.push(n(f.flags) & FADT_HW_REDUCED ? 'HW-reduced' : 'not HW-reduced');
      if ('arm_boot_flags' in f) {
        const a = n(f.arm_boot_flags);
        parts.push(a & 1 ? (a & 2 ? 'PSCI/HVC' : 'PSCI/SMC') : 'no PSCI');
      }
      if ('hypervisor_id' in f && f.hypervisor_id !== 0n) {
        parts.push(`hypervisor "${u64Text(f.hypervisor_id as bigint)}"`);
      }
      return parts.join(', ');
    }
    case 'APIC': {
      const items = t.items ?? [];
      const of = (type: number) => items.filter((i) => i.fields.type === type);
      const giccs = of(MADT_GICC);
      const enabled = giccs.filter((g) => n(g.fields.flags) & GICC_ENABLED).length;
      const lens = [...new Set(giccs.map((g) => g.fields.length))].join('/');
      const gicd = of(MADT_GICD)[0];
      const parts = [`${giccs.length} GICC (${enabled} enabled${lens ? `, ${lens} bytes` : ''})`];
      if (gicd) parts.push(`GICD v${gicd.fields.version}`);
      for (const [type, name] of [[MADT_GICR, 'GICR'], [MADT_ITS, 'ITS'], [MADT_MSI_FRAME, 'MSI frame']] as const) {
        const c = of(type).length;
        if (c) parts.push(`${c} ${name}`);
      }
      const other = items.length - giccs.length - of(MADT_GICD).length - of(MADT_GICR).length - of(MADT_ITS).length - of(MADT_MSI_FRAME).length;
      if (other) parts.push(`${other} other`);
      return parts.join(', ');
    }
    case 'GTDT':
      return `rev ${(f.header as Fields).revision}, virt EL1 GSIV ${n(f.virtual_timer_interrupt)}, EL2 GSIV ${n(f.non_secure_el2_interrupt)}, ${t.items?.length ?? 0} platform timer(s)`;
    case 'SPCR': {
      const port = f.serial_port as Fields | undefined;
      const it = n(f.interface_type);
      return `rev ${(f.header as Fields).revision}, ${SPCR_INTERFACE_TYPES[it] ?? `type ${hex(it)}`} @ ${port ? hex(port.address as bigint) : '?'}, GSIV ${n(f.interrupt)}`;
    }
    case 'STAO':
      return `ignore UART ${n(f.ignore_uart)}, ${t.strings?.length ?? 0} name(s)`;
    default:
      return '';
  }
}

export function summaryLines(set: TableSet, entries: TableEntry[]): string[] {
  const lines = entries.map((e) => {
    const t = e.table;
    const h = (t.fields.header as Fields | undefined) ?? t.fields;
    const addr = e.address === undefined ? '-'.padEnd(18) : hex(e.address, 16);
    const oem = typeof h.oem_id === 'string' ? `"${h.oem_id}"` : '';
    const ck = hasChecksumFault(t) ? 'CHECKSUM BAD' : 'checksum ok';
    return `${t.signature.padEnd(4)}  ${addr}  ${String(e.bytes.length).padStart(6)} B  ${oem.padEnd(8)}  ${ck}  ${facts(e, set)}`.trimEnd();
  });
  return [`${set.origin}: ${set.kind}, ${entries.length} table(s)`, ...lines];
}
