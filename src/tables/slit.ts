// SLIT, ACPI 6.5 §5.2.17: the number of localities (u64), then the N × N matrix of relative
// distances, one byte each (10 on the diagonal, 255 for unreachable).
import { layout, u64 } from '../layout/schema.js';
import type { ContainerDef } from '../layout/codec.js';
import { headerField } from './common.js';

export const slit = {
  name: 'SLIT',
  label: 'System Locality Information Table',
  minLength: 44,
  layout: layout('slit', [headerField(), u64('locality_count', 'Localities')]),
  parts: [{ key: 'distance', label: 'Locality', kind: 'matrix', width: 1, count: 'locality_count', cols: 'locality_count' }],
} satisfies ContainerDef;
