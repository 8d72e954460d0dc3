// STAO, "ACPI Specification for Status Override Table" (LINARO-0002 v0.3), revision 1:
// a UART byte followed by NUL-terminated ACPI paths up to the table length.
import { layout, u8 } from '../layout/schema.js';
import type { ContainerDef } from '../layout/codec.js';
import { headerField } from './common.js';

export const STAO_SIZE = 37;

export const stao = {
  name: 'STAO',
  label: 'Status Override Table',
  minLength: STAO_SIZE,
  layout: layout('stao', [headerField(), u8('ignore_uart', 'Ignore UART')]),
  parts: [{ key: 'names', label: 'Namepath', kind: 'strings' }],
} satisfies ContainerDef;
