// Type-level checks, compiled by `npm run typecheck` (part of `npm test`): field access typed from
// the declarations, so a renamed or mistyped field is a compile error, not a run-time surprise.
import { fieldsOf, make, type Node } from '../src/layout/codec.js';
import { gicc, gicd } from '../src/tables/madt.js';
import { fadt } from '../src/tables/fadt.js';
import { sratMemory } from '../src/tables/srat.js';
import { rule, spec } from '../src/model/rules.js';

declare const n: Node;
const g = fieldsOf(gicc, n);
export const mpidr: bigint = g.arm_mpidr;
export const uid: number = g.uid;
// @ts-expect-error a field the GICC declaration does not have
export const wrong = g.arm_mpidr_typo;
// @ts-expect-error the MPIDR is a u64: a bigint, not a number
export const notNumber: number = g.arm_mpidr;
export const version: number = fieldsOf(gicd, n).version;
export const hv: bigint = fieldsOf(fadt, n).hypervisor_id;
export const oem: string = fieldsOf(fadt, n).header.oem_id;
export const base: bigint = fieldsOf(sratMemory, n).base_address;
// make() takes only declared fields, with their types
export const built = make(gicc, { type: 0x0b, uid: 3, arm_mpidr: 0x100n });
// @ts-expect-error an undeclared field
export const bad = make(gicc, { mpidr: 0x100n });
// @ts-expect-error a u64 given as a number
export const bad2 = make(gicc, { arm_mpidr: 0x100 });

// a rule reports only the codes it declares: a typo in a finding code is a compile error
export const typedRule = rule({
  codes: { MCFG_EXAMPLE: { summary: 'an example', consumers: [spec('an example', 'here')] } },
  run(c) {
    c.report('MCFG_EXAMPLE', 'MCFG', 'declared: fine');
    // @ts-expect-error a code this rule does not declare
    c.report('MCFG_EXAMPEL', 'MCFG', 'a typo');
  },
});
