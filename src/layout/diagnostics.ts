// Findings: what decode, read and check report. One shape for every producer, so the CLI prints
// them the same way and tests can match on code, path and offset.

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** stable code, e.g. DECODE_SUBTABLE_LENGTH_ZERO */
  code: string;
  severity: Severity;
  /** table signature ("APIC"; the root pointer is "RSDP") or "" for input-level findings */
  table: string;
  /** field path in the shared vocabulary (APIC.gicc[3].length) */
  path: string;
  /** byte offset inside the table (or the input file for input-level findings) */
  offset?: number;
  message: string;
  /** input file (or file:line for acpidump text) */
  file?: string;
  /** check --baseline accepts it: shown, but it does not fail */
  baselined?: boolean;
}

/** A fault the tool recognises and can say in words: in the input's bytes, in the options, in a
 * path or on the file system (a full disk). Every error the tool means to give a user is one of
 * these (or a subclass); anything else that is thrown is a bug of dom0-acpi's own, and the CLI says
 * so ("internal error", exit 70) instead of blaming the input. */
export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refusal';
  }
}

export const hex = (n: number | bigint, width = 0): string => '0x' + n.toString(16).toUpperCase().padStart(width, '0');

/** One line, in the form the CLI prints: `file: SIG: offset 0x2c: message`. */
export function formatFinding(f: Finding): string {
  const parts: string[] = [];
  if (f.file) parts.push(f.file);
  if (f.table) parts.push(f.table);
  let msg = f.message;
  if (f.offset !== undefined) msg = `offset ${hex(f.offset)}: ${msg}`;
  parts.push(msg);
  return parts.join(': ');
}
