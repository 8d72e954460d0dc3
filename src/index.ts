// Public library API.
export { decodeTable, encodeTable, withoutFaults, defFor, describeSignature, type AcpiTable, type DecodeResult } from './tables/registry.js';
export { readTables, type ReadOptions } from './io/read.js';
export { formatAcpidumpSet, formatBlock, parseAcpidump } from './io/acpidump.js';
export { writeImage, scanForRsdp } from './io/image.js';
export {
  findTable, allEntries, resolveLinks, rootTable, tableFileNames,
  type TableSet, type TableEntry, type Link, type InputKind,
} from './model/tableset.js';
export { type Finding, type Severity, formatFinding } from './layout/diagnostics.js';
export { fieldsOf, make, type Node, type ContainerDef, type PartDef, type SubtableFamily } from './layout/codec.js';
export type { Fields, FieldsOf, Value, Layout, Field } from './layout/schema.js';
export type { TableRule, RuleContext, PointerDef, CodeInfo } from './model/rules.js';
export { madt, gicc, gicd, gicInfo } from './tables/madt.js';
export { fadt } from './tables/fadt.js';
export { describeNode, leaves, type Entry } from './layout/describe.js';
export { dumpTableText } from './dump/text.js';
export { tableJson, setJson } from './dump/json.js';
export { buildDom0, type Dom0Output } from './rewrite/build.js';
export { BUILD_CODES, type BuildCode } from './rewrite/codes.js';
export { runPasses, runPipeline, defaultOptions, selectPasses, orderPasses, PASSES, PROFILES, type PassLog, type BuildResult } from './rewrite/pipeline.js';
export { type BuildOptions, type Profile, type Range, type PassDef, type PlacedSet, BuildError, DEFAULTS } from './rewrite/types.js';
export { writeFdt, FdtWriter, type FdtNode } from './fdt/writer.js';
export { diffTable, diffNode, type Change } from './diff/table.js';
export { checkTables, CODES, type CheckOptions } from './check/index.js';
export { diffTables, tableKeys, type DiffOptions } from './diff/set.js';
export { readFdt, findNode } from './fdt/reader.js';
